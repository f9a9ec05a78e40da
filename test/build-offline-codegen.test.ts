import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, jest, test } from '@jest/globals';
import { execa } from 'execa';
import { assembleService } from '../core/build/assemble-service.js';
import { checkModelOutput } from '../core/build/file-guard.js';
import { coverageConfigText } from '../core/build/python-build.js';
import type { Intent } from '../core/intent/schema.js';
import { validateIntentSource } from '../core/intent/validate.js';
import { generateServiceOffline } from '../core/llm/offline/service/codegen.js';
import { writtenDecimals } from '../core/llm/offline/service/float-paths.js';
import {
  normalizeExample,
  normalizePath,
  type PyType,
  planRoutes,
} from '../core/llm/offline/service/routes.js';
import { generateTestsOffline } from '../core/llm/offline/service/testgen.js';
import { writeSpecOffline } from '../core/llm/offline/spec/writer.js';
import { completeSpec } from '../core/llm/spec-completion.js';
import type { FileMap } from '../core/ports/index.js';
import { pyLiteral, pyStr } from '../core/runtime/python-literal.js';
import { TILL_INTENT, TILL_SPEC } from './helpers/models-spec.js';
import { tempTree } from './helpers/tmp.js';

/**
 * The offline code and test generators, proven by running what they write: for each intent the
 * generated service and its generated tests go to a temporary folder, then the system Python runs
 * pytest with coverage (which also starts the service with uvicorn on a free port) and pyflakes.
 */

const PYTHON = '/usr/bin/python3';
const REPO = join(import.meta.dirname, '..');
const trees: ReturnType<typeof tempTree>[] = [];

afterAll(() => {
  for (const tree of trees) tree.cleanup();
});

function intentFile(name: string): Intent {
  const path = join(REPO, 'intents', `${name}.yaml`);
  const report = validateIntentSource(`intents/${name}.yaml`, readFileSync(path));
  if (!report.intent) throw new Error(`${path}: ${JSON.stringify(report.errors)}`);
  return report.intent;
}

function intent(fields: Partial<Intent> & Pick<Intent, 'service_name'>): Intent {
  return {
    service_type: 'domain',
    priority: 'medium',
    purpose: `Serve ${fields.service_name}`,
    key_features: ['GET /items endpoint'],
    dependencies: [],
    port: 9000,
    auto_build: true,
    approval_mode: 'checkpoints',
    deploy_local: true,
    deploy_production: false,
    ...fields,
  };
}

/** A SPEC in the shared API format that exercises every model and route construct the generator knows. */
const TRICKY_SPEC = `# SPEC: ledger-hub

## Purpose & Scope
Keeps a ledger.

## API

### GET /health
- Feature: UDC
- Request: none
- Response: 200 \`{"status": "active"}\`

### POST /message
- Feature: UDC
- Request: none
- Response: 200 \`{"received": true, "trace_id": "t"}\`

### POST /payments
- Feature: Stripe integration
- Request: \`{"amount": 1000, "currency": "usd", "customer": {"name": "Ada", "email": "ada@example.com", "tags": ["vip"]}, "items": [{"sku": "A1", "qty": 2, "price": 9.5}, {"sku": 7}], "metadata": {}, "note": null}\`
- Response: 201 \`{"id": "pay_0001", "amount": 1000, "currency": "usd", "customer": {"name": "Ada", "email": "ada@example.com", "tags": ["vip"]}, "items": [{"sku": "A1", "qty": 2, "price": 9.5}], "metadata": {}, "status": "pending", "created_at": "2026-01-01T00:00:00Z", "note": null}\`
- Errors: 422 invalid body

### GET /payments/{payment-id}
- Feature: Payment lookup 🔎
- Request: none
- Response: 200 \`{"payment-id": "pay_0001", "amount": 1000, "refunded": false, "ratio": 0.25}\`

### PUT /payments/{id}/tags
- Feature: Tagging
- Request: \`["a", "b"]\`
- Response: 200 \`{"id": "x", "tags": ["a"]}\`

### DELETE /payments/{class}
- Feature: Removal
- Request: none
- Response: 204 no content

### PATCH /weird-keys
- Feature: Weird keys ünïcödé
- Request: \`{"class": "x", "model_config": 1, "dict": true, "a-b": "c", "1st": 2, "__x": 3, "日本": "語", "schema": "s", "Optional": "o", "int": 5}\`
- Response: 200 \`{"class": "x", "model_config": 1, "dict": true, "a-b": "c", "1st": 2, "__x": 3, "日本": "語", "schema": "s", "Optional": "o", "int": 5, "matrix": [[1, 2], [3]], "empty": [], "when": "2026-01-02"}\`

### POST /scalar
- Feature: Scalar body
- Request: \`"just text"\`
- Response: 200 \`"ok"\`

### GET /list
- Feature: Listing
- Request: \`{"ignored": true}\`
- Response: 200 \`[{"uuid_id": "123e4567-e89b-12d3-a456-426614174000", "n": 1}, {"uuid_id": "x", "n": 2, "extra": 1}]\`

### GET /list
- Feature: a duplicate, ignored
- Response: 200 \`{}\`

## Data Models
`;

