import type { ProgressReporter } from '../ports/index.js';
import { type CliIo, styleFor } from './io.js';

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** One line per finished phase on stderr, with its time: `[hello-world] ✓ spec_generation 12 ms  detail`. */
export function stderrReporter(
  io: CliIo,
  label: string,
  clock: () => number = () => performance.now(),
): ProgressReporter {
  const style = styleFor(io.stderr, io.env);
  const started = new Map<string, number>();
  const prefix = style.dim(`[${label}]`);
  return {
    phaseStarted(phase, detail) {
      started.set(phase, clock());
      if (io.stderr.isTTY) io.stderr.write(`${prefix} … ${phase}${detail ? ` ${style.dim(detail)}` : ''}\n`);
    },
    phaseFinished(phase, outcome, detail, tookMs) {
      const begin = started.get(phase);
      const elapsed = tookMs ?? (begin === undefined ? undefined : clock() - begin);
      const took = elapsed === undefined ? '' : ` ${formatDuration(elapsed)}`;
      const mark =
        outcome === 'ok'
          ? style.green('ok')
          : outcome === 'failed'
            ? style.red('FAILED')
            : style.yellow('skipped');
      io.stderr.write(`${prefix} ${mark} ${phase}${style.dim(took)}${detail ? `  ${detail}` : ''}\n`);
    },
    info(message) {
      io.stderr.write(`${prefix} ${message}\n`);
    },
  };
}
