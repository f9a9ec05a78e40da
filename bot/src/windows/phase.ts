// ---------------------------------------------------------------------------------------------------
// Where one intent is in the line, from the facts GitHub and the ledger hold about it. Pure: the
// readers (facts.ts) gather the facts, this decides. The latest stage with evidence wins: a deployment
// outranks a build, a build outranks the SPEC pull request, which outranks the intent's own PR.
// ---------------------------------------------------------------------------------------------------
import type { Phase, PhaseEvent } from './view.js';

export interface PullRequestFact {
  number: number;
  url: string;
  title: string;
  state: 'open' | 'closed' | 'merged';
  labels: string[];
  createdAt: string;
  /** When it was merged or closed. */
  closedAt?: string;
}

/** The "Assembly Line: SPEC gate" check run on a SPEC pull request's head. */
export interface GateFact {
  status: 'queued' | 'in_progress' | 'completed';
  conclusion?: string;
  score?: number;
  startedAt?: string;
  completedAt?: string;
  url?: string;
}

/** The bot's latest ledger run of the SPEC line for this intent. */
export interface SpecRunFact {
  outcome: 'running' | 'succeeded' | 'failed' | 'needs-human-review' | 'interrupted';
  startedAt: string;
  finishedAt?: string;
  phases: { name: string; startedAt: string }[];
  score?: number;
  error?: string;
}

/** A run of the Action's workflow that builds this intent's SPEC. */
export interface BuildFact {
  status: 'queued' | 'in_progress' | 'completed' | string;
  conclusion?: string | null;
  createdAt: string;
  updatedAt: string;
  url: string;
}

/** A GitHub Deployment of the service, with its latest status. */
export interface DeploymentFact {
  state: string;
  createdAt: string;
  updatedAt: string;
  description?: string;
  url?: string;
}

export interface IntentFacts {
  /** The intent-submit pull request (`intent: <name>`), newest. */
  intentPullRequest?: PullRequestFact;
  /** The intent is on the default branch. */
  onDefaultBranch: boolean;
  autoBuild: boolean;
  /** When the bot's scheduler queued it, if it is waiting there now. */
  queuedAt?: string;
  specRun?: SpecRunFact;
  specPullRequest?: PullRequestFact;
  gate?: GateFact;
  /** Newest last. */
  builds: BuildFact[];
  /** Newest last. */
  deployments: DeploymentFact[];
  /** A SPEC whose stamp matches the intent is already on the default branch (and its score). */
  storedSpec?: { current: boolean; score?: number };
}

export interface PhaseResult {
  phase: Phase;
  score?: number;
  reason?: string;
  history: PhaseEvent[];
  updatedAt: string;
}

const SPEC_PHASES = new Set(['spec_generation', 'spec_verification', 'spec_optimization']);
const FAILED_DEPLOY = new Set(['failure', 'error']);
const FAILED_BUILD = new Set(['failure', 'timed_out', 'cancelled', 'startup_failure']);

/**
 * How a run of the Action's workflow ended, as every window reads it. A run waiting for a person
 * (`action_required`) is still under way; one that is neither a success nor a failure (`skipped`,
 * `neutral`, `stale`) built nothing, so it is no build of the service at all.
 */
export function buildResult(
  status: string,
  conclusion: string | null | undefined,
): 'running' | 'succeeded' | 'failed' | 'none' {
  if (status !== 'completed' || conclusion === 'action_required') return 'running';
  if (conclusion === 'success') return 'succeeded';
  return conclusion && FAILED_BUILD.has(conclusion) ? 'failed' : 'none';
}

/** The events the facts prove, in time order (ties keep the line's order). */
function events(f: IntentFacts): PhaseEvent[] {
  const list: PhaseEvent[] = [];
  const add = (phase: Phase, at: string | undefined, detail?: string) => {
    if (at) list.push({ phase, at, ...(detail ? { detail } : {}) });
  };
  const ipr = f.intentPullRequest;
  if (ipr) {
    add('submitted', ipr.createdAt, ipr.url);
    if (ipr.state === 'merged') add('queued', ipr.closedAt, `merged #${ipr.number}`);
  }
  add('queued', f.queuedAt);
  if (f.specRun) {
    for (const p of f.specRun.phases) if (SPEC_PHASES.has(p.name)) add(p.name as Phase, p.startedAt);
  }
  const spr = f.specPullRequest;
  if (spr && f.gate?.status === 'completed') {
    const passed = f.gate.conclusion === 'success' && !spr.labels.includes('needs-human-review');
    add(
      passed ? 'awaiting_review' : 'needs_human_review',
      f.gate.completedAt ?? spr.createdAt,
      f.gate.score !== undefined ? `score ${f.gate.score}` : undefined,
    );
  }
  for (const b of f.builds) {
    const result = buildResult(b.status, b.conclusion);
    if (result === 'none') continue;
    add('building', b.createdAt, b.url);
    if (result === 'failed') add('failed', b.updatedAt, `build ${b.conclusion}`);
  }
  for (const d of f.deployments) {
    add('deploying', d.createdAt, d.url);
    if (d.state === 'success') add('live', d.updatedAt, d.url);
    if (FAILED_DEPLOY.has(d.state)) add('failed', d.updatedAt, d.description);
  }
  return list
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at.localeCompare(b.e.at) || a.i - b.i)
    .map(({ e }) => e);
}

