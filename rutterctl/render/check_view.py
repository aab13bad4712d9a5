"""`rutterctl check` output: the findings table, the json/ndjson documents, the progress line.

Every writer is a sink: `add(result)` as each connection is checked, `finish(summary, code)`
at the end. Streaming sinks (ndjson, json) write as results arrive; the others keep only
what they print (a few strings per finding), never the status documents, so memory stays
flat for 10,000 connections.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import IO, Any, Protocol, TextIO

from rutterctl.domain.check import SEVERITY, CheckResult, Finding, Kind, Level, Summary
from rutterctl.domain.fleet import Target
from rutterctl.render import term
from rutterctl.render.jsonout import dumps_line
from rutterctl.render.layout import Column, Pair, Part, cells, fit_line, pair_lines, print_table
from rutterctl.render.plain import escape_surrogates, printable, write_tsv
from rutterctl.secrets import redact


class Sink(Protocol):
    def add(self, result: CheckResult) -> None: ...

    def finish(self, summary: Summary, code: int) -> None: ...


# -- documents (the -o json / ndjson contract, documented in the README) ----------------------


def result_document(result: CheckResult) -> dict[str, Any]:
    report = result.report
    status = report.status if report is not None else None
    return {
        "connection": redact(result.target.name),
        "connection_id": result.connection_id,
        "platform": status.platform if status else None,
        "stage": report.stage.value if report else None,
        "result": result.level.value,
        "findings": [
            {
                "kind": finding.kind.value,
                "level": level.value,
                "message": redact(finding.message),
                **dict(finding.data),
            }
            for finding, level in result.findings
        ],
        "disabled_reason": status.disabled_reason if status else None,
        "link_url": status.link_url if status else None,
        "created_at": status.created_at.raw if status else None,
        "last_sync_completed_at": status.last_sync_completed_at.raw if status else None,
        "checked_at": _utc(result),
    }


def _utc(result: CheckResult) -> str:
    return result.checked_at.isoformat(timespec="seconds").replace("+00:00", "Z")


def summary_document(summary: Summary, code: int) -> dict[str, Any]:
    return {
        "checked": summary.checked,
        "healthy": summary.healthy,
        "failing": summary.failing,
        "warning": summary.warning,
        "findings": {kind.value: summary.by_kind[kind] for kind in Kind},
        "worst": summary.worst.value if summary.worst else None,
        "exit_code": code,
        "fail_on": sorted(k.value for k in summary.policy.fail_on),
        "warn_on": sorted(k.value for k in summary.policy.warn_on),
        "max_initial_sync_seconds": summary.limits.max_initial_sync,
        "max_sync_age_seconds": summary.limits.max_sync_age,
        "sync_period_seconds": summary.limits.sync_period,  # `stalled`: three of these
    }


def summary_line(summary: Summary) -> str:
    """`5 connections checked: 2 healthy, 2 failing, 1 warning`."""
    noun = "connection" if summary.checked == 1 else "connections"
    warnings = f"{summary.warning} warning{'s' if summary.warning != 1 else ''}"
    return (
        f"{summary.checked} {noun} checked: {summary.healthy} healthy, "
        f"{summary.failing} failing, {warnings}"
    )


class NdjsonSink:
    """One line per connection, written and flushed as it is checked."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def add(self, result: CheckResult) -> None:
        self.out.write(dumps_line(result_document(result)))
        self.out.flush()

    def finish(self, summary: Summary, code: int) -> None:
        return None


