import type { Intent } from '../../../intent/schema.js';
import { isPythonKeyword, pascalCase, snakeWords, uniqueName } from '../../../runtime/python-literal.js';
import { messageStatusOf } from '../../../runtime/scaffold.js';
import {
  type ApiEndpoint,
  featureEndpoints,
  type HttpMethod,
  readSpec,
  servedFeatures,
  UDC_KEYS,
} from '../../../spec/document/index.js';
import { modelNames, takesRequestBody } from '../spec/endpoints.js';
import { floatPaths, pathKey } from './float-paths.js';

/**
 * The feature routes of a generated service and the pydantic models they need, planned from the
 * SPEC's API section and the intent. Code and test generation both read this plan, so the routes the
 * tests call are exactly the routes the service serves.
 */

/** A Python type, kept structured so each generated file can qualify model names its own way. */
export type PyType =
  | { kind: 'str' | 'int' | 'float' | 'bool' | 'any' | 'dict' }
  | { kind: 'model'; name: string }
  | { kind: 'list'; item: PyType };

export interface PyField {
  /** The Python attribute name, a safe identifier. */
  name: string;
  /** The JSON key, when it differs from `name`. */
  alias?: string;
  type: PyType;
  /** Only fields whose example is `null`: `Optional[Any] = None`. */
  optional: boolean;
}

export interface PyModel {
  name: string;
  fields: PyField[];
}

export interface PathParam {
  /** As the SPEC wrote it; the key a response echoes. */
  original: string;
  /** The identifier used in the route path and the handler signature. */
  name: string;
  /** A value tests put in the URL. */
  sample: string;
}

export type RouteBody =
  | { kind: 'none' }
  /** A body typed from the SPEC's request example. */
  | { kind: 'typed'; type: PyType; example: unknown }
  /** An optional free-form JSON object, for routes derived from feature text. */
  | { kind: 'free'; example: Record<string, unknown> };

export interface FeatureRoute {
  method: HttpMethod;
  /** The FastAPI path, with sanitised parameter names. */
  path: string;
  /** The path as the SPEC (or the feature text) wrote it, as the prompt's endpoints show it. */
  specPath: string;
  /** The path with sample parameter values, for tests. */
  sampleUrl: string;
  params: PathParam[];
  /** Python function name, `handle_…`. */
  handler: string;
  /** The feature this route serves (the SPEC's `Feature:` text or the intent key feature). */
  feature: string;
  origin: 'spec' | 'feature';
  body: RouteBody;
  status: number;
  /** The response model; undefined for 204. */
  responseType?: PyType;
  /** The response example, normalised so it validates against `responseType`; undefined for 204. */
  template?: unknown;
  /** Whether `template` is the SPEC's example (else made up: a derived route, or no example given). */
  templateInSpec?: boolean;
}

export interface RoutePlan {
  routes: FeatureRoute[];
  /** The success status of `POST /message`: the SPEC's when it gives a 2xx, else 202 Accepted. */
  messageStatus: number;
  /** Models in dependency order: a nested model comes before the model that uses it. */
  models: PyModel[];
}

/** Names a pydantic field must not take: BaseModel attributes (v1 and v2), and names a class body uses. */
const RESERVED_FIELD_NAMES = new Set([
  'dict',
  'json',
  'copy',
  'parse_obj',
  'parse_raw',
  'parse_file',
  'from_orm',
  'schema',
  'schema_json',
  'construct',
  'validate',
  'update_forward_refs',
  'fields',
  'Config',
  'Any',
  'Dict',
  'List',
  'Optional',
  'BaseModel',
  'Field',
  'StrictStr',
  'str',
  'int',
  'float',
  'bool',
  'list',
  'any',
]);

const MAX_HANDLER_LENGTH = 60;
const SUCCESS_DEFAULT = 200;
const METHOD_IN_TEXT = /\b(GET|POST|PUT|PATCH|DELETE)\s+(\/[A-Za-z0-9._~/{}-]*)/;
const PARAM_SEGMENT = /^\{([A-Za-z_][A-Za-z0-9_-]*)\}$/;
const PLAIN_SEGMENT = /^[A-Za-z0-9._~-]+$/;

