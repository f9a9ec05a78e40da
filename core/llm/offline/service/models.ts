import type { Intent } from '../../../intent/schema.js';
import { pyLiteral, pyStr } from '../../../runtime/python-literal.js';
import {
  type FeatureRoute,
  type PyField,
  type PyModel,
  type PyType,
  planRoutes,
  type RoutePlan,
} from './routes.js';

/**
 * `app/models.py` of a service: the pydantic models of its feature routes and the example of each
 * route, planned from the SPEC's JSON examples (planRoutes). The pipeline writes it for every provider,
 * beside `app/main.py`: the models restate the SPEC's Data Models, so no model pays output tokens for
 * them, and the code and tests that import them agree with the SPEC by construction.
 */

/**
 * The key of a route in `EXAMPLES`: method and path as the SPEC wrote them, e.g. `GET /orders/{order-id}`
 * (served as `/orders/{order_id}`): the heading the prompt's endpoints block shows for it.
 */
export function exampleKey(route: Pick<FeatureRoute, 'method' | 'specPath'>): string {
  return `${route.method} ${route.specPath}`;
}

/** What `EXAMPLES` holds for a route: the body a caller sends, the success status, the answer's example. */
function routeExample(route: FeatureRoute): { request: unknown; status: number; response: unknown } {
  return {
    request: route.body.kind === 'none' ? null : route.body.example,
    status: route.status,
    response: route.template ?? null,
  };
}

/** Python source of a type; model names are qualified with `qualifier` (e.g. "models."). */
export function renderType(
  type: PyType,
  used: Set<string>,
  qualifier = '',
  usesModels?: { value: boolean },
): string {
  switch (type.kind) {
    case 'str':
    case 'int':
    case 'float':
    case 'bool':
      return type.kind;
    case 'any':
      used.add('Any');
      return 'Any';
    case 'dict':
      used.add('Dict').add('Any');
      return 'Dict[str, Any]';
    case 'model':
      if (usesModels) usesModels.value = true;
      return `${qualifier}${type.name}`;
    case 'list':
      used.add('List');
      return `List[${renderType(type.item, used, qualifier, usesModels)}]`;
  }
}

/** The models of `plan`'s routes and their examples as Python, valid on pydantic 1 and 2. */
export function modelsPy(intent: Intent, plan: RoutePlan): string {
  const used = new Set<string>();
  const pydantic = new Set(['BaseModel']);
  const classes = plan.models.map((model) => modelClass(model, used, pydantic));
  const imports = used.size > 0 ? [`from typing import ${[...used].sort().join(', ')}`, ''] : [];
  const byName = modelsByName(plan);
  const examples = plan.routes
    .map((route) => `    ${pyStr(exampleKey(route))}: ${exampleLiteral(route, byName, true)},\n`)
    .join('');
  return [
    `"""Models and examples of the ${intent.service_name} service's feature routes, written by Assembly Line from the SPEC."""`,
    ...imports,
    ...(classes.length > 0 ? [`from pydantic import ${[...pydantic].sort().join(', ')}`, '', ''] : []),
    ...classes.map((text) => `${text}\n`),
    '# The SPEC example of each route: the request body sent, the success status, the response answered.',
    `EXAMPLES = {\n${examples}}`,
    '',
  ].join('\n');
}

/** `app/models.py` of a service, from its intent and SPEC. */
export function serviceModelsPy(intent: Intent, spec: string): string {
  return modelsPy(intent, planRoutes(intent, spec));
}

const modelsByName = (plan: RoutePlan) => new Map(plan.models.map((model) => [model.name, model]));

/**
 * A route's `EXAMPLES` entry as Python. With `bodies` false a body the SPEC gives is `...` (the prompt's
 * endpoints block shows it); `null` and a made-up body stay, since nothing else shows them.
 */
function exampleLiteral(route: FeatureRoute, byName: Map<string, PyModel>, bodies: boolean): string {
  const { request, status, response } = routeExample(route);
  const requestType = route.body.kind === 'typed' ? route.body.type : undefined;
  const body = (value: unknown, type: PyType | undefined, inSpec: boolean) =>
    bodies || value === null || !inSpec ? typedLiteral(value, type, byName) : '...';
  return `{"request": ${body(request, requestType, requestType !== undefined)}, "status": ${status}, "response": ${body(response, route.responseType, route.templateInSpec === true)}}`;
}

/**
 * Whether a prompt lists a route's `EXAMPLES` entry in full: it holds a body the SPEC does not give (a
 * derived route, a missing example), or no model's line gives its status (a response typed `List[str]`).
 * A route answering 204 has no response and its status is the SPEC's, which the endpoints block shows.
 */
