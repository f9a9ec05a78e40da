import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { onInterrupt } from '../interrupt.js';
import type { LedgerRun, LedgerSink, LlmUsage } from '../ports/index.js';
import { safeText } from './redact.js';
import {
  applyEvent,
  type FinalOutcome,
  type IntentRef,
  LEDGER_FORMAT_VERSION,
  type LedgerEvent,
  LedgerEventSchema,
  type LedgerRecord,
  type PhaseOutcome,
  type RunKind,
  type TestFigures,
} from './schema.js';

export const DEFAULT_LEDGER_DIR = '.assembly-line';
export const LEDGER_FILE = 'ledger.jsonl';

/** `<root>/.assembly-line`, or `override` when given. */
export function ledgerDir(repositoryRoot: string, override?: string): string {
  return override ?? join(repositoryRoot, DEFAULT_LEDGER_DIR);
}

export function ledgerFile(dir: string): string {
  return join(dir, LEDGER_FILE);
}

export class LedgerError extends Error {}

/** e.g. `spec-20260101T120000Z-a1b2c3`: sorts by time, unique across processes. */
export function newRunId(kind: RunKind, now: number): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${kind}-${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * Appends one line with a single `appendFileSync` (O_APPEND): concurrent writers never interleave within a
 * line. If the file ends in a torn line (a writer died mid-write), the new line starts on a fresh line so
 * only the torn one is lost.
 */
export function appendLine(path: string, line: string): void {
  const prefix = endsMidLine(path) ? '\n' : '';
  appendFileSync(path, `${prefix}${line}\n`, { encoding: 'utf8', mode: 0o644 });
}

function endsMidLine(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    closeSync(fd);
  }
}

export interface StartRunOptions {
  /** The directory of `ledger.jsonl`; see `ledgerDir`. Created when missing. */
  dir: string;
  kind: RunKind;
  intent: IntentRef;
  /** Epoch milliseconds; tests pass a fake clock. */
  clock?: () => number;
  runId?: string;
}

export type LlmCallInput = LlmUsage & { task: string };

/**
 * Records one pipeline run in the ledger as it happens: every call appends one event line, so a reader
 * (the dashboard, `assembly-line status`) sees runs in progress, and a crash keeps what was recorded.
 */
export class RunRecorder implements LedgerRun {
  readonly runId: string;
  readonly path: string;
  private readonly clock: () => number;
  private run: LedgerRecord | undefined;

  constructor(options: StartRunOptions) {
    this.clock = options.clock ?? Date.now;
    this.path = ledgerFile(options.dir);
    this.runId = options.runId ?? newRunId(options.kind, this.clock());
    try {
      mkdirSync(options.dir, { recursive: true });
    } catch (error) {
      throw new LedgerError(`cannot create the ledger directory ${options.dir}: ${(error as Error).message}`);
    }
    this.append({ event: 'run-started', kind: options.kind, intent: { ...options.intent } });
    // A run ended by SIGINT or SIGTERM is closed as such, not left `running` for ever.
    this.forgetInterrupt = onInterrupt(() => {
      if (!this.finished) this.finish('interrupted', 'interrupted by a signal');
    });
  }

  private readonly forgetInterrupt: () => void;

  get finished(): boolean {
    return this.current().outcome !== 'running';
  }

  startPhase(name: string): void {
    this.append({ event: 'phase-started', phase: name });
  }

  finishPhase(name: string, outcome: PhaseOutcome, detail?: string, durationMs?: number): void {
    this.append({
      event: 'phase-finished',
      phase: name,
      outcome,
      ...(detail !== undefined ? { detail: safeText(detail) } : {}),
      ...(durationMs !== undefined ? { duration_ms: Math.round(durationMs) } : {}),
    });
  }

  recordLlmCall(call: LlmCallInput): void {
    this.append({
      event: 'llm-call',
      call: {
        task: call.task,
        provider: call.provider,
        model: call.model,
        input_tokens: call.inputTokens,
        output_tokens: call.outputTokens,
        cache_read_tokens: call.cacheReadTokens,
        cache_write_tokens: call.cacheWriteTokens,
        cost_usd: call.costUsd,
        duration_ms: call.durationMs,
      },
    });
  }

  recordScore(score: number): void {
    this.append({ event: 'score', score });
  }

  recordTests(tests: TestFigures): void {
    this.append({
      event: 'tests',
      tests: { passed: tests.passed, failed: tests.failed, coverage: tests.coverage },
    });
  }

  /**
   * Ends the run. Phases still open are closed first — `ok` for a succeeded run, `failed` otherwise — so
   * the journal never shows a finished run with a phase under way.
   */
  finish(outcome: FinalOutcome, error?: string): LedgerRecord {
    for (const phase of this.current()
      .phases.filter((p) => p.outcome === 'running')
      .reverse()) {
      this.finishPhase(phase.name, outcome === 'succeeded' ? 'ok' : 'failed');
    }
    this.forgetInterrupt();
    this.append({
      event: 'run-finished',
      outcome,
      ...(error !== undefined ? { error: safeText(error) } : {}),
    });
    return this.record();
  }

  /** The run as recorded so far (a copy). */
  record(): LedgerRecord {
    return structuredClone(this.current());
  }

  private current(): LedgerRecord {
    return this.run!;
  }

  private append(body: DistributiveOmit<LedgerEvent, 'v' | 'run_id' | 'at'>): void {
    const parsed = LedgerEventSchema.safeParse({
      v: LEDGER_FORMAT_VERSION,
      run_id: this.runId,
      at: new Date(this.clock()).toISOString(),
      ...body,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new LedgerError(
        `ledger: refused a ${body.event} event: ${issue.path.join('.')}: ${issue.message}`,
      );
    }
    // Applied to a copy first: a misuse (an event after finish) is refused, not written.
    const next = new Map<string, LedgerRecord>();
    if (this.run) next.set(this.runId, structuredClone(this.run));
    const problem = applyEvent(next, parsed.data);
    if (problem) throw new LedgerError(`ledger: ${problem}`);
    try {
      appendLine(this.path, JSON.stringify(parsed.data));
    } catch (error) {
      throw new LedgerError(`cannot append to the ledger ${this.path}: ${(error as Error).message}`);
    }
    this.run = next.get(this.runId)!;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Starts a run: writes its first line and returns the recorder for the rest. */
export function startRun(options: StartRunOptions): RunRecorder {
  return new RunRecorder(options);
}

/** The journal in `dir` as the pipeline's LedgerSink: each run started appends to `ledger.jsonl`. */
export function fileLedger(dir: string, clock?: () => number): LedgerSink {
  return { startRun: (kind, intent) => startRun({ dir, kind, intent, ...(clock ? { clock } : {}) }) };
}
