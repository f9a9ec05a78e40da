import type { Intent } from '../../../intent/schema.js';
import type { FileMap } from '../../../ports/index.js';
import { pyLiteral } from '../../../runtime/python-literal.js';
import { servicePrefix } from './codegen.js';
import { exampleKey } from './models.js';
import { type FeatureRoute, planRoutes, type RoutePlan } from './routes.js';

/**
 * The offline test generator: pytest tests of the feature routes of a service made by
 * `generateServiceOffline`. The runtime's own behaviour (UDC contract, logs, registration, config) is
 * tested by the runtime's suite, and the pipeline writes the `client` fixture and the SPEC's contract
 * tests (core/build/assemble-service.ts), so this file holds only what the SPEC makes unique: what each
 * route's answer holds beyond its example. The runtime's `check_example` sends the SPEC's example
 * request with every value changed (`varied`) and checks the answer's status and shape against the
 * example (`app.models.EXAMPLES`), then the keys named here. Which keys echo the request or the path,
 * keep the example's value, or hold times and ids is decided here, independently of the service's code,
 * so a wrong service fails its tests.
 */

const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function generateTestsOffline(intent: Intent, spec: string, code: FileMap): FileMap {
  const prefix = servicePrefix(intent);
  const featuresPath = `${prefix}app/features.py`;
  if (code[featuresPath] === undefined)
    throw new Error(`${featuresPath}: missing from the generated code; the tests need the service first`);
  const plan = planRoutes(intent, spec);
  return { [`${prefix}tests/test_features.py`]: testFeaturesPy(intent, plan) };
}

/**
 * The arguments of `check_example` for a route beyond its example in `app.models.EXAMPLES`; keys with
 * nothing to check are left out, to keep the file short.
 */
interface RouteCase {
  /** The route's key in EXAMPLES. */
  route: string;
  /** A value for each path parameter, by the name the SPEC gives it. */
  params?: Record<string, string>;
  /** Answer keys equal to the path parameter of that name, else to the request field of that name. */
  echo?: string[];
  /** Answer keys keeping the example's value. */
  same?: string[];
  /** Fields the service fills with the current time. */
  times?: string[];
  /** Fields the service fills with an id. */
  ids?: string[];
  /** Answer keys holding the whole free-form body sent. */
  whole?: string[];
}

function routeCase(route: FeatureRoute): RouteCase {
  const body = route.body.kind === 'none' ? null : route.body.example;
  const template = route.template;
  const sent: Record<string, unknown> =
    body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const params = new Map(route.params.map((param) => [param.original, param.sample]));
  const found = {
    echo: [] as string[],
    same: [] as string[],
    times: [] as string[],
    ids: [] as string[],
    whole: [] as string[],
  };
  if (template && typeof template === 'object' && !Array.isArray(template)) {
    for (const [key, value] of Object.entries(template as Record<string, unknown>)) {
      if (value !== null && typeof value === 'object') {
        if (route.body.kind === 'free' && key === 'received') found.whole.push(key);
        continue;
      }
      // A path parameter overrides a body field of the same name, as the service fills them.
      const given = params.has(key) ? params.get(key) : sent[key];
      if ((params.has(key) || key in sent) && fits(given, value)) found.echo.push(key);
      else if (typeof value === 'string' && (DATETIME.test(value) || DATE.test(value))) found.times.push(key);
      else if (typeof value === 'string' && (key === 'id' || key.endsWith('_id') || key.endsWith('Id')))
        found.ids.push(key);
      else if (value !== null) found.same.push(key);
    }
  }
  return {
    route: exampleKey(route),
    ...(params.size > 0 ? { params: Object.fromEntries(params) } : {}),
    ...Object.fromEntries(Object.entries(found).filter(([, keys]) => keys.length > 0)),
  };
}

/** JSON kinds as the service compares them: an integer fits a float, anything fits null. */
function fits(value: unknown, template: unknown): boolean {
  if (template === null) return true;
  if (typeof template === 'boolean') return typeof value === 'boolean';
  if (typeof template === 'number')
    return typeof value === 'number' && (!Number.isInteger(template) || Number.isInteger(value));
  if (typeof template === 'string') return typeof value === 'string';
  return false;
}

function testFeaturesPy(intent: Intent, plan: RoutePlan): string {
  const cases = plan.routes.map((route) => `    ${pyLiteral(routeCase(route))},\n`).join('');
  return `"""Tests of the ${intent.service_name} service's feature routes: check_example sends each route's SPEC example, varied."""
import pytest

from app.models import EXAMPLES
from assembly_line_runtime.testing import check_example

# What each route's answer holds beyond its example's status and shape.
CASES = [
${cases}]


@pytest.mark.parametrize("case", CASES, ids=[case["route"] for case in CASES])
def test_feature_route_answers_its_example(client, case):
    check_example(client, EXAMPLES[case["route"]], **case)
`;
}
