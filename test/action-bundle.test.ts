/**
 * The Action as GitHub runs it: `node dist/index.js` in a child process, inputs as INPUT_* variables,
 * the GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_EVENT_PATH files, GITHUB_API_URL at the GitHub
 * double, and a real sshd on loopback whose host key is pinned through the `known-hosts` input.
 * The tests run in order: the first deploys the release that the later ones must leave serving.
 */
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeployTarget } from '../core/deploy/index.js';
import { findFreePort } from '../core/udc/launch.js';
import { GitHubDouble } from './github/double.js';
import { bundle, runStep, type StepRun } from './helpers/action-bundle.js';
import { cli } from './helpers/cli.js';
import { generateKey, startSshd, type TestSshd } from './helpers/sshd.js';
import { intentYaml } from './helpers/tmp.js';

const SERVICE = 'greeter';
const TWO_JOBS = 'relay';
const ANTHROPIC_KEY = 'sk-ant-api03-not-a-real-key-but-a-secret-0123456789';

let sshd: TestSshd;
let github: GitHubDouble;
let scratch: string;
let workspace: string;
let sshKey: string;
let knownHosts: string;
let deployRoot: string;
let registryFile: string;
let servicePort: number;
let sha: string;
const runs: StepRun[] = [];
const secrets: string[] = [];
const tokens: Record<string, string> = {};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

/** A checkout of the double's repository, as actions/checkout leaves it. */
function checkout(into: string): string {
  git(scratch, 'clone', '--quiet', github.gitDir, into);
  return into;
}

function sshInputs(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    target: `ssh://${sshd.user}@127.0.0.1:${sshd.port}`,
    'ssh-key': sshKey,
    'known-hosts': knownHosts,
    root: deployRoot,
    registry: `file:${registryFile}`,
    environment: 'staging',
    'github-token': tokens.deploy!,
    'health-timeout': '3',
    'health-retry-after': '0',
    ...overrides,
  };
}

async function step(
  inputs: Record<string, string>,
  options: { cwd?: string; token?: string } = {},
): Promise<StepRun> {
  const run = await runStep({
    workspace: options.cwd ?? workspace,
    inputs,
    env: {
      GITHUB_API_URL: github.apiUrl,
      GITHUB_SERVER_URL: github.url,
      GITHUB_REPOSITORY: github.repo.fullName,
      GITHUB_SHA: git(options.cwd ?? workspace, 'rev-parse', 'HEAD'),
      GITHUB_REF: 'refs/heads/main',
    },
    event: { ref: 'refs/heads/main', after: sha, repository: { full_name: github.repo.fullName } },
  });
  runs.push(run);
  return run;
}

async function health(url: string): Promise<{ status: string; release?: string }> {
  const response = await fetch(`${url}/health`);
  return (await response.json()) as { status: string; release?: string };
}

/** The release the live service on the ssh target reports, from the target itself. */
async function servingRelease(name: string): Promise<string | undefined> {
  const target = createDeployTarget(`ssh://${sshd.user}@127.0.0.1:${sshd.port}`, {
    root: deployRoot,
    knownHostsFile: sshd.knownHostsFile,
    identityFile: sshd.identityFile,
  });
  const releases = await target.list();
  return releases.find((r) => r.name === name && r.current && r.status === 'running')?.releaseId;
}

function registered(name: string): { release_id: string; url: string } | undefined {
  const data = JSON.parse(readFileSync(registryFile, 'utf8')) as {
    services: Record<string, { release_id: string; url: string }>;
  };
  return data.services[name];
}

function deploymentsOf(environment: string) {
  return github.repo.deployments
    .filter((d) => d.environment === environment)
    .map((d) => ({ id: d.id, sha: d.sha, statuses: d.statuses.map((s) => ({ ...s })) }));
}

/**
 * Replaces text in the first Python file of a service (its own code or its vendored runtime, not its
 * tests) that has it; throws when none has, so no test passes vacuously.
 */
function replaceInService(dir: string, find: string, replace: string) {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.py') && !/(^|\/)(tests|\.venv)\//.test(f))
    .sort();
  for (const file of files) {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    if (text.includes(find)) {
      writeFileSync(path, text.split(find).join(replace));
      return;
    }
  }
  throw new Error(`no Python file in ${dir} contains ${find}`);
}

