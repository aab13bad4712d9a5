"""`rutterctl wait-ready` output: progress on stderr, the summary or documents on stdout."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from rutterctl.domain.durations import format_duration
from rutterctl.domain.wait import Outcome, PollEvent, WaitResult
from rutterctl.errors import ApiError
from rutterctl.render import term
from rutterctl.render.documents import status_document
from rutterctl.render.jsonout import dumps_line
from rutterctl.render.layout import Column, Part, fit_line, print_table
from rutterctl.render.plain import printable, write_tsv
from rutterctl.secrets import redact


def progress_parts(event: PollEvent, elapsed: float | None = None) -> tuple[list[Part], str]:
    """The pieces of one connection's progress line: the synced counts give way first (cut,
    then dropped) on a narrow terminal; name, stage, batches and elapsed time never do."""
    name = redact(event.target.name)
    shown = format_duration(event.elapsed if elapsed is None else elapsed)
    if event.report is None:
        problem = event.error.message if event.error else "no answer"
        parts = [Part(name + ":"), Part(problem + ";", priority=1, cuttable=True)]
        return [*parts, Part(f"still waiting, elapsed {shown}", short=f"waiting, {shown}")], " "
    report = event.report
    counts = ", ".join(
        f"{e.name} {e.synced_count}" for e in report.status.entities if e.synced_count is not None
    )
    parts = [Part(f"{name}: {report.stage.value}")]
    if counts:
        parts.append(Part(f"synced {counts}", priority=1, cuttable=True))
    if report.batches_total:
        done, total = report.batches_completed, report.batches_total
        parts.append(Part(f"batches {done} of {total}", short=f"batches {done}/{total}"))
    parts.append(Part(f"elapsed {shown}", short=shown))
    return parts, ", "


def progress_text(event: PollEvent, elapsed: float | None = None) -> str:
    """`acme: INITIAL_SYNC, synced orders 1200, products 300, batches 0 of 3, elapsed 1m30s`."""
    parts, sep = progress_parts(event, elapsed)
    return sep.join(part.text for part in parts)


def _brief(event: PollEvent) -> str:
    """One connection in the live line of several: `acme INITIAL_SYNC 0/3`."""
    name = redact(event.target.name)
    if event.report is None:
        return f"{name} no answer"
    report = event.report
    batches = f" {report.batches_completed}/{report.batches_total}" if report.batches_total else ""
    return f"{name} {'ready' if event.satisfied else report.stage.value}{batches}"


def _columns(err: TextIO) -> int:
    """The width of the terminal stderr is on (stdout may well be piped)."""
    try:
        return os.get_terminal_size(err.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return shutil.get_terminal_size().columns


class Progress:
    """On a terminal one live line rewritten in place, its elapsed time ticking between polls
    (`paced`), covering every connection; otherwise one line per change."""

    def __init__(
        self,
        err: TextIO,
        *,
        live: bool,
        monotonic: Callable[[], float] | None = None,
        started: float = 0.0,
        width: int | None = None,
        order: Sequence[str] = (),
    ) -> None:
        self.err = err
        # The live line lists connections in argument order, whichever answered first.
        self.order = {name: index for index, name in enumerate(order)}
        self.live = live
        self.monotonic = monotonic
        self.started = started
        self.width = width if width is not None else _columns(err)
        self._latest: dict[str, PollEvent] = {}
        self.line = term.LiveLine(err)

    def __call__(self, event: PollEvent) -> None:
        self._latest[event.target.name] = event
        if self.live:
            self._draw(event.elapsed)
        elif event.changed or event.error is not None:
            self.err.write(printable(progress_text(event)) + "\n")
            self.err.flush()

    def paced(self, sleep: Callable[[float], None], step: float = 1.0) -> Callable[[float], None]:
        """`sleep`, in steps of at most `step` seconds on a terminal, redrawing after each."""
        if not self.live or self.monotonic is None:
            return sleep
        clock = self.monotonic

        def tick() -> None:
            if self._latest:
                self._draw(clock() - self.started)

        return term.ticking(sleep, tick, step)

    def _draw(self, elapsed: float) -> None:
        events = sorted(self._latest.values(), key=lambda e: self.order.get(e.target.name, 0))
        if len(events) == 1:
            parts, sep = progress_parts(events[0], elapsed)
            text = fit_line(parts, self.width, sep=sep)
        else:
            ready = sum(e.satisfied for e in events)
            head = Part(f"{ready} of {len(events)} ready, elapsed {format_duration(elapsed)}")
            briefs = " · ".join(_brief(e) for e in events)
            rest = Part(briefs, priority=1, cuttable=True, boundary=" · ")
            text = fit_line([head, rest], self.width, sep=" · ")
        self.line.show(text)

    def close(self) -> None:
        self.line.close()


def ndjson_event(event: PollEvent) -> str:
    report = event.report
    doc: dict[str, Any] = {
        "event": "poll",
        "connection": redact(event.target.name),
        "elapsed_seconds": round(event.elapsed, 3),
        "satisfied": event.satisfied,
        "stage": report.stage.value if report else None,
        "is_ready": report.status.is_ready if report else None,
        "historical_sync_completed": report.status.historical_sync_completed if report else None,
        "num_batches_completed": report.batches_completed if report else None,
        "num_batches": report.batches_total if report else None,
        "error": event.error.message if event.error else None,
    }
    return dumps_line(doc)


def error_line(result: WaitResult) -> str:
    """`error: NAME: what happened (error code, HTTP status, request id); what to do`."""
    error = result.error
    assert error is not None
    name = redact(result.target.name)
    text = error.one_line() if isinstance(error, ApiError) else error.message
    if not text.startswith(f"{name}: "):  # several connections: say which one
        text = f"{name}: {text}"
    return redact(f"error: {text}" + (f"; {error.hint}" if error.hint else ""))


def result_document(result: WaitResult) -> dict[str, Any]:
    return {
        "event": "done",
        "connection": redact(result.target.name),
        "outcome": result.outcome.value,
        "polls": result.polls,
        "elapsed_seconds": round(result.elapsed, 3),
        "status": status_document(result.report) if result.report else None,
    }


def json_documents(results: Sequence[WaitResult]) -> Any:
    """One connection: its last status document (the `status -o json` contract); several: a
    list of them in argument order (null where no status was ever read)."""
    docs = [status_document(r.report) if r.report else None for r in results]
    return docs[0] if len(docs) == 1 else docs


SUMMARY_HEADER = ["connection", "outcome", "stage", "polls", "elapsed", "detail"]


def _detail(result: WaitResult) -> str:
    if result.outcome is Outcome.READY:
        return "condition holds"
    if result.error is None:
        return ""
    detail = result.error.message
    if result.error.hint:
        detail += f"; {result.error.hint}"
    return redact(detail)


def summary_rows(results: Sequence[WaitResult]) -> list[list[str]]:
    return [
        [
            redact(r.target.name),
            r.outcome.value,
            r.report.stage.value if r.report else "-",
            str(r.polls),
            format_duration(r.elapsed),
            _detail(r),
        ]
        for r in results
    ]


def summary_plain(results: Sequence[WaitResult], out: TextIO) -> None:
    write_tsv(SUMMARY_HEADER, summary_rows(results), out)


SUMMARY_COLUMNS = [
    Column("connection", "connection"),
    Column("outcome", "outcome"),
    Column("stage", "stage"),
    Column("polls", "polls", priority=2, justify="right"),
    Column("elapsed", "elapsed"),
    Column("detail", "detail", priority=1, whole=False, min_width=24),
]


def summary_rich(results: Sequence[WaitResult], out: TextIO, *, color: bool, context: str) -> None:
    styles = {"ready": "green", "needs_update": "yellow", "disabled": "red"}
    console = term.console(out, color=color)
    rows = [[printable(cell) for cell in row] for row in summary_rows(results)]
    outcome = {row[1]: styles.get(row[1], "bold red") for row in rows}
    print_table(
        console, SUMMARY_COLUMNS, rows, styles={"outcome": outcome}, title=f"answered by {context}"
    )
