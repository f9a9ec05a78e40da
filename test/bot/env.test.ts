import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { readBotConfig } from '../../bot/src/env.js';
import { findFreePort } from '../../core/udc/launch.js';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
});
const GOOD = { APP_ID: '42', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: 's3cret' };

const children: Array<ReturnType<typeof spawn>> = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function runBot(env: Record<string, string>) {
  const child = spawn(process.execPath, ['bin/assembly-line.js', 'bot'], {
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe('assembly-line bot: its environment', () => {
  it.each([
    [{ ...GOOD, APP_ID: '' }, 'APP_ID must be set'],
    [{ ...GOOD, APP_ID: 'twelve' }, "APP_ID must be a numeric id, not 'twelve'"],
    [{ ...GOOD, WEBHOOK_SECRET: '' }, 'WEBHOOK_SECRET must be set'],
    [{ ...GOOD, PRIVATE_KEY: '' }, 'PRIVATE_KEY or PRIVATE_KEY_PATH must be set'],
    [{ ...GOOD, PRIVATE_KEY: 'not a key' }, 'PRIVATE_KEY is not a PEM private key'],
    [
      { ...GOOD, PRIVATE_KEY: '', PRIVATE_KEY_PATH: '/nonexistent/key.pem' },
      'PRIVATE_KEY_PATH: cannot read /nonexistent/key.pem: ENOENT',
    ],
    [{ ...GOOD, PORT: '70000' }, "PORT must be a whole number from 1 to 65535, not '70000'"],
    [{ ...GOOD, GHE_HOST: 'https://github.example.com' }, 'GHE_HOST must be a host name'],
    [{ ...GOOD, GHE_PROTOCOL: 'ftp' }, "GHE_PROTOCOL must be http or https, not 'ftp'"],
    [{ ...GOOD, ASSEMBLY_LINE_API_TOKEN: 'short' }, 'ASSEMBLY_LINE_API_TOKEN must be at least 16 characters'],
    [
      { ...GOOD, ASSEMBLY_LINE_DASHBOARD_TOKEN: 'short' },
      'ASSEMBLY_LINE_DASHBOARD_TOKEN must be at least 16 characters',
    ],
    [{ ...GOOD, ASSEMBLY_LINE_VIEW_TTL_MS: 'soon' }, 'ASSEMBLY_LINE_VIEW_TTL_MS must be a whole number'],
    [
      { ...GOOD, ASSEMBLY_LINE_DASHBOARD_ISSUE: 'maybe' },
      "ASSEMBLY_LINE_DASHBOARD_ISSUE must be on or off, not 'maybe'",
    ],
    [
      { ...GOOD, ASSEMBLY_LINE_DASHBOARD_ISSUE: 'constructor' },
      "ASSEMBLY_LINE_DASHBOARD_ISSUE must be on or off, not 'constructor'",
    ],
    [
      { ...GOOD, ASSEMBLY_LINE_PUBLIC_URL: 'bot.example.com' },
      "ASSEMBLY_LINE_PUBLIC_URL is not a URL (e.g. https://bot.example.com), not 'bot.example.com'",
    ],
    [
      { ...GOOD, ASSEMBLY_LINE_PUBLIC_URL: 'ftp://bot.example.com' },
      'ASSEMBLY_LINE_PUBLIC_URL must start with http:// or https://',
    ],
    [
      { ...GOOD, ASSEMBLY_LINE_PUBLIC_URL: 'https://bot.example.com/?a=1' },
      'ASSEMBLY_LINE_PUBLIC_URL must have no query, fragment or credentials',
    ],
    [
      { ...GOOD, LOG_LEVEL: 'loud' },
      "LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, not 'loud'",
    ],
  ])('names the bad variable in one line: %#', (env, message) => {
    expect(() => readBotConfig(env)).toThrow(message);
  });

  it('reaches GitHub Enterprise (or the double) through GHE_HOST and GHE_PROTOCOL, and accepts a one-line key', () => {
    const config = readBotConfig({
      ...GOOD,
      PRIVATE_KEY: privateKey.replace(/\n/g, '\\n'),
      GHE_HOST: '127.0.0.1:8443',
      GHE_PROTOCOL: 'http',
    });
    expect(config.baseUrl).toBe('http://127.0.0.1:8443/api/v3');
    expect(config.port).toBe(3000);
    expect(config.pacing.writeIntervalMs).toBe(1000);
    // The HTTP API: writes off and reads public until their tokens are set; the ledger in the working directory.
    expect(config.apiToken).toBeUndefined();
    expect(config.dashboardToken).toBeUndefined();
    expect(config.ledgerDir).toBe('.assembly-line/bot-ledger');
    expect(config.viewTtlMs).toBe(5000);
    expect(config.dashboardIssue).toBe(true);
  });

  it.each([
    ['off', false],
    ['OFF', false],
    ['0', false],
    ['false', false],
    ['on', true],
    ['1', true],
    [' true ', true],
  ])('reads ASSEMBLY_LINE_DASHBOARD_ISSUE=%j as %s', (raw, wanted) => {
    expect(readBotConfig({ ...GOOD, ASSEMBLY_LINE_DASHBOARD_ISSUE: raw }).dashboardIssue).toBe(wanted);
  });

  it('exits 1 with one line and no stack trace when a variable is missing', async () => {
    const run = runBot({ ...GOOD, APP_ID: '' });
    expect(await run.exited).toBe(1);
    expect(run.err()).toBe("assembly-line: error: APP_ID must be set (the GitHub App's numeric id)\n");
  });

  it('says at start-up that the offline provider runs when ANTHROPIC_API_KEY is unset', async () => {
    const port = await findFreePort();
    const run = runBot({
      ...GOOD,
      PORT: String(port),
      HOST: '127.0.0.1',
      GHE_HOST: '127.0.0.1:9',
      GHE_PROTOCOL: 'http',
    });
    while (!run.out().includes('/api/github/webhooks')) {
      if (run.child.exitCode !== null) throw new Error(run.err());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(run.out()).toContain('LLM provider: offline (ANTHROPIC_API_KEY is not set)');
    const ping = await fetch(`http://127.0.0.1:${port}/ping`);
    expect(ping.status).toBe(200);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });
});