class JsonSink:
    """`{"connections": [...], "summary": {...}}`, the connections streamed as checked (the
    summary is known only at the end, so it comes last; key order means nothing in JSON)."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.count = 0

    def add(self, result: CheckResult) -> None:
        lead = '{\n  "connections": [\n' if self.count == 0 else ",\n"
        self.out.write(lead + _indented(result_document(result), "    "))
        self.count += 1

    def finish(self, summary: Summary, code: int) -> None:
        head = "\n  ],\n" if self.count else '{\n  "connections": [],\n'
        self.out.write(f'{head}  "summary": {_indented(summary_document(summary, code), "  ")[2:]}')
        self.out.write("\n}\n")


def _indented(doc: Any, indent: str) -> str:
    text = escape_surrogates(json.dumps(doc, indent=2, ensure_ascii=False))
    return "\n".join(indent + line for line in text.splitlines())


# -- the table ------------------------------------------------------------------------------

# The terminal layout (render/layout.py's rule): the connection and the finding are whole; the
# message is prose and wraps; platform, stage, then the result column go first when it is
# narrow (the finding is coloured by the policy's level, and failures come first anyway).
# A link_url is too long to share a row: the table names it and lists it below, whole.
COLUMNS = (
    Column("connection", "connection"),
    Column("platform", "platform", priority=3),
    Column("stage", "stage", priority=2),
    Column("result", "result", priority=1),
    Column("finding", "finding"),
    Column("message", "message", whole=False, min_width=20),
)
PLAIN_HEADER = ("connection", "connection_id", "platform", "stage", "result", "finding", "message")
SHORT = {"failure": "FAIL", "warning": "WARN", "ignored": "note", "ok": "ok"}
RESULT_STYLE = {"FAIL": "bold red", "WARN": "yellow", "ok": "green", "note": "dim"}
LEVELS = (Level.FAILURE, Level.WARNING, Level.IGNORED, Level.OK)


def _message(finding: Finding, *, link_below: bool) -> str:
    text = finding.message
    if link_below:  # a link_url is too long for a table cell: it is listed whole below it
        for key, url in finding.data:
            if key == "link_url" and url:
                text = text.replace(str(url), "its link_url (below)")
    return printable(redact(text))


def rows_of(result: CheckResult, *, link_below: bool = False) -> list[list[str]]:
    """One row per finding (a healthy connection: one row without a finding), in the order
    of PLAIN_HEADER."""
    report = result.report
    base = [
        printable(redact(result.target.name)),
        result.connection_id or "-",
        printable(report.status.platform or "-") if report else "-",
        report.stage.value if report else "-",
    ]
    if not result.findings:
        return [[*base, result.level.value, "-", "-"]]
    return [
        [*base, level.value, finding.kind.value, _message(finding, link_below=link_below)]
        for finding, level in result.findings
    ]


NAME_WIDTH = 36  # a connection id's: a store name shown instead is never wider


def person(target: Target) -> str:
    """A connection on a terminal: the alias or id typed, else the store name the cache holds
    (capped at an id's width: a table's connection column stays whole), else the id."""
    name = printable(redact(target.shown))
    return fit_line([Part(name, cuttable=True)], NAME_WIDTH) if cells(name) > NAME_WIDTH else name


def _links(result: CheckResult) -> list[tuple[str, str]]:
    return [
        (person(result.target), str(url))
        for finding, _ in result.findings
        for key, url in finding.data
        if key == "link_url" and url
    ]


def _tty_row(r: list[str]) -> list[str]:
    """A PLAIN_HEADER row in the order of COLUMNS."""
    return [r[0], r[2], r[3], SHORT.get(r[4], r[4]), r[5], r[6]]


class TableSink:
    """The findings table: healthy connections are counted, not listed, unless `show_all`.
    On a terminal a summary line and a fitted table; piped, tab-separated rows (the summary
    line then goes to stderr, keeping stdout to rows)."""

    def __init__(
        self,
        out: TextIO,
        *,
        err: TextIO,
        tty: bool,
        color: bool,
        show_all: bool,
        context: str | None = None,
    ) -> None:
        self.out, self.err, self.tty, self.color = out, err, tty, color
        self.show_all = show_all
        self.context = context
        self._rows: list[tuple[tuple[int, int, int], list[list[str]]]] = []
        self._links: list[tuple[str, str]] = []

    def add(self, result: CheckResult) -> None:
        if result.level is Level.OK and not self.show_all:
            return
        worst = min((SEVERITY.index(f.kind) for f, _ in result.findings), default=len(SEVERITY))
        rows = rows_of(result, link_below=self.tty)
        if self.tty:  # people read a store name better than an id (piped rows keep the id)
            rows = [[person(result.target), *r[1:]] for r in rows]
        self._rows.append(((LEVELS.index(result.level), worst, len(self._rows)), rows))
        self._links += _links(result)

    def _ranked(self) -> list[list[str]]:
        return [row for _, rows in sorted(self._rows, key=lambda r: r[0]) for row in rows]

    def finish(self, summary: Summary, code: int) -> None:
        rows = self._ranked()
        line = summary_line(summary)
        if not self.tty:
            self.err.write(line + "\n")
            write_tsv(PLAIN_HEADER, rows, self.out)
            return
        from rich.text import Text

        console = term.console(self.out, color=self.color)
        parts = [Part(line)] + ([Part(self.context, priority=1)] if self.context else [])
        console.print(Text(fit_line(parts, console.width, sep=" · "), style="bold"))
        if not rows:
            return
        console.print()
        table_rows = [_tty_row(r) for r in rows]
        policy = summary.policy
        by_kind = {k.value: RESULT_STYLE[SHORT[policy.level(k).value]] for k in Kind}
        print_table(
            console, COLUMNS, table_rows, styles={"result": RESULT_STYLE, "finding": by_kind}
        )
        if self._links:
            console.print()
            console.print(Text("send each merchant their link_url to reconnect:", style="bold"))
            pairs = [Pair(name, url, whole=True) for name, url in self._links]
            for key, value in pair_lines(pairs, console.width):
                console.print(Text.assemble(key, value), soft_wrap=True)


# -- progress on stderr ---------------------------------------------------------------------


class Progress:
    """On a terminal, one live line: `checked 340 of 1000: 3 failing, 5 warnings`, redrawn at
    most every `every` seconds; nothing otherwise (CI logs get the summary and annotations)."""

    def __init__(
        self, err: TextIO, *, live: bool, monotonic: Callable[[], float], every: float = 0.1
    ) -> None:
        self.line = term.LiveLine(err) if live else None
        self.monotonic = monotonic
        self.every = every
        self.last: float | None = None

    def __call__(self, summary: Summary) -> None:
        if self.line is None:
            return
        now = self.monotonic()
        if self.last is not None and now - self.last < self.every:
            return
        self.last = now
        of = f" of {summary.total}" if summary.total is not None else ""
        self.line.show(
            f"checked {summary.checked}{of}: {summary.failing} failing, {summary.warning} warnings"
        )

    def close(self) -> None:
        if self.line is not None:
            self.line.clear()


class SpoolSink:
    """A sink writing to a temporary spool (memory, then disk past a megabyte); `finish` hands
    the whole text to `save` (an atomic write): a report file is never half-written."""

    def __init__(self, make: Callable[[IO[str]], Sink], save: Callable[[str], None]) -> None:
        import tempfile

        self.spool: IO[str] = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed in finish
            max_size=1 << 20, mode="w+", encoding="utf-8"
        )
        self.sink = make(self.spool)
        self.save = save

    def add(self, result: CheckResult) -> None:
        self.sink.add(result)

    def finish(self, summary: Summary, code: int) -> None:
        self.sink.finish(summary, code)
        self.spool.seek(0)
        text = self.spool.read()
        self.spool.close()
        self.save(text)
