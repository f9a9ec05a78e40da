import { readFileSync, symlinkSync } from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { GENERATOR_VERSION, runBuildLine } from '../core/build/build-line.js';
import {
  generationStamp,
  MANIFEST_NAME,
  readManifest,
  replaceServiceFolder,
} from '../core/build/write-service.js';
import { canonicalJson } from '../core/hash.js';
import { type Intent, IntentSchema } from '../core/intent/schema.js';
import type { ProgressReporter } from '../core/ports/index.js';
import {
  type CodeRequest,
  type FileMap,
  LlmError,
  type LlmProvider,
  type LlmResult,
  type LlmUsage,
  type TestRequest,
  zeroUsage,
} from '../core/ports/index.js';
import { runtimeSources } from '../core/runtime/service-runtime.js';
import {
  FIXTURE_SERVICE,
  fixtureCode,
  fixtureFiles,
  fixtureTests,
  patched,
} from './helpers/build-fixture.js';
import { tempTree } from './helpers/tmp.js';

/**
 * The build line's failure policies, driven by a scripted provider (the LlmProvider interface is the
 * boundary) and checked against real builds of the fixture service.
 */

const prefix = `services/${FIXTURE_SERVICE}/`;
const intent: Intent = IntentSchema.parse({
  service_name: FIXTURE_SERVICE,
  service_type: 'domain',
  purpose: 'Quote prices',
  key_features: ['POST /quote endpoint'],
  port: 9100,
});
const SPEC = '# build-fixture\n\n## Purpose & Scope\nQuotes prices.\n';

/** The fixture's SPEC with its endpoint, so the pipeline writes a SPEC contract test for it. */
const QUOTE_SPEC = [
  SPEC,
  '## API',
  '',
  '### POST /quote',
  '- Feature: POST /quote endpoint',
  '- Request: `{"items": [10.5], "coupon": "SAVE10"}`',
  '- Response: 200 `{"subtotal": 10.5, "discount": 1.05, "total": 9.45}`',
  '- Errors: 422 invalid body or unknown coupon',
  '',
].join('\n');

const shared = tempTree();
const trees: ReturnType<typeof tempTree>[] = [shared];
const buildOptions = { venvDir: shared.path('venv'), index: 'offline' as const };
afterAll(() => {
  for (const tree of trees) tree.cleanup();
});

function repo() {
  const tree = tempTree({ 'intents/build-fixture.yaml': 'service_name: build-fixture\n' });
  trees.push(tree);
  return tree;
}

interface Call {
  task: 'write_code' | 'write_tests';
  feedback?: string;
}

/** Answers each task from its script in order; fails the test if called more often than scripted. */
class ScriptedProvider implements LlmProvider {
  readonly name = 'scripted';
  readonly calls: Call[] = [];
  constructor(
    private readonly code: (FileMap | Error)[],
    private readonly tests: (FileMap | Error)[],
  ) {}
  writeSpec(): Promise<LlmResult<string>> {
    throw new Error('writeSpec is not part of the build line');
  }
  improveSpec(): Promise<LlmResult<string>> {
    throw new Error('improveSpec is not part of the build line');
  }
  writeCode(request: CodeRequest): Promise<LlmResult<FileMap>> {
    return this.answer('write_code', request, this.code);
  }
  writeTests(request: TestRequest): Promise<LlmResult<FileMap>> {
    return this.answer('write_tests', request, this.tests);
  }
  private async answer(task: Call['task'], request: CodeRequest, script: (FileMap | Error)[]) {
    this.calls.push({ task, ...(request.feedback ? { feedback: request.feedback } : {}) });
    const next = script.shift();
    if (next === undefined) throw new Error(`unscripted ${task} call`);
    if (next instanceof Error) throw next;
    return { value: next, usage: { ...zeroUsage('scripted', 'fake-1'), inputTokens: 10, outputTokens: 20 } };
  }
}

/** A provider for runs that must not reach a model at all. */
const forbiddenProvider: LlmProvider = {
  name: 'forbidden',
  writeSpec: () => Promise.reject(new Error('no model call expected')),
  improveSpec: () => Promise.reject(new Error('no model call expected')),
  writeCode: () => Promise.reject(new Error('no model call expected')),
  writeTests: () => Promise.reject(new Error('no model call expected')),
};