let firstRelease: string;
let serviceUrl: string;

beforeAll(async () => {
  await bundle();
  scratch = mkdtempSync(join(tmpdir(), 'assembly-line-action-'));
  sshd = await startSshd();
  sshKey = readFileSync(sshd.identityFile, 'utf8');
  knownHosts = readFileSync(sshd.knownHostsFile, 'utf8');
  deployRoot = join(scratch, 'deploy');
  registryFile = join(scratch, 'registry.json');
  servicePort = await findFreePort();
  const relayPort = await findFreePort();
  github = await GitHubDouble.start({
    repository: 'octo-org/services',
    defaultBranch: 'main',
    files: {
      [`intents/${SERVICE}.yaml`]: intentYaml(SERVICE, { port: servicePort, approval_mode: 'auto' }),
      [`intents/${TWO_JOBS}.yaml`]: intentYaml(TWO_JOBS, { port: relayPort }),
    },
  });
  tokens.deploy = github.actionsToken({ contents: 'read', deployments: 'write' });
  tokens.readOnly = github.actionsToken({ contents: 'read' });
  secrets.push(sshKey, ANTHROPIC_KEY, tokens.deploy, tokens.readOnly);
  workspace = checkout(join(scratch, 'workspace'));
  sha = git(workspace, 'rev-parse', 'HEAD');
}, 60_000);

afterAll(async () => {
  const target = sshd
    ? createDeployTarget(`ssh://${sshd.user}@127.0.0.1:${sshd.port}`, {
        root: deployRoot,
        knownHostsFile: sshd.knownHostsFile,
        identityFile: sshd.identityFile,
      })
    : undefined;
  for (const name of [SERVICE, TWO_JOBS]) await target?.stop(name).catch(() => undefined);
  await github?.stop();
  await sshd?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}, 60_000);

