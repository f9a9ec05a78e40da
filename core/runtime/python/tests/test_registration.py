import json

from assembly_line_runtime import registration
from assembly_line_runtime.config import Settings
from http_double import RecordingServer


def settings(registry_url):
    return Settings(
        port=8000,
        host="127.0.0.1",
        version="1.2.3",
        registry_url=registry_url,
        service_url="http://127.0.0.1:8000",
        release_id="20260101T000000Z-abc1234",
    )


def test_registration_posts_the_entry_and_retries_until_accepted():
    waits = []
    with RecordingServer([503, 500, 201]) as registry:
        assert registration.register_with_retries("runtime-test", settings(registry.url), attempts=5, base_delay=0.5, sleep=waits.append)
        assert waits == [0.5, 1.0]
        method, path, body = registry.requests[-1]
        entry = json.loads(body)
    assert (method, path) == ("POST", "/register")
    assert entry["name"] == "runtime-test"
    assert entry["release_id"] == "20260101T000000Z-abc1234"
    assert (entry["url"], entry["version"], entry["health"]) == ("http://127.0.0.1:8000", "1.2.3", "active")


def test_registration_gives_up_after_its_attempts():
    waits = []
    with RecordingServer([500]) as registry:
        assert not registration.register_with_retries("runtime-test", settings(registry.url), attempts=3, base_delay=1, sleep=waits.append)
        assert len(registry.requests) == 3
    assert waits == [1, 2]


def test_no_registry_means_no_thread_and_a_bad_url_no_request():
    assert registration.start_registration("runtime-test", settings(None)) is None
    assert registration.register_once("runtime-test", settings("ftp://registry")) is False
