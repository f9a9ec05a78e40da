import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { variedIntents } from '../bench/spec-corpus.js';
import type { Intent } from '../core/intent/schema.js';
import { OfflineProvider } from '../core/llm/offline/provider.js';
import { type BuildJobResult, runBuildJob } from '../core/pipeline/build-job.js';
import { silentReporter } from '../core/ports/index.js';
import { runSpecJob } from '../core/spec/spec-job.js';
import { validateIntentPaths } from '../core/workspace/intents.js';
import { cli } from './helpers/cli.js';
import { SHORTEST_INTENT, SIX_FEATURES } from './helpers/intents.js';
import { tempTree } from './helpers/tmp.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

const examples = (await validateIntentPaths(['intents'], repoRoot)).map((r) => r.intent!);
const edgeCases = [SHORTEST_INTENT, SIX_FEATURES];
const varied = [...examples, ...edgeCases, ...variedIntents(18, 4242)];

/** Runs `work` over `items` with at most `limit` at once (the machine has two cores). */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

describe('intent → SPEC → build → UDC, offline, with real pytest and uvicorn', () => {
  const tree = tempTree({ 'intents/.keep': '' });
  const results = new Map<string, BuildJobResult | Error>();

  beforeAll(async () => {
    await pool(varied, 2, async (intent: Intent) => {
      try {
        const spec = await runSpecJob({
          repoRoot: tree.root,
          intent,
          provider: new OfflineProvider(),
          reporter: silentReporter,
        });
        if (spec.status !== 'passed') throw new Error(`SPEC scored ${spec.score}`);
        results.set(
          intent.service_name,
          await runBuildJob({
            repoRoot: tree.root,
            intent,
            spec: spec.markdown,
            provider: new OfflineProvider(),
            reporter: silentReporter,
          }),
        );
      } catch (error) {
        results.set(intent.service_name, error as Error);
      }
    });
  }, 600_000);
  afterAll(() => tree.cleanup());

  test('the set covers the examples and 20 generated, varied intents', () => {
    expect(varied.length).toBe(examples.length + 20);
    expect(varied.some((i) => i.service_name.length === 2 && i.port === 65535)).toBe(true);
    expect(varied.some((i) => i.key_features.length >= 6)).toBe(true);
    expect(
      varied.some((i) => i.dependencies.some((d) => !['registry', 'orchestrator', 'verifier'].includes(d))),
    ).toBe(true);
  });

  test.each(varied.map((i) => [i.service_name, i.key_features.length] as const))(
    '%s (%i features) builds, passes its tests with coverage >= 70%% and all UDC checks',
    (name, features) => {
      const result = results.get(name);
      if (result instanceof Error) throw result;
      expect(result?.failure).toBeUndefined();
      expect(result!.ok).toBe(true);
      const build = result!.line.build!;
      expect(build.tests.failed + build.tests.errors).toBe(0);
      // One test per feature route at least (the runtime's suite tests the UDC endpoints).
      expect(build.tests.passed).toBeGreaterThanOrEqual(features);
      expect(build.coverage).toBeGreaterThanOrEqual(70);
      expect(build.lint).toEqual([]);
      expect(result!.udc!.rows.map((r) => [r.endpoint, r.ok])).toEqual([
        ['GET /health', true],
        ['GET /capabilities', true],
        ['GET /state', true],
        ['GET /dependencies', true],
        ['POST /message', true],
        ['POST /message', true],
      ]);
    },
  );

  test('each feature of the SPEC became a route of the service', () => {
    const features = readFileSync(tree.path('services/six-features/app/features.py'), 'utf8');
    expect(features).toMatch(/"\/orders\/\{[a-z_]+\}"/);
    expect(features.match(/@router\.(get|post|put|patch|delete)\(/g)?.length).toBeGreaterThanOrEqual(6);
    // The UDC endpoints come from the vendored runtime, not from generated code.
    expect(features).not.toMatch(/"\/health"|"\/message"/);
    expect(readFileSync(tree.path('services/six-features/app/main.py'), 'utf8')).toContain(
      'from assembly_line_runtime import ServiceInfo, create_app, serve',
    );
  });
});

describe('assembly-line build', () => {
  test('builds hello-world from its SPEC, then reuses the code without a model call; exit 0', async () => {
    const tree = tempTree({
      'intents/hello-world.yaml': readFileSync(`${repoRoot}intents/hello-world.yaml`, 'utf8'),
    });
    try {
      expect((await cli(['build', 'hello-world'], tree.root)).stderr).toContain("no SPEC for 'hello-world'");
      expect((await cli(['spec', 'intents/hello-world.yaml'], tree.root)).code).toBe(0);
      const first = await cli(['build', 'specs/hello-world/SPEC.md'], tree.root);
      expect(first.code).toBe(0);
      // hello-world's model-written code is app/features.py, its tests tests/test_features.py: one file each.
      expect(first.stderr).toMatch(/\[hello-world\] ok code_generation .* 1 file\n/);
      expect(first.stderr).toMatch(/\[hello-world\] ok test_generation .* 1 file\n/);
      expect(first.stderr).toMatch(/\[hello-world\] ok udc_verification .* 6\/6 checks passed/);
      expect(first.stdout).toMatch(/tests: \d+ passed, 0 failed; coverage \d+(\.\d+)?%/);
      expect(first.stdout).toContain('GET /health');
      const again = await cli(['build', 'hello-world', '--format', 'json'], tree.root);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, reused: true, failure: null });
    } finally {
      tree.cleanup();
    }
  }, 120_000);

  test('a SPEC below the gate is refused with exit 3', async () => {
    const tree = tempTree({
      'intents/hello-world.yaml': readFileSync(`${repoRoot}intents/hello-world.yaml`, 'utf8'),
      'specs/hello-world/SPEC.md': '# hello-world\n\nTBD\n',
    });
    try {
      const result = await cli(['build', 'hello-world'], tree.root);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('below the gate of 90');
    } finally {
      tree.cleanup();
    }
  });
});