const HOSTILE_FEATURES = [
  '"""; import os; os.system("false") #',
  'it\'s \\ a \\\\ back\'slash and a "quote"',
  'line one\nline two\ttabbed',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: template syntax is the hostile input here
  'emoji 🚀 ${x} %s {0} 日本語',
];

/** Python's view of a literal: evaluated by the real interpreter and printed back as JSON. */
function pythonEval(literals: string[]): unknown[] {
  const program = `import json\nVALUES = [\n${literals.map((l) => `    ${l},\n`).join('')}]\nprint(json.dumps(VALUES))\n`;
  return JSON.parse(execFileSync(PYTHON, ['-c', program], { encoding: 'utf8' })) as unknown[];
}

/** What the offline generator writes: feature code and feature tests. */
function generate(subject: Intent, spec: string): FileMap {
  const code = generateServiceOffline(subject, spec);
  return { ...code, ...generateTestsOffline(subject, spec, code) };
}

/** The service the build line writes from it: with the runtime and main.py of the pipeline. */
function assembled(subject: Intent, spec: string): FileMap {
  return assembleService(subject, spec, generate(subject, spec));
}

function writeService(subject: Intent, files: FileMap): string {
  const tree = tempTree();
  trees.push(tree);
  for (const [path, content] of Object.entries(files)) tree.write(path, content);
  return tree.path(`services/${subject.service_name}`);
}

/** Python with only what a build sandbox has: no registry or dependency URLs leaking in. */
function sandbox(): Record<string, string> {
  return {
    PATH: '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    LANG: 'C.UTF-8',
    PYTHONDONTWRITEBYTECODE: '1',
  };
}

interface PythonRun {
  pytestCode: number;
  pytestOutput: string;
  coverage: number;
  passed: number;
  pyflakesCode: number;
  pyflakesOutput: string;
}

/** At most two real pytest runs at a time: the machine has two shared cores. */
let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function runService(dir: string): Promise<PythonRun> {
  return slot(async () => {
    // Measured as the build measures it: without the files of app/ the pipeline writes.
    writeFileSync(join(dir, '.coveragerc'), coverageConfigText());
    const options = {
      cwd: dir,
      env: sandbox(),
      extendEnv: false,
      reject: false,
      all: true,
      timeout: 120_000,
    };
    const pytest = await execa(
      PYTHON,
      [
        '-m',
        'pytest',
        '--cov=app',
        '--cov-config=.coveragerc',
        '--cov-report=term',
        '--cov-fail-under=70',
        '-q',
        '-p',
        'no:cacheprovider',
      ],
      options,
    );
    const pyflakes = await execa(PYTHON, ['-m', 'pyflakes', 'app', 'tests'], options);
    const output = pytest.all ?? '';
    return {
      pytestCode: pytest.exitCode ?? -1,
      pytestOutput: output,
      coverage: Number(/^TOTAL\s+\d+\s+\d+\s+(\d+(?:\.\d+)?)%/m.exec(output)?.[1] ?? Number.NaN),
      passed: Number(/(\d+) passed/.exec(output)?.[1] ?? 0),
      pyflakesCode: pyflakes.exitCode ?? -1,
      pyflakesOutput: pyflakes.all ?? '',
    };
  });
}