function recordingReporter() {
  const events: string[] = [];
  const reporter: ProgressReporter = {
    phaseStarted: (phase, detail) => events.push(`start ${phase}${detail ? ` (${detail})` : ''}`),
    phaseFinished: (phase, outcome) => events.push(`${outcome} ${phase}`),
    info: (message) => events.push(`info ${message}`),
  };
  return { events, reporter };
}

const brokenCode = () =>
  patched(fixtureCode(), `${prefix}app/features.py`, 'from app import pricing', 'from app import pricing_v2');
const failingTests = () =>
  patched(
    fixtureTests(),
    `${prefix}tests/test_main.py`,
    '"discount": 25.0, "total": 75.0',
    '"discount": 20.0, "total": 80.0',
  );

function run(repoRoot: string, provider: LlmProvider, spec = SPEC) {
  const { events, reporter } = recordingReporter();
  const usage: string[] = [];
  const promise = runBuildLine({
    provider,
    repoRoot,
    intent,
    spec,
    reporter,
    onUsage: (u: LlmUsage, task) => usage.push(`${task}:${u.inputTokens}/${u.outputTokens}`),
    build: buildOptions,
  });
  return promise.then((result) => ({ result, events, usage }));
}

/** Writes a previous, good generation made from another SPEC. */
function previousGeneration(repoRoot: string) {
  const files = { ...fixtureCode(), ...fixtureTests(), [`${prefix}README.md`]: 'previous generation\n' };
  replaceServiceFolder(repoRoot, FIXTURE_SERVICE, files, {
    ...generationStamp(
      '# an older SPEC\n',
      canonicalJson(intent),
      GENERATOR_VERSION,
      runtimeSources().version,
    ),
    provider: 'earlier',
  });
  return readFileSync(`${repoRoot}/${prefix}${MANIFEST_NAME}`, 'utf8');
}

