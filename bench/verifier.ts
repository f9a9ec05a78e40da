import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Intent } from '../core/intent/schema.js';
import { writeSpecOffline } from '../core/llm/offline/spec/writer.js';
import { verifySpec } from '../core/spec/verifier/index.js';
import { type BenchResult, measure } from './measure.js';
import { handWrittenSpecs, variedIntents } from './spec-corpus.js';

export interface Sample {
  intent: Intent;
  spec: string;
}

/**
 * Offline drafts of varied intents, every fourth one damaged (a section dropped, a wrong port,
 * placeholders and vague words), so the rules also do their failure work.
 */
function drafts(count: number): Sample[] {
  return variedIntents(count, 777).map((intent, i) => {
    let spec = writeSpecOffline(intent);
    if (i % 4 === 3)
      spec = spec
        .replace(/## Data Models[\s\S]*?(?=## Dependencies)/, '')
        .replace(`port ${intent.port}`, 'port 8080')
        .replace('## Testing\n', '## Testing\n\nTODO: fast and robust tests, TBD.\n');
    return { intent, spec };
  });
}

/**
 * The hand-written SPECs in every layout (headings, tables, bullets, a mix), each also with its port
 * changed, its API section's first table or list turned into headings-only text, and stuffed with its
 * own keywords.
 */
function handWritten(): Sample[] {
  return handWrittenSpecs().flatMap(({ intent, markdown }) => [
    { intent, spec: markdown },
    { intent, spec: markdown.split(String(intent.port)).join('8080') },
    { intent, spec: markdown.replace(/^(?!#).+$/gm, (line) => (line.length % 3 === 0 ? '' : line)) },
    { intent, spec: markdown.replace(/\b(\w{4,})\b/g, '$1 $1') },
  ]);
}

/** The varied corpus the benchmark times: the hand-written SPECs with their damaged copies, then `count` drafts. */
export function verifierCorpus(count = 1000): Sample[] {
  return [...handWritten(), ...drafts(count)];
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

interface Timings {
  /** Wall-clock ms per SPEC, sorted. */
  wall: number[];
  /** CPU ms (user + system) per SPEC, sorted: what the verifier costs, whatever else runs on the machine. */
  cpu: number[];
}

/** Times each SPEC alone, after a warm-up pass over all of them. */
function timeEach(samples: readonly Sample[], rounds: number): Timings {
  for (const { intent, spec } of samples) verifySpec(spec, intent);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < rounds; round++)
    for (const { intent, spec } of samples) {
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      verifySpec(spec, intent);
      const used = process.cpuUsage(cpuStarted);
      wall.push(performance.now() - started);
      cpu.push((used.user + used.system) / 1000);
    }
  return { wall: wall.sort((a, b) => a - b), cpu: cpu.sort((a, b) => a - b) };
}

function perSpec(name: string, samples: readonly Sample[], { wall, cpu }: Timings): BenchResult {
  const kib = samples.reduce((sum, s) => sum + s.spec.length, 0) / samples.length / 1024;
  return {
    name: `${name} (${samples.length} SPECs, ${kib.toFixed(1)} KiB average)`,
    runs: wall.length,
    medianMs: percentile(wall, 0.5),
    minMs: wall[0]!,
    maxMs: wall[wall.length - 1]!,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    extra: {
      'p95 ms per SPEC': percentile(wall, 0.95).toFixed(2),
      'CPU ms per SPEC, median / p95': `${percentile(cpu, 0.5).toFixed(2)} / ${percentile(cpu, 0.95).toFixed(2)}`,
      'target p95': '< 5 ms',
      'load average': loadavg()[0]!.toFixed(1),
    },
  };
}

/**
 * The verifier per SPEC on the varied corpus: hand-written SPECs in every layout with damaged copies,
 * and offline drafts of varied intents. Reports the median and p95 per SPEC, and SPECs per second.
 */
export async function benchVerifier(count = 1000): Promise<BenchResult[]> {
  const layouts = handWritten();
  const varied = verifierCorpus(count);
  const results = [
    perSpec('verify one hand-written SPEC, every layout', layouts, timeEach(layouts, 20)),
    perSpec('verify one SPEC of the varied corpus', varied, timeEach(varied, 1)),
  ];
  const batch = await measure(`verify ${varied.length} varied SPECs`, () => {
    for (const { intent, spec } of varied) verifySpec(spec, intent);
  });
  batch.extra = { 'SPECs per second': Math.round((varied.length / batch.medianMs) * 1000) };
  return [...results, batch];
}
