import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from '@jest/globals';
import { WEBHOOK_PATH } from '../../bot/src/main.js';
import { GitHubDouble } from '../github/double.js';
import {
  assertBotCallsValid,
  botEnv,
  gateRuns,
  intentYaml,
  specPulls,
  WEBHOOK_SECRET,
} from '../helpers/bot.js';
import { type FakeMessagesApi, startFakeMessagesApi } from '../helpers/fake-messages-api.js';

let double: GitHubDouble | undefined;
let fake: FakeMessagesApi | undefined;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await fake?.close();
  await double?.stop();
  fake = undefined;
  double = undefined;
});

/** `assembly-line bot` as a process of its own, as it runs in production. */
async function spawnBot(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/assembly-line.js', 'bot'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
    if (process.env.BOT_TEST_LOG_LEVEL) process.stderr.write(chunk);
  });
  child.stderr!.on('data', (chunk) => (output += chunk));
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`the bot exited ${child.exitCode}: ${output}`);
    return fetch(`http://127.0.0.1:${port}/ping`).then(
      (r) => r.ok,
      () => false,
    );
  });
  return child;
}

async function until(condition: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 100));
}

describe('restart safety', () => {
  it('a bot killed in the middle of a generation picks the intents up again: exactly one PR per intent', async () => {
    double = await GitHubDouble.start({ files: { 'README.md': '# demo\n' } });
    // The first bot's model never answers, so it is surely mid-generation when it is killed.
    fake = await startFakeMessagesApi(() => ({ hang: true }));
    const first = await botEnv(double, {
      ANTHROPIC_API_KEY: 'test-key',
      ANTHROPIC_BASE_URL: fake.url,
    });
    double.webhooks.target = { url: `http://127.0.0.1:${first.port}${WEBHOOK_PATH}`, secret: WEBHOOK_SECRET };
    const bot = await spawnBot(first.env, first.port);
    await double.person('alice').push({
      files: {
        'intents/ledger.yaml': intentYaml('ledger', { port: 8371, priority: 'high' }),
        'intents/search.yaml': intentYaml('search', { port: 8372 }),
      },
    });
    await until(() => fake!.requests.length > 0);
    bot.kill('SIGKILL');
    await until(() => bot.signalCode !== null);
    expect(specPulls(double)).toHaveLength(0);

    // The second bot has no key (offline provider) and no webhook tells it anything: it reconciles.
    const second = await botEnv(double);
    double.webhooks.target = {
      url: `http://127.0.0.1:${second.port}${WEBHOOK_PATH}`,
      secret: WEBHOOK_SECRET,
    };
    await spawnBot(second.env, second.port);
    await until(() => {
      const pulls = specPulls(double!);
      return (
        pulls.length === 2 &&
        pulls.every((p) => p.labels.length > 0 && gateRuns(double!, p.pull!.head.sha).length > 0)
      );
    });
    await double.webhooks.settled();
    const pulls = specPulls(double);
    expect(pulls.map((p) => p.title).sort()).toEqual(['spec: ledger', 'spec: search']);
    expect(new Set(pulls.map((p) => p.pull!.head.ref)).size).toBe(2);
    assertBotCallsValid(double);
  }, 300_000);
});
