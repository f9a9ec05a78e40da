import json

import pytest

from assembly_line_runtime.testing import assert_answer, assert_shape, parse_time, varied


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
