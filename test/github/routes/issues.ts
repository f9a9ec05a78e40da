import { HttpError } from '../operations.js';
import { commentJson, issueJson, labelJson, nodeId, userJson } from '../resources.js';
import type { Context, Route, Services } from '../router.js';
import { paginate } from '../router.js';
import { type Issue, type Label, now } from '../state.js';

// GitHub accepts either permission for issue endpoints used on pull requests.
const ISSUES_READ: Array<[string, 'read' | 'write']> = [
  ['issues', 'read'],
  ['pull_requests', 'read'],
];
const ISSUES_WRITE: Array<[string, 'read' | 'write']> = [
  ['issues', 'write'],
  ['pull_requests', 'write'],
];

/** Issues (and pull requests as issues): state, comments, labels, reactions. */
export function issueRoutes(s: Services): Route[] {
  const issueOf = (ctx: Context): Issue => {
    const issue = ctx.repo.issues.get(Number(ctx.params.issue_number));
    if (!issue) throw new HttpError(404, 'Not Found');
    return issue;
  };
  const commentOf = (ctx: Context) => {
    const id = Number(ctx.params.comment_id);
    for (const issue of ctx.repo.issues.values()) {
      const comment = issue.comments.find((c) => c.id === id);
      if (comment) return { issue, comment };
    }
    throw new HttpError(404, 'Not Found');
  };
  /** Adding an unknown label creates it, as GitHub does. */
  const ensureLabel = (ctx: Context, name: string): Label => {
    let label = ctx.repo.labels.get(name);
    if (!label) {
      // '' rather than null: pull-request-simple's labels describe `description` as a plain string.
      label = { id: s.state.nextId(), name, color: 'ededed', description: '' };
      ctx.repo.labels.set(name, label);
    }
    return label;
  };
  const labelNames = (body: unknown): string[] => {
    const raw = Array.isArray(body) ? body : ((body as { labels?: unknown[] } | undefined)?.labels ?? []);
    return raw.map((l) => (typeof l === 'string' ? l : (l as { name: string }).name));
  };
  const issueLabels = (ctx: Context, issue: Issue) =>
    issue.labels.map((n) => labelJson(s.urls, ctx.repo, ctx.repo.labels.get(n)!));

  return [
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/issues',
      requires: ISSUES_READ,
      handle: (ctx) => {
        const { state = 'open', labels, creator } = ctx.query;
        const wanted = labels ? labels.split(',') : [];
        // GitHub lists pull requests among issues; newest first.
        const list = [...ctx.repo.issues.values()]
          .filter((i) => state === 'all' || i.state === state)
          .filter((i) => wanted.every((l) => i.labels.includes(l)))
          .filter((i) => !creator || i.user.login === creator)
          .sort((a, b) => b.number - a.number);
        return paginate(ctx, list, `${s.urls.api}/repos/${ctx.repo.fullName}/issues`, (page) =>
          page.map((i) => issueJson(s.urls, ctx.repo, i)),
        );
      },
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/issues',
      requires: [['issues', 'write']],
      people: 'read',
      handle: (ctx) => {
        const { title, body, labels } = ctx.body as {
          title: string | number;
          body?: string;
          labels?: unknown[];
        };
        const created = now();
        const issue: Issue = {
          id: s.state.nextId(),
          number: s.state.nextNumber(ctx.repo),
          title: String(title),
          body: body ?? null,
          state: 'open',
          user: ctx.actor,
          labels: labelNames(labels ?? []).map((n) => ensureLabel(ctx, n).name),
          comments: [],
          createdAt: created,
          updatedAt: created,
          closedAt: null,
        };
        ctx.repo.issues.set(issue.number, issue);
        return { status: 201, body: issueJson(s.urls, ctx.repo, issue) };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/issues/{issue_number}',
      requires: ISSUES_READ,
      handle: (ctx) => ({ status: 200, body: issueJson(s.urls, ctx.repo, issueOf(ctx)) }),
    },
    {
      method: 'PATCH',
      template: '/repos/{owner}/{repo}/issues/{issue_number}',
      requires: ISSUES_WRITE,
      handle: async (ctx) => {
        const issue = issueOf(ctx);
        const { title, body, state, labels } = ctx.body as {
          title?: string;
          body?: string;
          state?: 'open' | 'closed';
          labels?: unknown[];
        };
        if (title !== undefined) issue.title = title;
        if (body !== undefined) issue.body = body;
        if (labels !== undefined) issue.labels = labelNames(labels).map((n) => ensureLabel(ctx, n).name);
        if (state !== undefined) await s.ops.setIssueState(ctx.repo, issue, state, ctx.actor);
        return { status: 200, body: issueJson(s.urls, ctx.repo, issue) };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
      requires: ISSUES_READ,
      handle: (ctx) => {
        const issue = issueOf(ctx);
        return paginate(
          ctx,
          issue.comments,
          `${s.urls.api}/repos/${ctx.repo.fullName}/issues/${issue.number}/comments`,
          (page) => page.map((c) => commentJson(s.urls, ctx.repo, issue, c)),
        );
      },
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
      requires: ISSUES_WRITE,
      people: 'read',
      handle: (ctx) => {
        const issue = issueOf(ctx);
        const comment = s.ops.addComment(ctx.repo, issue, ctx.body.body, ctx.actor);
        return { status: 201, body: commentJson(s.urls, ctx.repo, issue, comment) };
      },
    },
    {
      method: 'PATCH',
      template: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
      requires: ISSUES_WRITE,
      handle: (ctx) => {
        const { issue, comment } = commentOf(ctx);
        comment.body = ctx.body.body;
        comment.updatedAt = `${new Date().toISOString().slice(0, 19)}Z`;
        return { status: 200, body: commentJson(s.urls, ctx.repo, issue, comment) };
      },
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
      requires: ISSUES_WRITE,
      people: 'read',
      handle: (ctx) => {
        const { comment } = commentOf(ctx);
        const existing = comment.reactions.find(
          (r) => r.user === ctx.actor && r.content === ctx.body.content,
        );
        const reaction = existing ?? {
          id: s.state.nextId(),
          content: ctx.body.content as string,
          user: ctx.actor,
          createdAt: `${new Date().toISOString().slice(0, 19)}Z`,
        };
        if (!existing) comment.reactions.push(reaction);
        return {
          status: existing ? 200 : 201,
          body: {
            id: reaction.id,
            node_id: nodeId('Reaction', reaction.id),
            user: userJson(s.urls, reaction.user),
            content: reaction.content,
            created_at: reaction.createdAt,
          },
        };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
      requires: ISSUES_READ,
      handle: (ctx) => ({ status: 200, body: issueLabels(ctx, issueOf(ctx)) }),
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
      requires: ISSUES_WRITE,
      handle: (ctx) => {
        const issue = issueOf(ctx);
        for (const name of labelNames(ctx.body))
          if (!issue.labels.includes(name)) issue.labels.push(ensureLabel(ctx, name).name);
        return { status: 200, body: issueLabels(ctx, issue) };
      },
    },
    {
      method: 'PUT',
      template: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
      requires: ISSUES_WRITE,
      handle: (ctx) => {
        const issue = issueOf(ctx);
        issue.labels = labelNames(ctx.body).map((n) => ensureLabel(ctx, n).name);
        return { status: 200, body: issueLabels(ctx, issue) };
      },
    },
    {
      method: 'DELETE',
      template: '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}',
      requires: ISSUES_WRITE,
      handle: (ctx) => {
        const issue = issueOf(ctx);
        if (!issue.labels.includes(ctx.params.name!)) throw new HttpError(404, 'Label does not exist');
        issue.labels = issue.labels.filter((n) => n !== ctx.params.name);
        return { status: 200, body: issueLabels(ctx, issue) };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/labels',
      requires: ISSUES_READ,
      handle: (ctx) =>
        paginate(
          ctx,
          [...ctx.repo.labels.values()],
          `${s.urls.api}/repos/${ctx.repo.fullName}/labels`,
          (page) => page.map((l) => labelJson(s.urls, ctx.repo, l)),
        ),
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/labels',
      requires: ISSUES_WRITE,
      handle: (ctx) => {
        const { name, color, description } = ctx.body as {
          name: string;
          color?: string;
          description?: string;
        };
        if (ctx.repo.labels.has(name))
          throw new HttpError(422, 'Validation Failed', [
            { resource: 'Label', code: 'already_exists', field: 'name' },
          ]);
        const label = {
          id: s.state.nextId(),
          name,
          color: (color ?? 'ededed').replace(/^#/, ''),
          description: description ?? '',
        };
        ctx.repo.labels.set(name, label);
        return { status: 201, body: labelJson(s.urls, ctx.repo, label) };
      },
    },
  ];
}
