"""The paging use case against an in-memory page source: cursors, cut-offs, resume points."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from rutterctl.domain.fetch import MAX_ASK, Fetch, Page, Position
from rutterctl.errors import ApiError, Unavailable


@dataclass
class Source:
    """`total` records `{"n": i}`; cursors `c<offset>`; honours `limit` unless `ignore_limit`."""

    total: int
    page_size: int = 3
    ignore_limit: bool = False
    fail_at: set[str] = field(default_factory=set)
    asked: list[tuple[str | None, int | None]] = field(default_factory=list)
    last_cursor: str | None = ""  # "" = None on the last page; None = absent (same)

    def page(self, cursor: str | None, limit: int | None) -> Page:
        self.asked.append((cursor, limit))
        if cursor in self.fail_at:
            raise Unavailable("Rutter kept failing after retries", status=503)
        start = int(cursor[1:]) if cursor else 0
        size = self.page_size if limit is None or self.ignore_limit else limit
        end = min(self.total, start + size)
        records = [{"n": i} for i in range(start, end)]
        return Page(records, f"c{end}" if end < self.total else None)


def collect(fetch: Fetch) -> tuple[list[list[dict[str, Any]]], Any]:
    pages: list[list[dict[str, Any]]] = []
    outcome = fetch.run(lambda page, _: pages.append(page.records))
    return pages, outcome


def numbers(pages: list[list[dict[str, Any]]]) -> list[int]:
    return [r["n"] for page in pages for r in page]


def test_one_page_by_default_names_the_next_cursor() -> None:
    source = Source(total=10)
    pages, outcome = collect(Fetch(source))
    assert numbers(pages) == [0, 1, 2]
    assert source.asked == [(None, None)]
    assert (outcome.records, outcome.pages, outcome.next_cursor) == (3, 1, "c3")
    assert not outcome.complete


def test_follow_reads_every_page_until_the_cursor_is_null() -> None:
    source = Source(total=10)
    pages, outcome = collect(Fetch(source, follow=True, limit=4))
    assert numbers(pages) == list(range(10))
    assert source.asked == [(None, 4), ("c4", 4), ("c8", 4)]
    assert outcome.complete and outcome.pages == 3 and outcome.records == 10


def test_an_empty_next_cursor_ends_the_fetch() -> None:
    class EmptyCursor:
        def page(self, cursor: str | None, limit: int | None) -> Page:
            return Page([{"n": 1}], None) if cursor else Page([{"n": 0}], "c1")

    pages, outcome = collect(Fetch(EmptyCursor(), follow=True))
    assert numbers(pages) == [0, 1] and outcome.complete


def test_max_records_trims_the_last_page_so_the_cursor_continues_exactly() -> None:
    source = Source(total=10)
    pages, outcome = collect(Fetch(source, follow=True, limit=4, max_records=6))
    assert numbers(pages) == list(range(6))
    assert source.asked == [(None, 4), ("c4", 2)]
    assert outcome.next_cursor == "c6" and outcome.repeated == 0


def test_max_records_without_limit_asks_for_what_is_left_then_the_server_default() -> None:
    source = Source(total=100, page_size=3)
    _, outcome = collect(Fetch(source, follow=True, max_records=7))
    # first page: 7 <= MAX_ASK, so ask 7; the server honours it, the fetch is done.
    assert source.asked == [(None, 7)]
    assert outcome.records == 7 and outcome.next_cursor == "c7"

    big = Source(total=2000, page_size=300)
    _, outcome = collect(Fetch(big, follow=True, max_records=MAX_ASK + 50))
    # more than MAX_ASK: no limit until less than a (seen) page is left.
    assert big.asked == [(None, None), ("c300", 250)]
    assert outcome.records == 550 and outcome.next_cursor == "c550"


def test_a_server_sending_more_than_asked_is_cut_and_resumes_from_that_page() -> None:
    source = Source(total=10, page_size=4, ignore_limit=True)
    pages, outcome = collect(Fetch(source, follow=True, max_records=6))
    assert numbers(pages) == list(range(6))
    # the second page (from c4) had 4 records, 2 were wanted: resuming from c4 repeats 2.
    assert outcome.next_cursor == "c4" and outcome.repeated == 2
    assert not outcome.complete


def test_max_records_at_the_end_of_the_data_is_complete() -> None:
    _, outcome = collect(Fetch(Source(total=6), follow=True, max_records=6))
    assert outcome.records == 6 and outcome.complete


def test_a_failure_leaves_the_cursor_of_the_page_to_fetch_next() -> None:
    source = Source(total=10, fail_at={"c6"})
    job = Fetch(source, follow=True)
    written: list[list[dict[str, Any]]] = []
    with pytest.raises(Unavailable):
        job.run(lambda page, _: written.append(page.records))
    assert numbers(written) == list(range(6))
    assert (job.cursor, job.records, job.pages) == ("c6", 6, 2)


def test_a_failing_sink_does_not_advance_the_cursor() -> None:
    job = Fetch(Source(total=10), follow=True)

    def sink(page: Page, _: Position) -> None:
        if page.records[0]["n"] == 3:
            raise OSError("disk full")

    with pytest.raises(OSError):
        job.run(sink)
    assert job.cursor == "c3" and job.records == 3


def test_starts_from_a_given_cursor() -> None:
    source = Source(total=10)
    pages, _ = collect(Fetch(source, cursor="c9", follow=True))
    assert numbers(pages) == [9] and source.asked == [("c9", None)]


def test_a_cursor_that_does_not_move_is_an_api_error_not_an_endless_loop() -> None:
    class Stuck:
        def page(self, cursor: str | None, limit: int | None) -> Page:
            return Page([{"n": 0}], "same")

    with pytest.raises(ApiError, match="same page forever"):
        Fetch(Stuck(), follow=True).run(lambda _, __: None)
