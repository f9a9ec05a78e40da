import { type Intent, IntentSchema } from '../../core/intent/schema.js';

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
