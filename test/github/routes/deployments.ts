import { HttpError } from '../operations.js';
import { deploymentJson, deploymentStatusJson } from '../resources.js';
import type { Context, Route, Services } from '../router.js';
import { paginate } from '../router.js';
import { type Deployment, now } from '../state.js';

/** Deployments and their statuses, as the Action's deploy records them. */
export function deploymentRoutes(s: Services): Route[] {
  const deploymentOf = (ctx: Context): Deployment => {
    const d = ctx.repo.deployments.find((x) => x.id === Number(ctx.params.deployment_id));
    if (!d) throw new HttpError(404, 'Not Found');
    return d;
  };
  return [
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/deployments',
      requires: [['deployments', 'write']],
      handle: async (ctx) => {
        const body = ctx.body as {
          ref: string;
          task?: string;
          environment?: string;
          description?: string | null;
          payload?: Record<string, unknown> | string;
          transient_environment?: boolean;
          production_environment?: boolean;
        };
        const sha = await ctx.repo.store.resolveCommitish(body.ref);
        if (!sha) throw new HttpError(422, `No ref found for: ${body.ref}`);
        const environment = body.environment ?? 'production';
        const created = now();
        const deployment: Deployment = {
          id: s.state.nextId(),
          sha,
          ref: body.ref,
          task: body.task ?? 'deploy',
          environment,
          description: body.description ?? null,
          payload: body.payload ?? {},
          creator: ctx.actor,
          createdAt: created,
          updatedAt: created,
          transient: body.transient_environment ?? false,
          production: body.production_environment ?? environment === 'production',
          statuses: [],
        };
        ctx.repo.deployments.push(deployment);
        return { status: 201, body: deploymentJson(s.urls, ctx.repo, deployment) };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/deployments',
      requires: [['deployments', 'read']],
      handle: (ctx) => {
        const list = ctx.repo.deployments
          .filter(
            (d) =>
              (!ctx.query.environment || d.environment === ctx.query.environment) &&
              (!ctx.query.sha || d.sha === ctx.query.sha),
          )
          .filter((d) => !ctx.query.ref || d.ref === ctx.query.ref)
          .reverse();
        return paginate(ctx, list, `${s.urls.api}/repos/${ctx.repo.fullName}/deployments`, (page) =>
          page.map((d) => deploymentJson(s.urls, ctx.repo, d)),
        );
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/deployments/{deployment_id}',
      requires: [['deployments', 'read']],
      handle: (ctx) => ({ status: 200, body: deploymentJson(s.urls, ctx.repo, deploymentOf(ctx)) }),
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      requires: [['deployments', 'write']],
      handle: (ctx) => {
        const deployment = deploymentOf(ctx);
        const body = ctx.body as {
          state: string;
          description?: string;
          environment_url?: string;
          log_url?: string;
          target_url?: string;
          auto_inactive?: boolean;
        };
        // GitHub documents 140 characters; the double refuses more, so code under test must cut.
        if ((body.description ?? '').length > 140)
          throw new HttpError(422, 'Validation Failed', [
            {
              resource: 'DeploymentStatus',
              field: 'description',
              code: 'custom',
              message: 'description is too long (maximum is 140 characters)',
            },
          ]);
        const status = {
          id: s.state.nextId(),
          state: body.state,
          description: body.description ?? '',
          environmentUrl: body.environment_url ?? '',
          logUrl: body.log_url ?? body.target_url ?? '',
          creator: ctx.actor,
          createdAt: now(),
        };
        deployment.statuses.push(status);
        // auto_inactive (default true): a success retires earlier successful non-production deployments
        // of the same environment, as GitHub does.
        if (status.state === 'success' && body.auto_inactive !== false && !deployment.production)
          for (const earlier of ctx.repo.deployments) {
            const last = earlier.statuses.at(-1);
            if (earlier === deployment || earlier.transient || earlier.production) continue;
            if (earlier.environment !== deployment.environment || last?.state !== 'success') continue;
            earlier.statuses.push({
              ...status,
              id: s.state.nextId(),
              state: 'inactive',
              description: '',
              environmentUrl: '',
              logUrl: '',
            });
          }
        deployment.updatedAt = status.createdAt;
        return { status: 201, body: deploymentStatusJson(s.urls, ctx.repo, deployment, status) };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      requires: [['deployments', 'read']],
      handle: (ctx) => {
        const deployment = deploymentOf(ctx);
        const list = [...deployment.statuses].reverse();
        return paginate(
          ctx,
          list,
          `${s.urls.api}/repos/${ctx.repo.fullName}/deployments/${deployment.id}/statuses`,
          (page) => page.map((st) => deploymentStatusJson(s.urls, ctx.repo, deployment, st)),
        );
      },
    },
  ];
}