describe('the bundled Action, run as GitHub runs it', () => {
  test('a good run: deployed over ssh, outputs, summary, deployment statuses, live and registered', async () => {
    const run = await step({ command: 'run', intent: `intents/${SERVICE}.yaml`, ...sshInputs() });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const { outputs } = run;
    expect(outputs.status).toBe('deployed');
    expect(outputs['service-url']).toBe(`http://127.0.0.1:${servicePort}`);
    expect(outputs['release-id']).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{7}$/);
    expect(Number(outputs.score)).toBeGreaterThanOrEqual(90);
    expect(Number(outputs.coverage)).toBeGreaterThanOrEqual(70);
    expect(Number(outputs['tests-passed'])).toBeGreaterThan(0);
    expect(outputs['approval-mode']).toBe('auto');
    expect(outputs['cost-usd']).toBe('0.000000');
    firstRelease = outputs['release-id']!;
    serviceUrl = outputs['service-url']!;

    expect(run.stdout).toMatch(/^::group::build_test/m);
    expect(run.stdout).toMatch(/^::group::deployment/m);
    expect(run.summary).toContain(`## Assembly Line: ${SERVICE} — :white_check_mark: deployed`);
    expect(run.summary).toContain(`| **release** | ${firstRelease} |`);
    expect(run.summary).toContain(`| **service URL** | ${serviceUrl} |`);
    expect(run.summary).toContain('### UDC verification (6/6)');
    expect(run.summary).toMatch(/\| build_test \| ok \| [\d.]+ (ms|s) \| \d+ passed, 0 failed/);
    expect(run.summary).toContain(`| **coverage** | ${outputs.coverage}% |`);
    expect(run.summary).toContain('| **model cost** | $0.0000 |');

    const [deployment, ...others] = deploymentsOf('staging');
    expect(others).toEqual([]);
    expect(deployment!.sha).toBe(sha);
    // The build's figures, for the bot's dashboard: numbers from the run's ledger record, no text.
    expect(github.repo.deployments.find((d) => d.id === deployment!.id)!.payload).toEqual({
      service: SERVICE,
      score: Number(outputs.score),
      tests_passed: Number(outputs['tests-passed']),
      tests_failed: 0,
      coverage: Number(outputs.coverage),
      cost_usd: 0,
    });
    expect(deployment!.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(deployment!.statuses[1]!.environmentUrl).toBe(serviceUrl);
    expect(deployment!.statuses[1]!.logUrl).toBe(`${github.url}/octo-org/services/actions/runs/4242`);

    expect(await health(serviceUrl)).toMatchObject({ status: 'active' });
    expect(await servingRelease(SERVICE)).toBe(firstRelease);
    expect(registered(SERVICE)).toMatchObject({ release_id: firstRelease, url: serviceUrl });
    github.assertClean();
  }, 180_000);

  test('a failing test: annotations at file and line, exit 1, and no deploy', async () => {
    const tests = join(workspace, 'services', SERVICE, 'tests');
    const testName = readdirSync(tests)
      .filter((f) => /^test_.*\.py$/.test(f))
      .sort()[0];
    if (!testName) throw new Error(`no test_*.py in ${tests}`);
    const testFile = join(tests, testName);
    const original = readFileSync(testFile, 'utf8');
    try {
      // A person's edit of the generated tests: an unused import (pyflakes) and an assertion that fails.
      writeFileSync(testFile, `import os\n${original}`);
      appendFileSync(testFile, '\n\ndef test_greeting_is_polite():\n    assert "please" in "hello"\n');
      const failingLine =
        readFileSync(testFile, 'utf8').split('\n').indexOf('    assert "please" in "hello"') + 1;
      const before = deploymentsOf('staging').length;
      const run = await step({ command: 'run', intent: `intents/${SERVICE}.yaml`, ...sshInputs() });
      expect(run.code).toBe(1);
      expect(run.outputs.status).toBe('failed');
      const file = `services/${SERVICE}/tests/${testName}`;
      expect(run.annotations).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: 'error',
            properties: expect.objectContaining({ file, line: String(failingLine) }),
          }),
          expect.objectContaining({
            kind: 'error',
            properties: expect.objectContaining({ title: 'pyflakes', file, line: '1' }),
            message: "'os' imported but unused",
          }),
        ]),
      );
      expect(run.stdout).toMatch(/^::error::greeter: /m);
      expect(run.summary).toContain('### Failing tests');
      expect(run.summary).toContain(`${file}:${failingLine}`);
      expect(run.outputs['release-id']).toBeUndefined();
      expect(deploymentsOf('staging')).toHaveLength(before);
      expect(await servingRelease(SERVICE)).toBe(firstRelease);
    } finally {
      writeFileSync(testFile, original);
    }
  }, 180_000);

  test('a wrong host key: exit 1, a failure status, and the old release still serving', async () => {
    const dir = mkdtempSync(join(scratch, 'other-host-'));
    const otherKey = await generateKey(join(dir, 'key'));
    const run = await step({
      command: 'deploy',
      intent: `intents/${SERVICE}.yaml`,
      ...sshInputs({ 'known-hosts': `[127.0.0.1]:${sshd.port} ${otherKey}\n` }),
    });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.stdout).toContain(`host key for 127.0.0.1:${sshd.port} has changed`);
    const last = deploymentsOf('staging').at(-1)!;
    expect(last.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
    expect(last.statuses[1]!.description).toContain('host key');
    expect(last.statuses[1]!.description.length).toBeLessThanOrEqual(140);
    expect(await servingRelease(SERVICE)).toBe(firstRelease);
    expect(await health(serviceUrl)).toMatchObject({ status: 'active' });
    github.assertClean();
  }, 120_000);

  test('a health failure: rolled back, the old release serving, a failure status', async () => {
    const service = join(workspace, 'services', SERVICE);
    const saved = mkdtempSync(join(scratch, 'service-'));
    cpSync(service, saved, { recursive: true });
    try {
      // A release that starts but never reports itself active.
      replaceInService(service, '"status": "active"', '"status": "degraded"');
      const run = await step({ command: 'deploy', intent: `intents/${SERVICE}.yaml`, ...sshInputs() });
      expect(run.code).toBe(1);
      expect(run.outputs.status).toBe('failed');
      expect(run.outputs['release-id']).not.toBe(firstRelease);
      expect(run.summary).toContain(`| **serving after the failure** | ${firstRelease} at ${serviceUrl} |`);
      const last = deploymentsOf('staging').at(-1)!;
      expect(last.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
      expect(last.statuses[1]!.description).toMatch(
        new RegExp(`^rolled back: ${firstRelease} keeps serving`),
      );
      expect(await servingRelease(SERVICE)).toBe(firstRelease);
      expect(await health(serviceUrl)).toMatchObject({ status: 'active' });
      expect(registered(SERVICE)).toMatchObject({ release_id: firstRelease });
    } finally {
      rmSync(service, { recursive: true, force: true });
      cpSync(saved, service, { recursive: true });
    }
  }, 180_000);

  test('build then deploy in two processes, as two jobs: deploy refuses a build of another SPEC', async () => {
    // The build job: its own checkout with the SPEC, no deploy secrets, a token that may only read.
    const buildJob = checkout(join(scratch, 'build-job'));
    // The SPEC was merged before: write it and push it, so both jobs check out the same commit.
    const spec = await cli(['spec', `intents/${TWO_JOBS}.yaml`], buildJob);
    expect(spec.code).toBe(0);
    git(buildJob, 'add', 'specs');
    git(
      buildJob,
      '-c',
      'user.name=octo',
      '-c',
      'user.email=octo@example.com',
      'commit',
      '-qm',
      `spec: ${TWO_JOBS}`,
    );
    git(buildJob, 'push', '-q', 'origin', 'HEAD:main');
    const built = await step(
      {
        command: 'build',
        intent: `intents/${TWO_JOBS}.yaml`,
        'anthropic-api-key': '',
        'github-token': tokens.readOnly!,
      },
      { cwd: buildJob },
    );
    expect({ code: built.code, status: built.outputs.status }).toEqual({ code: 0, status: 'built' });
    expect(built.stdout).not.toMatch(/^::group::deployment/m);

    // The deploy job: a fresh checkout of the same commit plus the artifact (services/<name>/).
    const deployJob = checkout(join(scratch, 'deploy-job'));
    cpSync(join(buildJob, 'services', TWO_JOBS), join(deployJob, 'services', TWO_JOBS), { recursive: true });
    const deployed = await step(
      { command: 'deploy', intent: `intents/${TWO_JOBS}.yaml`, ...sshInputs({ environment: 'relay-env' }) },
      { cwd: deployJob },
    );
    expect({ code: deployed.code, status: deployed.outputs.status }).toEqual({ code: 0, status: 'deployed' });
    expect(deploymentsOf('relay-env').map((d) => d.statuses.map((s) => s.state))).toEqual([
      ['in_progress', 'success'],
    ]);

    // A later commit changed the SPEC; the artifact of the old build must not go out with it.
    appendFileSync(join(deployJob, 'specs', TWO_JOBS, 'SPEC.md'), '\nA sentence added after the build.\n');
    const refused = await step(
      { command: 'deploy', intent: `intents/${TWO_JOBS}.yaml`, ...sshInputs({ environment: 'relay-env' }) },
      { cwd: deployJob },
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`::error::services/${TWO_JOBS}/ was built from another SPEC`);
    expect(refused.stdout).toContain('refusing a stale or foreign build');
    expect(deploymentsOf('relay-env')).toHaveLength(1);
    github.assertClean();
  }, 240_000);

  test('a token without deployments: write: the deploy goes on, the records are skipped with a notice', async () => {
    const before = github.repo.deployments.length;
    const run = await step({
      command: 'deploy',
      intent: `intents/${SERVICE}.yaml`,
      ...sshInputs({ 'github-token': tokens.readOnly!, 'anthropic-api-key': ANTHROPIC_KEY }),
    });
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    expect(run.stdout).toMatch(
      /^::notice::GitHub Deployments skipped: the token may not write deployments \(403/m,
    );
    expect(github.repo.deployments).toHaveLength(before);
    expect(await servingRelease(SERVICE)).toBe(run.outputs['release-id']);
    github.takeRefusals();
  }, 180_000);

  test('no secret appears in any log, summary or output; each was masked before use', () => {
    expect(runs.length).toBeGreaterThanOrEqual(6);
    for (const run of runs) {
      const withoutMaskCommands = run.stdout
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n');
      const written = [withoutMaskCommands, run.stderr, run.summary, JSON.stringify(run.outputs)].join('\n');
      for (const secret of secrets) {
        for (const line of secret.split('\n').filter((l) => l.trim().length >= 8))
          expect(written).not.toContain(line.trim());
      }
    }
    const masked = runs[0]!.stdout.split('\n').filter((line) => line.startsWith('::add-mask::'));
    expect(masked.length).toBeGreaterThanOrEqual(3);
  });
});
