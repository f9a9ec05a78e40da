import type { Intent } from '../../../intent/schema.js';
import type { FileMap } from '../../../ports/index.js';
import { UDC_ENDPOINTS } from '../../../spec/sections.js';
import { servicePrefix } from './codegen.js';
import { pyLiteral, pyStr } from './python-literal.js';
import { type FeatureRoute, planRoutes, type RoutePlan } from './routes.js';

/**
 * The offline test generator: pytest suites for a service made by `generateServiceOffline`. Unit tests
 * go through Starlette's TestClient (the UDC contract field by field, every feature route, malformed
 * messages, metrics, config, logs, registration, response shaping); integration tests start the service
 * as a real process on a free port and talk to it over HTTP. The expected answers are computed here,
 * independently of the service's own code, so a wrong service fails its tests.
 */

const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function generateTestsOffline(intent: Intent, spec: string, code: FileMap): FileMap {
  const prefix = servicePrefix(intent);
  const mainPath = `${prefix}app/main.py`;
  if (code[mainPath] === undefined)
    throw new Error(`${mainPath}: missing from the generated code; the tests need the service first`);
  const plan = planRoutes(intent, spec);
  const data = testData(intent, plan);
  return {
    [`${prefix}tests/__init__.py`]: '',
    [`${prefix}tests/conftest.py`]: CONFTEST_PY,
    [`${prefix}tests/test_main.py`]: testMainPy(intent, plan, data),
    [`${prefix}tests/test_integration.py`]: testIntegrationPy(intent, data),
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
DEFAULT_PORT = ${intent.port}
FEATURES = ${pyLiteral(intent.key_features)}
DEPENDENCIES = ${pyLiteral(intent.dependencies)}
UDC_ENDPOINTS = ${pyLiteral(UDC_ENDPOINTS.map((e) => ({ method: e.method, path: e.path })))}
FEATURE_ENDPOINTS = ${pyLiteral(plan.routes.map((r) => ({ method: r.method, path: r.path })))}
MESSAGE_STATUS = ${plan.messageStatus}
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

function testMainPy(intent: Intent, plan: RoutePlan, data: string): string {
  const hasDependencies = intent.dependencies.length > 0;
  const hasInvalidBodies = plan.routes.some((route) => invalidBody(route, plan) !== null);
  return `"""Tests of the ${intent.service_name} service through the ASGI test client: the UDC contract, every feature route."""
import json
import logging
import re
import warnings
from datetime import datetime

import pytest
from pydantic import BaseModel
from starlette.testclient import TestClient

from app import config, registration, shaping, udc
from app.logs import JsonFormatter, StderrHandler, get_logger, install_root_handler, log_event, log_level
from app.main import app

${data}
SEMVER = re.compile(
    r"^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$"
)
VALID_ENVELOPE = {
    "trace_id": "trace-0001",
    "source": "tests",
    "target": SERVICE_NAME,
    "message_type": "ping",
    "payload": {"hello": "world", "n": 1},
    "timestamp": "2026-01-01T12:00:00Z",
}


def parse_time(value):
    assert isinstance(value, str), value
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def assert_shape(value, template, where="response"):
    """value has template's JSON shape: the same keys at every level, the same kind of every value."""
    if template is None:
        return
    if isinstance(template, dict):
        assert isinstance(value, dict), where
        if template:
            assert set(value) == set(template), where
            for key, sub in template.items():
                assert_shape(value[key], sub, where + "." + key)
    elif isinstance(template, list):
        assert isinstance(value, list), where
        for index, item in enumerate(value):
            assert_shape(item, template[0] if template else None, "%s[%d]" % (where, index))
    elif isinstance(template, bool):
        assert isinstance(value, bool), where
    elif isinstance(template, int):
        assert isinstance(value, int) and not isinstance(value, bool), where
    elif isinstance(template, float):
        assert isinstance(value, (int, float)) and not isinstance(value, bool), where
    else:
        assert isinstance(value, str), where


def call(client, case):
    method = case["method"].lower()
    if case["body"] is None:
        return getattr(client, method)(case["url"])
    return client.request(case["method"], case["url"], json=case["body"])


def dependency_variables():
    return [config.dependency_env_name(name) for name in DEPENDENCIES] + ["REGISTRY_URL"]


@pytest.fixture
def client():
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def no_dependency_urls(monkeypatch):
    for variable in dependency_variables():
        monkeypatch.delenv(variable, raising=False)


# --- the UDC contract ---------------------------------------------------------------------------


def test_health_is_active_with_name_version_and_time(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "service", "version", "timestamp"}
    assert body["status"] == "active"
    assert body["service"] == SERVICE_NAME
    assert SEMVER.match(body["version"])
    assert parse_time(body["timestamp"]).tzinfo is not None


def test_capabilities_list_features_dependencies_and_every_endpoint(client):
    response = client.get("/capabilities")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"service", "version", "features", "dependencies", "endpoints"}
    assert body["service"] == SERVICE_NAME
    assert SEMVER.match(body["version"])
    assert body["features"] == FEATURES
    assert body["dependencies"] == DEPENDENCIES
    for endpoint in body["endpoints"]:
        assert set(endpoint) == {"method", "path"}
        assert isinstance(endpoint["method"], str) and isinstance(endpoint["path"], str)
    assert body["endpoints"] == UDC_ENDPOINTS + FEATURE_ENDPOINTS


def test_every_listed_endpoint_is_served(client):
    served = {(method, route.path) for route in app.routes for method in getattr(route, "methods", None) or ()}
    for endpoint in UDC_ENDPOINTS + FEATURE_ENDPOINTS:
        assert (endpoint["method"], endpoint["path"]) in served, endpoint


def test_state_reports_uptime_counters_and_start_time(client):
    body = client.get("/state").json()
    assert set(body) == {"uptime_seconds", "requests_total", "errors_total", "started_at"}
    assert isinstance(body["uptime_seconds"], (int, float)) and body["uptime_seconds"] >= 0
    assert isinstance(body["requests_total"], int) and body["requests_total"] >= 1
    assert isinstance(body["errors_total"], int) and body["errors_total"] >= 0
    parse_time(body["started_at"])


def test_state_counts_every_request(client):
    before = client.get("/state").json()
    for _ in range(3):
        assert client.get("/health").status_code == 200
    after = client.get("/state").json()
    assert after["requests_total"] == before["requests_total"] + 4
    assert after["errors_total"] == before["errors_total"]
    assert after["started_at"] == before["started_at"]
    assert after["uptime_seconds"] >= before["uptime_seconds"]


def test_state_counts_error_answers(client):
    before = client.get("/state").json()
    assert client.post("/message", content=b"not json", headers={"Content-Type": "application/json"}).status_code == 400
    assert client.get("/does-not-exist/x~404").status_code == 404
    after = client.get("/state").json()
    assert after["errors_total"] == before["errors_total"] + 2
    assert after["requests_total"] == before["requests_total"] + 3


def test_an_unhandled_error_is_a_counted_json_500(client):
    def explode():
        raise RuntimeError("boom")

    app.add_api_route("/test-only/explode", explode, methods=["GET"])
    try:
        before = client.get("/state").json()
        response = client.get("/test-only/explode")
        assert response.status_code == 500
        assert response.json() == {"detail": "internal error"}
        assert client.get("/state").json()["errors_total"] == before["errors_total"] + 1
    finally:
        app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", None) != "/test-only/explode"]


def test_dependencies_are_unknown_without_urls(client, no_dependency_urls):
    response = client.get("/dependencies")
    assert response.status_code == 200
    assert response.json() == {"dependencies": [{"name": name, "status": "unknown"} for name in DEPENDENCIES]}
${
  hasDependencies
    ? `

def test_dependencies_are_probed_at_their_urls(client, no_dependency_urls, monkeypatch, fake_server, closed_url):
    expected = []
    for index, name in enumerate(DEPENDENCIES):
        reachable = index % 2 == 0
        monkeypatch.setenv(config.dependency_env_name(name), fake_server.url if reachable else closed_url)
        expected.append({"name": name, "status": "available" if reachable else "unavailable"})
    assert client.get("/dependencies").json() == {"dependencies": expected}
    assert [r["path"] for r in fake_server.requests] == ["/health"] * len([e for e in expected if e["status"] == "available"])
`
    : ''
}

def test_check_dependencies_probes_each_url(fake_server, failing_server, closed_url):
    environ = {
        "DEPENDENCY_UP_SERVICE_URL": fake_server.url + "/",
        "DEPENDENCY_DOWN_URL": closed_url,
        "DEPENDENCY_BROKEN_URL": failing_server.url,
        "REGISTRY_URL": fake_server.url,
    }
    names = ["up-service", "down", "broken", "nowhere", "registry"]
    assert udc.check_dependencies(names, environ) == [
        {"name": "up-service", "status": "available"},
        {"name": "down", "status": "unavailable"},
        {"name": "broken", "status": "unavailable"},
        {"name": "nowhere", "status": "unknown"},
        {"name": "registry", "status": "available"},
    ]
    assert udc.check_dependencies([], environ) == []


def test_probe_refuses_urls_that_are_not_http():
    assert udc.probe(None) == "unknown"
    assert udc.probe("") == "unknown"
    assert udc.probe("file:///etc/passwd") == "unavailable"


def test_a_valid_message_is_received(client):
    response = client.post("/message", json=VALID_ENVELOPE)
    assert response.status_code == MESSAGE_STATUS
    assert response.json() == {"received": True, "trace_id": "trace-0001"}


def without(field):
    return {key: value for key, value in VALID_ENVELOPE.items() if key != field}


def changed(**fields):
    envelope = dict(VALID_ENVELOPE)
    envelope.update(fields)
    return envelope


MALFORMED_MESSAGES = [
    ("missing trace_id", json.dumps(without("trace_id"))),
    ("missing payload", json.dumps(without("payload"))),
    ("missing timestamp", json.dumps(without("timestamp"))),
    ("trace_id is a number", json.dumps(changed(trace_id=42))),
    ("source is null", json.dumps(changed(source=None))),
    ("payload is text", json.dumps(changed(payload="text"))),
    ("empty trace_id", json.dumps(changed(trace_id=""))),
    ("blank message_type", json.dumps(changed(message_type="   "))),
    ("timestamp is not a time", json.dumps(changed(timestamp="yesterday"))),
    ("not JSON", "{\\"trace_id\\": "),
    ("empty body", ""),
    ("a JSON list", json.dumps([VALID_ENVELOPE])),
    ("a JSON string", json.dumps("hello")),
    ("JSON null", "null"),
    ("deeply nested", "[" * 100000 + "]" * 100000),
]


@pytest.mark.parametrize("label, raw", MALFORMED_MESSAGES, ids=[label for label, _ in MALFORMED_MESSAGES])
def test_a_malformed_message_gets_a_4xx_with_details(client, label, raw):
    response = client.post("/message", content=raw.encode("utf-8"), headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, (label, response.status_code)
    detail = response.json()["detail"]
    assert detail and all(set(item) == {"loc", "msg", "type"} for item in detail)


def test_a_message_that_is_not_utf8_gets_a_400(client):
    response = client.post("/message", content=b"\\xff\\xfe{}", headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_read_envelope_names_each_problem():
    envelope, status, problems = udc.read_envelope(json.dumps(changed(trace_id="", timestamp="soon")).encode())
    assert envelope is None and status == 422
    assert [p["loc"] for p in problems] == [["body", "trace_id"], ["body", "timestamp"]]
    envelope, status, problems = udc.read_envelope(json.dumps(VALID_ENVELOPE).encode())
    assert envelope.trace_id == "trace-0001" and status == 200 and problems == []


def test_is_iso_timestamp():
    assert udc.is_iso_timestamp("2026-01-01T00:00:00Z")
    assert udc.is_iso_timestamp("2026-01-01T00:00:00+02:00")
    assert not udc.is_iso_timestamp("2026-13-01T00:00:00Z")
    assert not udc.is_iso_timestamp(20260101)
    assert not udc.is_iso_timestamp("2026")


# --- feature routes -----------------------------------------------------------------------------


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
}

# --- configuration ------------------------------------------------------------------------------


def test_settings_default_to_the_intent():
    settings = config.load_settings({})
    assert settings.port == DEFAULT_PORT
    assert settings.host == "127.0.0.1"
    assert settings.version == "1.0.0"
    assert settings.registry_url is None
    assert settings.service_url == "http://127.0.0.1:%d" % DEFAULT_PORT


def test_settings_come_from_the_environment():
    settings = config.load_settings(
        {"PORT": "9123", "HOST": "0.0.0.0", "SERVICE_VERSION": "2.0.1-rc.1", "REGISTRY_URL": "http://registry:8000/"}
    )
    assert settings.port == 9123
    assert settings.host == "0.0.0.0"
    assert settings.version == "2.0.1-rc.1"
    assert settings.registry_url == "http://registry:8000"
    assert settings.service_url == "http://127.0.0.1:9123"
    assert config.load_settings({"HOST": "::1", "PORT": "9124"}).service_url == "http://[::1]:9124"
    assert config.load_settings({"SERVICE_URL": "https://svc.example/"}).service_url == "https://svc.example"


@pytest.mark.parametrize("port", ["abc", "0", "70000", "-1", "80.5"])
def test_a_bad_port_is_refused_with_the_variable_named(port):
    with pytest.raises(config.ConfigError) as error:
        config.load_settings({"PORT": port})
    assert "PORT" in str(error.value) and repr(port) in str(error.value)


def test_a_version_that_is_not_semver_falls_back_with_a_note():
    settings = config.load_settings({"SERVICE_VERSION": "20261125T041713Z-3f9a2c1"})
    assert settings.version == "1.0.0"
    assert len(settings.notes) == 1 and "SERVICE_VERSION" in settings.notes[0]
    assert config.load_settings({"SERVICE_VERSION": "01.2.3"}).version == "1.0.0"
    assert config.load_settings({"SERVICE_VERSION": "1.2.3-rc.1+build.7"}).notes == ()


def test_dependency_urls():
    assert config.dependency_env_name("payment-processor") == "DEPENDENCY_PAYMENT_PROCESSOR_URL"
    environ = {"DEPENDENCY_BILLING_URL": " http://billing:1/ ", "REGISTRY_URL": "http://registry:2"}
    assert config.dependency_url("billing", environ) == "http://billing:1"
    assert config.dependency_url("registry", environ) == "http://registry:2"
    assert config.dependency_url("registry", {"DEPENDENCY_REGISTRY_URL": "http://r:3", "REGISTRY_URL": "x"}) == "http://r:3"
    assert config.dependency_url("other", environ) is None


# --- structured logs ----------------------------------------------------------------------------


def test_logs_are_one_json_object_per_line(capsys):
    log_event(logging.WARNING, "something happened", order=7, who="tests")
    line = capsys.readouterr().err.strip().splitlines()[-1]
    entry = json.loads(line)
    assert entry["level"] == "warning"
    assert entry["msg"] == "something happened"
    assert entry["service"] == SERVICE_NAME
    assert entry["order"] == 7 and entry["who"] == "tests"
    parse_time(entry["ts"])


def test_logged_errors_carry_the_exception(capsys):
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log_event(logging.ERROR, "failed", exc_info=True)
    entry = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert entry["level"] == "error" and "RuntimeError: boom" in entry["error"]


def test_log_level_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "debug")
    assert log_level() == logging.DEBUG
    monkeypatch.setenv("LOG_LEVEL", "chatty")
    assert log_level() == logging.INFO
    assert get_logger() is get_logger()
    assert sum(isinstance(h, StderrHandler) for h in get_logger().handlers) == 1


def test_root_handler_makes_server_logs_and_warnings_json(capsys):
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    try:
        install_root_handler()
        logging.getLogger("uvicorn.error").warning("server note")
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.warn("old thing", DeprecationWarning)
        lines = [json.loads(line) for line in capsys.readouterr().err.strip().splitlines()]
        assert any(e["msg"] == "server note" and e["logger"] == "uvicorn.error" for e in lines)
        assert all(e["service"] == SERVICE_NAME for e in lines)
    finally:
        logging.captureWarnings(False)
        root.handlers = saved_handlers
        root.setLevel(saved_level)


def test_json_formatter_keeps_its_own_keys():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("you",), None)
    record.fields = {"msg": "overwritten?", "extra": 1}
    entry = json.loads(JsonFormatter().format(record))
    assert entry["msg"] == "hello you" and entry["extra"] == 1


# --- registration -------------------------------------------------------------------------------


def settings_for(url):
    return config.load_settings({"REGISTRY_URL": url, "PORT": "8123", "SERVICE_VERSION": "3.1.4"})


def test_register_once_posts_name_url_and_version(fake_server):
    assert registration.register_once(settings_for(fake_server.url)) is True
    [request] = fake_server.requests
    assert request["method"] == "POST" and request["path"] == "/register"
    body = json.loads(request["body"])
    parse_time(body.pop("registered_at"))
    assert body == {"name": SERVICE_NAME, "url": "http://127.0.0.1:8123", "version": "3.1.4", "health": "active"}


def test_registration_names_the_release_when_deployed():
    settings = config.load_settings({"ASSEMBLY_LINE_RELEASE_ID": "20261125T041713Z-3f9a2c1"})
    assert registration.registration_body(settings)["release_id"] == "20261125T041713Z-3f9a2c1"


def test_register_once_reports_failure(failing_server, closed_url):
    assert registration.register_once(settings_for(failing_server.url)) is False
    assert registration.register_once(settings_for(closed_url)) is False
    assert registration.register_once(settings_for("ftp://registry")) is False


def test_registration_retries_with_growing_waits(failing_server):
    waits = []
    assert registration.register_with_retries(settings_for(failing_server.url), 3, 0.25, waits.append) is False
    assert len(failing_server.requests) == 3
    assert waits == [0.25, 0.5]


def test_registration_stops_retrying_once_accepted(fake_server):
    waits = []
    assert registration.register_with_retries(settings_for(fake_server.url), 3, 0.25, waits.append) is True
    assert len(fake_server.requests) == 1 and waits == []


def test_registration_runs_in_the_background(fake_server):
    assert registration.start_registration(config.load_settings({})) is None
    thread = registration.start_registration(settings_for(fake_server.url))
    thread.join(10)
    assert not thread.is_alive() and thread.daemon
    assert fake_server.requests[0]["path"] == "/register"


# --- response shaping ---------------------------------------------------------------------------


def test_fits_compares_json_kinds():
    assert shaping.fits(1, 2.5) and not shaping.fits(2.5, 1)
    assert not shaping.fits(True, 1) and shaping.fits(False, True)
    assert shaping.fits("a", "b") and not shaping.fits(1, "b")
    assert shaping.fits([1, 2], [0]) and not shaping.fits(["x"], [0]) and shaping.fits([], [])
    assert shaping.fits({"a": 1}, {}) and not shaping.fits([], {})
    assert shaping.fits(object(), None)


def test_shape_echoes_fitting_fields_and_keeps_the_rest():
    template = {"name": "x", "count": 1, "tags": ["t"], "owner": {"email": "e", "age": 3}, "meta": {}, "note": None}
    source = {"name": "Ada", "count": "many", "tags": ["a", "b"], "owner": {"age": 36}, "meta": {"k": "v"}, "note": [1]}
    assert shaping.shape(template, source, "seed") == {
        "name": "Ada",
        "count": 1,
        "tags": ["a", "b"],
        "owner": {"email": "e", "age": 36},
        "meta": {"k": "v"},
        "note": [1],
    }
    assert shaping.shape([{"a": 1}], [{"a": 2}, {"b": 3}], "s") == [{"a": 2}, {"a": 1}]
    assert shaping.shape([{"a": 1}], "nothing", "s") == [{"a": 1}]
    assert shaping.shape([], [1, "x"], "s") == [1, "x"]
    assert shaping.shape({}, None, "s") == {}


def test_fresh_values_for_times_and_ids():
    assert parse_time(shaping.fresh("2026-01-01T00:00:00Z", "s", "created_at")).year >= 2025
    assert re.match(r"^\\d{4}-\\d{2}-\\d{2}$", shaping.fresh("2026-01-01", "s", "day"))
    first = shaping.fresh("pay_123", "seed-a", "id")
    assert first.startswith("pay_") and len(first) == len("pay_") + 12
    assert first == shaping.fresh("pay_123", "seed-a", "id") != shaping.fresh("pay_123", "seed-b", "id")
    assert re.match(r"^[0-9a-f]{8}-[0-9a-f]{4}-", shaping.fresh("123e4567-e89b-12d3-a456-426614174000", "s", "order_id"))
    assert re.match(r"^[0-9a-f]{12}$", shaping.fresh("123", "s", "userId"))
    assert shaping.fresh("plain", "s", "name") == "plain"
    assert shaping.fresh(5, "s", "id") == 5


def test_respond_merges_path_values_and_model_bodies():
    class Body(BaseModel):
        name: str
        id: str

    answer = shaping.respond({"id": "x", "name": "n", "ok": True}, {"id": "from-path"}, Body(name="Ada", id="from-body"))
    assert answer == {"id": "from-path", "name": "Ada", "ok": True}
    assert shaping.respond([{"v": 0}], {}, [{"v": 1}, {"v": 2}]) == [{"v": 1}, {"v": 2}]
    assert shaping.as_data([Body(name="a", id="b")]) == [{"name": "a", "id": "b"}]
    assert shaping.respond("fixed", {}, None) == "fixed"
`;
}

function testIntegrationPy(intent: Intent, data: string): string {
  return `"""Runs the ${intent.service_name} service as a real process (python -m app.main) and talks to it over HTTP."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from app.config import dependency_env_name

${data}
SERVICE_DIR = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 30


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http(method, url, body=None, raw=None):
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode("utf-8"))
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, content = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, content = error.code, error.read()
    return status, (json.loads(content) if content else None)


def wait_until_healthy(process, base):
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            if http("GET", base + "/health")[0] == 200:
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@pytest.fixture(scope="module")
def service(registry_server, tmp_path_factory):
    log_path = tmp_path_factory.mktemp("service") / "service.log"
    env = dict(os.environ)
    for name in DEPENDENCIES:
        env[dependency_env_name(name)] = registry_server.url
    env.update({"HOST": "127.0.0.1", "REGISTRY_URL": registry_server.url, "SERVICE_VERSION": "2.3.4", "LOG_LEVEL": "INFO"})
    env["ASSEMBLY_LINE_RELEASE_ID"] = "release-under-test"
    env.pop("SERVICE_URL", None)
    for _ in range(3):  # a free port can be taken between the probe and the bind; try another
        port = free_port()
        env["PORT"] = str(port)
        with open(log_path, "wb") as log:
            process = subprocess.Popen([sys.executable, "-m", "app.main"], cwd=str(SERVICE_DIR), env=env, stdout=log, stderr=subprocess.STDOUT)
        base = "http://127.0.0.1:%d" % port
        if wait_until_healthy(process, base):
            break
        stop(process)
    else:
        pytest.fail("the service did not become healthy:\\n" + log_path.read_text(errors="replace"))
    yield {"base": base, "port": port, "log": log_path}
    stop(process)


def test_health_over_http(service):
    status, body = http("GET", service["base"] + "/health")
    assert status == 200
    assert body["status"] == "active" and body["service"] == SERVICE_NAME and body["version"] == "2.3.4"


def test_registers_with_the_registry_at_start_up(service, registry_server):
    request = registry_server.wait_for("POST", "/register")
    assert request is not None, "the service never registered"
    body = json.loads(request["body"])
    assert {key: body.get(key) for key in ("name", "url", "version", "health", "release_id")} == {
        "name": SERVICE_NAME,
        "url": "http://127.0.0.1:%d" % service["port"],
        "version": "2.3.4",
        "health": "active",
        "release_id": "release-under-test",
    }


def test_capabilities_over_http(service):
    status, body = http("GET", service["base"] + "/capabilities")
    assert status == 200
    assert body["features"] == FEATURES and body["dependencies"] == DEPENDENCIES
    assert body["endpoints"] == UDC_ENDPOINTS + FEATURE_ENDPOINTS


def test_dependencies_over_http_are_available(service):
    status, body = http("GET", service["base"] + "/dependencies")
    assert status == 200
    assert body == {"dependencies": [{"name": name, "status": "available"} for name in DEPENDENCIES]}


def test_messages_over_http(service):
    envelope = {
        "trace_id": "t-42", "source": "integration", "target": SERVICE_NAME,
        "message_type": "ping", "payload": {}, "timestamp": "2026-01-01T00:00:00Z",
    }
    assert http("POST", service["base"] + "/message", envelope) == (MESSAGE_STATUS, {"received": True, "trace_id": "t-42"})
    assert http("POST", service["base"] + "/message", raw=b"{oops")[0] == 400
    del envelope["target"]
    assert http("POST", service["base"] + "/message", envelope)[0] == 422


@pytest.mark.parametrize("case", ROUTE_CASES, ids=ROUTE_IDS)
def test_feature_routes_over_http(service, case):
    status, body = http(case["method"], service["base"] + case["url"], case["body"])
    assert status == case["status"]
    if case["status"] != 204:
        if isinstance(case["shape"], dict) and case["shape"]:
            assert set(body) == set(case["shape"])
        for key, value in case["expect"].items():
            assert body[key] == value, key


def test_state_counts_requests_over_http(service):
    first = http("GET", service["base"] + "/state")[1]
    http("GET", service["base"] + "/health")
    second = http("GET", service["base"] + "/state")[1]
    assert second["requests_total"] == first["requests_total"] + 2
    assert second["uptime_seconds"] >= first["uptime_seconds"]


def test_logs_are_json_lines(service, registry_server):
    assert registry_server.wait_for("POST", "/register") is not None
    http("GET", service["base"] + "/health")
    time.sleep(0.2)
    lines = [line for line in service["log"].read_text(errors="replace").splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]
    assert all({"ts", "level", "msg", "service"} <= set(entry) for entry in entries)
    assert all(entry["service"] == SERVICE_NAME for entry in entries)
    assert any(entry["msg"] == "request" and entry.get("path") == "/health" for entry in entries)
    assert any(entry["msg"] == "registered" for entry in entries)
`;
}

const CONTENT_TYPE_JSON = '"Content-Type", "application/json"';

const CONFTEST_PY = `"""Shared fixtures: small real HTTP servers on 127.0.0.1 standing in for a registry or a dependency."""
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class FakeServer:
    """Answers every request with a fixed status and JSON body, and records what it received."""

    def __init__(self, status=200):
        self.status = status
        self.requests = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.requests.append({"method": self.command, "path": self.path, "body": body})
                payload = json.dumps({"status": "active"}).encode("utf-8")
                self.send_response(server.status)
                self.send_header(${CONTENT_TYPE_JSON})
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = answer
            do_POST = answer

            def log_message(self, *args):
                pass

        return Handler

    def wait_for(self, method, path, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for request in list(self.requests):
                if request["method"] == method and request["path"] == path:
                    return request
            time.sleep(0.05)
        return None

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fake_server():
    server = FakeServer()
    yield server
    server.close()


@pytest.fixture
def failing_server():
    server = FakeServer(status=500)
    yield server
    server.close()


@pytest.fixture(scope="module")
def registry_server():
    server = FakeServer()
    yield server
    server.close()


@pytest.fixture
def closed_url():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return "http://127.0.0.1:%d" % port
`;
