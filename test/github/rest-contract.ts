import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { deref, schemaClosure } from './schema-closure.js';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const require = createRequire(import.meta.url);

/** GitHub's REST description with $refs (13 MB). The dereferenced 73 MB file is never read. */
export function restDescriptionPath(): string {
  return join(dirname(require.resolve('@octokit/openapi/package.json')), 'generated', 'api.github.com.json');
}

let sharedDocument: OpenApiDocument | undefined;

/** Parsed once per process, on the first validated call, then shared by every double. */
function loadRestDescription(): OpenApiDocument {
  sharedDocument ??= JSON.parse(readFileSync(restDescriptionPath(), 'utf8')) as OpenApiDocument;
  return sharedDocument;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: unknown;
}

interface Operation {
  operationId: string;
  parameters?: unknown[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, unknown>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

interface Validators {
  operationId: string;
  path: ValidateFunction;
  query: ValidateFunction;
  body?: ValidateFunction;
  bodyRequired: boolean;
  responses: Map<string, ValidateFunction | null>;
}

export interface RequestParts {
  path: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}

/** Turns ajv's errors into the one-line message GitHub's own 422s resemble. */
function explain(where: string, errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((error) => {
      const at = `${where}${error.instancePath}`;
      const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
      return `${at} ${error.message}${allowed ? ` (${allowed.join(', ')})` : ''}`;
    })
    .join('; ');
}

function newAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: coerce ? 'array' : false });
  addFormats(ajv);
  // Formats of GitHub's own that carry no checkable rule.
  for (const name of ['repo.nwo', 'binary', 'timestamp']) ajv.addFormat(name, true);
  return ajv;
}

/**
 * Validates requests and responses against GitHub's OpenAPI description, one endpoint at a time: an
 * endpoint's validators are compiled on its first call and cached.
 */
export class RestContract {
  private readonly bodies = newAjv(false);
  private readonly params = newAjv(true);
  private readonly cache = new Map<string, Validators>();

  private static instance: RestContract | undefined;

  constructor(private readonly load: () => OpenApiDocument = loadRestDescription) {}

  static shared(): RestContract {
    RestContract.instance ??= new RestContract();
    return RestContract.instance;
  }

  /** The operationId GitHub gives `METHOD /template`; throws if the description has no such operation. */
  operationId(method: string, template: string): string {
    return this.validators(method, template).operationId;
  }

  private validators(method: string, template: string): Validators {
    const key = `${method} ${template}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const document = this.load();
    const operation = document.paths[template]?.[method.toLowerCase()];
    if (!operation) throw new Error(`GitHub's REST description has no ${key}`);
    const parameters = (operation.parameters ?? []).map((p) => deref<Parameter>(document, p));
    const paramSchema = (place: Parameter['in']) => {
      const list = parameters.filter((p) => p.in === place);
      return schemaClosure(document, {
        type: 'object',
        properties: Object.fromEntries(list.map((p) => [p.name, p.schema ?? {}])),
        required: list.filter((p) => p.required).map((p) => p.name),
      });
    };
    const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
    const validators: Validators = {
      operationId: operation.operationId,
      path: this.params.compile(paramSchema('path')),
      query: this.params.compile(paramSchema('query')),
      bodyRequired: operation.requestBody?.required === true,
      responses: new Map(),
    };
    if (bodySchema) validators.body = this.bodies.compile(schemaClosure(document, bodySchema));
    this.cache.set(key, validators);
    return validators;
  }

  /** Problems GitHub would answer with 422 (or 404 for a bad path), as messages; empty when valid. */
  validateRequest(method: string, template: string, parts: RequestParts): string[] {
    const v = this.validators(method, template);
    const problems: string[] = [];
    if (!v.path(parts.path)) problems.push(explain('path', v.path.errors));
    if (!v.query(parts.query)) problems.push(explain('query', v.query.errors));
    if (parts.body === undefined) {
      if (v.bodyRequired) problems.push('body is required');
    } else if (v.body && !v.body(parts.body)) problems.push(explain('body', v.body.errors));
    return problems;
  }

  /** Problems with a response the double is about to send: a bug in the double, reported loudly. */
  validateResponse(method: string, template: string, status: number, body: unknown): string[] {
    const v = this.validators(method, template);
    const key = String(status);
    if (!v.responses.has(key)) {
      const document = this.load();
      const responses = document.paths[template]![method.toLowerCase()]!.responses ?? {};
      const declared = responses[key] ?? responses.default;
      if (!declared)
        return [`status ${status} is not among the statuses GitHub documents for ${method} ${template}`];
      const content = deref<{ content?: Record<string, { schema?: unknown }> }>(document, declared).content;
      const schema =
        content && (content['application/json'] ?? Object.values(content).find((c) => c.schema))?.schema;
      v.responses.set(key, schema ? this.bodies.compile(schemaClosure(document, schema)) : null);
    }
    const validate = v.responses.get(key);
    if (!validate || validate(body)) return [];
    return [explain(`response ${status}`, validate.errors)];
  }
}