function expectHealthyRun(run: PythonRun, minimumTests: number) {
  if (run.pytestCode !== 0)
    throw new Error(`pytest failed (exit ${run.pytestCode}):\n${run.pytestOutput.slice(-6000)}`);
  expect(run.pytestOutput).not.toMatch(/\b\d+ (failed|errors?)\b/);
  expect(run.passed).toBeGreaterThanOrEqual(minimumTests);
  expect(run.coverage).toBeGreaterThanOrEqual(70);
  // The pipeline's files of app/ are not measured: the figure is the generated feature code's.
  expect(run.pytestOutput).not.toMatch(/app\/(main|models)\.py/);
  expect(run.pytestOutput).toMatch(/app\/features\.py/);
  expect({ code: run.pyflakesCode, output: run.pyflakesOutput }).toEqual({ code: 0, output: '' });
}

describe('route planning', () => {
  test('a feature that names its endpoint gets exactly that route when the SPEC has none', () => {
    const plan = planRoutes(intentFile('hello-world'), '');
    expect(plan.routes.map((r) => [r.method, r.path, r.origin])).toEqual([['GET', '/hello', 'feature']]);
    expect(plan.messageStatus).toBe(202);
  });

  // /{item_id} used to be registered first and answer /hello with the item's shape.
  test('static routes come before the parametric routes that would shadow them', () => {
    const subject = intent({
      service_name: 'items',
      key_features: [
        'GET /{item_id} endpoint',
        'GET /hello endpoint',
        'GET /items/{id} endpoint',
        'GET /items/latest endpoint',
      ],
    });
    const plan = planRoutes(subject, '');
    expect(plan.routes.map((r) => r.path)).toEqual(['/hello', '/items/latest', '/items/{id}', '/{item_id}']);
  });

  test('other features get a POST route named after their words', () => {
    const plan = planRoutes(intentFile('payment-processor'), '');
    expect(plan.routes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /stripe-integration',
      'POST /webhooks',
      'POST /refunds',
    ]);
    expect(plan.routes.every((r) => r.body.kind === 'free')).toBe(true);
  });

  test('SPEC endpoints become routes; UDC, duplicate and unusable endpoints do not', () => {
    const subject = intent({
      service_name: 'ledger-hub',
      key_features: ['Stripe integration', 'Listing', 'Not in the SPEC'],
    });
    const plan = planRoutes(subject, TRICKY_SPEC);
    expect(plan.messageStatus).toBe(200);
    const routes = plan.routes.map((r) => `${r.method} ${r.path}`);
    expect(routes).toEqual([
      'POST /payments',
      'PATCH /weird-keys',
      'POST /scalar',
      'GET /list',
      'POST /not-in-the-spec',
      'GET /payments/{payment_id}',
      'DELETE /payments/{param_class}',
      'PUT /payments/{id}/tags',
    ]);
    const list = plan.routes.find((r) => r.path === '/list')!;
    expect(list.body).toEqual({ kind: 'none' });
    expect(list.template).toEqual([
      { uuid_id: '123e4567-e89b-12d3-a456-426614174000', n: 1 },
      { uuid_id: 'x', n: 2 },
    ]);
    const removal = plan.routes.find((r) => r.method === 'DELETE')!;
    expect([removal.status, removal.template, removal.responseType]).toEqual([204, undefined, undefined]);
  });

  test('a feature whose endpoint collides with a UDC endpoint or another feature gets its own path', () => {
    const plan = planRoutes(
      intent({ service_name: 'svc', key_features: ['GET /health endpoint', 'Refunds', 'refunds!'] }),
      '',
    );
    expect(plan.routes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /get-health-endpoint',
      'POST /refunds',
      'POST /refunds-2',
    ]);
    expect(new Set(plan.routes.map((r) => r.handler)).size).toBe(3);
  });

  test('keys that are not safe Python field names get an alias', () => {
    const plan = planRoutes(
      intent({ service_name: 'ledger-hub', key_features: ['Weird keys'] }),
      TRICKY_SPEC,
    );
    const model = plan.models.find((m) => m.name === 'WeirdKeysRequest')!;
    const aliases = Object.fromEntries(model.fields.map((f) => [f.alias ?? f.name, f.name]));
    expect(aliases).toEqual({
      class: 'f_class',
      model_config: 'f_model_config',
      dict: 'f_dict',
      'a-b': 'f_a_b',
      '1st': 'f_1st',
      __x: 'f_x',
      日本: 'f_field',
      schema: 'f_schema',
      Optional: 'f_optional',
      int: 'f_int',
    });
  });

  test('paths: parameters become identifiers, anything else unusable is refused', () => {
    expect(normalizePath('/a/{item-id}/b/{item_id}')?.path).toBe('/a/{item_id}/b/{item_id_2}');
    expect(normalizePath('/x/{def}')?.params).toEqual([
      { original: 'def', name: 'param_def', sample: 'param-def-1' },
    ]);
    expect(normalizePath('/a b')).toBeUndefined();
    expect(normalizePath('/a/{x}y')).toBeUndefined();
    expect(normalizePath('relative')).toBeUndefined();
  });

  test('examples are made self-consistent before models are typed from them', () => {
    expect(normalizeExample([{ a: 1, b: 'x' }, { a: 2, b: 'y', c: 3 }, { a: 'no' }, { a: 4 }])).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
    ]);
    // 1 and 2.5 are both numbers: the list is typed float, so none is dropped.
    expect(normalizeExample([1, 2.5, 3])).toEqual([1, 2.5, 3]);
    expect(normalizeExample({ n: Number.POSITIVE_INFINITY, l: [null, 'x'] })).toEqual({
      n: 0,
      l: [null, 'x'],
    });
  });
});

