import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildPythonService, parsePyflakes, parseRequirementLines } from '../core/build/python-build.js';
import { sandboxEnv } from '../core/build/sandbox-env.js';
import type { FileMap } from '../core/ports/index.js';
import { FIXTURE_SERVICE, fixtureFiles, patched } from './helpers/build-fixture.js';
import { tempTree } from './helpers/tmp.js';

/**
 * Real venvs, real pytest with pytest-cov, real pyflakes on the hand-written fixture service. One
 * venv is shared by the variants (each build reuses it), so the suite stays at a few seconds.
 */

const prefix = `services/${FIXTURE_SERVICE}/`;
const shared = tempTree();
const venvDir = shared.path('venv');
const trees: ReturnType<typeof tempTree>[] = [shared];

function serviceTree(files: FileMap) {
  const tree = tempTree();
  trees.push(tree);
  for (const [path, content] of Object.entries(files)) tree.write(path.slice(prefix.length), content);
  return tree;
}

const build = (files: FileMap, options = {}) =>
  buildPythonService(serviceTree(files).root, { venvDir, index: 'offline', ...options });

afterAll(() => {
  for (const tree of trees) tree.cleanup();
});

/** Writes a minimal pure-Python wheel, assembly-line-probe 1.0, into argv[1]. */
const WRITE_WHEEL = `
import os, sys, zipfile
os.makedirs(sys.argv[1], exist_ok=True)
info = "assembly_line_probe-1.0.dist-info"
files = {
    "assembly_line_probe/__init__.py": "VERSION = '1.0'\\n",
    info + "/METADATA": "Metadata-Version: 2.1\\nName: assembly-line-probe\\nVersion: 1.0\\n",
    info + "/WHEEL": "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
files[info + "/RECORD"] = "".join(name + ",,\\n" for name in list(files) + [info + "/RECORD"])
with zipfile.ZipFile(os.path.join(sys.argv[1], "assembly_line_probe-1.0-py3-none-any.whl"), "w") as wheel:
    for name, text in files.items():
        wheel.writestr(name, text)
`;

