import json

import pytest

from assembly_line_runtime.testing import assert_answer, assert_shape, check_example, parse_time, varied


def test_assert_shape_accepts_the_same_keys_and_kinds_at_every_level():
    template = {"id": "ord_1", "total": 1.5, "count": 2, "paid": False, "items": [{"sku": "a", "qty": 1}]}
    assert_shape({"id": "x", "total": 3, "count": 7, "paid": True, "items": []}, template)
    assert_shape({"id": "x", "total": 2.5, "count": 0, "paid": False, "items": [{"sku": "b", "qty": 9}]}, template)


@pytest.mark.parametrize(
    "value, where",
    [
        ({"id": "x"}, "response"),
        ({"id": 1, "items": []}, "response.id"),
        ({"id": "x", "items": [{"sku": "a", "qty": "1"}]}, "response.items[0].qty"),
        ({"id": "x", "items": [{"sku": "a", "qty": True}]}, "response.items[0].qty"),
        ({"id": "x", "items": {}}, "response.items"),
    ],
)
def test_assert_shape_names_where_the_shape_differs(value, where):
    with pytest.raises(AssertionError) as failure:
        assert_shape(value, {"id": "ord_1", "items": [{"sku": "a", "qty": 1}]})
    assert str(failure.value).startswith(where)


def test_parse_time_reads_iso_times_with_z_and_refuses_other_values():
    assert parse_time("2026-01-01T00:00:00Z").utcoffset().total_seconds() == 0
    with pytest.raises(AssertionError):
        parse_time(1767225600)
    with pytest.raises(ValueError):
        parse_time("yesterday")


class Answer:
    def __init__(self, status_code, content):
        self.status_code = status_code
        self.content = content
        self.text = content.decode("utf-8")

    def json(self):
        return json.loads(self.content)


ORDER = {"request": {"sku": "a"}, "status": 201, "response": {"id": "ord_1", "sku": "a"}}


def test_assert_answer_checks_the_status_and_shape_and_returns_the_body():
    assert assert_answer(Answer(201, b'{"id": "ord_9", "sku": "b"}'), ORDER) == {"id": "ord_9", "sku": "b"}
    assert assert_answer(Answer(204, b""), {"request": None, "status": 204, "response": None}) is None


@pytest.mark.parametrize(
    "answer, example",
    [
        (Answer(200, b'{"id": "ord_9", "sku": "b"}'), ORDER),
        (Answer(201, b'{"id": "ord_9"}'), ORDER),
        (Answer(204, b"{}"), {"request": None, "status": 204, "response": None}),
    ],
)
def test_assert_answer_fails_on_another_status_shape_or_a_204_with_content(answer, example):
    with pytest.raises(AssertionError):
        assert_answer(answer, example)


def test_varied_changes_every_value_and_keeps_its_kind():
    example = {"sku": "a", "qty": 1, "price": 2.5, "gift": False, "note": None, "tags": ["x"], "to": {"id": 7}}
    changed = varied(example)
    assert changed == {"sku": "a-2", "qty": 2, "price": 3.0, "gift": True, "note": None, "tags": ["x-2"], "to": {"id": 8}}
    assert_shape(changed, example)
    assert varied(None) is None and varied([]) == []


ORDERS = {
    "POST /orders": {
        "request": {"sku": "a", "qty": 1},
        "status": 201,
        "response": {"id": "ord_1", "sku": "a", "qty": 1, "state": "open", "created_at": "2026-01-01T00:00:00Z", "echo": {}},
    },
    "GET /orders/{order-id}": {"request": None, "status": 200, "response": {"order-id": "ord_1", "sku": "a"}},
    "DELETE /orders/{order-id}": {"request": None, "status": 204, "response": None},
}


def orders_client(**wrong):
    """A real app whose answers are right unless one of wrong's keys bends them."""
    from fastapi import Body, FastAPI, Response
    from starlette.testclient import TestClient

    app = FastAPI()
    orders = {}

    @app.post("/orders", status_code=wrong.get("status", 201))
    def create(body: dict = Body(...)):
        order = {
            "id": wrong.get("id", "ord_%d" % (len(orders) + 1)),
            "sku": "a" if wrong.get("copied") else body["sku"],
            "qty": body["qty"],
            "state": wrong.get("state", "open"),
            "created_at": wrong.get("created_at", "2026-12-06T10:00:00+00:00"),
            "echo": {"sku": "x"} if wrong.get("whole") else body,
        }
        orders[order["id"]] = order
        return order

    @app.get("/orders/{order_id}")
    def find(order_id: str):
        return {"order-id": wrong.get("found", order_id), "sku": orders[order_id]["sku"] if order_id in orders else "a"}

    @app.delete("/orders/{order_id}", status_code=204)
    def cancel(order_id: str):
        return Response(status_code=204)

    return TestClient(app)


