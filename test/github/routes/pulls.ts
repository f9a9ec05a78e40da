import { HttpError } from '../operations.js';
import { pullJson, reviewJson } from '../resources.js';
import type { Context, Route, Services } from '../router.js';
import { paginate } from '../router.js';
import type { Issue } from '../state.js';

/** Pull requests: list, create, get, update, merge, files, and reviews. */
export function pullRoutes(s: Services): Route[] {
  const pullOf = (ctx: Context): Issue => {
    const issue = ctx.repo.issues.get(Number(ctx.params.pull_number));
    if (!issue?.pull) throw new HttpError(404, 'Not Found');
    return issue;
  };
  const detailed = async (ctx: Context, issue: Issue) =>
    pullJson(s.urls, ctx.repo, issue, await s.ops.pullDetail(ctx.repo, issue));
  const base = (ctx: Context) => `${s.urls.api}/repos/${ctx.repo.fullName}/pulls`;

  return [
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/pulls',
      requires: [['pull_requests', 'read']],
      handle: (ctx) => {
        const { state = 'open', head, base: baseRef, direction } = ctx.query;
        let pulls = [...ctx.repo.issues.values()].filter(
          (i) => i.pull && (state === 'all' || i.state === state),
        );
        if (head) {
          const [owner, branch] = head.includes(':') ? head.split(':', 2) : [ctx.repo.owner.login, head];
          pulls = pulls.filter((i) => i.pull!.head.repo.owner.login === owner && i.pull!.head.ref === branch);
        }
        if (baseRef) pulls = pulls.filter((i) => i.pull!.base.ref === baseRef);
        pulls.sort((a, b) => b.number - a.number);
        if (direction === 'asc') pulls.reverse();
        return paginate(ctx, pulls, base(ctx), (page) => page.map((i) => pullJson(s.urls, ctx.repo, i)));
      },
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/pulls',
      requires: [['pull_requests', 'write']],
      handle: async (ctx) => {
        const issue = await s.ops.openPull(ctx.repo, ctx.body, ctx.actor);
        return { status: 201, body: await detailed(ctx, issue) };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/pulls/{pull_number}',
      requires: [['pull_requests', 'read']],
      handle: async (ctx) => ({ status: 200, body: await detailed(ctx, pullOf(ctx)) }),
    },
    {
      method: 'PATCH',
      template: '/repos/{owner}/{repo}/pulls/{pull_number}',
      requires: [['pull_requests', 'write']],
      handle: async (ctx) => {
        const issue = pullOf(ctx);
        const {
          title,
          body,
          state,
          base: newBase,
        } = ctx.body as { title?: string; body?: string; state?: 'open' | 'closed'; base?: string };
        const edited =
          (title !== undefined && title !== issue.title) || (body !== undefined && body !== issue.body);
        const changes: Record<string, { from: string | null }> = {};
        if (title !== undefined && title !== issue.title) changes.title = { from: issue.title };
        if (body !== undefined && body !== issue.body) changes.body = { from: issue.body };
        if (title !== undefined) issue.title = title;
        if (body !== undefined) issue.body = body;
        if (newBase !== undefined) {
          const sha = await ctx.repo.store.resolveRef(`refs/heads/${newBase}`);
          if (!sha)
            throw new HttpError(422, 'Validation Failed', [
              { resource: 'PullRequest', field: 'base', code: 'invalid' },
            ]);
          issue.pull!.base = { ref: newBase, sha };
        }
        if (edited) {
          issue.updatedAt = `${new Date().toISOString().slice(0, 19)}Z`;
          await s.ops.emitPull(ctx.repo, issue, 'edited', ctx.actor, { changes });
        }
        if (state !== undefined) await s.ops.setIssueState(ctx.repo, issue, state, ctx.actor);
        return { status: 200, body: await detailed(ctx, issue) };
      },
    },
    {
      method: 'PUT',
      template: '/repos/{owner}/{repo}/pulls/{pull_number}/merge',
      // GitHub asks for contents: write to merge, not pull_requests.
      requires: [['contents', 'write']],
      handle: async (ctx) => {
        const sha = await s.ops.mergePull(ctx.repo, pullOf(ctx), ctx.body ?? {}, ctx.actor);
        return { status: 200, body: { sha, merged: true, message: 'Pull Request successfully merged' } };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/pulls/{pull_number}/files',
      requires: [['pull_requests', 'read']],
      handle: async (ctx) => {
        const issue = pullOf(ctx);
        const store = ctx.repo.store;
        const head = `refs/pull/${issue.number}/head`;
        const forkPoint = (await store.mergeBase(issue.pull!.base.sha, head)) ?? issue.pull!.base.sha;
        const headTree = await store.readTree(head, true);
        const files = (await store.diffFiles(forkPoint, head)).map((f) => {
          const sha = headTree.find((e) => e.path === f.path)?.sha ?? '0'.repeat(40);
          const status =
            ({ A: 'added', D: 'removed', M: 'modified' } as Record<string, string>)[f.status] ?? 'changed';
          return {
            sha,
            filename: f.path,
            status,
            additions: f.additions,
            deletions: f.deletions,
            changes: f.additions + f.deletions,
            blob_url: `${s.urls.html}/${ctx.repo.fullName}/blob/${issue.pull!.head.sha}/${f.path}`,
            raw_url: `${s.urls.html}/${ctx.repo.fullName}/raw/${issue.pull!.head.sha}/${f.path}`,
            contents_url: `${s.urls.api}/repos/${ctx.repo.fullName}/contents/${f.path}?ref=${issue.pull!.head.sha}`,
          };
        });
        return paginate(ctx, files, `${base(ctx)}/${issue.number}/files`);
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
      requires: [['pull_requests', 'read']],
      handle: (ctx) => {
        const issue = pullOf(ctx);
        return paginate(ctx, issue.pull!.reviews, `${base(ctx)}/${issue.number}/reviews`, (page) =>
          page.map((r) => reviewJson(s.urls, ctx.repo, issue, r)),
        );
      },
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
      requires: [['pull_requests', 'write']],
      people: 'read',
      handle: async (ctx) => {
        const issue = pullOf(ctx);
        const review = await s.ops.submitReview(ctx.repo, issue, ctx.body ?? {}, ctx.actor);
        return { status: 200, body: reviewJson(s.urls, ctx.repo, issue, review) };
      },
    },
  ];
}
