import type { Intent } from '../../../intent/schema.js';
import type { FileMap } from '../../../ports/index.js';
import { pyLiteral } from '../../../runtime/python-literal.js';
import { servicePrefix } from './codegen.js';
import { exampleKey } from './models.js';
import { type FeatureRoute, planRoutes, type RoutePlan } from './routes.js';

/**
 * The offline test generator: pytest tests of the feature routes of a service made by
 * `generateServiceOffline`, through Starlette's TestClient against the assembled app (`app.main`, which
 * mounts the shared runtime). The runtime's own behaviour (UDC contract, logs, registration, config) is
 * tested by the runtime's suite, not again in every service. Each test sends the SPEC's example request
 * with every value changed (the runtime's `varied`) and checks the answer's status and shape against
 * the example (`app.models.EXAMPLES`, which the pipeline writes);
 * which keys echo the request, keep the example's value, or hold times and ids is decided here,
 * independently of the service's code, so a wrong service fails its tests.
 */

const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function generateTestsOffline(intent: Intent, spec: string, code: FileMap): FileMap {
  const prefix = servicePrefix(intent);
  const featuresPath = `${prefix}app/features.py`;
  if (code[featuresPath] === undefined)
    throw new Error(`${featuresPath}: missing from the generated code; the tests need the service first`);
  const plan = planRoutes(intent, spec);
  return {
    [`${prefix}tests/__init__.py`]: '',
    [`${prefix}tests/test_features.py`]: testFeaturesPy(intent, plan, testData(plan)),
  };
}

/**
 * What a test checks of a route beyond its example in `app.models.EXAMPLES` (the body sent, the status,
 * the answer's shape); keys with nothing to check are left out, to keep the file short.
 */
interface RouteCase {
  /** The route's key in EXAMPLES. */
  route: string;
  url: string;
  /** Answer keys equal to the same key of the request body sent (the example's, varied). */
  echo?: string[];
  /** Answer keys equal to the path parameter of that name, with the value in the URL. */
  path?: Record<string, string>;
  /** Answer keys keeping the example's value. */
  same?: string[];
  /** The answer's `received` is the whole free-form body sent. */
  received?: true;
  /** Fields the service fills with the current time. */
  times?: string[];
  /** Fields the service fills with an id derived from the request (stable for the same request). */
  ids?: string[];
  /** A body the route must refuse with 422, when its model has required fields. */
  invalid?: unknown;
}

function testData(plan: RoutePlan): string {
  const cases = plan.routes.map((route) => routeCase(route, plan));
  return `CASES = [\n${cases.map((c) => `    ${pyLiteral(c)},\n`).join('')}]`;
}

function routeCase(route: FeatureRoute, plan: RoutePlan): RouteCase {
  const body = route.body.kind === 'none' ? null : route.body.example;
  const template = route.template;
  const sent: Record<string, unknown> =
    body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const params = new Map(route.params.map((param) => [param.original, param.sample]));
  const found = { echo: [] as string[], same: [] as string[], times: [] as string[], ids: [] as string[] };
  const path: Record<string, string> = {};
  let received = false;
  if (template && typeof template === 'object' && !Array.isArray(template)) {
    for (const [key, value] of Object.entries(template as Record<string, unknown>)) {
      if (value !== null && typeof value === 'object') {
        if (route.body.kind === 'free' && key === 'received') received = true;
        continue;
      }
      // A path parameter overrides a body field of the same name, as the service fills them.
      const given = params.has(key) ? params.get(key) : sent[key];
      if ((params.has(key) || key in sent) && fits(given, value)) {
        if (params.has(key)) path[key] = params.get(key)!;
        else found.echo.push(key);
      } else if (typeof value === 'string' && (DATETIME.test(value) || DATE.test(value)))
        found.times.push(key);
      else if (typeof value === 'string' && (key === 'id' || key.endsWith('_id') || key.endsWith('Id')))
        found.ids.push(key);
      else if (value !== null) found.same.push(key);
    }
  }
  const invalid = invalidBody(route, plan);
  return {
    route: exampleKey(route),
    url: route.sampleUrl,
    ...Object.fromEntries(Object.entries(found).filter(([, keys]) => keys.length > 0)),
    ...(Object.keys(path).length > 0 ? { path } : {}),
    ...(received ? { received: true as const } : {}),
    ...(invalid !== null ? { invalid } : {}),
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

function invalidBody(route: FeatureRoute, plan: RoutePlan): unknown {
  if (route.body.kind !== 'typed') return null;
  const type = route.body.type;
  if (type.kind === 'list') return { not: 'a list' };
  if (type.kind === 'model') {
    const model = plan.models.find((m) => m.name === type.name);
    return model?.fields.some((f) => !f.optional) ? {} : null;
  }
  if (['str', 'int', 'float', 'bool'].includes(type.kind)) return [];
  return null;
}

function testFeaturesPy(intent: Intent, plan: RoutePlan, data: string): string {
  const hasInvalidBodies = plan.routes.some((route) => invalidBody(route, plan) !== null);
  return `"""Tests of the ${intent.service_name} service's feature routes, through the ASGI test client."""
import pytest
from starlette.testclient import TestClient

from app.main import app
from app.models import EXAMPLES
from assembly_line_runtime.testing import assert_answer, parse_time, varied

# Each route of EXAMPLES, the URL it is called at, and what its answer holds beyond the example's shape.
# Each is sent its example request varied, so an echoed field differs from the example answer's.
${data}


def call(client, case, body=None):
    method = case["route"].split(" ")[0]
    sent = varied(EXAMPLES[case["route"]]["request"]) if body is None else body
    if sent is None:
        return client.request(method, case["url"])
    return client.request(method, case["url"], json=sent)


@pytest.fixture
def client():
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize("case", CASES, ids=[case["route"] for case in CASES])
def test_feature_route_answers_its_example(client, case):
    example = EXAMPLES[case["route"]]
    body = assert_answer(call(client, case), example)
    if body is None:
        return
    sent = varied(example["request"])
    for key in case.get("echo", []):
        assert body[key] == sent[key], key
    for key, value in case.get("path", {}).items():
        assert body[key] == value, key
    for key in case.get("same", []):
        assert body[key] == example["response"][key], key
    if case.get("received"):
        assert body["received"] == sent
    for key in case.get("times", []):
        assert parse_time(body[key])
    again = call(client, case).json()
    for key in case.get("ids", []):
        assert isinstance(body[key], str) and body[key] == again[key], key


def test_feature_requests_are_counted_in_state(client):
    before = client.get("/state").json()
    for case in CASES:
        call(client, case)
    after = client.get("/state").json()
    assert after["requests_total"] == before["requests_total"] + len(CASES) + 1
    assert after["errors_total"] == before["errors_total"]
${
  hasInvalidBodies
    ? `

INVALID = [case for case in CASES if "invalid" in case]


@pytest.mark.parametrize("case", INVALID, ids=[case["route"] for case in INVALID])
def test_feature_route_refuses_a_body_missing_its_fields(client, case):
    assert call(client, case, case["invalid"]).status_code == 422
    method = case["route"].split(" ")[0]
    broken = client.request(method, case["url"], content=b"{broken", headers={"Content-Type": "application/json"})
    assert 400 <= broken.status_code < 500
`
    : ''
}`;
}
