import { HttpError } from '../operations.js';
import { nodeId, type Urls, userJson } from '../resources.js';
import type { Route, Services } from '../router.js';
import { paginate } from '../router.js';
import { type CommitStatus, now, type Repo } from '../state.js';

function statusJson(u: Urls, repo: Repo, status: CommitStatus) {
  return {
    url: `${u.api}/repos/${repo.fullName}/statuses/${status.sha}`,
    avatar_url: null,
    id: status.id,
    node_id: nodeId('StatusContext', status.id),
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: status.createdAt,
    updated_at: status.createdAt,
    creator: userJson(u, status.creator),
  };
}

/** Commit statuses (a context per commit, e.g. assembly-line/validate). */
export function statusRoutes(s: Services): Route[] {
  return [
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/statuses/{sha}',
      requires: [['statuses', 'write']],
      handle: async (ctx) => {
        const sha = ctx.params.sha!;
        if ((await ctx.repo.store.objectType(sha)) !== 'commit')
          throw new HttpError(422, `No commit found for SHA: ${sha}`);
        const body = ctx.body as {
          state: string;
          context?: string;
          description?: string | null;
          target_url?: string | null;
        };
        const status: CommitStatus = {
          id: s.state.nextId(),
          sha,
          state: body.state,
          context: body.context ?? 'default',
          description: body.description ?? null,
          targetUrl: body.target_url ?? null,
          creator: ctx.actor,
          createdAt: now(),
        };
        ctx.repo.statuses.push(status);
        return { status: 201, body: statusJson(s.urls, ctx.repo, status) };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/commits/{ref}/statuses',
      requires: [['statuses', 'read']],
      handle: async (ctx) => {
        const ref = ctx.params.ref!;
        const sha = await ctx.repo.store.resolveCommitish(ref);
        const list = ctx.repo.statuses.filter((st) => st.sha === sha).reverse();
        return paginate(
          ctx,
          list,
          `${s.urls.api}/repos/${ctx.repo.fullName}/commits/${ref}/statuses`,
          (page) => page.map((st) => statusJson(s.urls, ctx.repo, st)),
        );
      },
    },
  ];
}
