import type { Intent } from '../../../intent/schema.js';
import { pyLiteral, pyStr } from '../../../runtime/python-literal.js';
import { type FeatureRoute, type PyModel, type PyType, planRoutes, type RoutePlan } from './routes.js';

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

/**
 * The models of `plan`'s routes and their examples as Python, valid on pydantic 1 and 2. With
 * `bodies` false the SPEC's example bodies are `...`: the text a prompt shows beside the endpoints,
 * which show them; a made-up example (a derived route, a response the SPEC gives none for) stays.
 */
function modelsPy(intent: Intent, plan: RoutePlan, bodies = true): string {
  const used = new Set<string>();
  const pydantic = new Set(['BaseModel']);
  const classes = plan.models.map((model) => modelClass(model, used, pydantic));
  const imports = used.size > 0 ? [`from typing import ${[...used].sort().join(', ')}`, ''] : [];
  const byName = new Map(plan.models.map((model) => [model.name, model]));
  const body = (value: unknown, type: PyType | undefined, inSpec: boolean) =>
    bodies || value === null || !inSpec ? typedLiteral(value, type, byName) : '...';
  const examples = plan.routes
    .map((route) => {
      const { request, status, response } = routeExample(route);
      const requestType = route.body.kind === 'typed' ? route.body.type : undefined;
      const literal = `{"request": ${body(request, requestType, requestType !== undefined)}, "status": ${status}, "response": ${body(response, route.responseType, route.templateInSpec === true)}}`;
      return `    ${pyStr(exampleKey(route))}: ${literal},\n`;
    })
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

/** `app/models.py` of a service, from its intent and SPEC; `bodies` as modelsPy's. */
export function serviceModelsPy(intent: Intent, spec: string, bodies = true): string {
  return modelsPy(intent, planRoutes(intent, spec), bodies);
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
  for (const field of model.fields) {
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
    lines.push(`    ${field.name}: ${type}${value === undefined ? '' : ` = ${value}`}`);
  }
  if (model.fields.length === 0) lines.push('    pass');
  return `${lines.join('\n')}\n`;
}
