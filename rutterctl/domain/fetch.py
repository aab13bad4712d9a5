"""The paging use case: follow `next_cursor`, hand each page to a sink, know where to resume.

Written against `PageSource` (implemented by `rutterctl.api.pages`), so it runs the same over
HTTP and in tests. Pages go to the sink as they arrive and are not kept: memory does not grow
with the number of records. The cursor only advances once the sink has taken a page, so after
any failure `Fetch.cursor` is exactly where a resumed fetch must start.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

from rutterctl.errors import ApiError, NotReady, RutterctlError, UsageError

Record = dict[str, Any]
ENTITIES = ("orders", "transactions")
# With --max-records and no --limit, never ask the server on our own for more than this many
# records in one page (the default and maximum page sizes are undocumented).
MAX_ASK = 500


class Number:
    """A number exactly as Rutter wrote it (`12.10`, `1e400`, a 20-digit integer), for the rare
    page whose numbers a float or int would rewrite; writers print `text` as it is."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Number({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Number) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


class Page(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """One page of records and the cursor of the next."""

    records: list[Record]
    next_cursor: str | None  # None when null, empty or absent: there is nothing after this page
    # Each record as compact JSON, exactly as Rutter sent it, when the decoder could tell.
    # With texts, `records` may be empty: a writer of texts only (ndjson, json) needs no more.
    texts: list[str] | None = None

    @property
    def size(self) -> int:
        return len(self.texts) if self.texts is not None else len(self.records)

    def head(self, n: int) -> Page:
        return Page(
            self.records[:n], self.next_cursor, None if self.texts is None else self.texts[:n]
        )

    def tail(self, n: int) -> Page:
        return Page(
            self.records[n:], self.next_cursor, None if self.texts is None else self.texts[n:]
        )


class Position(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """Where a fetch goes on after the pages written so far: from `cursor` (None: the start),
    dropping the first `skip` records of that page; `done` when nothing is left."""

    cursor: str | None
    skip: int = 0
    done: bool = False


class PageSource(Protocol):
    def page(self, cursor: str | None, limit: int | None) -> Page: ...


# Takes each page with the position after it (what a checkpoint records).
Sink = Callable[[Page, Position], None]


class Outcome(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """How a fetch ended: what it wrote and where to continue."""

    records: int
    pages: int
    # Where to continue, when the fetch stopped before the end (one page, or --max-records).
    next_cursor: str | None
    # Records of the last page already written that a fetch from `next_cursor` repeats: only
    # when the server sent more than the `limit` asked and the page had to be cut.
    repeated: int = 0

    @property
    def complete(self) -> bool:
        return self.next_cursor is None and self.repeated == 0


class Fetch:
    """One fetch; its counters and `cursor` stay readable after an exception."""

    def __init__(
        self,
        source: PageSource,
        *,
        cursor: str | None = None,
        follow: bool = False,
        limit: int | None = None,
        max_records: int | None = None,
        skip: int = 0,
    ) -> None:
        self.source = source
        self.cursor = cursor or None  # the next page to fetch; None before the first = start
        self.follow = follow
        self.limit = limit
        self.max_records = max_records
        self.skip = skip  # records of the first page already written by an earlier run
        self.records = 0
        self.pages = 0
        self._largest_page = 0

    def run(self, sink: Sink) -> Outcome:
        while True:
            ask = self._ask()
            page = self.source.page(self.cursor, ask)
            if self.skip:
                page, self.skip = page.tail(self.skip), 0
            remaining = self._remaining()
            if remaining is not None and page.size > remaining:
                # The server sent more than asked: write what was wanted; resuming from this
                # page's own cursor repeats those records rather than silently skipping others.
                sink(page.head(remaining), Position(self.cursor, skip=remaining))
                self.records += remaining
                self.pages += 1
                return Outcome(self.records, self.pages, self.cursor, repeated=remaining)
            following = page.next_cursor
            if self.follow and self.max_records is None and following not in (None, self.cursor):
                # A source that can (HttpPages) asks for the next page while this one is being
                # written: the two waits overlap. Not with --max-records, whose asks change.
                ahead = getattr(self.source, "prefetch", None)
                if ahead is not None:
                    ahead(following, self.limit)
            sink(page, Position(following, done=following is None))
            self.records += page.size
            self.pages += 1
            self._largest_page = max(self._largest_page, page.size)
            if following is not None and following == self.cursor:
                self.cursor = None  # no cursor resumes from here: it would loop again
                raise ApiError(
                    "Rutter returned the cursor it was given as next_cursor; stopping to avoid "
                    "fetching the same page forever",
                    hint="report this to Rutter support with the connection id",
                )
            self.cursor = following
            if following is None:
                return Outcome(self.records, self.pages, None)
            if not self.follow or self._remaining() == 0:
                return Outcome(self.records, self.pages, following)

    def _remaining(self) -> int | None:
        return None if self.max_records is None else self.max_records - self.records

    def _ask(self) -> int | None:
        """The page size to ask for: --limit, trimmed so a page never passes --max-records."""
        remaining = self._remaining()
        if remaining is None:
            return self.limit
        if self.limit is not None:
            return min(self.limit, remaining)
        if self._largest_page:  # the server's own page size is known: ask less only at the end
            return remaining if remaining < self._largest_page else None
        return remaining if remaining <= MAX_ASK else None


def check_request(entity: str, limit: int | None, max_records: int | None) -> None:
    """Usage errors before any request: the entity, and counts that must be positive."""
    if entity not in ENTITIES:
        raise UsageError(
            f"fetch reads orders or transactions, not {entity!r}: Rutter documents force "
            "fetch for these two only"
        )
    for name, value in (("--limit", limit), ("--max-records", max_records)):
        if value is not None and value < 1:
            raise UsageError(f"{name} must be at least 1, not {value}")


def resume_words(cursor: str, *, in_file: bool) -> str:
    """How to go on: `--resume` with --output (the checkpoint knows where), else the cursor,
    quoted for a POSIX shell (cursors may hold characters a shell would split on)."""
    return "--resume" if in_file else f"--cursor {shlex.quote(cursor)}"


def failure_hint(
    exc: RutterctlError, job: Fetch, *, started_from: str | None, force: bool, in_file: bool
) -> str | None:
    """The hint for a fetch that failed: try --force, or how to resume."""
    if isinstance(exc, NotReady) and job.pages == 0 and not force:
        return (
            "wait with `rutterctl wait-ready CONNECTION`, or pass --force for what has synced "
            "so far (possibly incomplete)"
        )
    if job.cursor is None or (job.pages == 0 and started_from is None):
        return exc.hint
    again = (
        f"{job.records} records written; resume with {resume_words(job.cursor, in_file=in_file)}"
    )
    return f"{exc.hint}; {again}" if exc.hint else again


def continuation_note(outcome: Outcome, max_records: int | None, *, in_file: bool) -> str | None:
    """For a fetch that stopped before the end (one page, --max-records): how to go on."""
    why = "--max-records reached" if max_records == outcome.records else "more records"
    if in_file and not outcome.complete:  # the checkpoint skips what was written
        return f"note: {why}: continue with --resume"
    if outcome.next_cursor is not None:
        again = f"; its first {outcome.repeated} records repeat" if outcome.repeated else ""
        return (
            f"note: {why}: continue with {resume_words(outcome.next_cursor, in_file=False)}{again}"
        )
    if outcome.repeated:  # cut within the first page: no cursor continues from there
        return (
            f"note: {why} within a page longer than asked for; "
            "for the rest, run again with a larger --max-records"
        )
    return None
