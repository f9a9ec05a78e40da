import * as z from 'zod';

export const SERVICE_TYPES = ['infrastructure', 'autonomous', 'domain', 'experimental'] as const;
export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export const APPROVAL_MODES = ['auto', 'checkpoints', 'final'] as const;
/** Services every deployment already has; an intent may depend on them without an intent file. */
export const KNOWN_INFRASTRUCTURE = ['registry', 'orchestrator', 'verifier'] as const;
export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9-]*[a-z0-9]$/;

const nonBlank = z.string().regex(/\S/, 'must not be empty');

const serviceName = z
  .string()
  .min(2, 'must be at least 2 characters')
  .max(63, 'must be at most 63 characters')
  .regex(
    SERVICE_NAME_PATTERN,
    'must start with a lowercase letter, end with a letter or digit, and use only a-z, 0-9 and "-"',
  );

/** The service intent: the single source of truth for `schemas/intent.schema.json`. */
export const IntentSchema = z
  .strictObject({
    service_name: serviceName.describe("The service's name; equals the intent file's base name."),
    service_type: z.enum(SERVICE_TYPES).describe('What kind of service this is.'),
    priority: z
      .enum(PRIORITIES)
      .default('medium')
      .describe('Queue priority: critical (TIER 0, 5 min), high (TIER 1, 15 min), medium (60 min), low.'),
    purpose: nonBlank.describe('What the service is for, in a sentence or two.'),
    key_features: z
      .array(nonBlank)
      .min(1, 'must list at least one feature')
      .describe('The features the service offers; each becomes requirements and an endpoint.'),
    dependencies: z
      .array(serviceName)
      .default([])
      .describe('Other intents, or known infrastructure (registry, orchestrator, verifier).'),
    port: z
      .number()
      .int('must be a whole number')
      .min(1024, 'must be at least 1024')
      .max(65535, 'must be at most 65535')
      .describe("The service's port; unique across the repository's intents."),
    auto_build: z.boolean().default(true).describe('false stops after the SPEC pull request.'),
    approval_mode: z
      .enum(APPROVAL_MODES)
      .default('checkpoints')
      .describe(
        'auto: no human step; checkpoints: approve the SPEC and the deploy; final: approve the deploy.',
      ),
    deploy_local: z.boolean().default(true).describe('Deploy to the local target.'),
    deploy_production: z.boolean().default(false).describe('Deploy to the production target.'),
  })
  .describe('An Assembly Line service intent.');

export type Intent = z.output<typeof IntentSchema>;
export type IntentInput = z.input<typeof IntentSchema>;
export const INTENT_FIELDS = Object.keys(IntentSchema.shape) as (keyof Intent)[];

export function intentJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(IntentSchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://assembly-line.dev/schemas/intent.schema.json',
    title: 'Assembly Line intent',
  };
}
