import { type Intent, SERVICE_NAME_PATTERN } from '../../../intent/schema.js';
import type { FileMap } from '../../../ports/index.js';
import { pyLiteral, pyStr } from '../../../runtime/python-literal.js';
import { type FeatureRoute, type PyModel, type PyType, planRoutes, type RoutePlan } from './routes.js';

/**
 * The offline code generator: the feature routes of a service from the intent and the SPEC's API section,
 * deterministically and without a model. Intent and SPEC text only ever reach the Python source as
 * escaped string literals (`pyStr`), and every name derived from them is a sanitised identifier.
 */

export function servicePrefix(intent: Intent): string {
  if (!SERVICE_NAME_PATTERN.test(intent.service_name))
    throw new Error(
      `service_name: '${intent.service_name}' is not a valid service name; cannot generate code`,
    );
  return `services/${intent.service_name}/`;
}

/**
 * What the offline generator writes: the feature routes (`app/features.py`, an APIRouter) and their
 * models (`app/models.py`). Everything else a service runs is the pipeline's (see core/runtime/scaffold).
 */
export function generateServiceOffline(intent: Intent, spec: string): FileMap {
  const prefix = servicePrefix(intent);
  const plan = planRoutes(intent, spec);
  return {
    [`${prefix}app/models.py`]: modelsPy(intent, plan),
    [`${prefix}app/features.py`]: featuresPy(intent, plan),
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

function modelsPy(intent: Intent, plan: RoutePlan): string {
  const docstring = `"""Request and response models of the ${intent.service_name} service's feature routes."""`;
  if (plan.models.length === 0) return `${docstring}\n`;
  const used = new Set<string>();
  const pydantic = new Set(['BaseModel']);
  const classes = plan.models.map((model) => modelClass(model, used, pydantic));
  const imports = used.size > 0 ? [`from typing import ${[...used].sort().join(', ')}`, ''] : [];
  return [
    docstring,
    ...imports,
    `from pydantic import ${[...pydantic].sort().join(', ')}`,
    '',
    '',
    classes.join('\n\n'),
  ].join('\n');
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

function featuresPy(intent: Intent, plan: RoutePlan): string {
  const typing = new Set<string>();
  const fastapi = new Set(['APIRouter']);
  const responses = new Set<string>();
  const usesModels = { value: false };
  const handlers = plan.routes.map((route) => routeHandler(route, typing, fastapi, responses, usesModels));
  const templates = plan.routes
    .filter((route) => route.template !== undefined)
    .map((route) => `    ${pyStr(route.handler)}: ${pyLiteral(route.template)},\n`)
    .join('');
  const imports = [
    `"""Feature routes of the ${intent.service_name} service; the shared runtime serves the UDC endpoints."""`,
  ];
  if (typing.size > 0) imports.push(`from typing import ${[...typing].sort().join(', ')}`, '');
  else imports.push('');
  imports.push(`from fastapi import ${[...fastapi].sort().join(', ')}`);
  if (responses.size > 0) imports.push(`from fastapi.responses import ${[...responses].sort().join(', ')}`);
  const runtime = templates === '' ? [] : ['from assembly_line_runtime import respond'];
  const local = usesModels.value ? ['from app import models'] : [];
  if (runtime.length + local.length > 0) imports.push('', ...runtime, ...local);
  const templateBlock =
    templates === ''
      ? ''
      : `# Each feature route answers in the shape of its SPEC example.\nTEMPLATES = {\n${templates}}\n`;
  return `${imports.join('\n')}

router = APIRouter()
${templateBlock}
${handlers.join('\n')}`;
}

function routeHandler(
  route: FeatureRoute,
  typing: Set<string>,
  fastapi: Set<string>,
  responses: Set<string>,
  usesModels: { value: boolean },
) {
  const decorator = [pyStr(route.path)];
  if (route.status === 204) {
    responses.add('Response');
    decorator.push('status_code=204', 'response_class=Response');
  } else {
    decorator.push(`response_model=${renderType(route.responseType!, typing, 'models.', usesModels)}`);
    if (route.status !== 200) decorator.push(`status_code=${route.status}`);
  }
  const params = route.params.map((param) => `${param.name}: str`);
  if (route.body.kind === 'typed') {
    fastapi.add('Body');
    params.push(`_body: ${renderType(route.body.type, typing, 'models.', usesModels)} = Body(...)`);
  } else if (route.body.kind === 'free') {
    fastapi.add('Body');
    typing.add('Optional').add('Dict').add('Any');
    params.push('_body: Optional[Dict[str, Any]] = Body(None)');
  }
  const pathValues = `{${route.params.map((p) => `${pyStr(p.original)}: ${p.name}`).join(', ')}}`;
  // A free-form body is not a resource to echo field by field; it comes back whole, as "received".
  const body =
    route.body.kind === 'none' ? '' : route.body.kind === 'free' ? ', {"received": _body or {}}' : ', _body';
  const answer =
    route.status === 204
      ? '    return Response(status_code=204)'
      : `    return respond(TEMPLATES[${pyStr(route.handler)}], ${pathValues}${body})`;
  return `
@router.${route.method.toLowerCase()}(${decorator.join(', ')})
def ${route.handler}(${params.join(', ')}):
${answer}
`;
}