function listedInFull(route: FeatureRoute): boolean {
  return (
    route.body.kind === 'free' ||
    (route.template !== undefined && route.templateInSpec !== true) ||
    (route.responseType !== undefined && route.responseType.kind !== 'model')
  );
}

/**
 * What each model of `plan` is the body of: `request of POST /orders`, `201 response of …`, or for a
 * nested one the field holding it (`OrdersResponse.items`); `item of …` when that is a list of it.
 */
function modelRoles(plan: RoutePlan): Map<string, string> {
  const byName = modelsByName(plan);
  const roles = new Map<string, string>();
  const visit = (type: PyType, role: string): void => {
    if (type.kind === 'list') visit(type.item, `item of ${role}`);
    else if (type.kind === 'model' && !roles.has(type.name)) {
      roles.set(type.name, role);
      for (const field of byName.get(type.name)?.fields ?? [])
        visit(field.type, `${type.name}.${field.name}`);
    }
  };
  for (const route of plan.routes) {
    const key = exampleKey(route);
    if (route.body.kind === 'typed') visit(route.body.type, `request of ${key}`);
    if (route.responseType !== undefined) visit(route.responseType, `${route.status} response of ${key}`);
  }
  return roles;
}

/**
 * `app/models.py` in short, for a prompt: a line per class (`- Name (what it is the body of): field;
 * field`, each field as the class declares it), then the `EXAMPLES` entries listedInFull (their SPEC
 * bodies `...`). Rendered from the plan models.py is rendered from, with its field renderer, so the
 * two cannot disagree.
 */
function modelsListing(plan: RoutePlan): string {
  const roles = modelRoles(plan);
  const byName = modelsByName(plan);
  const unused = new Set<string>();
  const classes = plan.models.map((model) => {
    const fields = model.fields.map((field) => fieldSource(field, unused, unused)).join('; ');
    const role = roles.get(model.name);
    return `- ${model.name}${role === undefined ? '' : ` (${role})`}: ${fields || 'no fields'}`;
  });
  const entries = plan.routes
    .filter(listedInFull)
    .map((route) => `EXAMPLES[${pyStr(exampleKey(route))}] = ${exampleLiteral(route, byName, false)}`);
  return [...classes, ...entries].join('\n') || '(no models)';
}

/** `app/models.py` of a service in short (modelsListing), from its intent and SPEC. */
export function serviceModelsListing(intent: Intent, spec: string): string {
  return modelsListing(planRoutes(intent, spec));
}

/**
 * `value` as Python, a number where `type` has a float written as one (`10.0`, as the SPEC wrote it):
 * the example's JSON then has the same kinds as what the model answers.
 */
function typedLiteral(value: unknown, type: PyType | undefined, models: Map<string, PyModel>): string {
  if (
    type?.kind === 'float' &&
    typeof value === 'number' &&
    Number.isInteger(value) &&
    Math.abs(value) < 1e21
  )
    return `${value.toFixed(0)}.0`;
  if (type?.kind === 'list' && Array.isArray(value))
    return `[${value.map((item) => typedLiteral(item, type.item, models)).join(', ')}]`;
  const model = type?.kind === 'model' ? models.get(type.name) : undefined;
  if (model && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const fieldType = (key: string) => model.fields.find((f) => (f.alias ?? f.name) === key)?.type;
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([key, item]) => `${pyStr(key)}: ${typedLiteral(item, fieldType(key), models)}`).join(', ')}}`;
  }
  return pyLiteral(value);
}

function modelClass(model: PyModel, used: Set<string>, pydantic: Set<string>): string {
  const lines = [`class ${model.name}(BaseModel):`];
  for (const field of model.fields) lines.push(`    ${fieldSource(field, used, pydantic)}`);
  if (model.fields.length === 0) lines.push('    pass');
  return `${lines.join('\n')}\n`;
}

/** A field as its class body declares it: `name: Type`, then `= None` or `= Field(..., alias="key")` if any. */
function fieldSource(field: PyField, used: Set<string>, pydantic: Set<string>): string {
  let type = renderType(field.type, used);
  let value: string | undefined;
  if (field.optional) {
    used.add('Optional');
    type = `Optional[${type}]`;
  }
  if (field.alias !== undefined) {
    pydantic.add('Field');
    value = `Field(${field.optional ? 'None' : '...'}, alias=${pyStr(field.alias)})`;
  } else if (field.optional) value = 'None';
  return `${field.name}: ${type}${value === undefined ? '' : ` = ${value}`}`;
}
