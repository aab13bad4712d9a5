"""`rutterctl watch` output: one NDJSON line per change, or a live table on a terminal.

The live table follows the one layout rule (rutterctl.render.layout): the connection, its
stage and the STALLED mark always show; batches, time since the last change, last sync age
and per-entity counts are dropped in that order (last first) when the terminal is narrow,
and a footer says so. Rows that need attention come first; the rows that fit the terminal's
height are shown and the rest counted. Below the table, a rolling log of the last
transitions. Drawn in place with rich Live; the last frame stays as the final summary.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

from rutterctl.domain.batches import FAILED, batch_status
from rutterctl.domain.durations import format_duration
from rutterctl.domain.fleet import Fleet
from rutterctl.domain.lifecycle import Stage
from rutterctl.domain.watch import TRANSITIONS, Change, Watched, Watcher
from rutterctl.errors import ApiError, RutterctlError
from rutterctl.render.check_view import person
from rutterctl.render.connections_view import STAGE_STYLE
from rutterctl.render.jsonout import dumps_line
from rutterctl.render.layout import Column, Fit, Part, cells, fit, fit_line, footer, table
from rutterctl.render.plain import printable
from rutterctl.render.timefmt import SKEW, rfc3339
from rutterctl.secrets import redact

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.live import Live

LOG_LINES = 5
BAR = 6  # cells of the batches bar
STALLED = "STALLED"
FAILED_BATCH = "FAILED"  # a batch (an entity of it) FAILED: why the sync stopped, before STALLED


def _json(value: Any) -> Any:
    return rfc3339(value) if isinstance(value, datetime) else value


def change_document(change: Change) -> dict[str, Any]:
    """The `watch -o ndjson` contract: common keys first, the event's own after them."""
    doc: dict[str, Any] = {
        "event": change.event,
        "connection": redact(change.connection),
        "connection_id": change.connection_id,
        "at": rfc3339(change.at),
        "from": _json(change.before),
        "to": _json(change.after),
        "stage": change.stage,
    }
    doc.update((key, _json(value)) for key, value in change.extra)
    return doc


def ndjson_line(change: Change) -> str:
    return dumps_line(change_document(change))


