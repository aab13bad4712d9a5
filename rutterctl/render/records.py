"""Records as they arrive: NDJSON, CSV, a streamed JSON array, a table; progress; atomic files.

Every writer takes one page at a time, writes it whole and flushes, so whatever a reader sees
is complete lines, and memory does not grow with the number of records. Records are data: they
are printed as given, never interpreted as markup.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, TextIO

from rutterctl.errors import UsageError
from rutterctl.render import term
from rutterctl.render.plain import escape_surrogates, printable

Record = dict[str, Any]
FORMATS = ("table", "json", "ndjson", "csv")
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _compact(value: Any) -> str:
    return escape_surrogates(_encode(value))


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
    def write(self, records: list[Record]) -> None: ...

    def close(self) -> None: ...


def cell(value: Any) -> str:
    """A value as text: strings as given, null empty, anything else as compact JSON."""
    if type(value) is str:
        return escape_surrogates(value)
    if value is None:
        return ""
    return _compact(value)


class NdjsonWriter:
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, records: list[Record]) -> None:
        if records:
            self.out.write("\n".join(map(_compact, records)) + "\n")
        self.out.flush()

    def close(self) -> None:
        self.out.flush()


class JsonArrayWriter:
    """`[`, one record per line, `]`: valid JSON once closed, which happens even on failure.
    Nothing is written before the first page or `close`: a fetch that fails at once prints
    nothing rather than an empty array that looks like a result."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0
        self._open = False

    def _start(self) -> None:
        if not self._open:
            self.out.write("[")
            self._open = True

    def write(self, records: list[Record]) -> None:
        self._start()
        if records:
            lead = ",\n" if self.count else "\n"
            self.out.write(lead + ",\n".join(map(_compact, records)))
            self.count += len(records)
        self.out.flush()

    def close(self) -> None:
        self._start()
        self.out.write("\n]\n")
        self.out.flush()


def csv_columns(entity: str, records: Sequence[Record]) -> list[str]:
    leading = list(CSV_LEADING.get(entity, ("id",)))
    seen = {key for record in records for key in record}
    return leading + sorted(seen.difference(leading))


def read_csv_header(path: Path) -> list[str] | None:
    """The header of an existing CSV file, to append rows that line up; None when empty."""
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle), None)


class CsvWriter:
    """Columns from the first page (or an existing file's header); nested values as JSON text."""

    def __init__(
        self,
        out: TextIO,
        entity: str,
        *,
        columns: list[str] | None = None,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.out = out
        self.entity = entity
        self.columns = columns  # given: appending under an existing header
        self.warn = warn
        self._csv = csv.writer(out, lineterminator="\n")
        self._warned = False

    def write(self, records: list[Record]) -> None:
        if self.columns is None:
            self._start(records)
        columns = self.columns
        assert columns is not None
        known = set(columns)
        rows = []
        for record in records:
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

    def __init__(self, out: TextIO, entity: str) -> None:
        self.out = out
        self.keys = [key for key, _, _ in TABLE_COLUMNS[entity]]
        self._header = "\t".join(self.keys) + "\n"  # written with the first page, or at close

    def write(self, records: list[Record]) -> None:
        lines = ["\t".join(_flat(cell(r.get(k))) for k in self.keys) + "\n" for r in records]
        self.out.write(self._header + "".join(lines))
        self._header = ""
        self.out.flush()

    def close(self) -> None:
        self.write([])


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

    def write(self, records: list[Record]) -> None:
        from rutterctl.render import layout

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
            self.write([])
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


# -- files ---------------------------------------------------------------------------------------


def ends_cleanly(path: Path) -> bool:
    """Whether a file to append to is empty or ends with a complete line."""
    with path.open("rb") as handle:
        if handle.seek(0, os.SEEK_END) == 0:
            return True
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def prepare_output(path: Path | None, fmt: str, *, resuming: bool) -> bool:
    """Check FILE can be written; whether to append to it (resuming into ndjson/csv)."""
    if path is None:
        return False
    if str(path) in FORMATS:  # elsewhere -o/--output is the format: surely a mix-up
        raise UsageError(
            f"--output takes a FILE in fetch; for the {path} format use -o {path}",
            hint=f"for a file named {str(path)!r}, write --output ./{path}",
        )
    if path.is_dir() or not path.parent.is_dir():
        raise UsageError(f"--output {path}: not a file in an existing directory")
    if not resuming or not path.exists():
        return False
    if fmt not in ("ndjson", "csv"):
        raise UsageError(
            f"--output {path} exists and -o {fmt} cannot be appended to",
            hint="resume into -o ndjson or -o csv, or write to a new file",
        )
    if not ends_cleanly(path):
        raise UsageError(f"--output {path} does not end with a complete line; fix it first")
    return True


def silence(stream: TextIO) -> None:
    """After EPIPE: point the stream's descriptor at /dev/null so the exit flush stays quiet."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        stream_fd = stream.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream_fd)
        os.close(devnull)


@contextlib.contextmanager
def output_file(
    path: Path, *, append: bool, keep: Callable[[BaseException], bool]
) -> Iterator[TextIO]:
    """Stream into `path` so that no reader ever sees a half-written file.

    Writing: into a temporary file beside `path`, fsynced and renamed over `path` at the end.
    Appending: to `path` itself, cut back to its original size if the run does not count.
    An exception for which `keep(exc)` holds (an API error after some pages) still puts what
    was written in place; any other (Ctrl-C, a bug) leaves `path` as it was.
    """
    if append:
        with path.open("a", encoding="utf-8", newline="") as handle:
            size = handle.tell()
            try:
                yield handle
            except BaseException as exc:
                if not keep(exc):
                    handle.flush()
                    handle.truncate(size)
                _sync(handle)
                raise
            _sync(handle)
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        # What `> FILE` would give: a replaced file keeps its mode, a new one follows the umask.
        os.fchmod(fd, _mode(path))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            try:
                yield handle
            except BaseException as exc:
                if keep(exc):
                    _sync(handle)
                    os.replace(tmp, path)
                raise
            _sync(handle)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _sync(handle: TextIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def make_writer(
    fmt: str,
    out: TextIO,
    entity: str,
    *,
    tty: bool,
    color: bool,
    columns: list[str] | None = None,
    warn: Callable[[str], None] | None = None,
) -> RecordWriter:
    """The writer for `-o FORMAT`; `table` is a rich table on a terminal and TSV otherwise."""
    if fmt == "ndjson":
        return NdjsonWriter(out)
    if fmt == "json":
        return JsonArrayWriter(out)
    if fmt == "csv":
        return CsvWriter(out, entity, columns=columns, warn=warn)
    if tty:
        return RichTableWriter(out, entity, color=color)
    return TsvWriter(out, entity)
