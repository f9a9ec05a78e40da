import { HttpError } from '../operations.js';
import { workflowRunJson } from '../resources.js';
import type { Context, Route, Services } from '../router.js';
import { paginate } from '../router.js';
import type { Repo, WorkflowRun } from '../state.js';

// GitHub's `status` filter takes a status or a conclusion.
const matchesStatus = (run: WorkflowRun, wanted: string | undefined) =>
  !wanted || run.status === wanted || run.conclusion === wanted;

async function runJson(s: Services, repo: Repo, run: WorkflowRun) {
  const commit = await repo.store.readCommit(run.headSha).catch(() => undefined);
  return workflowRunJson(s.urls, repo, run, commit);
}

/** GitHub Actions' workflow runs, read-only: tests record them with `double.recordWorkflowRun`. */
export function actionRoutes(s: Services): Route[] {
  const runOf = (ctx: Context): WorkflowRun => {
    const run = ctx.repo.workflowRuns.find((r) => r.id === Number(ctx.params.run_id));
    if (!run) throw new HttpError(404, 'Not Found');
    return run;
  };
  return [
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/actions/runs',
      requires: [['actions', 'read']],
      handle: async (ctx) => {
        const q = ctx.query;
        const list = ctx.repo.workflowRuns
          .filter(
            (r) =>
              (!q.branch || r.headBranch === q.branch) &&
              (!q.event || r.event === q.event) &&
              (!q.head_sha || r.headSha === q.head_sha) &&
              (!q.actor || r.actor.login === q.actor) &&
              matchesStatus(r, q.status),
          )
          .reverse();
        const reply = paginate(ctx, list, `${s.urls.api}/repos/${ctx.repo.fullName}/actions/runs`);
        const page = reply.body as WorkflowRun[];
        const repo = ctx.repo;
        return {
          ...reply,
          body: {
            total_count: list.length,
            workflow_runs: await Promise.all(page.map((r) => runJson(s, repo, r))),
          },
        };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/actions/runs/{run_id}',
      requires: [['actions', 'read']],
      handle: async (ctx) => ({ status: 200, body: await runJson(s, ctx.repo, runOf(ctx)) }),
    },
  ];
}
