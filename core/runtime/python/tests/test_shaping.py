from assembly_line_runtime import shaping


def test_the_request_fills_the_example_where_names_and_kinds_match():
    template = {"id": "ord_123", "amount": 1.5, "currency": "EUR", "items": [{"sku": "x", "qty": 1}]}
    body = {"amount": 20, "currency": 7, "items": [{"sku": "a", "qty": 2}, {"sku": "b", "qty": "many"}]}
    shaped = shaping.respond(template, {}, body)
    assert shaped["amount"] == 20
    assert shaped["currency"] == "EUR"
    assert shaped["items"] == [{"sku": "a", "qty": 2}, {"sku": "b", "qty": 1}]
    assert shaped["id"].startswith("ord_") and shaped["id"] != "ord_123"


def test_ids_are_stable_for_the_same_request_and_differ_for_another():
    template = {"order_id": "123e4567-e89b-12d3-a456-426614174000"}
    first = shaping.respond(template, {"customer": "c1"})
    assert first == shaping.respond(template, {"customer": "c1"})
    assert first != shaping.respond(template, {"customer": "c2"})
    assert shaping.UUID.match(first["order_id"])


def test_path_values_are_echoed_and_times_are_now():
    shaped = shaping.respond({"name": "example", "created_at": "2020-01-01T00:00:00Z"}, {"name": "ada"})
    assert shaped["name"] == "ada"
    assert shaped["created_at"] > "2026"


def test_fits_knows_json_kinds():
    assert shaping.fits(3, 1.0) and not shaping.fits(True, 1) and not shaping.fits("3", 3)
    assert shaping.fits([1, 2], [0]) and not shaping.fits([1, "2"], [0])
