import { performance } from 'node:perf_hooks';
import type { Intent } from '../core/intent/schema.js';
import { writeSpecOffline } from '../core/llm/offline/spec/writer.js';
import { verifySpec } from '../core/spec/verifier/index.js';
import { type BenchResult, measure } from './measure.js';
import { variedIntents } from './spec-corpus.js';

/**
 * Varied SPECs: offline drafts of varied intents, and every fourth one damaged (a section dropped, a
 * wrong port, placeholders and vague words), so the rules also do their failure work.
 */
function corpus(count: number): { intent: Intent; spec: string }[] {
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

/** The verifier over `count` varied SPECs: median time per SPEC, and SPECs per second for the batch. */
export async function benchVerifier(count = 1000): Promise<BenchResult[]> {
  const specs = corpus(count);
  const perSpec: number[] = [];
  for (const { intent, spec } of specs) verifySpec(spec, intent);
  for (const { intent, spec } of specs) {
    const started = performance.now();
    verifySpec(spec, intent);
    perSpec.push(performance.now() - started);
  }
  perSpec.sort((a, b) => a - b);
  const bytes = specs.reduce((sum, s) => sum + s.spec.length, 0);
  const single: BenchResult = {
    name: `verify one SPEC (${count} varied SPECs, ${Math.round(bytes / count / 1024)} KiB average)`,
    runs: count,
    medianMs: perSpec[Math.floor(count / 2)]!,
    minMs: perSpec[0]!,
    maxMs: perSpec[count - 1]!,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    extra: { 'p95 ms': perSpec[Math.floor(count * 0.95)]!.toFixed(2) },
  };
  const batch = await measure(`verify ${count} varied SPECs`, () => {
    for (const { intent, spec } of specs) verifySpec(spec, intent);
  });
  batch.extra = { 'SPECs per second': Math.round((count / batch.medianMs) * 1000) };
  return [single, batch];
}
