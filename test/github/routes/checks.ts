import { HttpError } from '../operations.js';
import { checkRunJson } from '../resources.js';
import type { Context, Route, Services } from '../router.js';
import { paginate } from '../router.js';
import { type CheckAnnotation, type CheckRun, now } from '../state.js';

interface CheckRunBody {
  name?: string;
  head_sha?: string;
  status?: string;
  conclusion?: string;
  started_at?: string;
  completed_at?: string;
  external_id?: string;
  details_url?: string;
  output?: { title?: string; summary?: string; text?: string; annotations?: CheckAnnotation[] };
}

/** Check runs: create, update (annotations append, as on GitHub), get, list for a ref, annotations. */
export function checkRoutes(s: Services): Route[] {
  const runOf = (ctx: Context): CheckRun => {
    const run = ctx.repo.checkRuns.find((r) => r.id === Number(ctx.params.check_run_id));
    if (!run) throw new HttpError(404, 'Not Found');
    return run;
  };
  /** Rules GitHub enforces beyond the schema: a completed run needs a conclusion; output needs title and summary. */
  const apply = (run: CheckRun, body: CheckRunBody) => {
    if (body.name !== undefined) run.name = body.name;
    if (body.external_id !== undefined) run.externalId = body.external_id;
    if (body.details_url !== undefined) run.detailsUrl = body.details_url;
    if (body.started_at !== undefined) run.startedAt = body.started_at;
    if (body.conclusion !== undefined) {
      run.conclusion = body.conclusion;
      run.status = 'completed';
    } else if (body.status !== undefined) run.status = body.status;
    if (run.status === 'completed' && !run.conclusion)
      throw new HttpError(422, 'Invalid request.\n\nconclusion is required when status is completed.');
    if (run.status === 'completed') run.completedAt = body.completed_at ?? run.completedAt ?? now();
    if (body.output) {
      run.output = {
        title: body.output.title ?? run.output.title,
        summary: body.output.summary ?? run.output.summary,
        text: body.output.text ?? run.output.text,
      };
      for (const a of body.output.annotations ?? []) {
        if ((a.start_column !== undefined || a.end_column !== undefined) && a.start_line !== a.end_line)
          throw new HttpError(
            422,
            'Invalid request.\n\nstart_column and end_column may only be used when start_line equals end_line.',
          );
        run.annotations.push(a);
      }
    }
  };

  return [
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/check-runs',
      requires: [['checks', 'write']],
      handle: async (ctx) => {
        const body = ctx.body as CheckRunBody;
        if ((await ctx.repo.store.objectType(body.head_sha!)) !== 'commit')
          throw new HttpError(422, `No commit found for SHA: ${body.head_sha}`);
        const run: CheckRun = {
          id: s.state.nextId(),
          name: body.name!,
          headSha: body.head_sha!,
          status: 'queued',
          conclusion: null,
          startedAt: now(),
          completedAt: null,
          externalId: null,
          detailsUrl: null,
          output: { title: null, summary: null, text: null },
          annotations: [],
          appId: s.app.id,
        };
        apply(run, body);
        ctx.repo.checkRuns.push(run);
        s.ops.checkRunChanged(ctx.repo, run, 'created', ctx.actor);
        if (run.status === 'completed') s.ops.checkRunChanged(ctx.repo, run, 'completed', ctx.actor);
        return { status: 201, body: checkRunJson(s.urls, ctx.repo, s.app, run) };
      },
    },
    {
      method: 'PATCH',
      template: '/repos/{owner}/{repo}/check-runs/{check_run_id}',
      requires: [['checks', 'write']],
      handle: (ctx) => {
        const run = runOf(ctx);
        const wasCompleted = run.status === 'completed';
        apply(run, ctx.body as CheckRunBody);
        if (!wasCompleted && run.status === 'completed')
          s.ops.checkRunChanged(ctx.repo, run, 'completed', ctx.actor);
        return { status: 200, body: checkRunJson(s.urls, ctx.repo, s.app, run) };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/check-runs/{check_run_id}',
      requires: [['checks', 'read']],
      handle: (ctx) => ({ status: 200, body: checkRunJson(s.urls, ctx.repo, s.app, runOf(ctx)) }),
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations',
      requires: [['checks', 'read']],
      handle: (ctx) => {
        const run = runOf(ctx);
        const blob = `${s.urls.html}/${ctx.repo.fullName}/blob/${run.headSha}`;
        return paginate(
          ctx,
          run.annotations,
          `${s.urls.api}/repos/${ctx.repo.fullName}/check-runs/${run.id}/annotations`,
          (page) =>
            page.map((a) => ({
              path: a.path,
              start_line: a.start_line,
              end_line: a.end_line,
              start_column: a.start_column ?? null,
              end_column: a.end_column ?? null,
              annotation_level: a.annotation_level,
              title: a.title ?? null,
              message: a.message,
              raw_details: a.raw_details ?? null,
              blob_href: `${blob}/${a.path}`,
            })),
        );
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/commits/{ref}/check-runs',
      requires: [['checks', 'read']],
      handle: async (ctx) => {
        const ref = ctx.params.ref!;
        const sha = await ctx.repo.store.resolveCommitish(ref);
        if (!sha) throw new HttpError(422, `No commit found for SHA: ${ref}`);
        const runs = ctx.repo.checkRuns
          .filter((r) => r.headSha === sha && (!ctx.query.check_name || r.name === ctx.query.check_name))
          .filter((r) => !ctx.query.status || r.status === ctx.query.status)
          .reverse();
        return paginate(
          ctx,
          runs,
          `${s.urls.api}/repos/${ctx.repo.fullName}/commits/${ref}/check-runs`,
          (page) => ({
            total_count: runs.length,
            check_runs: page.map((r) => checkRunJson(s.urls, ctx.repo, s.app, r)),
          }),
        );
      },
    },
  ];
}
