// ---------------------------------------------------------------------------------------------------
// The seed's JSON answers, computed from a LineView. The figures reuse core's ledger dashboard
// (`dashboard`, `buildsSummary`): each intent's pipeline and each build run is handed to it as a
// ledger-shaped record, so the CLI's `status` and the bot count the same way.
// ---------------------------------------------------------------------------------------------------
import { type BuildsSummary, buildsSummary, type Dashboard, dashboard, type LedgerRecord } from '../core.js';
import { ACTIVE_PHASES, type IntentView, type LineView, type Phase, type RunView } from './view.js';

const PRIORITY_ORDER = ['critical', 'high', 'medium', 'low'];
const FINISHED: Partial<Record<Phase, LedgerRecord['outcome']>> = {
  live: 'succeeded',
  failed: 'failed',
  needs_human_review: 'needs-human-review',
};

const hashOf = (intentId: string | undefined) => intentId?.split('@')[1] ?? 'unknown';

/** An intent's pipeline as a ledger record: from its first event to live, failed or needing a person. */
function pipelineRecord(intent: IntentView): LedgerRecord {
  const outcome = FINISHED[intent.phase] ?? 'running';
  return {
    run_id: intent.intentId,
    kind: 'run',
    intent: { name: intent.serviceName, hash: hashOf(intent.intentId) },
    started_at: intent.history[0]?.at ?? intent.updatedAt,
    ...(outcome !== 'running' ? { finished_at: intent.updatedAt } : {}),
    phases: [],
    llm_calls: [],
    score_history: intent.score !== undefined ? [intent.score] : [],
    outcome,
  };
}

function runRecord(run: RunView): LedgerRecord {
  return {
    run_id: run.id,
    kind: run.kind,
    intent: { name: run.serviceName, hash: hashOf(run.intentId) },
    started_at: run.startedAt,
    ...(run.finishedAt ? { finished_at: run.finishedAt } : {}),
    phases: [],
    llm_calls: [],
    score_history: [],
    outcome: run.outcome,
  };
}

/** Waiting intents in the order they will start: priority, then first come. */
export function queueOf(view: LineView): IntentView[] {
  return view.intents
    .filter((i) => i.phase === 'queued')
    .sort(
      (a, b) =>
        PRIORITY_ORDER.indexOf(a.priority) - PRIORITY_ORDER.indexOf(b.priority) ||
        (a.queuedAt ?? a.updatedAt).localeCompare(b.queuedAt ?? b.updatedAt),
    );
}

/** `GET /dashboard`, field for field as the seed shows it. */
export function dashboardJson(view: LineView, now: number): Dashboard {
  const { summary } = dashboard(view.intents.map(pipelineRecord), now);
  return {
    summary,
    active_pipelines: view.intents
      .filter((i) => ACTIVE_PHASES.includes(i.phase))
      .map((i) => ({ intent_id: i.intentId, service_name: i.serviceName, phase: i.phase })),
    queue: queueOf(view).map((i) => ({
      intent_id: i.intentId,
      service_name: i.serviceName,
      priority: i.priority,
    })),
  };
}

/** `GET /builds`: the Action's build runs (waiting ones counted as queued). */
export function buildsJson(view: LineView): BuildsSummary {
  const builds = view.runs.filter((r) => r.kind === 'build');
  const waiting = builds.filter((r) => r.queued).length;
  return buildsSummary(builds.filter((r) => !r.queued).map(runRecord), waiting);
}

/** `GET /intents/{id}/status`. */
export function intentStatusJson(intent: IntentView) {
  return {
    intent_id: intent.intentId,
    service_name: intent.serviceName,
    repository: intent.repository,
    phase: intent.phase,
    score: intent.score ?? null,
    pull_request: intent.pullRequest
      ? { number: intent.pullRequest.number, url: intent.pullRequest.url, state: intent.pullRequest.state }
      : null,
    updated_at: intent.updatedAt,
    ...(intent.reason ? { reason: intent.reason } : {}),
    history: intent.history.map((e) => ({
      phase: e.phase,
      at: e.at,
      ...(e.detail ? { detail: e.detail } : {}),
    })),
  };
}

/** `GET /builds/{id}/status`: one build's phases and outcome, and the deploy that followed it. */
export function buildStatusJson(run: RunView, view: LineView) {
  const deploy = view.runs.find(
    (r) =>
      r.kind === 'deploy' &&
      r.repository === run.repository &&
      r.serviceName === run.serviceName &&
      r.startedAt >= run.startedAt,
  );
  const minutes = run.finishedAt
    ? (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 60_000
    : undefined;
  const state = (r: RunView) => (r.queued ? 'queued' : r.outcome);
  return {
    build_id: run.id,
    service_name: run.serviceName,
    repository: run.repository,
    status: run.queued
      ? 'queued'
      : run.outcome === 'running'
        ? 'running'
        : run.outcome === 'succeeded'
          ? 'completed'
          : 'failed',
    outcome: run.outcome,
    started_at: run.startedAt,
    finished_at: run.finishedAt ?? null,
    duration_minutes: minutes === undefined ? null : Math.round(minutes * 100) / 100,
    phases: [
      { name: 'build', state: state(run), started_at: run.startedAt, finished_at: run.finishedAt ?? null },
      ...(deploy
        ? [
            {
              name: 'deploy',
              state: state(deploy),
              started_at: deploy.startedAt,
              finished_at: deploy.finishedAt ?? null,
            },
          ]
        : []),
    ],
    score: run.score ?? null,
    tests_passed: run.testsPassed ?? null,
    tests_failed: run.testsFailed ?? null,
    coverage: run.coverage ?? null,
    cost_usd: run.costUsd ?? null,
    url: run.url ?? null,
    ...(run.reason ? { reason: run.reason } : {}),
  };
}
