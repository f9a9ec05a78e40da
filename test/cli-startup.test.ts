import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from '@jest/globals';
import { execa } from 'execa';
import { errorReply, type FakeMessagesApi, startFakeMessagesApi } from './helpers/fake-messages-api.js';
import { intentYaml, tempTree } from './helpers/tmp.js';

/**
 * What the installed CLI really loads: bin/assembly-line.js runs in its own node process with a hook
 * that records every module it resolves. Each command loads only its own module, and the Anthropic SDK
 * only when the anthropic provider is chosen. Holds for the bundle (out/cli/, chunk files named after
 * their entry) and for the plain compile output (out/core/) alike.
 */
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const bin = join(repoRoot, 'bin/assembly-line.js');
const recorder = join(repoRoot, 'test/support/record-imports.mjs');
const COMMAND_MODULES = [
  'run-command',
  'validate-command',
  'spec-command',
  'verify-command',
  'plan-command',
  'build-command',
  'udc-command',
  'deploy-commands',
  'status-command',
];

const trees: Array<ReturnType<typeof tempTree>> = [];
let api: FakeMessagesApi | undefined;
afterEach(async () => {
  for (const tree of trees.splice(0)) tree.cleanup();
  await api?.close();
  api = undefined;
});

async function loaded(args: string[], cwd: string, env: Record<string, string> = {}) {
  const log = tempTree();
  trees.push(log);
  const result = await execa(process.execPath, ['--import', recorder, bin, ...args], {
    cwd,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, IMPORT_LOG: log.path('imports.log'), ...env },
    extendEnv: false,
    reject: false,
  });
  const urls = readFileSync(log.path('imports.log'), 'utf8').trim().split('\n');
  const commands = COMMAND_MODULES.filter((name) => urls.some((url) => basename(url).startsWith(name)));
  const sdk = urls.some(
    (url) => url.includes('@anthropic-ai/sdk') || /\/anthropic(-[A-Z0-9]+)?\.js$/.test(url),
  );
  const probot = urls.some((url) => url.includes('/node_modules/probot/') || url.includes('/out/bot/'));
  return { result, commands, sdk, probot };
}

describe('CLI start-up loads only what the command uses', () => {
  it('validate loads the validate command and nothing of the other commands or the SDK', async () => {
    const { result, commands, sdk } = await loaded(['validate', 'intents/hello-world.yaml'], repoRoot);
    expect(result.exitCode).toBe(0);
    expect(commands).toEqual(['validate-command']);
    expect(sdk).toBe(false);
  });

  it('spec with the offline provider never loads the Anthropic SDK', async () => {
    const tree = tempTree({ 'intents/greeter.yaml': intentYaml('greeter', { port: 9301 }) });
    trees.push(tree);
    const { result, commands, sdk } = await loaded(['spec', 'intents/greeter.yaml'], tree.root);
    expect(result.exitCode).toBe(0);
    expect(commands).toEqual(['spec-command']);
    expect(sdk).toBe(false);
  });

  it('spec with the anthropic provider loads the SDK and calls the API', async () => {
    api = await startFakeMessagesApi(() => errorReply(401, 'invalid x-api-key'));
    const tree = tempTree({ 'intents/greeter.yaml': intentYaml('greeter', { port: 9302 }) });
    trees.push(tree);
    const { result, commands, sdk } = await loaded(['spec', 'intents/greeter.yaml'], tree.root, {
      ANTHROPIC_API_KEY: 'sk-ant-test-key',
      ANTHROPIC_BASE_URL: api.url,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('ANTHROPIC_API_KEY was rejected');
    expect(commands).toEqual(['spec-command']);
    expect(sdk).toBe(true);
    expect(api.requests.length).toBeGreaterThan(0);
  });

  it('help loads every command, for their summaries', async () => {
    const { result, commands } = await loaded(['--help'], repoRoot);
    expect(result.exitCode).toBe(0);
    expect(commands).toEqual(COMMAND_MODULES);
  });

  it('help lists bot with one line, without loading the bot or Probot; `help bot` is its own help', async () => {
    const general = await loaded(['--help'], repoRoot);
    const botLines = general.result.stdout.split('\n').filter((line) => /^ {2}bot +\S/.test(line));
    expect(botLines).toEqual([expect.stringContaining('SPEC pull request')]);
    expect(general.probot).toBe(false);

    const typo = await loaded(['bto'], repoRoot);
    expect(typo.result.exitCode).toBe(2);
    expect(typo.result.stderr).toContain("did you mean 'bot'");

    const help = await loaded(['help', 'bot'], repoRoot);
    expect(help.result.exitCode).toBe(0);
    expect(help.result.stdout).toMatch(/^Usage: assembly-line bot\n/);
    expect(help.result.stdout).toContain('WEBHOOK_SECRET');
  });
});
