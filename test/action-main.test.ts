/**
 * Unit tests of action/src/main.ts, as GitHub's typescript-action template writes them: @actions/core
 * and the Action's doors to core and to GitHub are replaced by fixtures before main is imported.
 */
import { jest } from '@jest/globals';
import * as core from './__fixtures__/core.js';
import * as github from './__fixtures__/github.js';
import * as pipeline from './__fixtures__/pipeline.js';
import * as specStep from './__fixtures__/spec-step.js';
import { tempTree } from './helpers/tmp.js';

jest.unstable_mockModule('@actions/core', () => core);
jest.unstable_mockModule('../action/src/pipeline.js', () => pipeline);
jest.unstable_mockModule('../action/src/github.js', () => github);
jest.unstable_mockModule('../action/src/spec-step.js', () => specStep);

const { run } = await import('../action/src/main.js');
type Result = Awaited<ReturnType<typeof pipeline.runPipeline>>;
type Request = Parameters<typeof pipeline.runPipeline>[0];
type Api = ReturnType<typeof github.gitHubDeployments>;

const SSH_KEY = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACBqS3Jm8lq1f0Yw5vR0x1v9m2Vn6Yh9kq0Zt4xw2Yb5QwAAAJgfakekeyxx',
  '-----END OPENSSH PRIVATE KEY-----',
].join('\n');
const API_KEY = 'sk-ant-api03-unit-test-key-0123456789abcdef';
const TOKEN = 'ghs_unitTestToken0123456789abcdefABCDEF';

let tree: ReturnType<typeof tempTree>;
let inputs: Record<string, string>;

function result(overrides: Partial<Result> = {}): Result {
  return {
    status: 'deployed',
    service: 'greeter',
    approvalMode: 'auto',
    message: 'release 20261206T080000Z-abcdef1 serves http://127.0.0.1:9100',
    score: 96,
    tests: { passed: 12, failed: 0, errors: 0, skipped: 0, failing: [] },
    coverage: 91.5,
    lint: [],
    releaseId: '20261206T080000Z-abcdef1',
    serviceUrl: 'http://127.0.0.1:9100',
    deploy: { ok: true, registered: true },
    costUsd: 0,
    ...overrides,
  };
}

function fakeApi(fail?: { status: number; message: string }) {
  const calls: { kind: string; params: unknown }[] = [];
  const api: Api = {
    async createDeployment(params) {
      calls.push({ kind: 'create', params });
      if (fail) throw Object.assign(new Error(fail.message), { status: fail.status });
      return { id: 7 };
    },
    async createStatus(id, params) {
      calls.push({ kind: `status ${id}`, params });
    },
  };
  return { api, calls };
}

/** Everything the step wrote where people (or later steps) can read it. */
function everythingWritten(): string {
  const calls = [
    core.info,
    core.warning,
    core.error,
    core.notice,
    core.setFailed,
    core.setOutput,
    core.startGroup,
    core.summary.addRaw,
    core.debug,
  ].flatMap((fn) => (fn as jest.Mock).mock.calls);
  return JSON.stringify(calls);
}

beforeEach(() => {
  tree = tempTree({ 'intents/greeter.yaml': 'service_name: greeter\n' });
  process.env.GITHUB_WORKSPACE = tree.root;
  inputs = { command: 'run', intent: 'intents/greeter.yaml', environment: 'production' };
  core.getInput.mockImplementation((name: string) => inputs[name] ?? '');
  github.runContext.mockReturnValue({
    sha: 'a'.repeat(40),
    repository: { owner: 'acme', repo: 'services' },
    runUrl: 'https://github.com/acme/services/actions/runs/1',
  });
  pipeline.loadIntent.mockResolvedValue({ service_name: 'greeter' } as Awaited<
    ReturnType<typeof pipeline.loadIntent>
  >);
  pipeline.targetProblem.mockReturnValue(null);
});

afterEach(() => {
  jest.resetAllMocks();
  tree.cleanup();
  delete process.env.GITHUB_WORKSPACE;
});