describe('runBuildLine', () => {
  it('retries code that does not import with the error in the prompt, then writes the passing generation', async () => {
    const tree = repo();
    const provider = new ScriptedProvider([brokenCode(), fixtureCode()], [fixtureTests(), fixtureTests()]);
    const { result, events, usage } = await run(tree.root, provider);

    expect(result.failure).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.codeAttempts).toBe(2);
    expect(result.testRegenerations).toBe(0);
    expect(provider.calls.map((c) => c.task)).toEqual([
      'write_code',
      'write_tests',
      'write_code',
      'write_tests',
    ]);
    expect(provider.calls[2]?.feedback).toMatch(
      /app\.main does not import: ImportError: cannot import name 'pricing_v2'/,
    );
    expect(usage).toEqual(['write_code:10/20', 'write_tests:10/20', 'write_code:10/20', 'write_tests:10/20']);
    expect(result.attempts.map((a) => [a.kind, a.codeAttempt, a.outcome, a.blame])).toEqual([
      ['code', 1, 'ok', undefined],
      ['tests', 1, 'build_failed', 'code'],
      ['code', 2, 'ok', undefined],
      ['tests', 2, 'ok', undefined],
    ]);
    expect(result.build?.tests).toMatchObject({ passed: 7, failed: 0 });
    expect(result.build?.coverage).toBe(100);
    expect(readFileSync(tree.path(`${prefix}app/features.py`), 'utf8')).toContain(
      'from app import pricing\n',
    );
    expect(readManifest(tree.root, FIXTURE_SERVICE)).toMatchObject({
      provider: 'scripted',
      spec_hash: result.stamp.spec_hash,
      files: result.files,
    });
    expect(result.files).toContain(`${prefix}tests/test_main.py`);
    expect(events).toEqual([
      'start code_generation (attempt 1 of 3)',
      'ok code_generation',
      'start test_generation',
      'ok test_generation',
      'start build_test (venv, requirements, pytest, coverage, pyflakes)',
      'failed build_test',
      'start code_generation (attempt 2 of 3)',
      'ok code_generation',
      'start test_generation',
      'ok test_generation',
      'start build_test (venv, requirements, pytest, coverage, pyflakes)',
      'ok build_test',
      `info wrote ${result.files.length} files to ${prefix}`,
    ]);
  });

  it('counts a refused file map as a code attempt and writes nothing from it', async () => {
    const tree = repo();
    const escaping = { ...fixtureCode(), 'services/build-fixture/../../escape.py': 'x = 1\n' };
    const provider = new ScriptedProvider([escaping, fixtureCode()], [fixtureTests()]);
    const { result } = await run(tree.root, provider);
    expect(result.ok).toBe(true);
    expect(result.codeAttempts).toBe(2);
    expect(provider.calls.map((c) => c.task)).toEqual(['write_code', 'write_code', 'write_tests']);
    expect(provider.calls[1]?.feedback).toContain(
      'services/build-fixture/../../escape.py: the path contains a ".." segment',
    );
    expect(result.attempts[0]).toMatchObject({ kind: 'code', number: 1, outcome: 'refused' });
  });

  it('regenerates failing tests with their output, then passes', async () => {
    const tree = repo();
    const provider = new ScriptedProvider([fixtureCode()], [failingTests(), fixtureTests()]);
    const { result, events } = await run(tree.root, provider);
    expect(result.ok).toBe(true);
    expect(result.codeAttempts).toBe(1);
    expect(result.testRegenerations).toBe(1);
    expect(provider.calls.map((c) => c.task)).toEqual(['write_code', 'write_tests', 'write_tests']);
    const feedback = provider.calls[2]?.feedback ?? '';
    expect(feedback).toContain(
      'Failing test tests/test_main.py::test_quote_with_coupon_and_volume_discount:',
    );
    expect(feedback).toContain("'total': 75.0");
    expect(events).toContain('start test_generation (regeneration 1 of 2)');
  });

  it('refuses tests that write outside tests/ and regenerates them', async () => {
    const tree = repo();
    const hijack = { ...fixtureTests(), [`${prefix}app/pricing.py`]: 'quote = None\n' };
    const provider = new ScriptedProvider(
      [fixtureCode()],
      [hijack, null as unknown as FileMap, fixtureTests()],
    );
    const { result } = await run(tree.root, provider);
    expect(result.ok).toBe(true);
    expect(result.testRegenerations).toBe(2);
    expect(provider.calls[2]?.feedback).toContain(
      `${prefix}app/pricing.py: tests must be written under ${prefix}tests/`,
    );
    expect(provider.calls[3]?.feedback).toContain('the model did not return a map of files');
    expect(readFileSync(tree.path(`${prefix}app/pricing.py`), 'utf8')).toContain('def quote(');
  });

  it('refuses code or tests that write into the vendored runtime or the pipeline-owned main.py and models.py', async () => {
    const tree = repo();
    const tamperedRuntime = {
      ...fixtureCode(),
      [`${prefix}assembly_line_runtime/service.py`]: 'def create_app(*args):\n    return None\n',
      [`${prefix}app/models.py`]: 'class Quote:\n    pass\n',
    };
    const ownMain = {
      ...fixtureTests(),
      [`${prefix}app/main.py`]: 'app = None\n',
      [`${prefix}conftest.py`]: 'import pytest\n',
    };
    const provider = new ScriptedProvider([tamperedRuntime, fixtureCode()], [ownMain, fixtureTests()]);
    const { result } = await run(tree.root, provider);
    expect(result.ok).toBe(true);
    expect(provider.calls.map((c) => c.task)).toEqual([
      'write_code',
      'write_code',
      'write_tests',
      'write_tests',
    ]);
    expect(provider.calls[1]?.feedback).toContain(
      `${prefix}assembly_line_runtime/service.py: assembly_line_runtime/ is the vendored service runtime; the pipeline writes it`,
    );
    expect(provider.calls[1]?.feedback).toContain(
      `${prefix}app/models.py: app/models.py is written by the pipeline from the SPEC's JSON examples; import its models and EXAMPLES`,
    );
    expect(provider.calls[3]?.feedback).toContain(
      `${prefix}app/main.py: app/main.py is written by the pipeline`,
    );
    expect(provider.calls[3]?.feedback).toContain(
      `${prefix}conftest.py: conftest.py is written by the pipeline (the \`client\` fixture); put fixtures of your own in tests/conftest.py`,
    );
    const vendored = readFileSync(tree.path(`${prefix}assembly_line_runtime/service.py`), 'utf8');
    expect(vendored).toBe(runtimeSources().files['assembly_line_runtime/service.py']);
    expect(readFileSync(tree.path(`${prefix}app/main.py`), 'utf8')).toContain(
      'app = create_app(SERVICE, router)',
    );
    expect(readFileSync(tree.path(`${prefix}app/models.py`), 'utf8')).toContain('\nEXAMPLES = {\n');
    expect(readManifest(tree.root, FIXTURE_SERVICE)?.runtime_version).toBe(runtimeSources().version);
  });

  it('sends a failing SPEC contract test back to the code generation, not the tests', async () => {
    const tree = repo();
    // Items may be left out: the feature tests still pass, but the SPEC's model requires them.
    const lax = patched(
      fixtureCode(),
      `${prefix}app/quotes.py`,
      'items: List[float]\n',
      'items: List[float] = []\n',
    );
    const provider = new ScriptedProvider([lax, fixtureCode()], [fixtureTests(), fixtureTests()]);
    const { result } = await run(tree.root, provider, QUOTE_SPEC);

    expect(result.ok).toBe(true);
    expect(provider.calls.map((c) => c.task)).toEqual([
      'write_code',
      'write_tests',
      'write_code',
      'write_tests',
    ]);
    expect(result.attempts.map((a) => [a.kind, a.outcome, a.blame])).toEqual([
      ['code', 'ok', undefined],
      ['tests', 'build_failed', 'code'],
      ['code', 'ok', undefined],
      ['tests', 'ok', undefined],
    ]);
    expect(provider.calls[2]?.feedback).toContain(
      'Failing test tests/test_spec_contract.py::test_route_refuses_a_body_its_model_refuses[POST /quote]',
    );
    expect(result.build?.tests).toMatchObject({ passed: 8, failed: 0 });
    expect(readFileSync(tree.path(`${prefix}tests/test_spec_contract.py`), 'utf8')).toContain(
      '["POST /quote", "/quote", {}],',
    );
  });

  it('sends a SPEC contract test that errors on a fixture the tests broke back to the tests, not the code', async () => {
    const tree = repo();
    const brokenFixture = {
      ...fixtureTests(),
      [`${prefix}tests/conftest.py`]:
        'import pytest\n\n\n@pytest.fixture\ndef client():\n    raise RuntimeError("no client here")\n',
    };
    const provider = new ScriptedProvider([fixtureCode()], [brokenFixture, fixtureTests()]);
    const { result } = await run(tree.root, provider, QUOTE_SPEC);

    expect(result.ok).toBe(true);
    expect(provider.calls.map((c) => c.task)).toEqual(['write_code', 'write_tests', 'write_tests']);
    expect(result.attempts.map((a) => [a.kind, a.outcome, a.blame])).toEqual([
      ['code', 'ok', undefined],
      ['tests', 'build_failed', 'tests'],
      ['tests', 'ok', undefined],
    ]);
    expect(provider.calls[2]?.feedback).toContain('no client here');
  });

  it('fails after two test regenerations, naming the failing tests, and keeps the previous good code', async () => {
    const tree = repo();
    const manifestBefore = previousGeneration(tree.root);
    const provider = new ScriptedProvider([fixtureCode()], [failingTests(), failingTests(), failingTests()]);
    const { result } = await run(tree.root, provider);

    expect(result.ok).toBe(false);
    expect(provider.calls.map((c) => c.task)).toEqual([
      'write_code',
      'write_tests',
      'write_tests',
      'write_tests',
    ]);
    expect(result.testRegenerations).toBe(2);
    expect(result.failure?.phase).toBe('build_test');
    expect(result.failure?.message).toMatch(
      /^the tests still fail after 2 regenerations: 1 failed and 0 errors/,
    );
    expect(result.failure?.message).toContain(
      '--- tests/test_main.py::test_quote_with_coupon_and_volume_discount',
    );
    expect(result.failure?.message).toContain("'total': 75.0");
    expect(result.build?.tests.failing[0]?.file).toBe(`${prefix}tests/test_main.py`);
    expect(result.files).toEqual([]);
    // The earlier generation is untouched.
    expect(readFileSync(tree.path(`${prefix}${MANIFEST_NAME}`), 'utf8')).toBe(manifestBefore);
    expect(readFileSync(tree.path(`${prefix}README.md`), 'utf8')).toBe('previous generation\n');
    expect(readFileSync(tree.path(`${prefix}tests/test_main.py`), 'utf8')).toContain(
      '"discount": 25.0, "total": 75.0',
    );
  });

  it('gives up after three code attempts, the last error in the failure', async () => {
    const tree = repo();
    const manifestBefore = previousGeneration(tree.root);
    const lint = patched(
      fixtureCode(),
      `${prefix}app/pricing.py`,
      'from typing import List',
      'import os\nfrom typing import List',
    );
    const provider = new ScriptedProvider(
      [brokenCode(), { 'services/build-fixture/app/main.sh': 'rm -rf /' }, lint],
      [fixtureTests(), fixtureTests()],
    );
    const { result } = await run(tree.root, provider);
    expect(result.ok).toBe(false);
    expect(result.codeAttempts).toBe(3);
    expect(provider.calls.map((c) => c.task)).toEqual([
      'write_code',
      'write_tests',
      'write_code',
      'write_code',
      'write_tests',
    ]);
    expect(provider.calls[3]?.feedback).toContain('file type .sh is not allowed');
    expect(result.failure).toEqual({
      phase: 'build_test',
      message: expect.stringContaining(
        "the generated code still fails after 3 attempts: pyflakes found 1 problem: app/pricing.py:2: 'os' imported but unused",
      ),
    });
    expect(result.build?.lint).toEqual([
      { file: `${prefix}app/pricing.py`, line: 2, col: 1, message: "'os' imported but unused" },
    ]);
    expect(readFileSync(tree.path(`${prefix}${MANIFEST_NAME}`), 'utf8')).toBe(manifestBefore);
  });

  it('reuses the code of an unchanged SPEC without any model call, and still builds and tests it', async () => {
    const tree = repo();
    replaceServiceFolder(tree.root, FIXTURE_SERVICE, fixtureFiles(), {
      ...generationStamp(SPEC, canonicalJson(intent), GENERATOR_VERSION, runtimeSources().version),
      provider: 'scripted',
    });
    const { result, events, usage } = await run(tree.root, forbiddenProvider);
    expect(result.failure).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.reused).toBe(true);
    expect(usage).toEqual([]);
    expect(result.codeAttempts).toBe(0);
    expect(result.build?.tests.passed).toBe(7);
    expect(result.files).toEqual(readManifest(tree.root, FIXTURE_SERVICE)?.files);
    expect(events.slice(0, 4)).toEqual([
      'start code_generation',
      'skipped code_generation',
      'start test_generation',
      'skipped test_generation',
    ]);

    // A changed SPEC is generated anew: the forbidden provider is called, and its refusal is reported.
    const changed = await run(tree.root, forbiddenProvider, `${SPEC}\nMore detail.\n`);
    expect(changed.result.reused).toBe(false);
    expect(changed.result.failure).toEqual({
      phase: 'code_generation',
      message: 'code generation failed: no model call expected',
    });
  });

  it('stops at a model failure that cannot be retried, without a stack trace', async () => {
    const tree = repo();
    const provider = new ScriptedProvider([new LlmError('the model refused: policy', 'refusal')], []);
    const { result } = await run(tree.root, provider);
    expect(result.ok).toBe(false);
    expect(provider.calls).toHaveLength(1);
    expect(result.failure).toEqual({
      phase: 'code_generation',
      message: 'code generation failed: the model refused: policy',
    });
  });

  it('refuses to start when the service folder is a symlink, before any model call', async () => {
    const tree = repo();
    const elsewhere = tempTree();
    trees.push(elsewhere);
    tree.write('services/.keep', '');
    symlinkSync(elsewhere.root, tree.path(`services/${FIXTURE_SERVICE}`));
    const { result } = await run(tree.root, forbiddenProvider);
    expect(result.failure?.phase).toBe('write');
    expect(result.failure?.message).toContain(`services/${FIXTURE_SERVICE}: is a symbolic link`);
  });
});
