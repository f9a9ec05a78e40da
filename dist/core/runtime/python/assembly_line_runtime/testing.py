"""Helpers for a service's feature tests, so that each service's tests hold only what its SPEC makes unique.

    from app.models import EXAMPLES
    from assembly_line_runtime.testing import assert_answer, assert_shape, parse_time, varied
    example = EXAMPLES["POST /orders"]
    sent = varied(example["request"])
    body = assert_answer(client.post("/orders", json=sent), example)
    assert body["sku"] == sent["sku"]
    assert_shape(body, {"id": "ord_1", "items": [{"sku": "a", "qty": 1}]})
"""
from datetime import datetime


def parse_time(value):
    """An ISO-8601 date-time string (a trailing "Z" included) as an aware datetime; fails on anything else."""
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


def assert_answer(response, example):
    """response has example's status and the JSON shape of its response; returns the JSON (None for a 204)."""
    assert response.status_code == example["status"], response.text
    if example["status"] == 204:
        assert response.content == b"", response.content
        return None
    body = response.json()
    assert_shape(body, example["response"])
    return body


def varied(value):
    """value with every string, number and boolean changed but of the same JSON kind: sent instead of the
    SPEC example, it shows a field echoed from the request apart from one copied from the example answer."""
    if isinstance(value, dict):
        return {key: varied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [varied(item) for item in value]
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 0.5
    if isinstance(value, str):
        return value + "-2"
    return value