class NdjsonSink:
    """`-o ndjson`: each change as one line, flushed at once (a pipe reader sees it now)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def __call__(self, change: Change) -> None:
        self.out.write(ndjson_line(change))
        self.out.flush()


def error_line(error: RutterctlError) -> str:
    """Why a connection ended the watch: `error: NAME: what (code, request id); what to do`."""
    text = error.one_line() if isinstance(error, ApiError) else error.message
    return redact(f"error: {text}" + (f"; {error.hint}" if error.hint else ""))


# -- the live table ---------------------------------------------------------------------------

COLUMNS = (
    Column("name", "connection"),
    Column("stage", "stage"),
    Column("alert", "alert"),
    Column("batches", "batches", priority=1),
    Column("moved", "moved", priority=2, justify="right"),
    Column("last_sync", "last sync", priority=3, justify="right"),
    Column("synced", "synced", priority=4, whole=False, min_width=16),
)
ALERT_STYLE = {
    STALLED: "bold red reverse",
    FAILED_BATCH: "bold red reverse",
    "ERROR": "bold red",
    "done": "green",
}


def age(seconds: float) -> str:
    """`42s`, `12m`, `3h05m`, `2d04h`: compact, for narrow columns."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    return f"{s // 86400}d{s % 86400 // 3600:02d}h"


def every(seconds: float) -> str:
    """The polling interval: `0.5s`, `22s`, `1m30s`."""
    return f"{seconds:.2g}s" if seconds < 10 else format_duration(seconds)


def compact(count: float) -> str:
    """1200 -> 1.2k, 1000000 -> 1.0M: counts in a narrow column."""
    for size, unit in ((1_000_000_000, "G"), (1_000_000, "M"), (1_000, "k")):
        if count >= size:
            return f"{count / size:.1f}{unit}"
    return f"{count:g}"


def bar(done: int, total: int) -> str:
    if not total:
        return "-"
    filled = round(BAR * min(done, total) / total)
    return f"{done}/{total} " + "█" * filled + "░" * (BAR - filled)


def _failed_batch(w: Watched) -> bool:
    return w.report is not None and any(batch_status(b) == FAILED for b in w.report.status.batches)


def _attention(w: Watched) -> tuple[int, str]:
    """Sort key: stalled or with a failed batch, failing, blocked, syncing, ongoing, not read
    yet, then done (with --until); by name within."""
    if w.stalled or (w.error is None and _failed_batch(w)):
        rank = 0
    elif w.error is not None:
        rank = 1
    elif w.report is None:
        rank = 9
    else:
        order = (Stage.DISABLED, Stage.NEEDS_UPDATE, Stage.INITIAL_SYNC, Stage.HISTORICAL_SYNC)
        stage = w.report.stage
        rank = 2 + (order.index(stage) if stage in order else len(order))
        if w.done:
            rank += 10
    return rank, w.target.shown


def row(w: Watched, now: datetime) -> list[str]:
    name = person(w.target)
    alert = STALLED if w.stalled else ("ERROR" if w.error is not None else "")
    if w.error is None and _failed_batch(w):
        alert = FAILED_BATCH
    if not alert and w.done and w.blocked is None:
        alert = "done"
    report = w.report
    if report is None:
        return [name, "-", alert or "…", "-", "-", "-", "-"]
    s = report.status
    counts = ", ".join(
        f"{printable(e.name)} {compact(e.synced_count)}"
        for e in s.entities
        if e.synced_count is not None
    )
    last = s.last_sync_completed_at
    if last.parsed is not None:
        # A past sync stamped ahead of this machine's clock is skew (render/timefmt.py), not 0s.
        ago = (now - last.parsed).total_seconds()
        last_sync = age(ago) if ago > -SKEW else f"{age(-ago)} ahead"
    else:
        last_sync = "never" if last.raw is None else printable(last.raw)
    # Since the last progress known: for a stalled ongoing connection, its last sync.
    since = w.tracker.stall.since if w.tracker.stall is not None else w.changed_at
    moved = age((now - since).total_seconds()) if since else "-"
    return [
        name,
        report.stage.value,
        alert,
        bar(report.batches_completed, report.batches_total),
        moved,
        last_sync,
        counts or "-",
    ]


def _log_line(change: Change, names: dict[str, str]) -> list[Part]:
    """When and who stay whole; what happened is shortened between words with "…" (the full
    text is in -o ndjson), never inside a value."""
    when = rfc3339(change.at)[11:19]
    name = names.get(change.connection) or printable(redact(change.connection))
    if change.event == "stage_changed":
        what = f"{change.before or 'first seen'} → {change.after}"
    elif change.event == "batch_completed":
        what = f"batch completed: {change.before} → {change.after}"
    elif change.event == "entity_ready":
        what = f"{dict(change.extra).get('entity')} ready"
    elif change.event == "stalled":
        what = f"STALLED: {dict(change.extra).get('message')}"
    elif change.event == "resumed":
        what = "moving again"
    else:
        what = f"error: {change.after}" if change.after else "reads again"
    return [Part(f"{when} {name}"), Part(printable(what), priority=1, cuttable=True, boundary=" ")]


def _one_line_each(layout: Fit, rows: list[list[str]]) -> list[list[str]]:
    """A live table keeps one terminal row per connection (its height is planned): the
    counts, the one wrappable column, are shortened at a ", " with "…" like a live line's
    cuttable part, instead of wrapping."""
    if "synced" not in (c.key for c in layout.columns):
        return rows
    at = COLUMNS.index(next(c for c in COLUMNS if c.key == "synced"))
    room = layout.widths[[c.key for c in layout.columns].index("synced")]
    out = []
    for cells_ in rows:
        text = cells_[at]
        if cells(text) > room:
            text = fit_line([Part(text, priority=1, cuttable=True)], room + 1)
        out.append([*cells_[:at], text or "…", *cells_[at + 1 :]])
    return out


def frame(
    watched: Sequence[Watched],
    log: Sequence[Change],
    now: datetime,
    *,
    width: int,
    height: int,
    header: str,
) -> RenderableType:
    """One picture of the watch: a title line, the table, what was left out, the log."""
    from rich.console import Group
    from rich.text import Text

    ordered = sorted(watched, key=_attention)
    stalled = sum(w.stalled for w in watched)
    failing = sum(w.error is not None for w in watched)
    # On a narrow terminal the profile goes before the counts: "1 stalled" is what a watch is for.
    parts = [Part(p, priority=2 if p.startswith("profile ") else 0) for p in header.split(" · ")]
    if stalled:
        parts.append(Part(f"{stalled} stalled"))
    if failing:
        parts.append(Part(f"{failing} failing", priority=1))
    parts.append(Part(rfc3339(now), priority=3))
    title = fit_line(parts, width, sep=" · ")
    logged = list(log)[-min(LOG_LINES, max(0, (height - 8) // 3)) :] if log else []
    room = height - 3 - (len(logged) + 1 if logged else 0) - 1  # title, header, notes
    shown = ordered[: max(1, room - 1)] if len(ordered) > room else ordered
    rows = [row(w, now) for w in shown]
    layout = fit(COLUMNS, rows, width)
    styles = {"stage": STAGE_STYLE, "alert": ALERT_STYLE}
    items: list[RenderableType] = [Text(title, style="bold")]
    if layout.stacked:  # not even the essentials side by side: one line each, as a live line
        items += [Text(fit_line([Part(" ".join(r[:3]))], width)) for r in rows]
    else:
        items.append(table(layout, _one_line_each(layout, rows), styles=styles))
    notes = []
    if len(shown) < len(ordered):
        hidden = Counter(
            w.report.stage.value if w.report else "not read yet" for w in ordered[len(shown) :]
        )
        counts = ", ".join(f"{n} {label}" for label, n in hidden.most_common())
        notes.append(f"… {len(ordered) - len(shown)} more below: {counts}")
    dropped = footer(layout, "-o ndjson has every change")
    if dropped:
        notes.append(dropped)
    items += [Text(fit_line([Part(n, cuttable=True)], width), style="dim") for n in notes]
    if logged:
        items.append(Text("recent changes", style="bold"))
        people = {w.target.name: person(w.target) for w in watched}
        items += [Text(fit_line(_log_line(c, people), width, sep=" ")) for c in logged]
    return Group(*items)


class LiveView:
    """The live table on a terminal: redrawn after each poll (at most every `every` seconds
    of the injected clock) and while the scheduler sleeps; stopped in every case."""

    def __init__(
        self,
        out: TextIO,
        color: bool,
        header: str,
        now: Callable[[], datetime],
        monotonic: Callable[[], float],
        *,
        width: int | None = None,
        height: int | None = None,
        capture_stderr: bool = False,
        every: float = 0.25,
    ) -> None:
        from rutterctl.render import term

        self.console: Console = term.console(out, color=color)
        self._size = (width, height)  # None: the terminal's, read at each frame (resizes)
        self.capture_stderr = capture_stderr
        self.header = header
        self.now = now
        self.monotonic = monotonic
        self.every = every
        self.watched: Sequence[Watched] = ()
        self.log: deque[Change] = deque(maxlen=LOG_LINES)
        self._live: Live | None = None
        self._drawn: float | None = None

    def start(self, watched: Sequence[Watched]) -> None:
        from rich.live import Live

        self.watched = watched
        self._live = Live(
            console=self.console,
            auto_refresh=False,
            transient=False,
            redirect_stdout=False,
            # A warning on the same terminal (a retry) is printed above the table, not over it.
            redirect_stderr=self.capture_stderr,
        )
        self._live.start()
        self.draw(force=True)

    def on_change(self, change: Change) -> None:
        if change.event in TRANSITIONS:
            self.log.append(change)

    def attach(self, watcher: Watcher, watched: Sequence[Watched], fleet: Fleet) -> None:
        """Draw `watched` through `watcher`'s polls and `fleet`'s sleeps; started here."""
        fleet.sleep = self.paced(fleet.sleep)
        watcher.on_change, watcher.on_poll = self.on_change, self.polled
        self.start(watched)

    def polled(self, _watched: Watched) -> None:
        self.draw()

    def draw(self, *, force: bool = False) -> None:
        if self._live is None:
            return
        clock = self.monotonic()
        if not force and self._drawn is not None and clock - self._drawn < self.every:
            return
        self._drawn = clock
        picture = frame(
            self.watched,
            self.log,
            self.now(),
            width=self._size[0] or self.console.width,
            height=self._size[1] or self.console.height,
            header=self.header,
        )
        self._live.update(picture, refresh=True)

    def paced(self, sleep: Callable[[float], None]) -> Callable[[float], None]:
        """`sleep`, redrawn every second: ages tick while the scheduler waits."""
        from rutterctl.render import term

        return term.ticking(sleep, lambda: self.draw(force=True))

    def stop(self) -> None:
        """The last frame (it stays as the summary), then the cursor and terminal restored."""
        live, self._live = self._live, None
        if live is None:
            return
        try:
            self._live = live
            self.draw(force=True)
        finally:
            self._live = None
            live.stop()
