import type { ProgressReporter } from './pipeline.js';

/** The slice of @actions/core the log needs; the Action passes core itself. */
export interface LogSink {
  startGroup(name: string): void;
  endGroup(): void;
  info(message: string): void;
}

export interface PhaseTiming {
  phase: string;
  outcome: 'ok' | 'failed' | 'skipped' | 'unfinished';
  durationMs: number;
  detail?: string;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const MARK = { ok: 'ok', failed: 'FAILED', skipped: 'skipped', unfinished: 'unfinished' } as const;

/**
 * One collapsible log group per phase, closed with the phase's outcome and time, and the timings kept
 * for the job summary. A phase that never reports its end (an exception in a target) is closed as
 * `unfinished` by `close()`.
 */
export class GroupedLog implements ProgressReporter {
  readonly timings: PhaseTiming[] = [];
  private open: { phase: string; started: number } | undefined;

  constructor(
    private readonly sink: LogSink,
    private readonly scrub: (text: string) => string,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  phaseStarted(phase: string, detail?: string): void {
    this.close();
    this.open = { phase, started: this.clock() };
    this.sink.startGroup(this.scrub(`${phase}${detail ? ` (${detail})` : ''}`));
  }

  /** `tookMs`: the phase was timed by the part that did its work (the health gate, by the deploy target). */
  phaseFinished(phase: string, outcome: 'ok' | 'failed' | 'skipped', detail?: string, tookMs?: number): void {
    const started = this.open?.phase === phase ? this.open.started : this.clock();
    this.end(phase, outcome, tookMs ?? this.clock() - started, detail);
  }

  info(message: string): void {
    this.sink.info(this.scrub(message));
  }

  /** Ends the open group, if any, as unfinished. */
  close(): void {
    if (this.open) this.end(this.open.phase, 'unfinished', this.clock() - this.open.started);
  }

  private end(phase: string, outcome: PhaseTiming['outcome'], durationMs: number, detail?: string) {
    const timing: PhaseTiming = {
      phase,
      outcome,
      durationMs,
      ...(detail ? { detail: this.scrub(detail) } : {}),
    };
    this.timings.push(timing);
    this.sink.info(
      `${MARK[outcome]} ${phase} ${formatDuration(durationMs)}${timing.detail ? `  ${timing.detail}` : ''}`,
    );
    if (this.open) this.sink.endGroup();
    this.open = undefined;
  }
}
