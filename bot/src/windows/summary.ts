/**
 * What the dashboard page and the dashboard issue compute from a LineView before rendering it: the
 * queue in priority order with waits against the start SLAs, the active pipelines, recent runs and
 * failures, and cost per service. Pure: `now` is a parameter, never read here.
 */
import { PRIORITIES, START_SLA_MS } from '../core.js';
import { ACTIVE_PHASES, type IntentView, type LineView, type RunView } from './view.js';

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The intents and runs of one repository, or the view unchanged without a filter. */
export function filterView(view: LineView, repository: string | undefined): LineView {
  if (!repository) return view;
  return {
    generatedAt: view.generatedAt,
    repositories: view.repositories.filter((r) => r === repository),
    intents: view.intents.filter((i) => i.repository === repository),
    runs: view.runs.filter((r) => r.repository === repository),
  };
}

export interface QueueRow {
  intent: IntentView;
  /** How long it has waited at `now`; absent when the view does not know when it was queued. */
  waitedMs?: number;
  /** Its priority's start SLA; absent for `low` (best effort). */
  slaMs?: number;
  breached: boolean;
}

/** Queued intents in the order the scheduler takes them: by priority, then first queued first. */
export function queueByPriority(intents: readonly IntentView[], now: number): QueueRow[] {
  const rank = (i: IntentView) => PRIORITIES.indexOf(i.priority);
  const queuedAt = (i: IntentView) => (i.queuedAt ? Date.parse(i.queuedAt) : Number.POSITIVE_INFINITY);
  return intents
    .filter((i) => i.phase === 'queued')
    .sort(
      (a, b) =>
        rank(a) - rank(b) ||
        queuedAt(a) - queuedAt(b) ||
        byText(a.repository, b.repository) ||
        byText(a.serviceName, b.serviceName) ||
        byText(a.intentId, b.intentId),
    )
    .map((intent) => {
      const slaMs = START_SLA_MS[intent.priority];
      const at = intent.queuedAt ? Date.parse(intent.queuedAt) : Number.NaN;
      const waitedMs = Number.isFinite(at) ? Math.max(0, now - at) : undefined;
      return {
        intent,
        ...(waitedMs !== undefined ? { waitedMs } : {}),
        ...(slaMs !== undefined ? { slaMs } : {}),
        breached: waitedMs !== undefined && slaMs !== undefined && waitedMs > slaMs,
      };
    });
}

const byService = (a: { repository: string; serviceName: string }, b: typeof a) =>
  byText(a.repository, b.repository) || byText(a.serviceName, b.serviceName);

/** Intents whose work is under way (generation, verification, optimization, build, deploy). */
export function activePipelines(intents: readonly IntentView[]): IntentView[] {
  return intents.filter((i) => ACTIVE_PHASES.includes(i.phase)).sort(byService);
}

/** Every intent, by repository and name: each one's pipeline, wherever it is. */
export function pipelines(intents: readonly IntentView[]): IntentView[] {
  return [...intents].sort((a, b) => byService(a, b) || byText(a.intentId, b.intentId));
}

/** Newest first, then by id, whatever order the view holds them in. */
export function recentRuns(runs: readonly RunView[], limit: number): RunView[] {
  return [...runs]
    .sort((a, b) => byText(b.startedAt, a.startedAt) || byText(a.id, b.id))
    .slice(0, Math.max(0, limit));
}

export interface ServiceCost {
  repository: string;
  serviceName: string;
  runs: number;
  costUsd: number;
}

/** Model spend summed per service over the runs the view holds; the costliest first. */
export function costPerService(runs: readonly RunView[]): ServiceCost[] {
  const totals = new Map<string, ServiceCost>();
  for (const run of runs) {
    const key = `${run.repository}\n${run.serviceName}`;
    const entry = totals.get(key) ?? {
      repository: run.repository,
      serviceName: run.serviceName,
      runs: 0,
      costUsd: 0,
    };
    entry.runs += 1;
    entry.costUsd += run.costUsd ?? 0;
    totals.set(key, entry);
  }
  return [...totals.values()].sort((a, b) => b.costUsd - a.costUsd || byService(a, b));
}

export interface Failure {
  repository: string;
  serviceName: string;
  /** ISO 8601: when it failed, as the data says (never the time of rendering). */
  at: string;
  /** `spec`, `build`, `deploy`, or the intent's phase when no run shows the failure. */
  what: string;
  reason: string;
  url?: string;
}

/**
 * Failed runs (and runs a person must review), newest first, plus intents that stand failed with no
 * such run in the view, so a failure is listed once with its reason.
 */
export function recentFailures(view: LineView, limit: number): Failure[] {
  const failures: Failure[] = [];
  const shown = new Set<string>();
  for (const run of recentRuns(view.runs, view.runs.length)) {
    if (run.outcome !== 'failed' && run.outcome !== 'needs-human-review') continue;
    failures.push({
      repository: run.repository,
      serviceName: run.serviceName,
      at: run.finishedAt ?? run.startedAt,
      what: run.kind,
      reason: run.reason ?? (run.outcome === 'failed' ? 'failed (no reason recorded)' : 'needs human review'),
      ...(run.url ? { url: run.url } : {}),
    });
    shown.add(`${run.repository}\n${run.serviceName}`);
  }
  for (const intent of view.intents) {
    if (intent.phase !== 'failed' && intent.phase !== 'needs_human_review') continue;
    if (shown.has(`${intent.repository}\n${intent.serviceName}`)) continue;
    failures.push({
      repository: intent.repository,
      serviceName: intent.serviceName,
      at: intent.updatedAt,
      what: intent.phase,
      reason: intent.reason ?? intent.phase.replace(/_/g, ' '),
      ...(intent.pullRequest ? { url: intent.pullRequest.url } : {}),
    });
  }
  return failures.sort((a, b) => byText(b.at, a.at) || byService(a, b)).slice(0, Math.max(0, limit));
}

/** A wait as a person reads it: `40 s`, `12 min`, `1 h`, `3 h 05 min`, `2 d 4 h`. */
export function formatWait(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 === 0 ? `${h} h` : `${h} h ${String(min % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** Dollars to the cent, or to a tenth of a cent below one dollar (model calls are cheap). */
export function formatUsd(usd: number): string {
  return usd < 1 ? `$${usd.toFixed(3)}` : `$${usd.toFixed(2)}`;
}
