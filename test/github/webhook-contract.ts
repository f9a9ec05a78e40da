import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { schemaClosure } from './schema-closure.js';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const require = createRequire(import.meta.url);

interface WebhookDocument {
  components: { schemas: Record<string, unknown> };
}

let sharedDocument: WebhookDocument | undefined;

function loadWebhookDescription(): WebhookDocument {
  const path = join(
    dirname(require.resolve('@octokit/openapi-webhooks/package.json')),
    'generated',
    'api.github.com.json',
  );
  sharedDocument ??= JSON.parse(readFileSync(path, 'utf8')) as WebhookDocument;
  return sharedDocument;
}

/** "pull_request" + "opened" → "webhook-pull-request-opened", the official schema's name. */
export function webhookSchemaName(event: string, action?: string): string {
  return `webhook-${[event, action].filter(Boolean).join('-').replace(/_/g, '-')}`;
}

/** Webhook payloads checked against GitHub's own (OpenAPI 3.1) webhook schemas, compiled per event. */
export class WebhookContract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly cache = new Map<string, ValidateFunction>();

  private static instance: WebhookContract | undefined;

  constructor() {
    addFormats(this.ajv);
  }

  static shared(): WebhookContract {
    WebhookContract.instance ??= new WebhookContract();
    return WebhookContract.instance;
  }

  validate(event: string, payload: Record<string, unknown>): string[] {
    const name = webhookSchemaName(event, typeof payload.action === 'string' ? payload.action : undefined);
    let validate = this.cache.get(name);
    if (!validate) {
      const document = loadWebhookDescription();
      const schema = document.components.schemas[name];
      if (!schema) return [`GitHub's webhook description has no schema ${name}`];
      validate = this.ajv.compile(schemaClosure(document, schema));
      this.cache.set(name, validate);
    }
    if (validate(payload)) return [];
    return [
      `${name}: ${(validate.errors ?? [])
        .slice(0, 5)
        .map((e) => `payload${e.instancePath} ${e.message}`)
        .join('; ')}`,
    ];
  }
}