export function planRoutes(intent: Intent, spec: string): RoutePlan {
  const context = new PlanContext();
  const routes: FeatureRoute[] = [];
  // The document model reads the API section in any layout: headings, table rows or bullets.
  const endpoints = readSpec(spec).endpoints;
  // Named as the SPEC's Data Models section names them (spec-completion), over the same endpoints.
  const named = featureEndpoints(endpoints);
  const names = new Map(modelNames(named.map((e) => e.path)).map((name, i) => [named[i]!, name]));
  const messageStatus = messageStatusOf(spec);

  for (const endpoint of endpoints.filter((e) => !isUdcEndpoint(e))) {
    const path = normalizePath(endpoint.path);
    if (!path || context.routeTaken(endpoint.method, path.path)) continue;
    routes.push(context.specRoute(endpoint, path, names.get(endpoint)!));
  }
  // A key feature no SPEC route serves (as the verifier traces features) still gets a route.
  const served = servedFeatures(
    routes.map((route) => route.feature),
    intent.key_features,
  );
  intent.key_features.forEach((feature, index) => {
    if (served.some((features) => features.has(index))) return;
    routes.push(context.derivedRoute(intent, feature, index));
  });
  return { routes: staticBeforeParametric(routes), models: context.models, messageStatus };
}

/**
 * FastAPI answers a request with the first registered route that matches, so `/{item_id}` registered
 * before `/hello` would answer `/hello` itself. Ordered by segment kinds (a fixed segment before a
 * parameter, position by position), stable otherwise: every static route precedes the parametric
 * routes that could shadow it.
 */
export function staticBeforeParametric(routes: FeatureRoute[]): FeatureRoute[] {
  const shape = (route: FeatureRoute) =>
    route.path
      .split('/')
      .slice(1)
      .map((segment) => (segment.startsWith('{') ? '1' : '0'))
      .join('');
  return routes
    .map((route, index) => ({ route, index, key: shape(route) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index))
    .map(({ route }) => route);
}

function isUdcEndpoint(endpoint: ApiEndpoint): boolean {
  return (
    endpoint.feature?.trim().toUpperCase() === 'UDC' || UDC_KEYS.has(`${endpoint.method} ${endpoint.path}`)
  );
}

interface NormalizedPath {
  path: string;
  params: PathParam[];
}

/** A path FastAPI can serve with identifier parameter names, or undefined when the SPEC's path is unusable. */
export function normalizePath(raw: string): NormalizedPath | undefined {
  if (!raw.startsWith('/')) return undefined;
  if (raw === '/') return { path: '/', params: [] };
  const segments = raw.slice(1).split('/');
  const taken = new Set<string>();
  const params: PathParam[] = [];
  const out: string[] = [];
  for (const [index, segment] of segments.entries()) {
    const param = PARAM_SEGMENT.exec(segment);
    if (param) {
      const base = identifier(param[1]!, 'param');
      const name = uniqueName(base, taken);
      params.push({ original: param[1]!, name, sample: `${name.replace(/_/g, '-')}-1` });
      out.push(`{${name}}`);
    } else if (PLAIN_SEGMENT.test(segment)) out.push(segment);
    else if (segment === '' && index === segments.length - 1) out.push('');
    else return undefined;
  }
  return { path: `/${out.join('/')}`, params };
}

/** A lower-case ASCII identifier that never starts with "_" and is never a keyword. */
function identifier(text: string, fallback: string): string {
  let name = snakeWords(text) || fallback;
  if (/^[0-9]/.test(name) || isPythonKeyword(name)) name = `${fallback}_${name}`;
  return name;
}

function sampleUrl(path: string, params: PathParam[]): string {
  return params.reduce((url, param) => url.replace(`{${param.name}}`, param.sample), path);
}

/** A URL slug of feature text: "Stripe integration" -> "stripe-integration". */
export function featureSlug(feature: string, index: number): string {
  const words = snakeWords(feature).split('_').filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > 48) break;
    slug = next;
  }
  return slug || `feature-${index + 1}`;
}

