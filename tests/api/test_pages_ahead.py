"""HttpPages fetches the next page while the current one is written: one request per page."""

from __future__ import annotations

import threading

import httpx
import pytest
from rutterctl.api.pages import HttpPages, PageQuery
from rutterctl.api.retry import RetryPolicy
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


def test_a_retry_note_begun_ahead_ends_before_abandon_returns_and_no_later_one_is_said() -> None:
    """The command's last line is printed after `abandon`: a note the thread ahead was in the
    middle of saying is finished first (not printed after that line), and then none is."""
    harness = make_client(builders.respond(503, {}), retry=RetryPolicy(max_attempts=3))
    begun, go, abandoned = threading.Event(), threading.Event(), threading.Event()
    said: list[str] = []

    def slow_note(line: str) -> None:
        begun.set()
        go.wait(10)
        said.append(line)

    harness.client.hooks.on_retry = slow_note
    harness.client.hooks.sleep = lambda _seconds: abandoned.wait(10)  # retried once stopped
    pages = HttpPages(harness.client, PageQuery("orders", builders.ACCESS_TOKEN))
    pages.prefetch("c1", 10)
    ahead = pages._ahead
    assert ahead is not None and begun.wait(10)
    stopper = threading.Thread(
        target=lambda: (pages.abandon(), said.append("abandoned"), abandoned.set())
    )
    stopper.start()
    go.set()
    stopper.join(10)
    ahead._thread.join(10)
    assert [line.split(" in ")[0] for line in said] == ["retrying GET /orders", "abandoned"]
