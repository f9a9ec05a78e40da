import type { LlmUsage } from './llm.js';

/**
 * Where runs are recorded as they happen. The adapter is the JSONL journal (core/ledger/); a bot or an
 * Action may add a check run or a job summary. These unions mirror the journal's format in
 * core/ledger/schema.ts, whose recorder implements `LedgerRun`, so the compiler keeps them equal.
 */
export type RunKind = 'spec' | 'build' | 'run' | 'deploy';
export type RunPhaseOutcome = 'ok' | 'failed' | 'skipped';
export type RunFinalOutcome = 'succeeded' | 'failed' | 'needs-human-review' | 'interrupted';

export interface RunTests {
  passed: number;
  failed: number;
  /** Line coverage, percent (0–100). */
  coverage: number;
}

/** One run being recorded. */
export interface LedgerRun {
  readonly runId: string;
  startPhase(name: string): void;
  /**
   * `durationMs` is the time the phase's work took when it was timed elsewhere (the health gate, timed
   * by the deploy target inside `deploy`); the journal keeps it as the phase's `duration_ms`.
   */
  finishPhase(name: string, outcome: RunPhaseOutcome, detail?: string, durationMs?: number): void;
  recordLlmCall(call: LlmUsage & { task: string }): void;
  recordScore(score: number): void;
  recordTests(tests: RunTests): void;
  /** Ends the run; phases still open are closed. */
  finish(outcome: RunFinalOutcome, error?: string): void;
}

export interface LedgerSink {
  startRun(kind: RunKind, intent: { name: string; hash: string }): LedgerRun;
}
