"""Pages over HTTP: the query sent (checked against the spec) and the cheap envelope check."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from rutterctl.api.pages import HttpPages, PageQuery
from rutterctl.errors import ApiError, NotReady

from tests import builders
from tests.api.support import make_client
from tests.spec import validate_query, validate_response


def pages_for(answer: builders.Answer, query: PageQuery) -> tuple[HttpPages, builders.FakeRutter]:
    rutter = builders.fake_rutter(**{query.entity: answer})
    return HttpPages(make_client(rutter).client, query), rutter


def test_query_carries_token_cursor_limit_filters_and_force_as_the_spec_names_them() -> None:
    query = PageQuery(
        "orders",
        builders.ACCESS_TOKEN,
        force=True,
        filters={"created_at_min": 1_769_817_600_000, "updated_at_max": 1_795_867_200_000},
    )
    pages, rutter = pages_for(builders.respond(200, builders.orders_doc()), query)
    pages.page("cursor-1", 50)
    (request,) = rutter.requests
    params = dict(request.url.params)
    assert request.url.path == "/versioned/orders"
    assert params == {
        "access_token": builders.ACCESS_TOKEN,
        "force_fetch": "true",
        "created_at_min": "1769817600000",
        "updated_at_max": "1795867200000",
        "limit": "50",
        "cursor": "cursor-1",
    }
    validate_query("/orders", params)


def test_without_force_cursor_or_limit_only_the_token_is_sent() -> None:
    query = PageQuery("transactions", builders.ACCESS_TOKEN)
    pages, rutter = pages_for(builders.respond(200, builders.transactions_doc()), query)
    page = pages.page(None, None)
    params = dict(rutter.requests[0].url.params)
    assert params == {"access_token": builders.ACCESS_TOKEN}
    validate_query("/transactions", params)
    assert page.records == [builders.transaction()] and page.next_cursor is None


@pytest.mark.parametrize("cursor", [None, "", "abc"])
def test_next_cursor_null_empty_or_a_string(cursor: str | None) -> None:
    doc = builders.orders_doc(next_cursor=cursor)
    if cursor is not None:  # the spec allows a string or null; empty is seen in the wild
        validate_response("/orders", doc)
    pages, _ = pages_for(builders.respond(200, doc), PageQuery("orders", builders.ACCESS_TOKEN))
    assert pages.page(None, None).next_cursor == (cursor or None)


def test_absent_next_cursor_means_the_last_page() -> None:
    doc = builders.orders_doc()
    del doc["next_cursor"]
    pages, _ = pages_for(builders.respond(200, doc), PageQuery("orders", builders.ACCESS_TOKEN))
    assert pages.page(None, None).next_cursor is None


def test_records_are_passed_on_as_parsed_with_unknown_keys() -> None:
    record = {**builders.order("o-9"), "brand_new_field": {"x": [1, 2]}}
    doc = builders.orders_doc([record], next_cursor="n")
    pages, _ = pages_for(builders.respond(200, doc), PageQuery("orders", builders.ACCESS_TOKEN))
    page = pages.page(None, None)
    assert page.records == [record] and page.next_cursor == "n"


BAD_SHAPES: list[tuple[Any, str]] = [
    ([], "the document is a list"),
    ({"connection": {}, "next_cursor": None}, "orders is missing or null, not a list"),
    ({"orders": {"id": "o"}, "next_cursor": None}, "orders is an object, not a list"),
    ({"orders": [builders.order(), "o-2"], "next_cursor": None}, "orders.1 is a string"),
    ({"orders": [], "next_cursor": 12}, "next_cursor is a number"),
]


@pytest.mark.parametrize(("body", "what"), BAD_SHAPES)
def test_an_unusable_envelope_is_an_api_error_naming_the_request_id(body: Any, what: str) -> None:
    answer = builders.respond(200, body, request_id="req-shape")
    pages, _ = pages_for(answer, PageQuery("orders", builders.ACCESS_TOKEN))
    with pytest.raises(ApiError) as caught:
        pages.page(None, None)
    assert type(caught.value) is ApiError
    assert what in caught.value.message
    assert caught.value.request_id == "req-shape" and caught.value.status == 200


def test_connection_errors_come_through_typed() -> None:
    answer = builders.respond(400, builders.error_body("PRODUCT_NOT_READY"))
    pages, rutter = pages_for(answer, PageQuery("orders", builders.ACCESS_TOKEN))
    with pytest.raises(NotReady):
        pages.page(None, None)
    assert len(rutter.requests) == 1  # a connection error code is never retried


def test_only_orders_and_transactions_are_paged() -> None:
    client = make_client(lambda request: httpx.Response(404)).client
    with pytest.raises(ValueError, match="products"):
        HttpPages(client, PageQuery("products", builders.ACCESS_TOKEN))


@pytest.mark.parametrize(
    "records",
    [
        '{"id":"o1","total":10.5,"note":"é"},{"id":"o2","total":11}',  # orjson: exact
        '{"id":"o1","a":1,"a":2},{"id":"o2","total":12.10}',  # a key twice, digits orjson drops
        '{"id":"o1",\n "total": 1e400}',  # spaced, and a number orjson refuses
    ],
)
def test_texts_are_the_same_from_the_first_page_orjson_reads_and_later_ones(
    records: str,
) -> None:
    """The first page of an ndjson/json fetch is read by orjson (msgspec is imported only for
    a second page, or one orjson cannot write back as sent): the texts do not depend on it."""
    from rutterctl.api.pages import exact_loads, raw_texts

    content = f'{{"orders":[{records}],"next_cursor":null}}'.encode()
    loads = exact_loads("orders", texts_only=True)
    first, second = loads(content), loads(content)
    split = raw_texts("orders")(content)
    assert first.texts == second.texts == split.texts
    assert len(first.texts) == 2 or "1e400" in first.texts[0]
