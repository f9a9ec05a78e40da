/**
 * `command: spec` as GitHub runs it: the bundle in a child process over a push event's payload (built
 * and checked against GitHub's webhook schema by the double, with no `installation`, as a workflow
 * sees it), with a GITHUB_TOKEN-style token of the double holding the job's permissions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { GitHubDouble } from './github/double.js';
import type { PermissionSet } from './github/state.js';
import { bundle, runStep } from './helpers/action-bundle.js';
import { assertBotCallsValid, gateRuns, intentYaml, specPulls } from './helpers/bot.js';

const SPEC_JOB: PermissionSet = {
  contents: 'write',
  pull_requests: 'write',
  issues: 'write',
  checks: 'write',
};

let scratch: string;
let dist: string;
let double: GitHubDouble | undefined;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'assembly-line-spec-step-'));
  dist = join(scratch, 'dist');
  await bundle(dist);
}, 120_000);

afterEach(async () => {
  await double?.stop();
  double = undefined;
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A person pushes an intent to main; the push event the workflow would get, without the app's installation. */
async function pushIntent(github: GitHubDouble) {
  await github.person('alice').push({
    files: { 'intents/ledger.yaml': intentYaml('ledger', { port: 8361 }) },
    message: 'Add the ledger intent',
  });
  const [push] = github.webhooks.of('push');
  expect(github.problems).toEqual([]);
  const payload = structuredClone(push!.payload);
  delete payload.installation;
  return payload;
}

async function specStep(github: GitHubDouble, permissions: PermissionSet, event: unknown) {
  const env = github.actionsEnv(permissions);
  return runStep({
    dist,
    workspace: scratch,
    inputs: { command: 'spec', 'github-token': env.GITHUB_TOKEN! },
    env: { ...env, GITHUB_EVENT_NAME: 'push', ASSEMBLY_LINE_WRITE_INTERVAL_MS: '2' },
    event,
  });
}

describe('command: spec, the bot as a workflow step', () => {
  test('a push of an intent opens its SPEC pull request with the gate check run, and the step waits for it', async () => {
    double = await GitHubDouble.start({ files: { 'README.md': '# demo\n' } });
    const event = await pushIntent(double);
    const run = await specStep(double, SPEC_JOB, event);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const pulls = specPulls(double);
    expect(pulls.map((p) => p.pull!.head.ref)).toEqual(['assembly-line/spec/ledger']);
    const gates = gateRuns(double, pulls[0]!.pull!.head.sha);
    expect(gates.map((g) => g.conclusion)).toEqual(['success']);
    expect(run.outputs.status).toBe('spec-ready');
    expect(run.stdout).toContain('provider: offline');
    // The pull request is GITHUB_TOKEN's: other workflows would not start from it.
    expect(pulls[0]!.user.login).toBe('github-actions[bot]');
    assertBotCallsValid(double);
  }, 120_000);

  test('a token without pull_requests: write fails the step with exit 1 and the refusal, no stack trace', async () => {
    double = await GitHubDouble.start({ files: { 'README.md': '# demo\n' } });
    const event = await pushIntent(double);
    const run = await specStep(double, { contents: 'write', issues: 'write', checks: 'write' }, event);
    double.takeRefusals();
    expect(run.code).toBe(1);
    expect(specPulls(double)).toEqual([]);
    const failed = run.stdout.split('\n').filter((line) => line.startsWith('::error::'));
    expect(failed.at(-1)).toMatch(
      /^::error::the SPEC line failed: 1 error\(s\); the first: .*Resource not accessible by integration/,
    );
    expect(run.outputs.status).toBe('failed');
    expect(run.stdout).not.toMatch(/\n\s+at /);
  }, 120_000);
});
