// ---------------------------------------------------------------------------------------------------
// The line as the bot's windows show it: one derived, read-only picture of every intent and recent run
// of the repositories the app serves. It is computed from GitHub's state (intents at the default
// branch, pull requests, check runs, workflow runs, deployments) and the ledger, never kept only in
// memory. The JSON routes, the HTML dashboard and the dashboard issue all render this one shape.
// ---------------------------------------------------------------------------------------------------
import type { Intent } from '../core.js';

/** Where one intent is in the line (issue 13's list, in order of progress). */
export const PHASES = [
  'submitted',
  'queued',
  'spec_generation',
  'spec_verification',
  'spec_optimization',
  'awaiting_review',
  'needs_human_review',
  'building',
  'deploying',
  'live',
  'failed',
] as const;
export type Phase = (typeof PHASES)[number];

/** Phases in which work is under way: what the dashboard lists as active pipelines. */
export const ACTIVE_PHASES: readonly Phase[] = [
  'spec_generation',
  'spec_verification',
  'spec_optimization',
  'building',
  'deploying',
];

export interface PhaseEvent {
  phase: Phase;
  /** ISO 8601 time the intent entered the phase. */
  at: string;
  /** e.g. "score 94", "check run failed: 2 tests failed", a URL. */
  detail?: string;
}

export interface IntentView {
  /** `<service_name>@<first 8 of the intent's hash>`, as core's `intentId` makes it. */
  intentId: string;
  /** `owner/name` */
  repository: string;
  serviceName: string;
  priority: Intent['priority'];
  approvalMode: Intent['approval_mode'];
  /** The intent's `purpose`, when the deriver has it (user text: shown escaped). */
  purpose?: string;
  /** The intent's `dependencies`, infrastructure included. */
  dependencies: string[];
  phase: Phase;
  /** The SPEC's latest verifier score, when one was given. */
  score?: number;
  pullRequest?: { number: number; url: string; title: string; state: 'open' | 'closed' | 'merged' };
  /** ISO 8601: when the intent entered the queue (its commit on the default branch, or its submit). */
  queuedAt?: string;
  /** ISO 8601: the latest event. */
  updatedAt: string;
  /** Why it failed or needs review, in one line, when phase is `failed` or `needs_human_review`. */
  reason?: string;
  history: PhaseEvent[];
}

export type RunKind = 'spec' | 'build' | 'deploy';
export type RunOutcome = 'running' | 'succeeded' | 'failed' | 'needs-human-review';

/** One run of a line: a SPEC generation, a build, or a deploy. */
export interface RunView {
  /** Unique within the view, e.g. `build:<workflow run id>` or the ledger's run id. */
  id: string;
  repository: string;
  serviceName: string;
  intentId?: string;
  kind: RunKind;
  outcome: RunOutcome;
  startedAt: string;
  finishedAt?: string;
  score?: number;
  testsPassed?: number;
  testsFailed?: number;
  coverage?: number;
  costUsd?: number;
  /** The workflow run, check run or pull request a person would open. */
  url?: string;
  reason?: string;
  /** A build waiting for a runner (the seed's `queued` builds); outcome is `running` meanwhile. */
  queued?: boolean;
}

export interface LineView {
  /** ISO 8601: when the view was derived. */
  generatedAt: string;
  /** `owner/name` of every repository covered. */
  repositories: string[];
  intents: IntentView[];
  /** Newest first. */
  runs: RunView[];
  /** What could not be read (e.g. a permission an installation has not granted yet), for people. */
  warnings?: string[];
}
