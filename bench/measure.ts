import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export interface BenchResult {
  name: string;
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Peak resident set size of the whole process, MiB. */
  peakRssMiB: number;
  extra?: Record<string, string | number>;
}

/** The result of timings taken by a benchmark itself (any order): median, min, max and the peak RSS. */
export function resultOf(
  name: string,
  times: readonly number[],
  extra?: Record<string, string | number>,
): BenchResult {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    name,
    runs: sorted.length,
    medianMs: sorted[Math.floor(sorted.length / 2)]!,
    minMs: sorted[0]!,
    maxMs: sorted[sorted.length - 1]!,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    ...(extra ? { extra } : {}),
  };
}

/** Times `work` over `runs` runs (after one warm-up) and reports the median and the peak RSS. */
export async function measure(name: string, work: () => unknown, runs = 5): Promise<BenchResult> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return resultOf(name, times);
}

export function formatResult(result: BenchResult): string {
  const extra = Object.entries(result.extra ?? {})
    .map(([key, value]) => `  ${key}: ${value}`)
    .join('\n');
  return [
    `${result.name}`,
    `  median ${result.medianMs.toFixed(1)} ms (min ${result.minMs.toFixed(1)}, max ${result.maxMs.toFixed(1)}, ${result.runs} runs)`,
    `  peak RSS ${result.peakRssMiB.toFixed(0)} MiB`,
    extra,
  ]
    .filter(Boolean)
    .join('\n');
}

/** A path inside the repository, whether the benchmark runs from its source or from out/. */
export function repositoryPath(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return join(dir, relative);
}