class PlanContext {
  readonly models: PyModel[] = [];
  // app/models.py is a module of its own (features.py says `models.X`, the runtime its own models), so
  // the runtime's class names are free: a model is named exactly as the SPEC's Data Models name it.
  private readonly classNames = new Set<string>();
  private readonly handlers = new Set<string>();
  private readonly routeKeys = new Set<string>(UDC_KEYS);

  routeTaken(method: string, path: string): boolean {
    return this.routeKeys.has(`${method} ${path}`);
  }

  /** A route of a SPEC endpoint; its bodies' models are `<model>Request` and `<model>Response`. */
  specRoute(endpoint: ApiEndpoint, { path, params }: NormalizedPath, model: string): FeatureRoute {
    const handler = this.handlerName(endpoint.method, path);
    let body: RouteBody = { kind: 'none' };
    if (takesRequestBody(endpoint.method) && endpoint.request !== undefined) {
      const example = normalizeExample(endpoint.request);
      const floats = floatPaths(example, endpoint.requestJson);
      body = { kind: 'typed', type: this.typeOf(example, `${model}Request`, floats), example };
    }
    const declared = endpoint.responseStatus;
    const status = declared !== undefined && declared >= 200 && declared < 300 ? declared : SUCCESS_DEFAULT;
    const route: FeatureRoute = {
      method: endpoint.method,
      path,
      specPath: endpoint.path,
      sampleUrl: sampleUrl(path, params),
      params,
      handler,
      feature: endpoint.feature ?? '',
      origin: 'spec',
      body,
      status,
    };
    if (status !== 204) {
      const example =
        endpoint.response !== undefined
          ? normalizeExample(endpoint.response)
          : fallbackTemplate(route.feature, endpoint.method, params);
      route.template = example;
      route.templateInSpec = endpoint.response !== undefined;
      const floats = floatPaths(example, endpoint.response !== undefined ? endpoint.responseJson : undefined);
      route.responseType = this.typeOf(example, `${model}Response`, floats);
    }
    this.routeKeys.add(`${endpoint.method} ${path}`);
    return route;
  }

  derivedRoute(intent: Intent, feature: string, index: number): FeatureRoute {
    let method: HttpMethod = 'POST';
    let normalized: NormalizedPath | undefined;
    const explicit = METHOD_IN_TEXT.exec(feature);
    if (explicit) {
      const candidate = normalizePath(explicit[2]!.toLowerCase());
      if (candidate && !this.routeTaken(explicit[1]!, candidate.path)) {
        method = explicit[1] as HttpMethod;
        normalized = candidate;
      }
    }
    if (!normalized) {
      const slug = featureSlug(feature, index);
      let path = `/${slug}`;
      for (let n = 2; this.routeTaken(method, path); n++) path = `/${slug}-${n}`;
      normalized = { path, params: [] };
    }
    const { path, params } = normalized;
    const handler = this.handlerName(method, path);
    const stem = pascalCase(handler.replace(/^handle_/, '')) || 'Route';
    const takesBody = ['POST', 'PUT', 'PATCH'].includes(method);
    const template = fallbackTemplate(feature, method, params, intent.service_name);
    this.routeKeys.add(`${method} ${path}`);
    return {
      method,
      path,
      // Its parameters as the feature text wrote them, as a SPEC path keeps them.
      specPath: params.reduce((written, p) => written.replace(`{${p.name}}`, `{${p.original}}`), path),
      sampleUrl: sampleUrl(path, params),
      params,
      handler,
      feature,
      origin: 'feature',
      body: takesBody ? { kind: 'free', example: { sample: 'value', count: 2 } } : { kind: 'none' },
      status: SUCCESS_DEFAULT,
      template,
      responseType: this.typeOf(template, `${stem}Response`, floatPaths(template)),
    };
  }

  private handlerName(method: string, path: string): string {
    const words = snakeWords(`${method} ${path.replace(/[{}]/g, '')}`).slice(0, MAX_HANDLER_LENGTH - 7);
    return uniqueName(`handle_${words.replace(/_+$/, '')}`, this.handlers);
  }

