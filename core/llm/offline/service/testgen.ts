import type { Intent } from '../../../intent/schema.js';
import type { FileMap } from '../../../ports/index.js';
import { pyLiteral, pyStr } from '../../../runtime/python-literal.js';
import { UDC_ENDPOINTS } from '../../../spec/sections.js';
import { servicePrefix } from './codegen.js';
import { type FeatureRoute, planRoutes, type RoutePlan } from './routes.js';

/**
 * The offline test generator: pytest tests of the feature routes of a service made by
 * `generateServiceOffline`, through Starlette's TestClient against the assembled app (`app.main`, which
 * mounts the shared runtime). The runtime's own behaviour (UDC contract, logs, registration, config) is
 * tested by the runtime's suite, not again in every service. The expected answers are computed here,
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
    [`${prefix}tests/test_features.py`]: testFeaturesPy(intent, plan, testData(intent, plan)),
  };
}

/** What a test sends to a route and what it expects back. */
interface RouteCase {
  handler: string;
  method: string;
  url: string;
  status: number;
  /** The JSON body to send; null for none. */
  body: unknown;
  /** The response example the answer must be shaped like; null for 204. */
  shape: unknown;
  /** Top-level response fields and their exact expected values (echoed or fixed by the example). */
  expect: Record<string, unknown>;
  /** Fields the service fills with the current time. */
  times: string[];
  /** Fields the service fills with an id derived from the request (stable for the same request). */
  ids: string[];
  /** A body the route must refuse with 422, when its model has required fields. */
  invalidBody: unknown;
}

function testData(intent: Intent, plan: RoutePlan): string {
  const cases = plan.routes.map((route) => routeCase(route, plan));
  return `SERVICE_NAME = ${pyStr(intent.service_name)}
FEATURES = ${pyLiteral(intent.key_features)}
DEPENDENCIES = ${pyLiteral(intent.dependencies)}
UDC_ENDPOINTS = ${pyLiteral(UDC_ENDPOINTS.map((e) => ({ method: e.method, path: e.path })))}
FEATURE_ENDPOINTS = ${pyLiteral(plan.routes.map((r) => ({ method: r.method, path: r.path })))}
ROUTE_CASES = [
${cases.map((c) => `    ${pyLiteral(c)},\n`).join('')}]
ROUTE_IDS = [case["handler"] for case in ROUTE_CASES]
`;
}

function routeCase(route: FeatureRoute, plan: RoutePlan): RouteCase {
  const body = route.body.kind === 'none' ? null : route.body.example;
  const template = route.template;
  const expect: Record<string, unknown> = {};
  const times: string[] = [];
  const ids: string[] = [];
  if (template && typeof template === 'object' && !Array.isArray(template)) {
    const given: Record<string, unknown> =
      body && typeof body === 'object' && !Array.isArray(body) ? { ...body } : {};
    for (const param of route.params) given[param.original] = param.sample;
    for (const [key, value] of Object.entries(template as Record<string, unknown>)) {
      if (value !== null && typeof value === 'object') {
        if (route.body.kind === 'free' && key === 'received') expect[key] = body;
        continue;
      }
      if (key in given && fits(given[key], value)) expect[key] = given[key];
      else if (typeof value === 'string' && (DATETIME.test(value) || DATE.test(value))) times.push(key);
      else if (typeof value === 'string' && (key === 'id' || key.endsWith('_id') || key.endsWith('Id')))
        ids.push(key);
      else if (value !== null) expect[key] = value;
    }
  }
  return {
    handler: route.handler,
    method: route.method,
    url: route.sampleUrl,
    status: route.status,
    body,
    shape: template ?? null,
    expect,
    times,
    ids,
    invalidBody: invalidBody(route, plan),
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
from assembly_line_runtime.testing import assert_shape, parse_time

${data}

def call(client, case):
    if case["body"] is None:
        return client.request(case["method"], case["url"])
    return client.request(case["method"], case["url"], json=case["body"])


@pytest.fixture
def client():
    with TestClient(app) as test_client:
        yield test_client


def test_capabilities_list_the_features_and_their_routes(client):
    body = client.get("/capabilities").json()
    assert body["service"] == SERVICE_NAME
    assert body["features"] == FEATURES
    assert body["dependencies"] == DEPENDENCIES
    assert body["endpoints"] == UDC_ENDPOINTS + FEATURE_ENDPOINTS


@pytest.mark.parametrize("case", ROUTE_CASES, ids=ROUTE_IDS)
def test_feature_route_answers_in_the_spec_shape(client, case):
    response = call(client, case)
    assert response.status_code == case["status"], response.text
    if case["status"] == 204:
        assert response.content == b""
        return
    body = response.json()
    assert_shape(body, case["shape"])
    for key, value in case["expect"].items():
        assert body[key] == value, key
    for key in case["times"]:
        assert parse_time(body[key])
    again = call(client, case).json()
    for key in case["ids"]:
        assert isinstance(body[key], str) and body[key] == again[key], key


def test_feature_requests_are_counted_in_state(client):
    before = client.get("/state").json()
    for case in ROUTE_CASES:
        call(client, case)
    after = client.get("/state").json()
    assert after["requests_total"] == before["requests_total"] + len(ROUTE_CASES) + 1
    assert after["errors_total"] == before["errors_total"]
${
  hasInvalidBodies
    ? `

INVALID_CASES = [case for case in ROUTE_CASES if case["invalidBody"] is not None]


@pytest.mark.parametrize("case", INVALID_CASES, ids=[case["handler"] for case in INVALID_CASES])
def test_feature_route_refuses_a_body_missing_its_fields(client, case):
    response = client.request(case["method"], case["url"], json=case["invalidBody"])
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail and all(set(item) == {"loc", "msg", "type"} for item in detail)
    broken = client.request(case["method"], case["url"], content=b"{broken", headers={"Content-Type": "application/json"})
    assert 400 <= broken.status_code < 500
`
    : ''
}`;
}
