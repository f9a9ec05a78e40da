import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LEDGER_FORMAT_VERSION } from '../core/ledger/schema.js';
import { OfflineProvider } from '../core/llm/offline/provider.js';
import type { SpecRequest } from '../core/ports/index.js';
import { BotBed, intentYaml } from '../test/helpers/bot.js';
import type { BenchResult } from './measure.js';

const INTENTS = 500;
const LEDGER_RUNS = 10_000;
const REQUESTS = 300;

/** A provider whose SPECs never come back: the 500 intents stay queued, as on a busy line. */
class StuckProvider extends OfflineProvider {
  override async writeSpec(_request: SpecRequest): Promise<never> {
    return new Promise<never>(() => {});
  }
}

/** 10,000 finished SPEC runs in the journal format the bot writes (six events each). */
function writeLedger(dir: string, names: string[]): void {
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  const day = Date.now() - 12 * 3600_000;
  for (let i = 0; i < LEDGER_RUNS; i++) {
    const run_id = `spec-bench-${i}`;
    const at = (offset: number) => new Date(day + i * 4000 + offset).toISOString();
    const name = names[i % names.length]!;
    const event = (body: object, offset: number) =>
      lines.push(JSON.stringify({ v: LEDGER_FORMAT_VERSION, run_id, at: at(offset), ...body }));
    event({ event: 'run-started', kind: 'spec', intent: { name, hash: `${i}`.padStart(64, 'a') } }, 0);
    event({ event: 'phase-started', phase: 'spec_generation' }, 10);
    event(
      {
        event: 'llm-call',
        call: {
          task: 'write_spec',
          provider: 'anthropic',
          model: 'claude-sonnet-4-6',
          input_tokens: 2400,
          output_tokens: 3100,
          cache_read_tokens: 0,
          cache_write_tokens: 0,
          cost_usd: 0.0537,
          duration_ms: 21000,
        },
      },
      1500,
    );
    event({ event: 'phase-finished', phase: 'spec_generation', outcome: 'ok' }, 1600);
    event({ event: 'score', score: 80 + (i % 20) }, 1700);
    event({ event: 'run-finished', outcome: i % 10 === 0 ? 'needs-human-review' : 'succeeded' }, 1800);
  }
  writeFileSync(join(dir, 'ledger.jsonl'), `${lines.join('\n')}\n`);
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function timeRequests(url: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

/**
 * `GET /dashboard` on the bot's real server with 500 intents queued in the repository (GitHub double)
 * and 10,000 runs in the bot's ledger: the first answer (every fact read from GitHub, the ledger
 * parsed), then 300 answers in a row as a dashboard poller sees them (the view is served for
 * ASSEMBLY_LINE_VIEW_TTL_MS, 5 s, so these reuse it), and the same with the cache off (every request
 * re-reads GitHub; the ledger is parsed again only when it changed).
 */
export async function benchDashboard(): Promise<BenchResult[]> {
  const names = Array.from({ length: INTENTS }, (_, i) => `svc-${i}`);
  const files: Record<string, string> = { 'README.md': '# demo\n' };
  names.forEach((name, i) => {
    files[`intents/${name}.yaml`] = intentYaml(name, {
      port: 9000 + i,
      priority: ['critical', 'high', 'medium', 'low'][i % 4]!,
    });
  });
  const ledgerRoot = mkdtempSync(join(tmpdir(), 'assembly-line-bench-ledger-'));
  writeLedger(join(ledgerRoot, 'octo-org', 'demo'), names);
  const results: BenchResult[] = [];
  for (const ttl of ['5000', '0']) {
    const bed = new BotBed();
    try {
      const { bot } = await bed.start({
        files,
        provider: new StuckProvider(),
        env: { ASSEMBLY_LINE_LEDGER_DIR: ledgerRoot, ASSEMBLY_LINE_VIEW_TTL_MS: ttl },
      });
      while (bot.bot.scheduler.snapshot().queued.length < INTENTS - 1)
        await new Promise((r) => setTimeout(r, 50));
      const url = `http://127.0.0.1:${bot.port}/dashboard`;
      const heapBefore = process.memoryUsage().heapUsed;
      const firstStarted = performance.now();
      const first = await fetch(url);
      const body = (await first.json()) as { queue: unknown[]; active_pipelines: unknown[] };
      const firstMs = performance.now() - firstStarted;
      const view = await bot.bot.views.view();
      const times = await timeRequests(url, ttl === '0' ? 20 : REQUESTS);
      const memory = process.memoryUsage();
      results.push({
        name:
          ttl === '0'
            ? `bot: GET /dashboard, ${INTENTS} intents, ${LEDGER_RUNS.toLocaleString('en')} ledger runs, view cache off (every request reads GitHub)`
            : `bot: GET /dashboard, ${INTENTS} intents, ${LEDGER_RUNS.toLocaleString('en')} ledger runs, a poller within the 5 s view cache`,
        runs: times.length,
        medianMs: percentile(times, 50),
        minMs: times[0]!,
        maxMs: times.at(-1)!,
        peakRssMiB: process.resourceUsage().maxRSS / 1024,
        extra: {
          'p95 ms': percentile(times, 95).toFixed(1),
          'target p95': '< 100 ms',
          'first answer (cold: GitHub read, ledger parsed) ms': firstMs.toFixed(0),
          'queue / active / runs in the view': `${body.queue.length} / ${body.active_pipelines.length} / ${view.runs.length}`,
          'RSS MiB (bot, double and bench in one process)': (memory.rss / 2 ** 20).toFixed(0),
          'heap used MiB (after - before the first request)': `${(memory.heapUsed / 2 ** 20).toFixed(0)} (${((memory.heapUsed - heapBefore) / 2 ** 20).toFixed(0)})`,
        },
      });
    } finally {
      await bed.stop();
    }
  }
  rmSync(ledgerRoot, { recursive: true, force: true });
  return results;
}
