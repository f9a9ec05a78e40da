import { readdirSync, readFileSync } from 'node:fs';
import { annotationsFor, failureLine, PER_KIND_PER_STEP } from '../action/src/annotations.js';
import { DESCRIPTION_LIMIT, describe as describeStatus } from '../action/src/deployments.js';
import { InputsError, knownHostsProblems, parseInputs } from '../action/src/inputs.js';
import { GroupedLog } from '../action/src/log-groups.js';
import { type PipelineResult, targetProblem } from '../action/src/pipeline.js';
import { maskValues, scrubberFor } from '../action/src/secrets.js';
import { fitSummary, renderSummary } from '../action/src/summary.js';

const get = (values: Record<string, string>) => (name: string) => values[name] ?? '';

function failed(tests: number, lint: number): PipelineResult {
  return {
    status: 'failed',
    service: 'greeter',
    approvalMode: 'checkpoints',
    message: 'the tests still fail',
    tests: {
      passed: 1,
      failed: tests,
      errors: 0,
      skipped: 0,
      failing: Array.from({ length: tests }, (_, i) => ({
        name: `services/greeter/tests/test_main.py::test_${i}`,
        outcome: 'failed' as const,
        file: 'services/greeter/tests/test_main.py',
        line: 10 + i,
        output: `assert ${i} == -1`,
      })),
    },
    coverage: 80,
    lint: Array.from({ length: lint }, (_, i) => ({
      file: 'services/greeter/app/main.py',
      line: 1 + i,
      message: `'m${i}' imported but unused`,
    })),
    costUsd: 0,
  };
}

describe('inputs', () => {
  test('defaults: command run, environment production; optional inputs absent', () => {
    expect(parseInputs(get({ intent: 'intents/a.yaml' }), targetProblem)).toEqual({
      command: 'run',
      intent: 'intents/a.yaml',
      environment: 'production',
    });
  });

  test('every wrong input is named in one error', () => {
    let error: unknown;
    try {
      parseInputs(
        get({
          command: 'deploy',
          intent: '../outside.yaml',
          target: 'ftp://host',
          'ssh-key': 'not a key',
          'health-timeout': 'soon',
        }),
        targetProblem,
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputsError);
    const message = (error as Error).message;
    expect(message).toContain('4 inputs are wrong');
    expect(message).toContain("input 'intent' must be a path inside the repository");
    expect(message).toContain("input 'target': deploy target 'ftp://host' is not understood");
    expect(message).toContain("input 'ssh-key' is not a private key");
    expect(message).not.toContain('not a key');
    expect(message).toContain(
      "input 'health-timeout' must be a number of seconds from 0 to 3600, not 'soon'",
    );
  });

  test('known-hosts lines are checked with their line numbers', () => {
    expect(knownHostsProblems('# pinned\n[127.0.0.1]:2222 ssh-ed25519 AAAAC3Nz\n')).toEqual([]);
    expect(knownHostsProblems('[127.0.0.1]:2222 ssh-ed25519 AAAAC3Nz\nhost-only\n')).toEqual([
      "input 'known-hosts' line 2: expected 'host key-type base64-key' (as ssh-keyscan prints), got 'host-only'",
    ]);
    expect(knownHostsProblems('# nothing\n')).toEqual([expect.stringContaining('has no host key lines')]);
  });
});

describe('annotations', () => {
  test('at most 10 errors per step, shared between failing tests and lint, and a notice for the rest', () => {
    const annotations = annotationsFor(failed(15, 15));
    const errors = annotations.filter((a) => a.kind === 'error');
    expect(errors).toHaveLength(PER_KIND_PER_STEP);
    expect(errors.filter((a) => a.title === 'pyflakes')).toHaveLength(5);
    expect(errors[0]).toMatchObject({ file: 'services/greeter/tests/test_main.py', startLine: 10 });
    expect(errors[1]).toMatchObject({ file: 'services/greeter/app/main.py', startLine: 1 });
    expect(annotations.filter((a) => a.kind === 'notice')).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('20 more failing tests and lint findings'),
      }),
    ]);
  });

  test('a failing test is annotated at the line of its traceback in the test file, else at its def', () => {
    const test = {
      name: 'tests/test_main.py::test_hello',
      outcome: 'failed' as const,
      file: 'services/greeter/tests/test_main.py',
      line: 40,
      output:
        'app/main.py:12: in hello\n    raise KeyError\ntests/test_main.py:44: in test_hello\n    assert x\ntests/test_main.py:45: AssertionError',
    };
    expect(failureLine(test)).toBe(45);
    expect(failureLine({ ...test, output: 'E   assert 1 == 2' })).toBe(40);
  });

  test('few findings are all shown, with no notice', () => {
    const annotations = annotationsFor(failed(2, 1));
    expect(annotations.map((a) => a.kind)).toEqual(['error', 'error', 'error']);
  });
});

