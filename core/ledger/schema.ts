import * as z from 'zod';

/**
 * The ledger: one record per pipeline run. On disk it is a journal of events, one JSON line each, so a
 * run in progress (or one whose process died) is visible to other readers; `foldEvents` turns the
 * journal back into records.
 */

export const RUN_KINDS = ['spec', 'build', 'run', 'deploy'] as const;
export const PHASE_OUTCOMES = ['ok', 'failed', 'skipped'] as const;
export const RUN_OUTCOMES = ['running', 'succeeded', 'failed', 'needs-human-review', 'interrupted'] as const;
export const LEDGER_FORMAT_VERSION = 1;

export type RunKind = (typeof RUN_KINDS)[number];
export type PhaseOutcome = (typeof PHASE_OUTCOMES)[number];
export type RunOutcome = (typeof RUN_OUTCOMES)[number];
export type FinalOutcome = Exclude<RunOutcome, 'running'>;

const timestamp = z.iso.datetime();
const count = z.number().int().min(0);

export const IntentRefSchema = z.object({ name: z.string().min(1), hash: z.string().min(1) });

export const PhaseSchema = z.object({
  name: z.string().min(1),
  started_at: timestamp,
  /** Absent while the phase is under way (outcome `running`). */
  finished_at: timestamp.optional(),
  outcome: z.enum([...PHASE_OUTCOMES, 'running']),
  detail: z.string().optional(),
  /**
   * The time the phase's work took, when it was timed by the part that did it rather than by its
   * start and end events: `health_check` is run by the deploy target inside the deployment phase.
   */
  duration_ms: z.number().min(0).optional(),
});

export const LlmCallSchema = z.object({
  task: z.string().min(1),
  provider: z.string(),
  model: z.string(),
  input_tokens: count,
  output_tokens: count,
  cache_read_tokens: count,
  cache_write_tokens: count,
  cost_usd: z.number().min(0),
  duration_ms: z.number().min(0),
});

export const TestFiguresSchema = z.object({
  passed: count,
  failed: count,
  /** Line coverage, percent (0–100). */
  coverage: z.number().min(0).max(100),
});

export const LedgerRecordSchema = z.object({
  run_id: z.string().min(1),
  kind: z.enum(RUN_KINDS),
  intent: IntentRefSchema,
  started_at: timestamp,
  finished_at: timestamp.optional(),
  phases: z.array(PhaseSchema),
  llm_calls: z.array(LlmCallSchema),
  score_history: z.array(z.number()),
  tests: TestFiguresSchema.optional(),
  outcome: z.enum(RUN_OUTCOMES),
  error: z.string().optional(),
});

export type IntentRef = z.infer<typeof IntentRefSchema>;
export type Phase = z.infer<typeof PhaseSchema>;
export type LlmCall = z.infer<typeof LlmCallSchema>;
export type TestFigures = z.infer<typeof TestFiguresSchema>;
export type LedgerRecord = z.infer<typeof LedgerRecordSchema>;

const eventBase = { v: z.literal(LEDGER_FORMAT_VERSION), run_id: z.string().min(1), at: timestamp };

export const LedgerEventSchema = z.discriminatedUnion('event', [
  z.object({
    ...eventBase,
    event: z.literal('run-started'),
    kind: z.enum(RUN_KINDS),
    intent: IntentRefSchema,
  }),
  z.object({ ...eventBase, event: z.literal('phase-started'), phase: z.string().min(1) }),
  z.object({
    ...eventBase,
    event: z.literal('phase-finished'),
    phase: z.string().min(1),
    outcome: z.enum(PHASE_OUTCOMES),
    detail: z.string().optional(),
    duration_ms: z.number().min(0).optional(),
  }),
  z.object({ ...eventBase, event: z.literal('llm-call'), call: LlmCallSchema }),
  z.object({ ...eventBase, event: z.literal('score'), score: z.number() }),
  z.object({ ...eventBase, event: z.literal('tests'), tests: TestFiguresSchema }),
  z.object({
    ...eventBase,
    event: z.literal('run-finished'),
    outcome: z.enum(RUN_OUTCOMES).exclude(['running']),
    error: z.string().optional(),
  }),
]);

export type LedgerEvent = z.infer<typeof LedgerEventSchema>;

/**
 * Applies one event to the runs seen so far (mutating `runs`, which keeps insertion order). Returns why
 * the event does not fit, or undefined when it was applied.
 */
export function applyEvent(runs: Map<string, LedgerRecord>, event: LedgerEvent): string | undefined {
  if (event.event === 'run-started') {
    if (runs.has(event.run_id)) return `run ${event.run_id} started twice`;
    runs.set(event.run_id, {
      run_id: event.run_id,
      kind: event.kind,
      intent: { ...event.intent },
      started_at: event.at,
      phases: [],
      llm_calls: [],
      score_history: [],
      outcome: 'running',
    });
    return undefined;
  }
  const run = runs.get(event.run_id);
  if (!run) return `event for run ${event.run_id}, which has no run-started line`;
  if (run.outcome !== 'running') return `event for run ${event.run_id} after it finished`;
  switch (event.event) {
    case 'phase-started':
      run.phases.push({ name: event.phase, started_at: event.at, outcome: 'running' });
      break;
    case 'phase-finished': {
      const open = run.phases.findLast((p) => p.name === event.phase && p.outcome === 'running');
      // A phase finished without a start (typically `skipped`) took no time.
      const phase = open ?? { name: event.phase, started_at: event.at, outcome: 'running' };
      phase.finished_at = event.at;
      phase.outcome = event.outcome;
      if (event.detail !== undefined) phase.detail = event.detail;
      if (event.duration_ms !== undefined) phase.duration_ms = event.duration_ms;
      if (!open) run.phases.push(phase);
      break;
    }
    case 'llm-call':
      run.llm_calls.push({ ...event.call });
      break;
    case 'score':
      run.score_history.push(event.score);
      break;
    case 'tests':
      run.tests = { ...event.tests };
      break;
    case 'run-finished':
      run.finished_at = event.at;
      run.outcome = event.outcome;
      if (event.error !== undefined) run.error = event.error;
      break;
  }
  return undefined;
}

/** How long a finished phase took: its own `duration_ms` when the work was timed elsewhere, else end − start. */
export function phaseDurationMs(phase: Phase): number | undefined {
  if (phase.duration_ms !== undefined) return phase.duration_ms;
  if (phase.finished_at === undefined) return undefined;
  return Date.parse(phase.finished_at) - Date.parse(phase.started_at);
}