describe('app/models.py agrees with the SPEC', () => {
  const spec = completeSpec(TILL_INTENT, TILL_SPEC);
  const plan = planRoutes(TILL_INTENT, spec);
  const fields = (name: string) =>
    Object.fromEntries(
      plan.models.find((m) => m.name === name)!.fields.map((f) => [f.alias ?? f.name, f.type]),
    );

  test('a number written with ".", "e" or "E" is a float, also where JSON.parse reads an integer', () => {
    expect(writtenDecimals('{"a": 10.00, "b": 2, "c": [1, 2e3], "d": {"x\\"y": -0.0}, "e": "1.5"}')).toEqual(
      new Set(['["a"]', '["c",0]', '["d","x\\"y"]']),
    );
    const float: PyType = { kind: 'float' };
    expect(fields('OrdersRequest')).toEqual({
      amount: float,
      rate: float,
      big: float,
      qty: { kind: 'int' },
      prices: { kind: 'list', item: float },
      lines: { kind: 'list', item: { kind: 'model', name: 'OrdersRequestLinesItem' } },
    });
    expect(fields('OrdersRequestLinesItem')).toEqual({ unit: float });
    expect(fields('OrdersResponse')).toEqual({ id: { kind: 'str' }, amount: float, qty: { kind: 'int' } });
  });

  test("the bodies and class names are the Data Models section's: a DELETE body is modelled, a GET body is not", () => {
    const dataModels = spec.slice(
      spec.indexOf('## Data Models'),
      spec.indexOf('\n## ', spec.indexOf('## Data Models') + 3),
    );
    const documented = new Set(
      Array.from(dataModels.matchAll(/^\| (\w+) \|/gm), (m) => m[1]!).filter((n) => n !== 'body'),
    );
    const modelOf = (type: PyType | undefined) => (type?.kind === 'model' ? [type.name] : []);
    const planned = new Set(
      plan.routes.flatMap((r) => [
        ...modelOf(r.body.kind === 'typed' ? r.body.type : undefined),
        ...modelOf(r.responseType),
      ]),
    );
    expect(planned).toEqual(documented);
    expect(documented).toEqual(
      new Set([
        'OrdersRequest',
        'OrdersResponse',
        'Orders2Request',
        'Orders2Response',
        'StateResponse',
        'HealthResponse',
        'HealthReportResponse',
      ]),
    );
    const route = (key: string) => plan.routes.find((r) => `${r.method} ${r.path}` === key)!;
    expect(route('DELETE /orders/{order_id}').body).toMatchObject({
      kind: 'typed',
      example: { reason: 'duplicate' },
    });
    expect(route('GET /health-report').body).toEqual({ kind: 'none' });
  });
});

describe('Python literals', () => {
  test('strings and JSON values reach Python exactly, as ASCII literals', () => {
    const values: unknown[] = [
      ...HOSTILE_FEATURES,
      '\u2028\u2029\u0000\u007f\u0085',
      '🚀 outside the BMP',
      { nested: [1, -2.5, 1e21, true, false, null, { 'k"\\': 'v' }] },
    ];
    const literals = values.map(pyLiteral);
    for (const literal of literals) expect(literal).toMatch(/^[\x20-\x7e]*$/);
    expect(pythonEval(literals)).toEqual(values);
    expect(pythonEval([pyStr('a\ud800b')])).toEqual(['a\ufffdb']);
  });
});