describe('buildPythonService on the fixture', () => {
  const secrets = {
    ANTHROPIC_API_KEY: 'sk-ant-test-not-a-real-key',
    GITHUB_TOKEN: 'ghs_testtokentesttoken',
    SSH_AUTH_SOCK: '/tmp/agent.sock',
    DEPLOY_SECRET: 'hunter2',
  };
  let saved: Record<string, string | undefined>;
  beforeAll(() => {
    saved = Object.fromEntries(Object.keys(secrets).map((name) => [name, process.env[name]]));
    Object.assign(process.env, secrets);
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved))
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  });

  it('passes: offline install from system packages, all tests, full coverage, no lint — with secrets kept out', async () => {
    const tree = serviceTree(fixtureFiles());
    const result = await buildPythonService(tree.root, { venvDir, index: 'offline' });
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.phases.venv.status).toBe('ok');
    expect(result.phases.install).toMatchObject({
      status: 'ok',
      detail: 'all requirements already satisfied; nothing downloaded',
    });
    expect(result.requirements.map((r) => [r.requirement, r.status])).toEqual([
      ['fastapi>=0.92', 'satisfied'],
      ['uvicorn>=0.17', 'satisfied'],
      ['pydantic>=1.10', 'satisfied'],
      ['httpx>=0.23', 'satisfied'],
      ['pytest>=7', 'satisfied'],
      ['pytest-cov', 'satisfied'],
    ]);
    // The fixture's test_environment.py fails if any of the secrets above is visible to it.
    expect(result.tests).toEqual({ passed: 7, failed: 0, errors: 0, skipped: 0, failing: [] });
    expect(result.coverage).toBe(100);
    expect(result.lint).toEqual([]);
    // Every phase ran (a skipped phase would say so), and each ran a process, which takes time.
    expect(Object.entries(result.phases).map(([name, phase]) => [name, phase.status])).toEqual([
      ['venv', 'ok'],
      ['install', 'ok'],
      ['import', 'ok'],
      ['tests', 'ok'],
      ['lint', 'ok'],
    ]);
    for (const phase of Object.values(result.phases)) expect(phase.durationMs).toBeGreaterThan(0);
    // The build leaves no caches or coverage data in the service folder.
    expect(readdirSync(tree.root).sort()).toEqual([
      'app',
      'assembly_line_runtime',
      'conftest.py',
      'pytest.ini',
      'requirements.txt',
      'tests',
    ]);
    expect(existsSync(join(tree.root, 'app', '__pycache__'))).toBe(false);
  });

  it('names failing tests with their output', async () => {
    const files = patched(
      fixtureFiles(),
      `${prefix}tests/test_main.py`,
      '"discount": 25.0, "total": 75.0',
      '"discount": 20.0, "total": 80.0',
    );
    const result = await build(files);
    expect(result.ok).toBe(false);
    expect(result.tests).toMatchObject({ passed: 6, failed: 1, errors: 0 });
    expect(result.tests.failing).toEqual([
      {
        name: 'tests/test_main.py::test_quote_with_coupon_and_volume_discount',
        outcome: 'failed',
        file: 'tests/test_main.py',
        line: 20,
        output: expect.stringContaining("'total': 75.0"),
      },
    ]);
    expect(result.problems).toEqual([
      '1 failed and 0 errors in 1 tests: tests/test_main.py::test_quote_with_coupon_and_volume_discount',
    ]);
    expect(result.phases.tests.status).toBe('failed');
    expect(result.outputTail).toContain('1 failed');
  });

  it('fails the coverage gate with too few tests, and honours a custom threshold', async () => {
    const files: FileMap = {
      ...fixtureFiles(),
      [`${prefix}tests/test_main.py`]: [
        'from fastapi.testclient import TestClient',
        'from app.main import app',
        '',
        'def test_health():',
        '    assert TestClient(app).get("/health").json()["status"] == "active"',
        '',
      ].join('\n'),
    };
    const result = await build(files);
    expect(result.ok).toBe(false);
    expect(result.tests).toMatchObject({ passed: 2, failed: 0 });
    expect(result.coverage).toBeGreaterThan(40);
    expect(result.coverage).toBeLessThan(70);
    expect(result.problems).toEqual([`coverage of app/ is ${result.coverage}%; at least 70% is required`]);

    const lenient = await build(files, { coverageThreshold: 40 });
    expect(lenient.ok).toBe(true);
  });

  it('reports pyflakes messages with file, line and column', async () => {
    const files = patched(
      fixtureFiles(),
      `${prefix}app/pricing.py`,
      'from typing import List',
      'import os\nfrom typing import List',
    );
    files[`${prefix}tests/test_extra.py`] = 'def test_undefined():\n    assert undefined_name\n';
    const result = await build(files);
    expect(result.ok).toBe(false);
    expect(result.lint).toEqual([
      { file: 'app/pricing.py', line: 2, col: 1, message: "'os' imported but unused" },
      { file: 'tests/test_extra.py', line: 2, col: 12, message: "undefined name 'undefined_name'" },
    ]);
    expect(result.phases.lint.status).toBe('failed');
    expect(result.problems).toContain(
      "pyflakes found 2 problems: app/pricing.py:2: 'os' imported but unused; tests/test_extra.py:2: undefined name 'undefined_name'",
    );
  });

  it('reports an application that does not import, and does not run its tests', async () => {
    const files = patched(
      fixtureFiles(),
      `${prefix}app/features.py`,
      'from app import pricing',
      'from app import pricing, missing_module',
    );
    const result = await build(files);
    expect(result.ok).toBe(false);
    expect(result.phases.import.status).toBe('failed');
    expect(result.phases.tests.status).toBe('skipped');
    expect(result.importError).toContain('ImportError');
    expect(result.problems[0]).toMatch(
      /^app\.main does not import: ImportError: cannot import name 'missing_module'/,
    );
  });

  it('names a requirement that cannot be installed offline, and refuses pip options', async () => {
    const missing = await build({
      ...fixtureFiles(),
      [`${prefix}requirements.txt`]: 'fastapi\nassembly-line-no-such-package==1.0  # not anywhere\n',
    });
    expect(missing.ok).toBe(false);
    expect(missing.phases.install.status).toBe('failed');
    expect(missing.problems).toEqual([
      'cannot install assembly-line-no-such-package==1.0 (not installed) (offline: only local find-links were searched)',
    ]);
    expect(missing.outputTail).toContain(
      'No matching distribution found for assembly-line-no-such-package==1.0',
    );
    expect(missing.phases.tests.status).toBe('skipped');

    const tooNew = await build({ ...fixtureFiles(), [`${prefix}requirements.txt`]: 'fastapi>=99\n' });
    expect(tooNew.problems[0]).toMatch(
      /^cannot install fastapi>=99 \(fastapi 0\.\d+\.\d+ is installed, >=99 is required\)/,
    );

    const options = await build({
      ...fixtureFiles(),
      [`${prefix}requirements.txt`]:
        '--index-url https://evil.example/simple\nfastapi\nevil @ https://evil.example/x.whl\n',
    });
    expect(options.problems).toEqual([
      'requirements.txt:1: pip options are not allowed: --index-url https://evil.example/simple',
    ]);
    const url = await build({
      ...fixtureFiles(),
      [`${prefix}requirements.txt`]: 'fastapi\nevil @ https://evil.example/x.whl\n',
    });
    expect(url.problems).toEqual([
      'requirements.txt:2: evil @ https://evil.example/x.whl: direct URL requirements are not allowed',
    ]);
  });

  it('installs only the unsatisfied requirement, into the venv, from a local wheel', async () => {
    const wheels = shared.path('wheels');
    execFileSync('/usr/bin/python3', ['-c', WRITE_WHEEL, wheels], { env: { PATH: '/usr/bin:/bin' } });
    const ownVenv = shared.path('venv-with-probe');
    const files = {
      ...fixtureFiles(),
      [`${prefix}requirements.txt`]: 'fastapi\npytest-cov\nassembly-line-probe>=1.0\n',
    };
    const result = await build(files, {
      venvDir: ownVenv,
      baseEnv: { ...process.env, PIP_FIND_LINKS: wheels },
    });
    expect(result.problems).toEqual([]);
    expect(result.requirements.map((r) => [r.requirement, r.status])).toEqual([
      ['fastapi', 'satisfied'],
      ['pytest-cov', 'satisfied'],
      ['assembly-line-probe>=1.0', 'installed'],
    ]);
    expect(result.phases.install.detail).toBe('installed assembly-line-probe>=1.0');
    const [pythonDir] = readdirSync(join(ownVenv, 'lib'));
    expect(
      existsSync(
        join(ownVenv, 'lib', pythonDir ?? '', 'site-packages', 'assembly_line_probe', '__init__.py'),
      ),
    ).toBe(true);
  });

  it('creates a venv once and reuses it; refuses a folder that is not a venv', async () => {
    const files = patched(
      fixtureFiles(),
      `${prefix}app/features.py`,
      'from app import pricing',
      'from app import nothing_here',
    );
    const ownVenv = shared.path('own-venv');
    const first = await build(files, { venvDir: ownVenv });
    const second = await build(files, { venvDir: ownVenv });
    expect(first.phases.venv).toMatchObject({ status: 'ok', detail: `created ${ownVenv}` });
    expect(second.phases.venv).toMatchObject({ status: 'ok', detail: `reused ${ownVenv}` });
    expect(existsSync(join(ownVenv, 'pyvenv.cfg'))).toBe(true);

    const notVenv = shared.write('not-a-venv/keep.txt', 'keep');
    const refused = await build(files, { venvDir: join(notVenv, '..') });
    expect(refused.phases.venv.status).toBe('failed');
    expect(refused.problems[0]).toMatch(/not-a-venv exists and is not a virtual environment; remove it$/);
    expect(existsSync(notVenv)).toBe(true);
  });

  it('kills a test run that exceeds its time limit', async () => {
    const files = {
      ...fixtureFiles(),
      [`${prefix}tests/test_slow.py`]: 'import time\n\ndef test_slow():\n    time.sleep(60)\n',
    };
    const result = await build(files, { timeoutsMs: { tests: 2000 } });
    expect(result.ok).toBe(false);
    expect(result.problems).toContain('pytest timed out after 2000 ms');
  });
});

