"""Helpers for a service's feature tests, so that each service's tests hold only what its SPEC makes unique.

    from app.models import EXAMPLES
    from assembly_line_runtime.testing import assert_answer, assert_shape, check_example, parse_time, varied

    def test_an_order_is_created_then_found(client):  # the service's conftest.py gives `client`
        order = check_example(client, EXAMPLES["POST /orders"], "POST /orders", echo=["sku"], times=["created_at"])
        found = check_example(client, EXAMPLES["GET /orders/{id}"], "GET /orders/{id}", params={"id": order["id"]})
        assert found["sku"] == order["sku"]
        assert client.get("/orders/nope").status_code == 404
"""
from datetime import datetime
from urllib.parse import quote


def parse_time(value):
    """An ISO-8601 date or date-time string (a trailing "Z" included) as a datetime; fails on anything else."""
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
    assert response.status_code == example["status"], "answered %d, not %d: %s" % (
        response.status_code,
        example["status"],
        response.text,
    )
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


def check_example(client, example, route, params=None, echo=(), same=(), times=(), ids=(), whole=(), request=None):
    """Calls route ("METHOD /path", its key in app.models.EXAMPLES) with the example's request varied (see
    varied), or with request when given (a second create with values of its own, a body a lookup needs),
    each {name} of the path filled from params, and checks the answer against example: its status and
    shape (assert_answer), then
        echo:  keys equal to the path parameter of that name, else to the request field of that name;
        same:  keys keeping the example answer's value;
        times: ISO-8601 times (parse_time);
        ids:   non-empty strings;
        whole: keys holding the whole body sent.
    Returns the answer's JSON (None for a 204)."""
    method, space, url = route.partition(" ")
    assert space and url.startswith("/"), "%r: a route is 'METHOD /path', as EXAMPLES keys it" % (route,)
    params = params or {}
    for name, value in params.items():
        url = url.replace("{" + name + "}", quote(str(value), safe=""))
    assert "{" not in url, "%s: params gives no value for the path parameter in %s" % (route, url)
    sent = varied(example["request"]) if request is None else request
    if sent is None:
        response = client.request(method, url)
    else:
        response = client.request(method, url, json=sent)
    body = assert_answer(response, example)
    if body is None:
        assert not (echo or same or times or ids or whole), "%s answers 204: it has no keys to check" % route
        return None
    for key in [*echo, *same, *times, *ids, *whole]:
        assert isinstance(body, dict) and key in body, "%s: the answer has no %r: %s" % (route, key, body)
    for key in echo:
        if key in params:
            assert str(body[key]) == str(params[key]), key
        else:
            assert isinstance(sent, dict) and key in sent, "%s: %r is neither a path parameter nor sent" % (route, key)
            assert body[key] == sent[key], key
    for key in same:
        assert body[key] == example["response"][key], key
    for key in times:
        parse_time(body[key])
    for key in ids:
        assert isinstance(body[key], str) and body[key] != "", key
    for key in whole:
        assert body[key] == sent, key
    return body
