import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Intent, IntentSchema } from '../../core/intent/schema.js';
import { validateIntentSource } from '../../core/intent/validate.js';
import { packageRoot } from '../../core/package-root.js';

// The package root, not '../..': the benchmarks run this module compiled, from out/test/helpers/.
const repositoryRoot = packageRoot(import.meta.url);

/** An example intent of this repository, `intents/<name>.yaml`, validated as the CLI would. */
export function exampleIntent(name: string): Intent {
  const path = `intents/${name}.yaml`;
  const report = validateIntentSource(path, readFileSync(join(repositoryRoot, path)));
  if (!report.intent) throw new Error(`${path} is invalid: ${JSON.stringify(report.errors)}`);
  return report.intent;
}

/** A small valid intent for tests that need one in memory, with fields overridden. */
export const greeterIntent = (overrides: Partial<Intent> = {}): Intent =>
  IntentSchema.parse({
    service_name: 'greeter',
    service_type: 'domain',
    purpose: 'Greets people by name',
    key_features: ['GET /hello endpoint'],
    dependencies: ['registry'],
    port: 8123,
    ...overrides,
  });

/** The shortest service name on the highest port: the edge of what the schema allows. */
export const SHORTEST_INTENT: Intent = IntentSchema.parse({
  service_name: 'ab',
  service_type: 'experimental',
  purpose: 'The shortest name on the highest port',
  key_features: ['GET /ping endpoint'],
  port: 65535,
});

/** A domain service with six features, three dependencies and a path parameter: a large generation. */
export const SIX_FEATURES: Intent = IntentSchema.parse({
  service_name: 'six-features',
  service_type: 'domain',
  priority: 'high',
  purpose: 'Manage customer orders end to end',
  key_features: [
    'Create orders',
    'GET /orders/{id} lookup',
    'Cancel an order',
    'Refund payments',
    'Export orders as CSV',
    'Notify customers by e-mail',
  ],
  dependencies: ['registry', 'orchestrator', 'billing-core'],
  port: 9300,
});
