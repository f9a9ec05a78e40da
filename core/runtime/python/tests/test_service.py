"""The UDC contract of an application made by create_app, through the ASGI test client and as a real process."""
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
from fastapi import APIRouter
from starlette.testclient import TestClient

from assembly_line_runtime import ServiceInfo, __version__, create_app, served_endpoints
from assembly_line_runtime.config import dependency_env_name
from http_double import RecordingServer

SERVICE = ServiceInfo(
    name="runtime-test", port=8123, features=["Say hello"], dependencies=["billing", "registry"], message_status=202
)
UDC_ENDPOINTS = [
    {"method": "GET", "path": "/health"},
    {"method": "GET", "path": "/capabilities"},
    {"method": "GET", "path": "/state"},
    {"method": "GET", "path": "/dependencies"},
    {"method": "POST", "path": "/message"},
]
SEMVER = re.compile(r"^\d+\.\d+\.\d+")
VALID_ENVELOPE = {
    "trace_id": "trace-0001",
    "source": "tests",
    "target": "runtime-test",
    "message_type": "ping",
    "payload": {"hello": "world"},
    "timestamp": "2026-01-01T12:00:00Z",
}
RUNTIME_ROOT = Path(__file__).resolve().parent.parent

features = APIRouter()


@features.get("/hello")
def hello():
    return {"message": "hello"}


@features.post("/items/{item_id}", status_code=201)
def add_item(item_id: str):
    return {"id": item_id}


@features.get("/explode")
def explode():
    raise RuntimeError("boom")


@pytest.fixture
def client(monkeypatch):
    for name in SERVICE.dependencies:
        monkeypatch.delenv(dependency_env_name(name), raising=False)
    monkeypatch.delenv("REGISTRY_URL", raising=False)
    with TestClient(create_app(SERVICE, features)) as test_client:
        yield test_client