describe('generated files', () => {
  const subject = intentFile('payment-processor');
  const spec = writeSpecOffline(subject);

  test('are only the feature code and its tests, confined to services/<name>/, plain ASCII Python', () => {
    const files = generate(subject, spec);
    expect(Object.keys(files).sort()).toEqual(
      ['app/features.py', 'tests/test_features.py'].map((path) => `services/payment-processor/${path}`),
    );
    expect(checkModelOutput(files, 'payment-processor')).toEqual({ ok: true });
    for (const content of Object.values(files)) expect(content).toMatch(/^[\t\n\x20-\x7e]*$/);
    const service = assembled(subject, spec);
    expect(service['services/payment-processor/requirements.txt']).not.toMatch(/starlette|==|</);
    expect(service['services/payment-processor/app/main.py']).toContain('app = create_app(SERVICE, router)');
    expect(service['services/payment-processor/app/models.py']).toContain('\nEXAMPLES = {\n');
  });

  // An unchanged SPEC must give the same service: nothing may depend on the clock, on chance, or on what
  // was generated before in the same process.
  test('are the same for the same intent and SPEC, whatever the clock, chance or earlier runs', () => {
    const first = generate(subject, spec);
    const hello = intentFile('hello-world');
    expect(Object.keys(generate(hello, writeSpecOffline(hello)))).toContain(
      'services/hello-world/app/features.py',
    );
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.5);
    jest.useFakeTimers({ now: new Date('2031-05-06T07:08:09Z') });
    try {
      const again = intentFile('payment-processor');
      expect(generate(again, writeSpecOffline(again))).toEqual(first);
    } finally {
      jest.useRealTimers();
      random.mockRestore();
    }
  });

  test('intent text reaches the code only inside string literals', () => {
    const hostile = intent({ service_name: 'hostile', key_features: HOSTILE_FEATURES });
    for (const [path, content] of Object.entries(assembled(hostile, ''))) {
      if (path.includes('/assembly_line_runtime/')) continue;
      // pyStr writes only double-quoted literals with escapes, so this removes exactly the literals.
      const code = content.replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
      expect({ path, injected: /os\.system|\$\{x\}|line two|%s \{0\}/.test(code) }).toEqual({
        path,
        injected: false,
      });
    }
    const main = assembled(hostile, '')['services/hostile/app/main.py']!;
    for (const feature of HOSTILE_FEATURES) expect(main).toContain(pyStr(feature));
  });

  test('refuse what cannot be generated', () => {
    expect(() => generateServiceOffline(intent({ service_name: '../etc' }), '')).toThrow(/service_name/);
    expect(() => generateTestsOffline(subject, spec, {})).toThrow(/app\/features\.py: missing/);
  });
});

interface RealCase {
  label: string;
  subject: Intent;
  spec: string;
  minimumTests: number;
}

const REAL_CASES: RealCase[] = [
  {
    label: 'hello-world (intents/, offline SPEC)',
    subject: intentFile('hello-world'),
    spec: writeSpecOffline(intentFile('hello-world')),
    minimumTests: 1,
  },
  {
    label: 'payment-processor (intents/, offline SPEC)',
    subject: intentFile('payment-processor'),
    spec: writeSpecOffline(intentFile('payment-processor')),
    minimumTests: 5,
  },
  {
    label: 'two-character name, port 65535, no dependencies, no SPEC',
    subject: intent({ service_name: 'ab', port: 65535, key_features: ['Count things'], dependencies: [] }),
    spec: '',
    minimumTests: 1,
  },
  {
    label: 'six unicode features, dependencies on other services, a tricky SPEC',
    subject: intent({
      service_name: 'ledger-hub',
      port: 1024,
      key_features: [
        'Stripe integration',
        'Payment lookup 🔎',
        'Tagging',
        'Weird keys ünïcödé',
        'Listing',
        'GET /reports/{report-id} résumé',
      ],
      dependencies: ['registry', 'payment-processor', 'hello-world', 'orchestrator'],
    }),
    spec: TRICKY_SPEC,
    minimumTests: 10,
  },
  {
    label: 'hostile feature text, offline SPEC',
    subject: intent({ service_name: 'hostile', key_features: HOSTILE_FEATURES, dependencies: ['verifier'] }),
    spec: writeSpecOffline(
      intent({ service_name: 'hostile', key_features: HOSTILE_FEATURES, dependencies: ['verifier'] }),
    ),
    minimumTests: 3,
  },
];

