import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateIntentPaths } from '../core/workspace/intents.js';
import { type BenchResult, measure } from './measure.js';

/** A repository of `count` valid intents whose dependencies form a DAG, so every rule does real work. */
function writeRepository(count: number): string {
  const root = mkdtempSync(join(tmpdir(), 'assembly-line-bench-'));
  const dir = join(root, 'intents');
  mkdirSync(dir);
  for (let i = 0; i < count; i++) {
    const deps = ['registry', ...[1, 7, 31].filter((d) => i - d >= 0).map((d) => `svc-${i - d}`)];
    writeFileSync(
      join(dir, `svc-${i}.yaml`),
      [
        '# yaml-language-server: $schema=../schemas/intent.schema.json',
        `service_name: svc-${i}`,
        'service_type: domain',
        `priority: ${['critical', 'high', 'medium', 'low'][i % 4]}`,
        `purpose: Handle workload number ${i} for the benchmark fleet`,
        'key_features:',
        '  - GET /items endpoint',
        '  - POST /items endpoint',
        `  - Report ${i} metrics`,
        'dependencies:',
        ...deps.map((d) => `  - ${d}`),
        `port: ${10000 + i}`,
        '',
      ].join('\n'),
    );
  }
  return root;
}

export async function benchValidateIntents(count = 1000): Promise<BenchResult> {
  const root = writeRepository(count);
  try {
    return await measure(`validate ${count} intents (all rules, repository-wide)`, async () => {
      const reports = await validateIntentPaths([join(root, 'intents')], root);
      const invalid = reports.filter((r) => r.errors.length > 0).length;
      if (reports.length !== count || invalid > 0)
        throw new Error(`expected ${count} valid intents, ${invalid} invalid`);
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