def parse_time(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_the_version_is_semantic():
    assert SEMVER.match(__version__)


def test_health_is_active_with_name_version_and_time(client):
    body = client.get("/health").json()
    assert set(body) == {"status", "service", "version", "timestamp"}
    assert (body["status"], body["service"], body["version"]) == ("active", "runtime-test", "1.0.0")
    assert parse_time(body["timestamp"]).tzinfo is not None


def test_capabilities_list_the_udc_endpoints_then_the_features(client):
    body = client.get("/capabilities").json()
    assert body["features"] == ["Say hello"] and body["dependencies"] == ["billing", "registry"]
    assert body["endpoints"] == UDC_ENDPOINTS + [
        {"method": "GET", "path": "/hello"},
        {"method": "POST", "path": "/items/{item_id}"},
        {"method": "GET", "path": "/explode"},
    ]
    assert body["endpoints"] == served_endpoints(client.app)


def test_state_counts_requests_and_error_answers(client):
    before = client.get("/state").json()
    assert set(before) == {"uptime_seconds", "requests_total", "errors_total", "started_at"}
    assert client.get("/hello").status_code == 200
    assert client.post("/items/7").status_code == 201
    assert client.get("/nowhere").status_code == 404
    assert client.post("/message", content=b"{", headers={"Content-Type": "application/json"}).status_code == 400
    after = client.get("/state").json()
    assert after["requests_total"] == before["requests_total"] + 5
    assert after["errors_total"] == before["errors_total"] + 2
    assert after["started_at"] == before["started_at"] and after["uptime_seconds"] >= before["uptime_seconds"]


def test_an_unhandled_error_is_a_counted_json_500(client):
    before = client.get("/state").json()["errors_total"]
    response = client.get("/explode")
    assert (response.status_code, response.json()) == (500, {"detail": "internal error"})
    assert client.get("/state").json()["errors_total"] == before + 1


def test_dependencies_are_unknown_without_urls_and_probed_with_them(client, monkeypatch):
    assert client.get("/dependencies").json() == {
        "dependencies": [{"name": "billing", "status": "unknown"}, {"name": "registry", "status": "unknown"}]
    }
    with RecordingServer([200]) as up, RecordingServer([503]) as down:
        monkeypatch.setenv("DEPENDENCY_BILLING_URL", up.url)
        monkeypatch.setenv("REGISTRY_URL", down.url)
        assert client.get("/dependencies").json() == {
            "dependencies": [{"name": "billing", "status": "available"}, {"name": "registry", "status": "unavailable"}]
        }


def test_a_valid_message_is_received_with_the_spec_status(client):
    response = client.post("/message", json=VALID_ENVELOPE)
    assert (response.status_code, response.json()) == (202, {"received": True, "trace_id": "trace-0001"})
    other = create_app(SERVICE._replace(message_status=200))
    with TestClient(other) as other_client:
        assert other_client.post("/message", json=VALID_ENVELOPE).status_code == 200


def changed(**fields):
    envelope = dict(VALID_ENVELOPE)
    envelope.update(fields)
    return json.dumps({key: value for key, value in envelope.items() if value is not ...})


MALFORMED_MESSAGES = [
    ("missing trace_id", changed(trace_id=...)),
    ("missing payload", changed(payload=...)),
    ("trace_id is a number", changed(trace_id=42)),
    ("source is null", changed(source=None)),
    ("payload is text", changed(payload="text")),
    ("empty trace_id", changed(trace_id="")),
    ("blank message_type", changed(message_type="   ")),
    ("timestamp is not a time", changed(timestamp="yesterday")),
    ("not JSON", '{"trace_id": '),
    ("empty body", ""),
    ("a JSON list", json.dumps([VALID_ENVELOPE])),
    ("JSON null", "null"),
    ("deeply nested", "[" * 100000 + "]" * 100000),
]


@pytest.mark.parametrize("label, raw", MALFORMED_MESSAGES, ids=[label for label, _ in MALFORMED_MESSAGES])
def test_a_malformed_message_gets_a_4xx_with_details(client, label, raw):
    response = client.post("/message", content=raw.encode("utf-8"), headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, (label, response.status_code)
    detail = response.json()["detail"]
    assert detail and all(set(item) == {"loc", "msg", "type"} for item in detail)


def test_a_feature_body_that_does_not_validate_gets_422_in_the_same_shape():
    from pydantic import BaseModel

    class Order(BaseModel):
        sku: str
        qty: int

    router = APIRouter()

    @router.post("/orders")
    def order(body: Order):
        return {"sku": body.sku}

    with TestClient(create_app(SERVICE, router)) as client:
        response = client.post("/orders", json={"sku": "a"})
        assert response.status_code == 422
        assert [item["loc"] for item in response.json()["detail"]] == [["body", "qty"]]


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SERVE_PY = """
from fastapi import APIRouter
from assembly_line_runtime import ServiceInfo, create_app, serve
router = APIRouter()
@router.get("/hello")
def hello():
    return {"message": "hello"}
app = create_app(ServiceInfo(name="runtime-test", port=1, features=["Say hello"], dependencies=[]), router)
serve(app)
"""


def http(url, data=None):
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


def test_serve_runs_registers_and_logs_json_lines(tmp_path):
    log_path = tmp_path / "service.log"
    with RecordingServer([201]) as registry:
        port = free_port()
        env = dict(os.environ, PORT=str(port), REGISTRY_URL=registry.url, SERVICE_VERSION="2.3.4", PYTHONPATH=str(RUNTIME_ROOT))
        env["ASSEMBLY_LINE_RELEASE_ID"] = "release-under-test"
        with open(log_path, "wb") as log:
            process = subprocess.Popen([sys.executable, "-c", SERVE_PY], env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = "http://127.0.0.1:%d" % port
            deadline = time.monotonic() + 30
            status = None
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    status, body = http(base + "/health")
                    break
                except OSError:
                    time.sleep(0.1)
            assert status == 200, log_path.read_text(errors="replace")
            assert body["version"] == "2.3.4"
            assert http(base + "/hello") == (200, {"message": "hello"})
            while time.monotonic() < deadline and not registry.requests:
                time.sleep(0.05)
            method, path, sent = registry.requests[0]
            entry = json.loads(sent)
            assert (method, path) == ("POST", "/register")
            assert (entry["name"], entry["url"], entry["release_id"]) == ("runtime-test", base, "release-under-test")
        finally:
            process.terminate()
            process.wait(10)
    entries = [json.loads(line) for line in log_path.read_text().splitlines() if line.strip()]
    assert all(entry["service"] == "runtime-test" for entry in entries)
    assert any(entry["msg"] == "request" and entry.get("path") == "/hello" for entry in entries)
    assert any(entry["msg"] == "registered" for entry in entries)
