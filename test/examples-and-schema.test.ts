import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { listIntentFiles } from '../core/repo-files.js';
import { validateIntentPaths } from '../core/workspace/intents.js';
import { renderIntentSchema } from '../scripts/generate-schema.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

describe('the committed examples and schema', () => {
  test('schemas/intent.schema.json is generated from the zod schema and is fresh', () => {
    const committed = readFileSync(new URL('../schemas/intent.schema.json', import.meta.url), 'utf8');
    // If this fails, run `npm run schema` and commit the result.
    expect(committed).toBe(renderIntentSchema());
  });

  test('the schema carries the rules of the intent contract', () => {
    const schema = JSON.parse(renderIntentSchema());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required.sort()).toEqual([
      'key_features',
      'port',
      'purpose',
      'service_name',
      'service_type',
    ]);
    expect(schema.properties.port).toMatchObject({ type: 'integer', minimum: 1024, maximum: 65535 });
    expect(schema.properties.approval_mode.default).toBe('checkpoints');
  });

  test('every example intent is valid and points editors at the schema', async () => {
    const files = listIntentFiles(`${repoRoot}intents`);
    expect(files.map((f) => f.split('/').pop())).toEqual(
      expect.arrayContaining(['hello-world.yaml', 'payment-processor.yaml']),
    );
    for (const report of await validateIntentPaths(files, repoRoot)) expect(report.errors).toEqual([]);
    for (const file of files) {
      expect(readFileSync(file, 'utf8').split('\n')[0]).toBe(
        '# yaml-language-server: $schema=../schemas/intent.schema.json',
      );
    }
  });

  test('hello-world is the seed test intent', async () => {
    const [report] = await validateIntentPaths(['intents/hello-world.yaml'], repoRoot);
    expect(report!.intent).toMatchObject({
      service_name: 'hello-world',
      priority: 'low',
      key_features: ['GET /hello endpoint'],
      dependencies: ['registry'],
      port: 8999,
    });
  });
});