/** The current phase and why: the latest stage with evidence decides. */
function current(f: IntentFacts): { phase: Phase; reason?: string; at?: string } {
  const deploy = f.deployments.at(-1);
  const build = f.builds.filter((b) => buildResult(b.status, b.conclusion) !== 'none').at(-1);
  // A deployment newer than the latest build speaks for the service; an older one is history.
  if (deploy && (!build || deploy.createdAt >= build.createdAt)) {
    if (deploy.state === 'success') return { phase: 'live', at: deploy.updatedAt };
    if (FAILED_DEPLOY.has(deploy.state))
      return {
        phase: 'failed',
        reason: `deploy: ${deploy.description || deploy.state}`,
        at: deploy.updatedAt,
      };
    if (deploy.state !== 'inactive') return { phase: 'deploying', at: deploy.updatedAt };
  }
  if (build) {
    const result = buildResult(build.status, build.conclusion);
    if (result === 'running') return { phase: 'building', at: build.updatedAt };
    if (result === 'succeeded') return { phase: 'deploying', at: build.updatedAt };
    return {
      phase: 'failed',
      reason: `build: workflow run ${build.conclusion ?? 'failed'}`,
      at: build.updatedAt,
    };
  }
  const run = f.specRun;
  if (run?.outcome === 'running') {
    const open = run.phases.filter((p) => SPEC_PHASES.has(p.name)).at(-1);
    return {
      phase: (open?.name as Phase | undefined) ?? 'spec_generation',
      at: open?.startedAt ?? run.startedAt,
    };
  }
  const spr = f.specPullRequest;
  if (spr?.state === 'merged')
    return f.autoBuild
      ? { phase: 'building', reason: 'SPEC merged; waiting for the build workflow', at: spr.closedAt }
      : {
          phase: 'awaiting_review',
          reason: 'auto_build is false: a person starts the build',
          at: spr.closedAt,
        };
  if (spr?.state === 'open') {
    if (spr.labels.includes('needs-human-review'))
      return { phase: 'needs_human_review', reason: gateReason(f.gate), at: f.gate?.completedAt };
    if (f.gate?.status !== 'completed') return { phase: 'spec_verification', at: f.gate?.startedAt };
    if (f.gate.conclusion === 'success') return { phase: 'awaiting_review', at: f.gate.completedAt };
    return { phase: 'needs_human_review', reason: gateReason(f.gate), at: f.gate.completedAt };
  }
  if (run && run.outcome !== 'succeeded' && f.onDefaultBranch && !f.storedSpec?.current)
    return {
      phase: run.outcome === 'needs-human-review' ? 'needs_human_review' : 'failed',
      reason: `SPEC line: ${run.error ?? run.outcome}`,
      at: run.finishedAt,
    };
  if (f.onDefaultBranch) {
    if (f.storedSpec?.current)
      return f.autoBuild
        ? { phase: 'building', reason: 'SPEC on the default branch; waiting for the build workflow' }
        : { phase: 'awaiting_review', reason: 'auto_build is false: a person starts the build' };
    if (spr?.state === 'closed')
      return {
        phase: 'failed',
        reason: `SPEC pull request #${spr.number} was closed without merging`,
        at: spr.closedAt,
      };
    return { phase: 'queued', at: f.queuedAt };
  }
  const ipr = f.intentPullRequest;
  if (ipr?.state === 'closed')
    return {
      phase: 'failed',
      reason: `intent pull request #${ipr.number} was closed without merging`,
      at: ipr.closedAt,
    };
  return { phase: 'submitted', at: ipr?.createdAt };
}

function gateReason(gate: GateFact | undefined): string {
  if (!gate) return 'the SPEC gate has not reported';
  return gate.score !== undefined
    ? `SPEC gate: score ${gate.score} is below the bar after the optimization cycles`
    : `SPEC gate: ${gate.conclusion ?? gate.status}`;
}

/**
 * The intent's phase, score and history. The history lists what the facts prove in time order and
 * always ends in the current phase; `now` dates a current phase no fact dates.
 */
export function derivePhase(f: IntentFacts, now: string): PhaseResult {
  const history = events(f);
  const { phase, reason, at } = current(f);
  const last = history.at(-1);
  if (last?.phase !== phase)
    history.push({
      phase,
      at: at && (!last || at >= last.at) ? at : (last?.at ?? now),
      ...(reason ? { detail: reason } : {}),
    });
  const score = f.gate?.score ?? f.specRun?.score ?? f.storedSpec?.score;
  return {
    phase,
    ...(score !== undefined ? { score } : {}),
    ...(reason && (phase === 'failed' || phase === 'needs_human_review') ? { reason } : {}),
    history,
    updatedAt: history.at(-1)?.at ?? now,
  };
}

/** The score a gate check run reports in its title or summary ("score 94", "94/100"). */
export function scoreFromText(...texts: (string | null | undefined)[]): number | undefined {
  for (const text of texts) {
    const match = /\bscore\D{0,3}(\d{1,3})\b|\b(\d{1,3})\s*\/\s*100\b/i.exec(text ?? '');
    const value = Number(match?.[1] ?? match?.[2]);
    if (match && value >= 0 && value <= 100) return value;
  }
  return undefined;
}