describe('job summary', () => {
  test('lists the failing tests and lint findings with their places', () => {
    const markdown = renderSummary({
      command: 'build',
      intent: 'intents/greeter.yaml',
      environment: 'production',
      result: failed(2, 1),
      timings: [{ phase: 'build_test', outcome: 'failed', durationMs: 4200, detail: '1 passed, 2 failed' }],
    });
    expect(markdown).toContain('## Assembly Line: greeter — :x: failed');
    expect(markdown).toContain('| build_test | failed | 4.2 s | 1 passed, 2 failed |');
    expect(markdown).toContain(
      '| `services/greeter/tests/test_main.py::test_1` | services/greeter/tests/test_main.py:11 | failed |',
    );
    expect(markdown).toContain("| services/greeter/app/main.py:1 | 'm0' imported but unused |");
  });

  test('a summary over the limit is cut on a line boundary, saying so', () => {
    const long = `${'a line of the summary\n'.repeat(1000)}`;
    const cut = fitSummary(long, 2000);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(2000);
    expect(cut).toMatch(/a line of the summary\n\n…the summary was cut to fit GitHub’s 1 MiB limit\.\n$/);
  });
});

describe('deployment status descriptions', () => {
  test('stay within GitHub’s 140 characters and keep the end of the log', () => {
    const tail = `${'Traceback line\n'.repeat(40)}RuntimeError: port 9100 is taken`;
    const text = describeStatus('rolled back: 20261206T080000Z-abcdef1 keeps serving', tail);
    expect(text.length).toBeLessThanOrEqual(DESCRIPTION_LIMIT);
    expect(text).toMatch(/^rolled back: 20261206T080000Z-abcdef1 keeps serving: …/);
    expect(text.endsWith('RuntimeError: port 9100 is taken')).toBe(true);
    expect(describeStatus('x'.repeat(300)).length).toBe(DESCRIPTION_LIMIT);
    const message = `host key for 127.0.0.1:2222 has changed: it does not match /tmp/known_hosts; ${'x'.repeat(200)}`;
    const start = describeStatus('deploy of greeter failed', message, 'start');
    expect(start).toMatch(/^deploy of greeter failed: host key for 127\.0\.0\.1:2222 has changed.*…$/);
    expect(start.length).toBe(DESCRIPTION_LIMIT);
  });
});

describe('layering', () => {
  test('action/ reaches core only through its public entry, and only through action/src/pipeline.ts', () => {
    const dir = new URL('../action/src/', import.meta.url);
    const offenders: string[] = [];
    for (const file of readdirSync(dir).filter((f) => /\.(ts|cjs)$/.test(f))) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      for (const match of text.matchAll(/from '([^']*core\/[^']*)'/g))
        if (file !== 'pipeline.ts' || match[1] !== '../../core/index.js')
          offenders.push(`${file}: ${match[1]}`);
    }
    expect(offenders).toEqual([]);
  });
});

describe('log groups and secrets', () => {
  test('one group per phase, closed with its outcome; an unfinished phase is closed too', () => {
    const lines: string[] = [];
    let now = 0;
    const log = new GroupedLog(
      {
        startGroup: (name) => lines.push(`::group::${name}`),
        endGroup: () => lines.push('::endgroup::'),
        info: (message) => lines.push(message),
      },
      (text) => text,
      () => now,
    );
    log.phaseStarted('build_test', 'venv');
    now = 1500;
    log.phaseFinished('build_test', 'ok', '3 passed');
    log.phaseStarted('deployment');
    now = 1700;
    log.close();
    expect(lines).toEqual([
      '::group::build_test (venv)',
      'ok build_test 1.5 s  3 passed',
      '::endgroup::',
      '::group::deployment',
      'unfinished deployment 200 ms',
      '::endgroup::',
    ]);
    expect(log.timings.map((t) => t.outcome)).toEqual(['ok', 'unfinished']);
  });

  test('a multi-line key is masked whole and line by line; short fragments are not masked', () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAsecretline1\nAB\n-----END OPENSSH PRIVATE KEY-----';
    const values = maskValues([key, '', undefined]);
    expect(values[0]).toBe(key);
    expect(values).toContain('AAAAsecretline1');
    expect(values).not.toContain('AB');
    expect(scrubberFor(values)(`key: AAAAsecretline1 and\n${key}`)).toBe('key: *** and\n***');
  });
});
