import { performance } from 'node:perf_hooks';
import type { Intent } from '../core/intent/schema.js';
import { writeSpecOffline } from '../core/llm/offline/spec/writer.js';
import { verifySpec } from '../core/spec/verifier/index.js';
import { type BenchResult, measure } from './measure.js';
import { handWrittenSpecs, variedIntents } from './spec-corpus.js';

interface Sample {
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

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** Times each SPEC alone, after a warm-up pass over all of them. */
function timeEach(samples: readonly Sample[], rounds: number): number[] {
  for (const { intent, spec } of samples) verifySpec(spec, intent);
  const times: number[] = [];
  for (let round = 0; round < rounds; round++)
    for (const { intent, spec } of samples) {
      const started = performance.now();
      verifySpec(spec, intent);
      times.push(performance.now() - started);
    }
  return times.sort((a, b) => a - b);
}

function perSpec(name: string, samples: readonly Sample[], times: number[]): BenchResult {
  const kib = samples.reduce((sum, s) => sum + s.spec.length, 0) / samples.length / 1024;
  return {
    name: `${name} (${samples.length} SPECs, ${kib.toFixed(1)} KiB average)`,
    runs: times.length,
    medianMs: percentile(times, 0.5),
    minMs: times[0]!,
    maxMs: times[times.length - 1]!,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    extra: { 'p95 ms per SPEC': percentile(times, 0.95).toFixed(2), 'target p95': '< 5 ms' },
  };
}

/**
 * The verifier per SPEC on the varied corpus: hand-written SPECs in every layout with damaged copies,
 * and offline drafts of varied intents. Reports the median and p95 per SPEC, and SPECs per second.
 */
export async function benchVerifier(count = 1000): Promise<BenchResult[]> {
  const layouts = handWritten();
  const varied = [...layouts, ...drafts(count)];
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