describe('the environment fixture test', () => {
  it('does fail when a secret is visible, so the passing build above means the secrets were kept out', () => {
    const tree = serviceTree(fixtureFiles());
    let output = '';
    try {
      execFileSync(
        '/usr/bin/python3',
        ['-m', 'pytest', '-q', '-vv', '-p', 'no:cacheprovider', 'tests/test_environment.py'],
        {
          cwd: tree.root,
          env: {
            PATH: '/usr/bin:/bin',
            ANTHROPIC_API_KEY: 'sk-ant-test',
            GITHUB_TOKEN: 'ghs_test',
            PYTHONDONTWRITEBYTECODE: '1',
          },
          encoding: 'utf8',
        },
      );
    } catch (error) {
      output = String((error as { stdout?: string }).stdout);
    }
    expect(output).toContain("+ ['ANTHROPIC_API_KEY', 'GITHUB_TOKEN']");
  });
});

describe('sandboxEnv', () => {
  const base = {
    PATH: '/usr/bin:/bin',
    HOME: '/home/ci',
    LANG: 'en_US.UTF-8',
    ANTHROPIC_API_KEY: 'sk-ant',
    GITHUB_TOKEN: 'ghs',
    GITHUB_REPOSITORY: 'o/r',
    SSH_AUTH_SOCK: '/tmp/agent',
    AWS_SECRET_ACCESS_KEY: 'aws',
    MY_UNUSUAL_CREDENTIAL_NAME: 'x',
    PIP_FIND_LINKS: '/opt/wheels',
    PIP_INDEX_URL: 'https://user:token@pypi.internal/simple',
    PIP_CLIENT_CERT_KEY: '/k',
    HTTPS_PROXY: 'http://proxy:3128',
  };

  it('keeps only safe variables for tests', () => {
    expect(sandboxEnv(base, { pathPrefix: '/venv/bin' })).toEqual({
      PATH: '/venv/bin:/usr/bin:/bin',
      HOME: '/home/ci',
      LANG: 'en_US.UTF-8',
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONUNBUFFERED: '1',
      PY_COLORS: '0',
      NO_COLOR: '1',
    });
  });

  it('passes pip settings to the install step, but none with credentials', () => {
    const env = sandboxEnv(base, { pipSettings: true });
    expect(env.PIP_FIND_LINKS).toBe('/opt/wheels');
    expect(env.HTTPS_PROXY).toBe('http://proxy:3128');
    expect(env).not.toHaveProperty('PIP_INDEX_URL');
    expect(env).not.toHaveProperty('PIP_CLIENT_CERT_KEY');
    expect(env).not.toHaveProperty('ANTHROPIC_API_KEY');
    expect(env).not.toHaveProperty('GITHUB_TOKEN');
  });
});

describe('parsers', () => {
  it('parses pyflakes output, skipping syntax-error context lines', () => {
    const output =
      "app/a.py:2:7: invalid syntax\ndef f(:\n      ^\napp/b.py:1:1: 'sys' imported but unused\napp/c.py:4: old format\n";
    expect(parsePyflakes(output)).toEqual([
      { file: 'app/a.py', line: 2, col: 7, message: 'invalid syntax' },
      { file: 'app/b.py', line: 1, col: 1, message: "'sys' imported but unused" },
      { file: 'app/c.py', line: 4, message: 'old format' },
    ]);
  });

  it('reads requirement lines, dropping comments and refusing options and continuations', () => {
    expect(
      parseRequirementLines('# top\nfastapi>=0.92  # web\n\n-r other.txt\nuvicorn \\\nhttpx#frag\n'),
    ).toEqual([
      { line: 2, text: 'fastapi>=0.92' },
      { line: 4, text: '-r other.txt', refusal: 'pip options are not allowed: -r other.txt' },
      { line: 5, text: 'uvicorn \\', refusal: 'line continuations are not allowed' },
      { line: 6, text: 'httpx#frag' },
    ]);
  });
});
