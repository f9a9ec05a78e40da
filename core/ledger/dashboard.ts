import type { Priority, QueueSnapshot } from '../queue/priority-queue.js';
import { intentId } from '../queue/priority-queue.js';
import type { LedgerRecord } from './schema.js';

/** The seed's `GET /dashboard` answer, field for field. */
export interface Dashboard {
  summary: {
    total_intents_today: number;
    completed_today: number;
    failed_today: number;
    success_rate: number;
    avg_pipeline_duration_minutes: number;
  };
  active_pipelines: { intent_id: string; service_name: string; phase: string }[];
  queue: { intent_id: string; service_name: string; priority: Priority }[];
}

/** The seed's `GET /builds` answer, field for field. */
export interface BuildsSummary {
  total: number;
  queued: number;
  running: number;
  completed: number;
  failed: number;
  success_rate: number;
  avg_build_time_minutes: number;
}

/** The kinds of run that build a service: the build line, and the local end-to-end `run`. */
export const BUILD_KINDS: readonly LedgerRecord['kind'][] = ['build', 'run'];

const round2 = (n: number) => Math.round(n * 100) / 100;
const utcDay = (iso: string | number) => new Date(iso).toISOString().slice(0, 10);
const minutes = (r: LedgerRecord) => (Date.parse(r.finished_at!) - Date.parse(r.started_at)) / 60_000;
const mean = (values: number[]) =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;

/**
 * A run that needs human review did not finish its job by itself: it counts as failed, so the success
 * rate measures how much of the work the line completes unattended.
 */
export function isFailure(record: LedgerRecord): boolean {
  return (
    record.outcome === 'failed' || record.outcome === 'needs-human-review' || record.outcome === 'interrupted'
  );
}

export function recordIntentId(record: LedgerRecord): string {
  return intentId(record.intent.name, record.intent.hash);
}

/** The phase a running pipeline is in: the latest phase under way, else the last one it finished. */
export function currentPhase(record: LedgerRecord): string {
  const open = record.phases.findLast((p) => p.outcome === 'running');
  return open?.name ?? record.phases.at(-1)?.name ?? 'starting';
}

/**
 * The dashboard at `now`. "Today" is the UTC day of `now`. A run counts today when it started or finished
 * today, so completed + failed never exceeds the total; completed and failed count runs that finished
 * today; the average duration is over those finished runs, in minutes. Rates and averages are rounded to
 * 2 decimals; 0 when there is nothing to measure.
 */
export function dashboard(records: readonly LedgerRecord[], now: number, queue?: QueueSnapshot): Dashboard {
  const today = utcDay(now);
  const finishedToday = records.filter((r) => r.finished_at !== undefined && utcDay(r.finished_at) === today);
  const completed = finishedToday.filter((r) => r.outcome === 'succeeded').length;
  const failed = finishedToday.filter(isFailure).length;
  const total = records.filter(
    (r) => utcDay(r.started_at) === today || (r.finished_at !== undefined && utcDay(r.finished_at) === today),
  ).length;
  return {
    summary: {
      total_intents_today: total,
      completed_today: completed,
      failed_today: failed,
      success_rate: completed + failed === 0 ? 0 : round2(completed / (completed + failed)),
      avg_pipeline_duration_minutes: round2(mean(finishedToday.map(minutes))),
    },
    active_pipelines: records
      .filter((r) => r.outcome === 'running')
      .map((r) => ({ intent_id: recordIntentId(r), service_name: r.intent.name, phase: currentPhase(r) })),
    queue: (queue?.queued ?? []).map((e) => ({
      intent_id: e.intent_id,
      service_name: e.service_name,
      priority: e.priority,
    })),
  };
}

/**
 * The build figures over every recorded build (`BUILD_KINDS`), of all time. `queued` comes from the queue,
 * which the ledger does not know; 0 when not given.
 */
export function buildsSummary(records: readonly LedgerRecord[], queued = 0): BuildsSummary {
  const builds = records.filter((r) => BUILD_KINDS.includes(r.kind));
  const finished = builds.filter((r) => r.outcome !== 'running');
  const completed = finished.filter((r) => r.outcome === 'succeeded').length;
  const failed = finished.filter(isFailure).length;
  return {
    total: builds.length + queued,
    queued,
    running: builds.length - finished.length,
    completed,
    failed,
    success_rate: completed + failed === 0 ? 0 : round2(completed / (completed + failed)),
    avg_build_time_minutes: round2(mean(finished.map(minutes))),
  };
}

/** Sum of the cost of a run's model calls, USD. */
export function runCost(record: LedgerRecord): number {
  return record.llm_calls.reduce((sum, call) => sum + call.cost_usd, 0);
}
