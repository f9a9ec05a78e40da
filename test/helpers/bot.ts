import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECK_NAME } from '../../bot/src/line/render.js';
import { type RunningBot, startBot, WEBHOOK_PATH } from '../../bot/src/main.js';
import type { LlmProvider } from '../../core/ports/index.js';
import { findFreePort } from '../../core/udc/launch.js';
import { GitHubDouble, type GitHubDoubleOptions } from '../github/double.js';
import type { Repo } from '../github/state.js';

export const WEBHOOK_SECRET = 'bot-test-secret';

/** The environment `assembly-line bot` gets in tests: the double as GitHub Enterprise, fast pacing. */
export async function botEnv(double: GitHubDouble, extra: Record<string, string> = {}) {
  const port = await findFreePort();
  return {
    port,
    env: {
      ...double.probotEnv(WEBHOOK_SECRET),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.BOT_TEST_LOG_LEVEL ?? 'silent',
      ASSEMBLY_LINE_WRITE_INTERVAL_MS: '2',
      ASSEMBLY_LINE_BACKOFF_MS: '50',
      ASSEMBLY_LINE_RECONCILE_INTERVAL_MS: '0',
      // The bot's ledger goes to a temporary directory, never the checkout (startBotOn removes it).
      ASSEMBLY_LINE_LEDGER_DIR: mkdtempSync(join(tmpdir(), 'assembly-line-bot-ledger-')),
      ...extra,
    },
  };
}

/** The bot's real HTTP server on a free port, with the double delivering signed webhooks to it. */
export async function startBotOn(
  double: GitHubDouble,
  options: { provider?: LlmProvider; env?: Record<string, string> } = {},
): Promise<RunningBot> {
  const { port, env } = await botEnv(double, options.env);
  double.webhooks.target = { url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`, secret: WEBHOOK_SECRET };
  const bot = await startBot(env, options.provider ? { provider: options.provider } : {});
  const stop = bot.stop.bind(bot);
  bot.stop = async () => {
    await stop();
    if (!options.env?.ASSEMBLY_LINE_LEDGER_DIR)
      rmSync(env.ASSEMBLY_LINE_LEDGER_DIR, { recursive: true, force: true });
  };
  await bot.bot.started;
  return bot;
}

export interface BotBedOptions {
  /** The first commit of the repository under test (default: a README only). */
  files?: Record<string, string>;
  app?: GitHubDoubleOptions['app'];
  provider?: LlmProvider;
  env?: Record<string, string>;
}

/**
 * A GitHub double and the bot's real HTTP server against it, one pair at a time. `stop()` ends both
 * whether the test passed or not: a test file calls `afterEach(() => bed.stop())`.
 */
export class BotBed {
  private double: GitHubDouble | undefined;
  private bot: RunningBot | undefined;

  async start(options: BotBedOptions = {}): Promise<{ double: GitHubDouble; bot: RunningBot }> {
    await this.stop();
    const double = await GitHubDouble.start({
      files: options.files ?? { 'README.md': '# demo\n' },
      ...(options.app ? { app: options.app } : {}),
    });
    this.double = double;
    const bot = await startBotOn(double, {
      ...(options.provider ? { provider: options.provider } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
    this.bot = bot;
    return { double, bot };
  }

  async stop(): Promise<void> {
    const { bot, double } = this;
    this.bot = undefined;
    this.double = undefined;
    try {
      await bot?.stop();
    } finally {
      await double?.stop();
    }
  }
}

/** Waits until the double has delivered everything and the bot has nothing queued or running. */
export async function settle(double: GitHubDouble, bot: RunningBot): Promise<void> {
  for (;;) {
    const before = `${double.webhooks.deliveries.length}/${double.counters.calls.length}`;
    await double.webhooks.settled();
    await bot.bot.scheduler.whenIdle();
    await double.webhooks.settled();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const after = `${double.webhooks.deliveries.length}/${double.counters.calls.length}`;
    if (before === after && bot.bot.scheduler.idle) return;
  }
}

/** The SPEC pull requests of the repository under test, or of `repo`. */
export function specPulls(double: GitHubDouble, repo: Repo = double.repo) {
  return [...repo.issues.values()]
    .filter((p) => p.pull?.head.ref.startsWith('assembly-line/spec/'))
    .sort((a, b) => a.number - b.number);
}

export function gateRuns(double: GitHubDouble, headSha: string) {
  return double.repo.checkRuns.filter((r) => r.name === CHECK_NAME && r.headSha === headSha);
}

export async function fileAt(double: GitHubDouble, ref: string, path: string): Promise<string | undefined> {
  const entries = await double.repo.store.readTree(ref, true);
  const entry = entries.find((e) => e.path === path);
  return entry ? (await double.repo.store.readBlob(entry.sha)).toString('utf8') : undefined;
}

export function intentYaml(
  name: string,
  fields: { priority?: string; port: number; approval?: string; purpose?: string; dependencies?: string[] },
) {
  const dependencies = fields.dependencies ?? ['registry'];
  return [
    `service_name: ${name}`,
    'service_type: domain',
    `priority: ${fields.priority ?? 'medium'}`,
    `purpose: ${fields.purpose ?? `Keeps track of ${name} records for the team`}`,
    'key_features:',
    `  - GET /${name}/items endpoint`,
    ...(dependencies.length === 0
      ? ['dependencies: []']
      : ['dependencies:', ...dependencies.map((d) => `  - ${d}`)]),
    `port: ${fields.port}`,
    `approval_mode: ${fields.approval ?? 'checkpoints'}`,
    '',
  ].join('\n');
}

/**
 * What the bot is answerable for: every endpoint it called exists in the double, and every request
 * matched GitHub's schema. (The double's own answers are checked by its tests.)
 */
export function assertBotCallsValid(double: GitHubDouble): void {
  const mine = double.problems.filter(
    (p) => p.kind === 'unhandled' || p.kind === 'refused' || p.kind === 'crash',
  );
  if (mine.length > 0)
    throw new Error(
      `the bot's calls broke GitHub's contract:\n${mine.map((p) => `  [${p.kind}] ${p.endpoint}: ${p.message}`).join('\n')}`,
    );
}