  /**
   * The Python type of a (normalised) example value, declaring models for objects. A number is a float
   * where `floats` (floatPaths) has its path, so `10.0` and a list `[1, 2.5]` are floats.
   */
  typeOf(value: unknown, hint: string, floats: Set<string>, path: (string | number)[] = []): PyType {
    if (value === null || value === undefined) return { kind: 'any' };
    if (typeof value === 'boolean') return { kind: 'bool' };
    if (typeof value === 'number') return { kind: floats.has(pathKey(path)) ? 'float' : 'int' };
    if (typeof value === 'string') return { kind: 'str' };
    if (Array.isArray(value))
      return {
        kind: 'list',
        item:
          value.length === 0 ? { kind: 'any' } : this.typeOf(value[0], `${hint}Item`, floats, [...path, 0]),
      };
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return { kind: 'dict' };
    const name = uniqueName(hint, this.classNames, '');
    const takenFields = new Set<string>([...RESERVED_FIELD_NAMES]);
    const fields: PyField[] = entries.map(([key, item]) => {
      const plain = /^[A-Za-z][A-Za-z0-9_]*$/.test(key) && !isPythonKeyword(key) && !key.startsWith('model_');
      const free = plain && !takenFields.has(key) && !this.classNames.has(key);
      const fieldName = free ? key : uniqueName(fieldIdentifier(key), takenFields);
      takenFields.add(fieldName);
      const field: PyField = {
        name: fieldName,
        type: this.typeOf(item, `${name}${pascalCase(key) || 'Field'}`, floats, [...path, key]),
        optional: item === null,
      };
      if (fieldName !== key) field.alias = key;
      return field;
    });
    this.models.push({ name, fields });
    return { kind: 'model', name };
  }
}

function fieldIdentifier(key: string): string {
  const words = snakeWords(key);
  return `f_${words || 'field'}`;
}

/** The response of a route the SPEC gives no example for: what was served, and what was received. */
function fallbackTemplate(
  feature: string,
  method: string,
  params: PathParam[],
  service?: string,
): Record<string, unknown> {
  const template: Record<string, unknown> = {};
  for (const param of params) template[param.original] = param.sample;
  template.feature = feature;
  if (service !== undefined) template.service = service;
  if (['POST', 'PUT', 'PATCH'].includes(method)) {
    template.status = 'accepted';
    template.id = 'req_000000000000';
    template.received = {};
  } else {
    template.status = 'ok';
  }
  template.timestamp = '2026-01-01T00:00:00Z';
  return template;
}

const INCOMPATIBLE = Symbol('incompatible');

/**
 * An example made self-consistent: each list keeps only the items shaped like its first item (extra keys
 * dropped), so the model typed from the first item validates the whole example.
 */
export function normalizeExample(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return 0;
  if (Array.isArray(value)) {
    if (value.length === 0) return [];
    const first = normalizeExample(value[0]);
    const rest = value
      .slice(1)
      .map((item) => conform(normalizeExample(item), first))
      .filter((item) => item !== INCOMPATIBLE);
    return [first, ...rest];
  }
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, normalizeExample(item)]),
    );
  return value;
}

function conform(value: unknown, reference: unknown): unknown {
  if (reference === null) return value === undefined ? null : value;
  if (typeof reference === 'boolean') return typeof value === 'boolean' ? value : INCOMPATIBLE;
  // 1 and 2.5 are both numbers: the list is typed float (floatPaths), so both stay.
  if (typeof reference === 'number') return typeof value === 'number' ? value : INCOMPATIBLE;
  if (typeof reference === 'string') return typeof value === 'string' ? value : INCOMPATIBLE;
  if (Array.isArray(reference)) {
    if (!Array.isArray(value)) return INCOMPATIBLE;
    if (reference.length === 0) return value;
    return value.map((item) => conform(item, reference[0])).filter((item) => item !== INCOMPATIBLE);
  }
  if (reference && typeof reference === 'object') {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return INCOMPATIBLE;
    const entries = Object.entries(reference as Record<string, unknown>);
    if (entries.length === 0) return value;
    const result: Record<string, unknown> = {};
    for (const [key, sub] of entries) {
      const item = conform((value as Record<string, unknown>)[key], sub);
      if (item === INCOMPATIBLE) return INCOMPATIBLE;
      result[key] = item;
    }
    return result;
  }
  return INCOMPATIBLE;
}
