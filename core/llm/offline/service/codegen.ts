import { type Intent, SERVICE_NAME_PATTERN } from '../../../intent/schema.js';
import type { FileMap } from '../../../ports/index.js';
import { pyStr } from '../../../runtime/python-literal.js';
import { exampleKey, renderType } from './models.js';
import { type FeatureRoute, planRoutes, type RoutePlan } from './routes.js';

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
 * What the offline generator writes: the feature routes (`app/features.py`, an APIRouter), which import
 * the models and examples of `app/models.py`. Everything else a service runs is the pipeline's (see
 * core/build/assemble-service.ts), models.py included.
 */
export function generateServiceOffline(intent: Intent, spec: string): FileMap {
  const prefix = servicePrefix(intent);
  return { [`${prefix}app/features.py`]: featuresPy(intent, planRoutes(intent, spec)) };
}

function featuresPy(intent: Intent, plan: RoutePlan): string {
  const typing = new Set<string>();
  const fastapi = new Set(['APIRouter']);
  const responses = new Set<string>();
  const usesModels = { value: false };
  const handlers = plan.routes.map((route) => routeHandler(route, typing, fastapi, responses, usesModels));
  const answers = plan.routes.some((route) => route.template !== undefined);
  const imports = [
    `"""Feature routes of the ${intent.service_name} service; the shared runtime serves the UDC endpoints."""`,
  ];
  if (typing.size > 0) imports.push(`from typing import ${[...typing].sort().join(', ')}`, '');
  else imports.push('');
  imports.push(`from fastapi import ${[...fastapi].sort().join(', ')}`);
  if (responses.size > 0) imports.push(`from fastapi.responses import ${[...responses].sort().join(', ')}`);
  const runtime = answers ? ['from assembly_line_runtime import respond'] : [];
  const local = usesModels.value || answers ? ['from app import models'] : [];
  if (runtime.length + local.length > 0) imports.push('', ...runtime, ...local);
  return `${imports.join('\n')}

# Each feature route answers in the shape of its SPEC example (models.EXAMPLES).
router = APIRouter()

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
      : `    return respond(models.EXAMPLES[${pyStr(exampleKey(route))}]["response"], ${pathValues}${body})`;
  return `
@router.${route.method.toLowerCase()}(${decorator.join(', ')})
def ${route.handler}(${params.join(', ')}):
${answer}
`;
}
