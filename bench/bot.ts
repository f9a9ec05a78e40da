import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import { specFiles } from '../bot/src/line/spec-pr.js';
import type { RunningBot } from '../bot/src/main.js';
import { WEBHOOK_PATH } from '../bot/src/main.js';
import { IntentSchema } from '../core/intent/schema.js';
import { OfflineProvider } from '../core/llm/offline/provider.js';
import type { LlmProvider, SpecRequest } from '../core/ports/index.js';
import type { GitHubDouble } from '../test/github/double.js';
import { signature256 } from '../test/github/webhooks.js';
import { BotBed, intentYaml, settle, WEBHOOK_SECRET } from '../test/helpers/bot.js';
import { type BenchResult, resultOf } from './measure.js';

/** A provider whose first SPEC never comes back: the queue behind it stays full while we measure. */
class StuckProvider extends OfflineProvider {
  override async writeSpec(_request: SpecRequest): Promise<never> {
    return new Promise<never>(() => {});
  }
}

const botCalls = (double: GitHubDouble, mark: number) => {
  const calls = double.counters.calls.slice(mark).filter((c) => c.actor === `${double.app.slug}[bot]`);
  return {
    reads: calls.filter((c) => c.kind === 'read').length,
    writes: calls.filter((c) => c.kind === 'write').length,
    endpoints: [...new Set(calls.map((c) => c.endpoint))].join(', '),
  };
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function withBot<T>(
  files: Record<string, string>,
  provider: LlmProvider | undefined,
  work: (double: GitHubDouble, bot: RunningBot) => Promise<T>,
): Promise<T> {
  const bed = new BotBed();
  try {
    const { double, bot } = await bed.start({ files, ...(provider ? { provider } : {}) });
    return await work(double, bot);
  } finally {
    await bed.stop();
  }
}

/** Webhook → 2xx while 100 intents wait in the queue (target p95 < 50 ms). */
async function webhookLatency(): Promise<BenchResult> {
  const files: Record<string, string> = { 'README.md': '# demo\n' };
  return withBot(files, new StuckProvider(), async (double, bot) => {
    const intents: Record<string, string> = {};
    for (let i = 0; i < 100; i++)
      intents[`intents/svc-${i}.yaml`] = intentYaml(`svc-${i}`, { port: 9000 + i });
    await double.person('alice').push({ files: intents });
    await double.webhooks.settled();
    while (bot.bot.scheduler.snapshot().queued.length < 99) await new Promise((r) => setTimeout(r, 50));
    const push = double.webhooks.of('push').at(-1)!;
    const body = JSON.stringify(push.payload);
    const url = double.webhooks.target!.url;
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-github-delivery': `bench-${i}`,
          'x-hub-signature-256': signature256(WEBHOOK_SECRET, body),
        },
        body,
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const snapshot = bot.bot.scheduler.snapshot();
    return {
      name: `bot: webhook → 2xx with ${snapshot.queued.length + snapshot.running.length} intents queued (${WEBHOOK_PATH})`,
      runs: times.length,
      medianMs: percentile(times, 50),
      minMs: times[0]!,
      maxMs: times.at(-1)!,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      extra: { 'p95 ms': percentile(times, 95).toFixed(1), 'target p95': '< 50 ms' },
    };
  });
}

/**
 * REST calls the bot makes for one new SPEC pull request, warm (target ≤ 12): the SPEC line alone
 * (ASSEMBLY_LINE_DASHBOARD_ISSUE=off), and with the dashboard issue's refresh after the SPEC run.
 */
async function callsForNewPr(dashboardIssue: boolean): Promise<BenchResult> {
  const bed = new BotBed();
  try {
    const { double, bot } = await bed.start({
      files: { 'README.md': '# demo\n' },
      env: { ASSEMBLY_LINE_DASHBOARD_ISSUE: dashboardIssue ? 'on' : 'off' },
    });
    const alice = double.person('alice');
    await alice.push({ files: { 'intents/warm-up.yaml': intentYaml('warm-up', { port: 8400 }) } });
    await settle(double, bot);
    const mark = double.counters.mark();
    const started = performance.now();
    await alice.push({ files: { 'intents/ledger.yaml': intentYaml('ledger', { port: 8401 }) } });
    await settle(double, bot);
    const ms = performance.now() - started;
    const calls = botCalls(double, mark);
    const what = dashboardIssue
      ? 'with the dashboard issue refreshed'
      : 'the SPEC line alone, dashboard issue off';
    return resultOf(
      `bot: REST calls for a new SPEC pull request (push → PR, check run, labels), ${what}`,
      [ms],
      {
        reads: calls.reads,
        writes: calls.writes,
        total: calls.reads + calls.writes,
        target: dashboardIssue ? '≤ 12 for the SPEC line; the refresh is counted on top' : '≤ 12',
        endpoints: calls.endpoints,
      },
    );
  } finally {
    await bed.stop();
  }
}

/** A push that changes nothing in a repository of 500 intents with current SPECs (target ≤ 5 reads, 0 writes). */
async function callsForNoOpPush(): Promise<BenchResult> {
  const files: Record<string, string> = { 'README.md': '# demo\n' };
  const provider = new OfflineProvider();
  for (let i = 0; i < 500; i++) {
    const name = `svc-${i}`;
    const yaml = intentYaml(name, { port: 9000 + i });
    files[`intents/${name}.yaml`] = yaml;
    const { changes } = await specFiles(IntentSchema.parse(parse(yaml)), provider);
    for (const change of changes) files[change.path] = change.content;
  }
  return withBot(files, undefined, async (double, bot) => {
    await settle(double, bot); // the start-up reconcile reads everything once
    const mark = double.counters.mark();
    const started = performance.now();
    await double.person('alice').push({
      files: { 'intents/svc-7.yaml': `# reworded, same intent\n${files['intents/svc-7.yaml']}` },
    });
    await settle(double, bot);
    const ms = performance.now() - started;
    const calls = botCalls(double, mark);
    return resultOf('bot: a push that changes nothing, 500 intents with current SPECs', [ms], {
      reads: calls.reads,
      writes: calls.writes,
      target: '≤ 5 reads, 0 writes',
      endpoints: calls.endpoints,
    });
  });
}

export async function benchBot(): Promise<BenchResult[]> {
  return [
    await webhookLatency(),
    await callsForNewPr(false),
    await callsForNewPr(true),
    await callsForNoOpPush(),
  ];
}
