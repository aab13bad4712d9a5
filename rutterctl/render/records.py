"""Records as they arrive: NDJSON, CSV, a streamed JSON array, a table; progress.

Every writer takes one page at a time, writes it whole and flushes, so whatever a reader sees
is complete lines, and memory does not grow with the number of records. Records are data: they
are printed as given, never interpreted as markup, and numbers keep the digits Rutter sent
(`Page.texts` when the decoder has them, `Number` otherwise; see rutterctl.api.pages).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TextIO

from rutterctl.domain.fetch import Number, Page
from rutterctl.render import term
from rutterctl.render.plain import escape_surrogates, printable

Record = dict[str, Any]
FORMATS = ("table", "json", "ndjson", "csv")
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _fragment(value: Any) -> Any:
    import orjson

    if isinstance(value, Number):
        return orjson.Fragment(value.text)
    raise TypeError(type(value).__name__)


def to_json(value: Any) -> str:
    """Compact JSON, the bytes Python's json would write (non-ASCII as is), with each `Number`
    as Rutter wrote it. orjson first; the standard library for what it refuses (a lone
    surrogate, written as its escape)."""
    import orjson

    try:
        return orjson.dumps(value, default=_fragment).decode()
    except TypeError:
        return _py_json(value)


def _py_json(value: Any) -> str:
    if isinstance(value, Number):
        return value.text
    if isinstance(value, dict):
        items = (f"{_py_json(str(k))}:{_py_json(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(map(_py_json, value)) + "]"
    return escape_surrogates(_encode(value))


def record_texts(page: Page) -> list[str]:
    return page.texts if page.texts is not None else list(map(to_json, page.records))


class Out(Protocol):
    """What writers write to: a text stream, flushed after each page."""

    def write(self, text: str, /) -> int: ...

    def flush(self) -> None: ...


# CSV: these first (the fields Rutter's reference marks required, in its order), then the
# first page's other keys, alphabetically. Fixed by the first page, so appends line up.
CSV_LEADING = {
    "orders": (
        "id", "payment_status", "status", "total_discount", "total_price", "fulfillment_status",
        "iso_currency_code", "total_shipping", "total_tax", "billing_address",
        "shipping_address", "customer", "fulfillments", "line_items", "created_at", "updated_at",
    ),
    "transactions": (
        "id", "order_id", "payment_method_type", "status", "type", "amount", "gateway",
        "iso_currency_code", "created_at", "updated_at",
    ),
}  # fmt: skip
# The table: what a person scans for; (key, heading, priority) under render/layout.py's rule.
# Ids and money (amount and currency) are priority 0: never dropped, never cut; when the
# terminal is narrow the others go, least useful first, and a footer names them.
TABLE_COLUMNS = {
    "orders": (
        ("id", "id", 0), ("order_number", "number", 4), ("created_at", "created", 1),
        ("status", "status", 2), ("payment_status", "payment", 3),
        ("fulfillment_status", "fulfillment", 5), ("total_price", "total", 0),
        ("iso_currency_code", "cur", 0),
    ),
    "transactions": (
        ("id", "id", 0), ("order_id", "order", 3), ("created_at", "created", 1),
        ("type", "type", 2), ("status", "status", 2), ("amount", "amount", 0),
        ("iso_currency_code", "cur", 0), ("payment_method_type", "method", 5),
    ),
}  # fmt: skip
MONEY = ("total_price", "amount")


class RecordWriter(Protocol):
    def write(self, page: Page) -> None: ...

    def close(self) -> None: ...


def cell(value: Any) -> str:
    """A value as text: strings as given, null empty, anything else as compact JSON."""
    if type(value) is str:
        return escape_surrogates(value)
    if value is None:
        return ""
    if isinstance(value, Number):
        return value.text
    return to_json(value)


class NdjsonWriter:
    def __init__(self, out: Out) -> None:
        self.out = out

    def write(self, page: Page) -> None:
        if page.size:
            self.out.write("\n".join(record_texts(page)) + "\n")
        self.out.flush()

    def close(self) -> None:
        self.out.flush()


class JsonArrayWriter:
    """`[`, one record per line, `]`: valid JSON once closed, which happens even on failure.
    Nothing is written before the first page or `close`: a fetch that fails at once prints
    nothing rather than an empty array that looks like a result. `opened`/`count`: a file
    resumed after `[` and `count` records."""

    def __init__(self, out: Out, *, opened: bool = False, count: int = 0) -> None:
        self.out = out
        self.count = count
        self._open = opened

    def _start(self) -> None:
        if not self._open:
            self.out.write("[")
            self._open = True

    def write(self, page: Page) -> None:
        self._start()
        if page.size:
            lead = ",\n" if self.count else "\n"
            self.out.write(lead + ",\n".join(record_texts(page)))
            self.count += page.size
        self.out.flush()

    def close(self) -> None:
        self._start()
        self.out.write("\n]\n")
        self.out.flush()


def csv_columns(entity: str, records: Sequence[Record]) -> list[str]:
    leading = list(CSV_LEADING.get(entity, ("id",)))
    seen = {key for record in records for key in record}
    return leading + sorted(seen.difference(leading))


class CsvWriter:
    """Columns from the first page (or an existing file's header); nested values as JSON text."""

    def __init__(
        self,
        out: Out,
        entity: str,
        *,
        columns: list[str] | None = None,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.out = out
        self.entity = entity
        self.columns = columns  # given: appending under an existing header
        self.warn = warn
        import csv  # 0.4 ms, for -o csv only

        self._csv = csv.writer(out, lineterminator="\n")
        self._warned = False

    def write(self, page: Page) -> None:
        if self.columns is None:
            self._start(page.records)
        columns = self.columns
        assert columns is not None
        known = set(columns)
        rows = []
        for record in page.records:
            if not self._warned and not known.issuperset(record):
                self._extra(sorted(set(record) - known))
            rows.append([cell(record.get(key)) for key in columns])
        self._csv.writerows(rows)
        self.out.flush()

    def close(self) -> None:
        if self.columns is None:
            self._start([])
        self.out.flush()

    def _start(self, records: Sequence[Record]) -> None:
        self.columns = csv_columns(self.entity, records)
        self._csv.writerow(self.columns)

    def _extra(self, keys: list[str]) -> None:
        self._warned = True
        if self.warn is not None:
            self.warn(
                f"warning: records have keys not in the CSV header, left out: {', '.join(keys)}"
                " (the columns are fixed by the first page; -o ndjson keeps every key)"
            )


class TsvWriter:
    """The table when piped: a header line, then tab-separated rows of the table's columns."""

    def __init__(self, out: Out, entity: str, *, started: bool = False) -> None:
        self.out = out
        self.keys = [key for key, _, _ in TABLE_COLUMNS[entity]]
        # Written with the first page, or at close; not again in a resumed file.
        self._header = "" if started else "\t".join(self.keys) + "\n"

    def write(self, page: Page) -> None:
        rows = page.records
        lines = ["\t".join(_flat(cell(r.get(k))) for k in self.keys) + "\n" for r in rows]
        self.out.write(self._header + "".join(lines))
        self._header = ""
        self.out.flush()

    def close(self) -> None:
        self.write(Page([], None))


def _flat(text: str) -> str:
    # One cell of a table for people: on one line, and Rutter's data never drives the terminal.
    return printable(text.replace("\t", " ").replace("\n", " ").replace("\r", " "))


class RichTableWriter:
    """On a terminal: one table per page, laid out by render/layout.py. The first page fixes
    which columns fit; later pages keep (or widen) its widths, so pages line up and a longer
    amount is never cut. A footer at the end names the columns left out."""

    def __init__(self, out: TextIO, entity: str, *, color: bool) -> None:
        from rutterctl.render.layout import Column

        self.console = term.console(out, color=color)
        self.columns = [
            Column(key, heading, priority=priority, justify="right" if key in MONEY else "left")
            for key, heading, priority in TABLE_COLUMNS[entity]
        ]
        self._first = True
        self._widths: dict[str, int] = {}
        self._dropped: list[Any] = []

    def write(self, page: Page) -> None:
        from rutterctl.render import layout

        records = page.records
        if not records and not self._first:
            return
        rows = [[_shown(c.key, r.get(c.key)) for c in self.columns] for r in records]
        fit = layout.fit(self.columns, rows, self.console.width, floors=self._widths)
        self.columns = list(fit.columns)  # what the first page left out stays out
        self._dropped += fit.dropped
        self._widths = dict(zip((c.key for c in fit.columns), fit.widths, strict=True))
        if fit.stacked:
            for key, value in layout.stacked_lines(fit, rows):
                self.console.print(f"{key}{value}", soft_wrap=True)
        else:
            self.console.print(layout.table(fit, rows, show_header=self._first))
        self._first = False
        self.console.file.flush()

    def close(self) -> None:
        from rich.text import Text

        from rutterctl.render import layout

        if self._first:
            self.write(Page([], None))
        note = layout.footer(layout.Fit(self.console.width, (), (), tuple(self._dropped)))
        if note:
            self.console.print(Text(note, style="dim"))


def _shown(key: str, value: Any) -> str:
    """For people: `2026-11-27T10:00:00.000Z` as `2026-11-27 10:00:00` (UTC, like Rutter)."""
    text = _flat(cell(value))
    if key.endswith("_at") and len(text) >= 19 and text[10:11] == "T":
        return text[:10] + " " + text[11:19]
    return text


class Progress:
    """Records, pages and records/s on stderr: one line rewritten in place, on a terminal only."""

    def __init__(self, err: TextIO, *, live: bool, monotonic: Callable[[], float]) -> None:
        self.line = term.LiveLine(err)
        self.live = live
        self.monotonic = monotonic
        self.started = monotonic()

    def update(self, records: int, pages: int) -> None:
        if self.live:
            self.line.show(self.text(records, pages))

    def clear(self) -> None:
        self.line.clear()

    def text(self, records: int, pages: int) -> str:
        elapsed = self.monotonic() - self.started
        rate = f", {records / elapsed:,.0f} records/s" if elapsed > 0 else ""
        return f"{_count(records, 'record')}, {_count(pages, 'page')}{rate}"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def silence(stream: TextIO) -> None:
    """After EPIPE: point the stream's descriptor at /dev/null so the exit flush stays quiet."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        stream_fd = stream.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream_fd)
        os.close(devnull)


def make_writer(
    fmt: str,
    out: Out,
    entity: str,
    *,
    tty: bool,
    color: bool,
    columns: list[str] | None = None,
    warn: Callable[[str], None] | None = None,
    before: tuple[int, int] = (0, 0),
) -> RecordWriter:
    """The writer for `-o FORMAT`; `table` is a rich table on a terminal and TSV otherwise.
    `before`: the (pages, records) a resumed file holds already; `columns`: its CSV header."""
    pages, records = before
    if fmt == "ndjson":
        return NdjsonWriter(out)
    if fmt == "json":
        return JsonArrayWriter(out, opened=pages > 0, count=records)
    if fmt == "csv":
        return CsvWriter(out, entity, columns=columns, warn=warn)
    if tty:
        return RichTableWriter(out, entity, color=color)  # type: ignore[arg-type]
    return TsvWriter(out, entity, started=pages > 0)