describe('main.ts', () => {
  test('a deployed run sets the outputs, writes the summary and does not fail', async () => {
    pipeline.runPipeline.mockResolvedValue(result());
    await run();
    expect(core.setFailed).not.toHaveBeenCalled();
    expect(core.setOutput).toHaveBeenCalledWith('status', 'deployed');
    expect(core.setOutput).toHaveBeenCalledWith('service-url', 'http://127.0.0.1:9100');
    expect(core.setOutput).toHaveBeenCalledWith('release-id', '20261206T080000Z-abcdef1');
    expect(core.setOutput).toHaveBeenCalledWith('score', '96');
    expect(core.setOutput).toHaveBeenCalledWith('tests-passed', '12');
    expect(core.setOutput).toHaveBeenCalledWith('coverage', '91.5');
    expect(core.setOutput).toHaveBeenCalledWith('approval-mode', 'auto');
    const summary = String(core.summary.addRaw.mock.calls[0]?.[0]);
    expect(summary).toContain('## Assembly Line: greeter');
    expect(summary).toContain('| **coverage** | 91.5% |');
    expect(core.summary.write).toHaveBeenCalled();
    const request = pipeline.runPipeline.mock.calls[0]![0] as Request;
    expect(request.command).toBe('run');
    expect(request.repoRoot).toBe(tree.root);
  });

  test('a failing test becomes an error annotation at its file and line, and the step fails', async () => {
    pipeline.runPipeline.mockResolvedValue(
      result({
        status: 'failed',
        message: 'the tests still fail',
        tests: {
          passed: 3,
          failed: 1,
          errors: 0,
          skipped: 0,
          failing: [
            {
              name: 'services/greeter/tests/test_main.py::test_hello',
              outcome: 'failed',
              file: 'services/greeter/tests/test_main.py',
              line: 14,
              output: 'assert 500 == 200',
            },
          ],
        },
        lint: [
          { file: 'services/greeter/app/main.py', line: 3, col: 1, message: "'os' imported but unused" },
        ],
        deploy: undefined,
        serviceUrl: undefined,
        releaseId: undefined,
      }),
    );
    await run();
    expect(core.error).toHaveBeenCalledWith(
      'assert 500 == 200',
      expect.objectContaining({ file: 'services/greeter/tests/test_main.py', startLine: 14 }),
    );
    expect(core.error).toHaveBeenCalledWith(
      "'os' imported but unused",
      expect.objectContaining({ file: 'services/greeter/app/main.py', startLine: 3, startColumn: 1 }),
    );
    expect(core.setFailed).toHaveBeenCalledWith('greeter: the tests still fail');
    expect(core.setOutput).toHaveBeenCalledWith('status', 'failed');
  });

  test('needs-human-review is a warning and the status output, not a failure', async () => {
    pipeline.runPipeline.mockResolvedValue(
      result({ status: 'needs-human-review', message: 'the SPEC scores 71, below the gate of 90' }),
    );
    await run();
    expect(core.setFailed).not.toHaveBeenCalled();
    expect(core.warning).toHaveBeenCalledWith(
      'the SPEC scores 71, below the gate of 90',
      expect.objectContaining({ title: 'needs human review' }),
    );
    expect(core.setOutput).toHaveBeenCalledWith('status', 'needs-human-review');
  });

  test('an unknown command is refused with a clear error before any work', async () => {
    inputs.command = 'destroy';
    await run();
    expect(core.setFailed).toHaveBeenCalledWith(
      expect.stringContaining("input 'command' must be one of run, build, deploy, spec; got 'destroy'"),
    );
    expect(pipeline.runPipeline).not.toHaveBeenCalled();
  });

  test('command spec needs no intent but a token, and names the input it lacks', async () => {
    inputs = { command: 'spec' };
    await run();
    expect(core.setFailed).toHaveBeenCalledWith(
      "input 'github-token' is required for command spec (contents, pull-requests, issues and checks: write)",
    );
    expect(pipeline.runPipeline).not.toHaveBeenCalled();
  });

  test('command spec: a gate below the bar is needs-human-review, a warning and not a failure', async () => {
    inputs = { command: 'spec', 'github-token': TOKEN, 'max-cost-usd': '1' };
    pipeline.chooseProvider.mockResolvedValue({
      provider: { name: 'offline' },
      reason: 'no ANTHROPIC_API_KEY',
    } as Awaited<ReturnType<typeof pipeline.chooseProvider>>);
    specStep.runSpecStep.mockResolvedValue({
      gates: [
        { headSha: 'b'.repeat(40), conclusion: 'success', title: 'ledger: passes, 96/100', url: '' },
        { headSha: 'c'.repeat(40), conclusion: 'failure', title: 'search: below the gate, 71/100', url: '' },
      ],
      errors: [],
    });
    await run();
    expect(pipeline.chooseProvider).toHaveBeenCalledWith(expect.any(Object), 1);
    expect(specStep.runSpecStep).toHaveBeenCalledWith(expect.objectContaining({ token: TOKEN }));
    expect(core.setFailed).not.toHaveBeenCalled();
    expect(core.setOutput).toHaveBeenCalledWith('status', 'needs-human-review');
    expect(core.warning).toHaveBeenCalledWith(
      expect.stringContaining('search: below the gate, 71/100'),
      expect.objectContaining({ title: 'needs human review' }),
    );
    expect(everythingWritten()).not.toContain(TOKEN);
  });

  test('max-cost-usd reaches the pipeline as its spend cap', async () => {
    inputs['max-cost-usd'] = '$0.25';
    pipeline.runPipeline.mockResolvedValue(result());
    await run();
    expect(core.setFailed).not.toHaveBeenCalled();
    const request = pipeline.runPipeline.mock.calls[0]![0] as Request;
    expect(request.maxCostUsd).toBe(0.25);
  });

  test.each(['0', '-1', 'ten dollars'])('max-cost-usd %s is refused before any work', async (value) => {
    inputs['max-cost-usd'] = value;
    await run();
    expect(core.setFailed).toHaveBeenCalledWith(
      `input 'max-cost-usd' must be an amount of US dollars greater than 0, such as 0.25; got '${value}'`,
    );
    expect(pipeline.runPipeline).not.toHaveBeenCalled();
  });

  test('an ssh target without known-hosts and ssh-key names both inputs', async () => {
    inputs.target = 'ssh://deploy@10.0.0.5:2222';
    await run();
    const message = String(core.setFailed.mock.calls[0]?.[0]);
    expect(message).toContain("input 'known-hosts' is required for target ssh://deploy@10.0.0.5:2222");
    expect(message).toContain("input 'ssh-key' is required");
    expect(pipeline.runPipeline).not.toHaveBeenCalled();
  });

  test('an intent that is not in the workspace is an input error', async () => {
    inputs.intent = 'intents/absent.yaml';
    await run();
    expect(core.setFailed).toHaveBeenCalledWith(
      `input 'intent': intents/absent.yaml is not a file in the workspace ${tree.root}`,
    );
  });

  test('secrets are masked before anything is logged, and appear nowhere the step writes', async () => {
    Object.assign(inputs, {
      target: 'ssh://deploy@127.0.0.1:2222',
      'known-hosts': '[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKey',
      'ssh-key': SSH_KEY,
      'anthropic-api-key': API_KEY,
      'github-token': TOKEN,
    });
    const { api } = fakeApi();
    github.gitHubDeployments.mockReturnValue(api);
    pipeline.runPipeline.mockImplementation(async (request) => {
      // A phase that echoes a secret (a tool printing its command line) must not leak it.
      request.reporter.info(`ssh -i key ${SSH_KEY.split('\n')[1]} ${API_KEY}`);
      return result({ status: 'failed', message: `failed with ${TOKEN}` });
    });
    await run();
    const masked = core.setSecret.mock.calls.map((call) => call[0]);
    expect(masked).toEqual(expect.arrayContaining([SSH_KEY, API_KEY, TOKEN, SSH_KEY.split('\n')[1]]));
    const firstInfo = core.info.mock.invocationCallOrder[0]!;
    expect(Math.max(...core.setSecret.mock.invocationCallOrder)).toBeLessThan(firstInfo);
    const written = everythingWritten();
    for (const secret of [API_KEY, TOKEN, ...SSH_KEY.split('\n').slice(1, 3)])
      expect(written).not.toContain(secret);
    const request = pipeline.runPipeline.mock.calls[0]![0] as Request;
    expect(request.sshKey).toBe(SSH_KEY);
    expect(request.env.ANTHROPIC_API_KEY).toBe(API_KEY);
    expect(Object.keys(process.env).filter((k) => k.startsWith('INPUT_'))).toEqual([]);
  });

  test('a deploy records a GitHub Deployment: in_progress when the deploy starts, then success with the URL', async () => {
    inputs['github-token'] = TOKEN;
    const { api, calls } = fakeApi();
    github.gitHubDeployments.mockReturnValue(api);
    pipeline.runPipeline.mockImplementation(async (request) => {
      request.reporter.phaseStarted('deployment', 'release 20261206T080000Z-abcdef1');
      request.reporter.phaseFinished('deployment', 'ok');
      return result();
    });
    await run();
    expect(github.gitHubDeployments).toHaveBeenCalledWith(TOKEN, { owner: 'acme', repo: 'services' });
    expect(calls.map((c) => c.kind)).toEqual(['create', 'status 7', 'status 7']);
    expect(calls[0]!.params).toMatchObject({ ref: 'a'.repeat(40), environment: 'production' });
    expect(calls[1]!.params).toMatchObject({ state: 'in_progress' });
    expect(calls[2]!.params).toMatchObject({ state: 'success', environment_url: 'http://127.0.0.1:9100' });
  });

  test('a token without deployments: write skips the records with a notice, and the deploy still counts', async () => {
    inputs['github-token'] = TOKEN;
    const { api, calls } = fakeApi({ status: 403, message: 'Resource not accessible by integration' });
    github.gitHubDeployments.mockReturnValue(api);
    pipeline.runPipeline.mockImplementation(async (request) => {
      request.reporter.phaseStarted('deployment');
      return result();
    });
    await run();
    expect(calls.map((c) => c.kind)).toEqual(['create']);
    expect(core.notice).toHaveBeenCalledWith(
      expect.stringContaining(
        'GitHub Deployments skipped: the token may not write deployments (403: Resource not accessible by integration)',
      ),
    );
    expect(core.setFailed).not.toHaveBeenCalled();
    expect(core.setOutput).toHaveBeenCalledWith('status', 'deployed');
  });

  test('an unexpected exception fails the step with its message, not a stack trace', async () => {
    pipeline.runPipeline.mockRejectedValue(new Error('registry etcd://127.0.0.1:1 is unreachable'));
    await run();
    expect(core.setFailed).toHaveBeenCalledWith('registry etcd://127.0.0.1:1 is unreachable');
    expect(String(core.setFailed.mock.calls[0]?.[0])).not.toContain('    at ');
  });
});
