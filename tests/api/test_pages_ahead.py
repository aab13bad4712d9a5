"""HttpPages fetches the next page while the current one is written: one request per page."""

from __future__ import annotations

import httpx
import pytest
from rutterctl.api.pages import HttpPages, PageQuery
from rutterctl.errors import ApiError

from tests import builders
from tests.api.support import make_client


def pages_over(answer: builders.Answer) -> tuple[HttpPages, builders.FakeRutter]:
    rutter = builders.fake_rutter(orders=answer)
    return HttpPages(make_client(rutter).client, PageQuery("orders", builders.ACCESS_TOKEN)), rutter


def by_cursor(request: httpx.Request) -> httpx.Response:
    cursor = request.url.params.get("cursor", "c0")
    doc = builders.orders_doc([builders.order(f"o-{cursor}")], None)
    return httpx.Response(200, json=doc)


def test_a_page_fetched_ahead_is_the_one_handed_over() -> None:
    pages, rutter = pages_over(by_cursor)
    pages.prefetch("c1", 10)
    page = pages.page("c1", 10)
    assert page.records[0]["id"] == "o-c1"
    assert [r.url.params["cursor"] for r in rutter.requests] == ["c1"]


def test_another_page_than_the_one_ahead_is_fetched_after_it() -> None:
    pages, rutter = pages_over(by_cursor)
    pages.prefetch("c1", 10)
    assert pages.page("c2", 10).records[0]["id"] == "o-c2"
    assert [r.url.params["cursor"] for r in rutter.requests] == ["c1", "c2"]


def test_a_failure_ahead_is_raised_where_the_page_is_taken() -> None:
    pages, _ = pages_over(builders.respond(200, {"orders": "nope"}))
    pages.prefetch("c1", None)
    with pytest.raises(ApiError, match="orders is a string"):
        pages.page("c1", None)
