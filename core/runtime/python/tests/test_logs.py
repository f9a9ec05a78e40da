import io
import json
import logging

import pytest

from assembly_line_runtime import logs


@pytest.fixture(autouse=True)
def service_name():
    logs.set_service_name("runtime-test")


def test_a_record_is_one_json_line_with_service_and_fields(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    logs.log_event(logging.WARNING, "disk low", free_mb=12)
    entry = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert entry["level"] == "warning"
    assert entry["msg"] == "disk low"
    assert entry["service"] == "runtime-test"
    assert entry["free_mb"] == 12
    assert entry["ts"].endswith("Z")


def test_a_field_never_overwrites_the_standard_keys(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    logs.log_event(logging.ERROR, "real message", ts="forged", service="other")
    entry = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert entry["service"] == "runtime-test"
    assert entry["ts"].endswith("Z")


def test_log_level_comes_from_the_environment_and_falls_back_to_info(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "debug")
    assert logs.log_level() == logging.DEBUG
    monkeypatch.setenv("LOG_LEVEL", "chatty")
    assert logs.log_level() == logging.INFO
