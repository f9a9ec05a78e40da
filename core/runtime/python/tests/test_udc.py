import json

from assembly_line_runtime import udc
from http_double import RecordingServer


def envelope(**overrides):
    body = {
        "trace_id": "t-1",
        "source": "a",
        "target": "b",
        "message_type": "ping",
        "payload": {},
        "timestamp": "2026-01-01T00:00:00Z",
    }
    body.update(overrides)
    return json.dumps(body).encode("utf-8")


def test_a_good_envelope_is_accepted():
    parsed, status, problems = udc.read_envelope(envelope())
    assert (status, problems) == (200, [])
    assert parsed.trace_id == "t-1"


def test_bad_envelopes_get_4xx_with_the_place_of_the_fault():
    assert udc.read_envelope(b"\xff not utf-8")[1] == 400
    assert udc.read_envelope(b"[1, 2]")[1] == 400
    assert udc.read_envelope(b"[" * 100000)[1] == 400
    _, status, problems = udc.read_envelope(envelope(trace_id=7))
    assert status == 422 and problems[0]["loc"][-1] == "trace_id"
    _, status, problems = udc.read_envelope(envelope(source="  "))
    assert (status, problems[0]["loc"]) == (422, ["body", "source"])
    _, status, problems = udc.read_envelope(envelope(timestamp="yesterday"))
    assert (status, problems[0]["loc"]) == (422, ["body", "timestamp"])


def test_metrics_count_requests_and_errors():
    metrics = udc.Metrics()
    for _ in range(3):
        metrics.count_request()
    metrics.count_error()
    snapshot = metrics.snapshot()
    assert (snapshot["requests_total"], snapshot["errors_total"]) == (3, 1)
    assert udc.is_iso_timestamp(snapshot["started_at"])


def test_dependencies_are_probed_at_their_health_endpoint():
    with RecordingServer([200]) as up, RecordingServer([503]) as down:
        environ = {"DEPENDENCY_UP_URL": up.url, "DEPENDENCY_DOWN_URL": down.url + "/"}
        statuses = udc.check_dependencies(["up", "down", "absent"], environ)
        assert statuses == [
            {"name": "up", "status": "available"},
            {"name": "down", "status": "unavailable"},
            {"name": "absent", "status": "unknown"},
        ]
        assert up.requests == [("GET", "/health", b"")]


def test_a_url_that_is_not_http_is_unavailable_without_a_request():
    assert udc.probe("file:///etc/passwd") == "unavailable"