CREATE = dict(echo=["sku", "qty"], same=["state"], times=["created_at"], ids=["id"], whole=["echo"])


def test_check_example_sends_the_varied_example_and_returns_the_answer():
    client = orders_client()
    order = check_example(client, ORDERS["POST /orders"], "POST /orders", **CREATE)
    assert order["sku"] == "a-2" and order["qty"] == 2 and order["echo"] == {"sku": "a-2", "qty": 2}
    found = check_example(
        client, ORDERS["GET /orders/{order-id}"], "GET /orders/{order-id}", params={"order-id": order["id"]}, echo=["order-id"]
    )
    assert found == {"order-id": order["id"], "sku": "a-2"}
    assert check_example(client, ORDERS["DELETE /orders/{order-id}"], "DELETE /orders/{order-id}", params={"order-id": "x"}) is None


@pytest.mark.parametrize(
    "wrong, names",
    [
        ({"status": 200}, "201"),
        ({"copied": True}, "sku"),
        ({"state": "closed"}, "state"),
        ({"id": ""}, "id"),
        ({"whole": True}, "echo"),
    ],
)
def test_check_example_fails_on_each_thing_it_checks(wrong, names):
    with pytest.raises(AssertionError) as failure:
        check_example(orders_client(**wrong), ORDERS["POST /orders"], "POST /orders", **CREATE)
    assert names in str(failure.value)


def test_check_example_fails_on_a_time_that_is_not_iso_8601():
    with pytest.raises(ValueError):
        check_example(orders_client(created_at="yesterday"), ORDERS["POST /orders"], "POST /orders", **CREATE)


def test_check_example_compares_a_path_parameter_echoed_in_the_answer():
    client = orders_client(found="ord_9")
    with pytest.raises(AssertionError) as failure:
        check_example(client, ORDERS["GET /orders/{order-id}"], "GET /orders/{order-id}", params={"order-id": "ord_1"}, echo=["order-id"])
    assert "order-id" in str(failure.value)


def test_check_example_names_a_path_parameter_params_does_not_fill():
    with pytest.raises(AssertionError) as failure:
        check_example(orders_client(), ORDERS["GET /orders/{order-id}"], "GET /orders/{order-id}", params={"id": "1"})
    assert "GET /orders/{order-id}: params gives no value" in str(failure.value)


def test_check_example_sends_a_request_of_your_own_when_given():
    client = orders_client()
    first = check_example(client, ORDERS["POST /orders"], "POST /orders", **CREATE)
    second = check_example(client, ORDERS["POST /orders"], "POST /orders", request={"sku": "b", "qty": 5}, **CREATE)
    assert (first["sku"], second["sku"], second["qty"]) == ("a-2", "b", 5)


def test_check_example_quotes_path_values():
    found = check_example(
        orders_client(), ORDERS["GET /orders/{order-id}"], "GET /orders/{order-id}", params={"order-id": "a b?c"}, echo=["order-id"]
    )
    assert found["order-id"] == "a b?c"


@pytest.mark.parametrize(
    "route, kwargs, message",
    [
        ("/orders", {}, "'/orders': a route is 'METHOD /path'"),
        ("POST /orders", {"same": ["total"]}, "POST /orders: the answer has no 'total'"),
        ("POST /orders", {"echo": ["state"]}, "POST /orders: 'state' is neither a path parameter nor sent"),
        ("DELETE /orders/{order-id}", {"params": {"order-id": "x"}, "ids": ["id"]}, "answers 204: it has no keys to check"),
    ],
)
def test_check_example_names_a_mistake_in_its_arguments(route, kwargs, message):
    key = route if route in ORDERS else "POST /orders"
    with pytest.raises(AssertionError) as failure:
        check_example(orders_client(), ORDERS[key], route, **kwargs)
    assert message in str(failure.value)
