import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { assembleService } from '../core/build/assemble-service.js';
import { coverageConfigText } from '../core/build/python-build.js';
import { sha256 } from '../core/hash.js';
import { generateServiceOffline } from '../core/llm/offline/service/codegen.js';
import { generateTestsOffline } from '../core/llm/offline/service/testgen.js';
import { writeSpecOffline } from '../core/llm/offline/spec/writer.js';
import { completeSpec } from '../core/llm/spec-completion.js';
import type { FileMap } from '../core/ports/index.js';
import { runtimePythonDir } from '../core/runtime/service-runtime.js';
import { SIX_FEATURES } from './helpers/intents.js';
import { TILL_INTENT, TILL_SPEC } from './helpers/models-spec.js';
import { tempTree } from './helpers/tmp.js';

/**
 * Both pydantic lines: a generated service (and the runtime's own suite) under Debian's FastAPI 0.92 /
 * pydantic 1 (/usr/bin/python3) and under current FastAPI / pydantic 2, installed once from the
 * machine's package index (pip as configured) into a venv cached outside the repository, keyed by the
 * requirements. An unreachable index fails the test with pip's words; nothing is skipped.
 */

const REQUIREMENTS = ['fastapi', 'pydantic>=2', 'uvicorn', 'httpx', 'pytest', 'pytest-cov', 'pyflakes'];
const CACHE = join(
  homedir(),
  '.cache',
  'assembly-line',
  'venvs',
  `pydantic2-${sha256(REQUIREMENTS.join('\n')).slice(0, 12)}`,
);
const trees: ReturnType<typeof tempTree>[] = [];
afterAll(() => {
  for (const tree of trees) tree.cleanup();
});

async function pydantic2Python(): Promise<string> {
  const python = join(CACHE, 'bin', 'python');
  const ready = join(CACHE, '.installed');
  if (existsSync(ready)) return python;
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(join(CACHE, '..'), { recursive: true });
  await execa('/usr/bin/python3', ['-m', 'venv', CACHE]);
  // --retries 0: an index that does not answer fails at once instead of after minutes of retries.
  const pip = await execa(
    python,
    ['-m', 'pip', 'install', '--retries', '0', '--timeout', '20', ...REQUIREMENTS],
    {
      reject: false,
      all: true,
    },
  );
  if (pip.exitCode !== 0)
    throw new Error(
      `cannot install ${REQUIREMENTS.join(' ')} from the package index (pip config list):\n${pip.all}`,
    );
  await execa(python, ['-c', `open(${JSON.stringify(ready)}, "w").close()`]);
  return python;
}

const env = { PATH: '/usr/bin:/bin', HOME: homedir(), PYTHONDONTWRITEBYTECODE: '1', LANG: 'C.UTF-8' };

async function check(python: string, dir: string, targets: string[], pytestArgs: string[]) {
  const options = { cwd: dir, env, extendEnv: false, reject: false, all: true, timeout: 180_000 };
  const version = await execa(python, ['-c', 'import pydantic; print(pydantic.VERSION)'], options);
  const pytest = await execa(
    python,
    ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', ...pytestArgs],
    options,
  );
  const pyflakes = await execa(python, ['-m', 'pyflakes', ...targets], options);
  return {
    pydantic: version.stdout.trim(),
    pytest: pytest.exitCode,
    output: pytest.all ?? '',
    pyflakes: pyflakes.all ?? '',
  };
}

/** The run was on the `major` pydantic line, its tests passed, and pyflakes found nothing in `targets`. */
function expectPassed(run: Awaited<ReturnType<typeof check>>, major: RegExp): void {
  expect(run.pydantic).toMatch(major);
  if (run.pytest !== 0) throw new Error(run.output.slice(-4000));
  expect(run.output).toMatch(/\d+ passed/);
  expect(run.pyflakes).toBe('');
}

function serviceDir(
  intent = SIX_FEATURES,
  spec = writeSpecOffline(SIX_FEATURES),
  extra: FileMap = {},
): string {
  const code = generateServiceOffline(intent, spec);
  const files = assembleService(intent, spec, {
    ...code,
    ...generateTestsOffline(intent, spec, code),
  });
  // Coverage as the build measures it: without the files of app/ the pipeline writes.
  const tree = tempTree({
    ...files,
    [`services/${intent.service_name}/.coveragerc`]: coverageConfigText(),
    ...extra,
  });
  trees.push(tree);
  return tree.path(`services/${intent.service_name}`);
}

/** What app/models.py of TILL_SPEC must allow: decimals where `10.00` was written, a DELETE body. */
const TILL_CHECKS = `from fastapi.testclient import TestClient

from app import models
from app.main import app


def test_decimals_are_floats():
    order = models.OrdersRequest(**{**models.EXAMPLES["POST /orders"]["request"], "amount": 10.5, "rate": 0.25, "prices": [1.5], "lines": [{"unit": 2.5}]})
    assert (order.amount, order.rate, order.prices, order.lines[0].unit) == (10.5, 0.25, [1.5], 2.5)
    assert models.OrdersResponse(id="o1", amount=10.5, qty=2).amount == 10.5


def test_a_delete_body_is_modelled_and_served():
    assert models.EXAMPLES["DELETE /orders/{order-id}"]["request"] == {"reason": "duplicate", "refund": 1.5}
    assert models.Orders2Request(reason="x", refund=0.5).refund == 0.5
    # An aliased field is set by its JSON key (the system prompt says so), on both pydantic lines.
    assert models.Orders2Response(**{"order-id": "o1", "cancelled": True}).f_order_id == "o1"
    with TestClient(app) as client:
        answer = client.request("DELETE", "/orders/o1", json={"reason": "x", "refund": 0.5})
        assert answer.status_code == 200, answer.text


def test_models_named_as_the_runtime_s_still_serve_an_openapi_document():
    assert models.StateResponse(id="s1", level=3).level == 3
    with TestClient(app) as client:
        assert client.get("/openapi.json").status_code == 200
        assert client.get("/state").status_code == 200
        assert client.get("/state/s1").json()["id"] == "s1"
`;

describe.each([
  ['pydantic 1 (Debian FastAPI 0.92)', async () => '/usr/bin/python3', /^1\./],
  ['pydantic 2 (current FastAPI, cached venv)', pydantic2Python, /^2\./],
])('%s', (_label, pythonFor, major) => {
  test('a generated service passes its tests with coverage >= 70% and pyflakes', async () => {
    const python = await pythonFor();
    const run = await check(
      python,
      serviceDir(),
      ['app', 'tests'],
      ['--cov=app', '--cov-config=.coveragerc', '--cov-fail-under=70'],
    );
    expectPassed(run, major);
  }, 600_000);

  test('a SPEC with decimals, a DELETE body and runtime model names: its models.py works', async () => {
    const python = await pythonFor();
    const dir = serviceDir(TILL_INTENT, completeSpec(TILL_INTENT, TILL_SPEC), {
      'services/till/tests/test_models_spec.py': TILL_CHECKS,
    });
    const run = await check(python, dir, ['app', 'tests'], []);
    expectPassed(run, major);
  }, 600_000);

  test("the runtime's own suite passes", async () => {
    const python = await pythonFor();
    const run = await check(python, runtimePythonDir(), ['assembly_line_runtime', 'tests'], ['tests']);
    expectPassed(run, major);
  }, 600_000);
});