describe('generated services really run: pytest with coverage, uvicorn, pyflakes', () => {
  test.concurrent.each(REAL_CASES)(
    '$label',
    async ({ subject, spec, minimumTests }) => {
      const dir = writeService(subject, assembled(subject, spec));
      expectHealthyRun(await runService(dir), minimumTests);
    },
    180_000,
  );
});

describe("the pipeline's SPEC contract tests", () => {
  const notes = intent({ service_name: 'notes', key_features: ['Edit notes'], dependencies: [] });
  const spec = [
    '# notes\n\n## API\n',
    '### PUT /notes/{note-id}',
    '- Feature: Edit notes',
    '- Request: `{"text": "buy milk"}`',
    '- Response: 200 `{"note-id": "n1", "text": "buy milk"}`',
    '- Errors: 401 no API key; 404 no such note; 422 invalid body',
    '',
  ].join('\n');
  // Correct code whose dependencies answer first: the API key, then the note the URL names.
  const features = `from fastapi import APIRouter, Depends, Header, HTTPException

from app import models

router = APIRouter()
NOTES = {"n1": "buy milk"}


def api_key(x_api_key: str = Header("")):
    if x_api_key != "k":
        raise HTTPException(status_code=401, detail="no API key")


def existing(note_id: str):
    if note_id not in NOTES:
        raise HTTPException(status_code=404, detail="no such note")
    return note_id


@router.put("/notes/{note_id}", dependencies=[Depends(api_key)])
def edit(body: models.NotesRequest, note_id: str = Depends(existing)):
    NOTES[note_id] = body.text
    return {"note-id": note_id, "text": body.text}
`;
  const tests = `from app.models import EXAMPLES


def test_edit_a_note(client):
    example = EXAMPLES["PUT /notes/{note-id}"]
    answer = client.put("/notes/n1", json={"text": "call Ada"}, headers={"X-Api-Key": "k"})
    assert answer.status_code == example["status"]
    assert answer.json() == {"note-id": "n1", "text": "call Ada"}
    assert client.put("/notes/n2", json={"text": "x"}, headers={"X-Api-Key": "k"}).status_code == 404
    assert client.put("/notes/n1", json={"text": "x"}).status_code == 401
`;

  test('hold for correct code whose dependencies refuse first (401, 404), and fail code that takes any body', async () => {
    const files = assembleService(notes, spec, {
      'services/notes/app/features.py': features,
      'services/notes/tests/test_features.py': tests,
    });
    expect(files['services/notes/tests/test_spec_contract.py']).toContain(
      '["PUT /notes/{note-id}", "/notes/note-id-1", {}],',
    );
    const run = await runService(writeService(notes, files));
    expect(run.pytestOutput).toMatch(/\b2 passed\b/);
    expect(run.pytestCode).toBe(0);

    const lax = features
      .replace('body: models.NotesRequest', 'body: dict')
      .replace('body.text', 'body.get("text", "")')
      .replace('body.text', 'body.get("text", "")')
      .replace(', dependencies=[Depends(api_key)]', '')
      .replace('note_id: str = Depends(existing)', 'note_id: str');
    const laxRun = await runService(writeService(notes, { ...files, 'services/notes/app/features.py': lax }));
    expect(laxRun.pytestOutput).toMatch(
      /FAILED tests\/test_spec_contract\.py::test_route_refuses_a_body_its_model_refuses/,
    );
  }, 180_000);
});

describe('the generated tests fail on a wrong implementation', () => {
  const subject = intentFile('payment-processor');
  const spec = writeSpecOffline(subject);
  const features = 'services/payment-processor/app/features.py';
  const mutants: [string, string, string][] = [
    ['a route answers another success status', ', status_code=201)', ')'],
    ['a route is served at another path', '@router.post("/webhooks"', '@router.post("/webhook"'],
    ['a route takes any body', 'models.RefundsRequest = Body(...)', 'dict = Body(...)'],
    [
      'a route answers its example instead of echoing the request',
      '["POST /webhooks"]["response"], {}, _body)',
      '["POST /webhooks"]["response"], {})',
    ],
  ];

  test.concurrent.each(mutants)(
    '%s',
    async (_label, find, replace) => {
      const files = assembled(subject, spec);
      expect(files[features]).toContain(find);
      files[features] = files[features]!.replace(find, replace);
      const run = await runService(writeService(subject, files));
      expect(run.pytestOutput).toMatch(/\b[1-9]\d* failed\b/);
    },
    180_000,
  );
});
