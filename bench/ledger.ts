import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRIORITIES } from '../core/intent/schema.js';
import { dashboard } from '../core/ledger/dashboard.js';
import { readLedger } from '../core/ledger/reader.js';
import { ledgerFile, startRun } from '../core/ledger/recorder.js';
import { PriorityQueue } from '../core/queue/priority-queue.js';
import { type BenchResult, measure } from './measure.js';

/** Writes `runs` realistic runs (phases, model calls, scores, tests): about 12 lines each. */
function writeLedger(dir: string, runs: number): void {
  let now = Date.UTC(2026, 0, 1);
  const clock = () => (now += 1000);
  for (let i = 0; i < runs; i++) {
    const recorder = startRun({
      dir,
      kind: i % 2 ? 'build' : 'spec',
      intent: { name: `svc-${i % 500}`, hash: `${i}` },
      clock,
    });
    for (const phase of ['spec_generation', 'spec_verification', 'spec_optimization']) {
      recorder.startPhase(phase);
      recorder.recordLlmCall({
        task: phase,
        provider: 'anthropic',
        model: 'claude-sonnet',
        inputTokens: 4000,
        outputTokens: 2500,
        cacheReadTokens: 3000,
        cacheWriteTokens: 0,
        costUsd: 0.05,
        durationMs: 20_000,
      });
      recorder.finishPhase(phase, 'ok');
    }
    recorder.recordScore(92);
    recorder.recordTests({ passed: 14, failed: 0, coverage: 83 });
    recorder.finish(i % 10 === 0 ? 'failed' : 'succeeded');
  }
}

/** Reading the ledger and computing the dashboard; recording; queue throughput. */
export async function benchLedger(runs = 10_000): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'assembly-line-bench-ledger-'));
  try {
    const started = performance.now();
    writeLedger(dir, runs);
    const writeMs = performance.now() - started;
    const bytes = statSync(ledgerFile(dir)).size;
    const read = await measure(`ledger: read ${runs} runs and compute the dashboard`, () => {
      const contents = readLedger(dir);
      if (contents.records.length !== runs || contents.invalid.length > 0)
        throw new Error('ledger read wrong');
      dashboard(contents.records, Date.UTC(2026, 0, 1, 12));
    });
    read.extra = {
      'ledger size': `${(bytes / 2 ** 20).toFixed(1)} MiB`,
      'recording (one append per event)': `${((writeMs * 1000) / (runs * 12)).toFixed(1)} µs per event`,
    };
    const queue = await measure('queue: 10,000 intents enqueued, replaced, drained (4 slots)', () => {
      const q = new PriorityQueue({ maxConcurrent: 4 });
      for (let i = 0; i < 10_000; i++)
        q.enqueue({ name: `svc-${i}`, hash: 'v1', priority: PRIORITIES[i % 4]! }, i);
      for (let i = 0; i < 10_000; i += 3)
        q.enqueue({ name: `svc-${i}`, hash: 'v2', priority: PRIORITIES[i % 4]! }, i);
      let done = 0;
      for (let t = 10_000; done < 10_000; t++) {
        const started = q.next(t);
        if (started) q.complete(started.id, t);
        if (started) done++;
      }
    });
    return [read, queue];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
