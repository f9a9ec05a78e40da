import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_DIR, handWrittenSpecs } from '../bench/spec-corpus.js';
import { buildVenvDir, serviceDir } from '../core/pipeline/state.js';
import { type ApiEndpoint, readSpec } from '../core/spec/document/index.js';
import { type LocalService, startLocalService } from '../core/udc/launch.js';
import { cli } from './helpers/cli.js';
import { tempTree } from './helpers/tmp.js';

/**
 * `assembly-line build` from a hand-written SPEC of each layout: the offline code generator reads the
 * SPEC through the document model, the build runs the generated pytest suite and the UDC checks for
 * real, and the started service answers every endpoint of the SPEC's API section.
 */
const ONE_PER_LAYOUT = [
  'payment-processor.headings.md',
  'url-shortener.table.md',
  'notification-sender.bullets.md',
  'inventory-tracker.mix.md',
];
const corpus = handWrittenSpecs().filter((c) => ONE_PER_LAYOUT.includes(c.file));
const repoRoot = new URL('..', import.meta.url).pathname;

function intentText(service: string): string {
  const beside = join(repoRoot, CORPUS_DIR, `${service}.yaml`);
  try {
    return readFileSync(beside, 'utf8');
  } catch {
    return readFileSync(join(repoRoot, 'intents', `${service}.yaml`), 'utf8');
  }
}

function sampleUrl(path: string): string {
  return path.replace(/\{[^}]+\}/g, 'sample-1');
}

async function call(
  service: LocalService,
  endpoint: ApiEndpoint,
): Promise<{ status: number; body: unknown }> {
  const hasBody = ['POST', 'PUT', 'PATCH'].includes(endpoint.method);
  const response = await fetch(`${service.url}${sampleUrl(endpoint.path)}`, {
    method: endpoint.method,
    headers: hasBody ? { 'content-type': 'application/json' } : {},
    ...(hasBody ? { body: JSON.stringify(endpoint.request ?? {}) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('assembly-line build from a SPEC in each layout (offline, real pytest, real UDC)', () => {
  const tree = tempTree({});
  const services: LocalService[] = [];
  afterAll(async () => {
    for (const service of services) await service.stop();
    tree.cleanup();
  });

  test('the corpus has one SPEC per layout to build', () => {
    expect(corpus.map((c) => c.layout).sort()).toEqual(['bullets', 'headings', 'mix', 'table']);
  });

  test.each(corpus.map((c) => [c.layout, c.file, c] as const))(
    '%s (%s): builds, passes its tests and the UDC checks, and serves every endpoint of its API section',
    async (_layout, _file, c) => {
      const name = c.intent.service_name;
      tree.write(`intents/${name}.yaml`, intentText(name));
      tree.write(`specs/${name}/SPEC.md`, c.markdown);

      const result = await cli(['build', name, '--format', 'json'], tree.root);
      const summary = JSON.parse(result.stdout) as {
        ok: boolean;
        tests: { passed: number; failed: number };
        udc: { ok: boolean; rows: { endpoint: string; ok: boolean }[] };
      };
      expect([result.code, summary.ok]).toEqual([0, true]);
      expect(summary.tests.failed).toBe(0);
      // A test per feature endpoint and one of /state across them, at least.
      const features = readSpec(c.markdown).endpoints.length - 5;
      expect(summary.tests.passed).toBeGreaterThanOrEqual(features + 1);
      expect(summary.udc.rows.every((row) => row.ok)).toBe(true);

      const service = await startLocalService(serviceDir(tree.root, name), {
        python: join(buildVenvDir(tree.root, name), 'bin', 'python'),
      });
      services.push(service);
      const endpoints = readSpec(c.markdown).endpoints;
      expect(endpoints.length).toBeGreaterThanOrEqual(5 + c.intent.key_features.length);
      for (const endpoint of endpoints) {
        const answer = await call(service, endpoint);
        const expected = endpoint.responseStatus!;
        expect([`${endpoint.method} ${endpoint.path}`, answer.status]).toEqual([
          `${endpoint.method} ${endpoint.path}`,
          expected,
        ]);
        // The answer has the fields of the SPEC's example.
        if (endpoint.response && typeof endpoint.response === 'object' && !Array.isArray(endpoint.response))
          expect(Object.keys(answer.body as object)).toEqual(
            expect.arrayContaining(Object.keys(endpoint.response)),
          );
      }
      await service.stop();
    },
    300_000,
  );
});
