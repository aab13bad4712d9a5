"""The `watch` use case: poll connections through the fleet scheduler and turn each reading
into the changes it shows (never one event per poll, like `kubectl get -w`).

Each connection keeps its last reading and a stall tracker (`rutterctl.domain.stall`). A
reading becomes zero or more `Change`s: `stage_changed` (the first reading of a connection
is one, from None), `batch_completed`, `entity_ready`, `progress` (counts, dates, last sync),
`stalled` / `resumed`, and `error` (a poll failed, or, with `to` None, reads again). The
interval never asks more of the organisation's budget than the fleet scheduler allows for
the fleet's size. With a condition (`--until`), a connection that reaches it, needs an
update or is disabled is done; the run ends when all are done. Pure: the clock and the
fetch are injected, and the fleet (with its own injected sleep) does the waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rutterctl.domain.fleet import DeadlineReached, Done, Fleet, Target
from rutterctl.domain.lifecycle import Stage
from rutterctl.domain.stall import Reading, Snapshot, StallPolicy, StallTracker
from rutterctl.domain.status import StatusReport
from rutterctl.domain.wait import Condition
from rutterctl.errors import (
    ApiError,
    ConnectionDisabled,
    ConnectionNeedsUpdate,
    CredentialsRejected,
    RutterctlError,
    Unavailable,
)

DEFAULT_INTERVAL = 10.0  # seconds: a live view; the budget, not this, limits a large fleet
EVENTS = (
    "stage_changed",
    "batch_completed",
    "entity_ready",
    "progress",
    "stalled",
    "resumed",
    "error",
)
# What a change-log line is worth showing to people: progress is in the table already.
TRANSITIONS = frozenset(EVENTS) - {"progress"}


@dataclass(frozen=True)
class Change:
    """One change of one connection: the `-o ndjson` line of `watch` (see the README)."""

    event: str
    connection: str
    connection_id: str | None
    at: datetime
    before: Any  # "from"
    after: Any  # "to"
    stage: str | None
    extra: tuple[tuple[str, Any], ...] = ()


@dataclass
class Watched:
    """One connection as the watch sees it (what the live table shows)."""

    target: Target
    tracker: StallTracker
    report: StatusReport | None = None
    error: RutterctlError | None = None
    polls: int = 0
    done: bool = False  # with a condition: reached it, or blocked (needs update, disabled)
    blocked: RutterctlError | None = None  # why it is done without the condition

    @property
    def connection_id(self) -> str | None:
        if self.report is not None and self.report.status.connection_id:
            return self.report.status.connection_id
        return self.target.connection_id

    @property
    def stalled(self) -> bool:
        return self.tracker.stall is not None

    @property
    def changed_at(self) -> datetime | None:
        return self.tracker.changed_at


def _entity_fields(snap: Snapshot | None, name: str) -> dict[str, Any]:
    mark = snap.entity(name) if snap is not None else None
    if mark is None:
        return {"synced_count": None, "ready": None, "oldest": None, "newest": None}
    return {
        "synced_count": mark.synced_count,
        "ready": mark.ready,
        "oldest": mark.oldest,
        "newest": mark.newest,
    }


def _progress(before: Snapshot, after: Snapshot) -> tuple[dict[str, Any], dict[str, Any]]:
    """What moved, as `from` and `to` objects holding only the keys that changed:
    `{"entities": {"orders": {"synced_count": 120}}, "last_sync_completed_at": "..."}`."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    names = [e.name for e in after.entities] + [
        e.name for e in before.entities if after.entity(e.name) is None
    ]
    for name in names:
        was, now = _entity_fields(before, name), _entity_fields(after, name)
        # An entity becoming ready is its own event; readiness lost is progress (backwards).
        keys = [
            k
            for k in was
            if was[k] != now[k] and not (k == "ready" and was[k] is False and now[k] is True)
        ]
        if keys:
            old.setdefault("entities", {})[name] = {k: was[k] for k in keys}
            new.setdefault("entities", {})[name] = {k: now[k] for k in keys}
    if before.last_sync != after.last_sync:
        old["last_sync_completed_at"] = before.last_sync
        new["last_sync_completed_at"] = after.last_sync
    if after.batches_completed < before.batches_completed:  # a reset: not a completed batch
        old["batches_completed"] = before.batches_completed
        new["batches_completed"] = after.batches_completed
    return old, new


def changes_of(w: Watched, reading: Reading, at: datetime) -> list[Change]:
    """The changes one reading shows, in a fixed order (stage first, stall last)."""
    after, before = reading.after, reading.before
    stage = after.stage.value

    def change(event: str, old: Any, new: Any, *extra: tuple[str, Any]) -> Change:
        return Change(event, w.target.name, w.connection_id, at, old, new, stage, extra)

    if before is None:
        out = [change("stage_changed", None, stage)]
    else:
        out = []
        if before.stage is not after.stage:
            out.append(change("stage_changed", before.stage.value, stage))
        if after.batches_completed > before.batches_completed:
            out.append(
                change(
                    "batch_completed",
                    before.batches_completed,
                    after.batches_completed,
                    ("batches_total", after.batches_total),
                )
            )
        for mark in after.entities:
            old = before.entity(mark.name)
            if mark.ready and (old is None or not old.ready):
                out.append(change("entity_ready", False, True, ("entity", mark.name)))
        old_fields, new_fields = _progress(before, after)
        if new_fields:
            out.append(change("progress", old_fields, new_fields))
    if reading.began and reading.stall is not None:
        stall = reading.stall
        out.append(
            change(
                "stalled",
                "moving",
                "stalled",
                ("since", stall.since),
                ("stalled_seconds", round(stall.stalled_for, 3)),
                ("threshold_seconds", stall.threshold),
                ("message", stall.describe()),
            )
        )
    if reading.resumed:
        out.append(change("resumed", "stalled", "moving"))
    return out


@dataclass
class Watcher:
    fetch: Callable[[str], StatusReport]
    monotonic: Callable[[], float]
    now: Callable[[], datetime]
    interval: float = DEFAULT_INTERVAL
    policy: StallPolicy = field(default_factory=StallPolicy)
    until: Condition | None = None
    on_change: Callable[[Change], None] = lambda _change: None
    on_poll: Callable[[Watched], None] = lambda _watched: None

    def targets(self, targets: Sequence[Target]) -> list[Watched]:
        return [Watched(t, StallTracker(self.policy)) for t in targets]

    def run(self, watched: list[Watched], fleet: Fleet) -> bool:
        """Poll until every connection is done (True) or the fleet's deadline passes (False).
        Without a condition it ends only at the deadline (or an interrupt)."""

        def work(w: Watched) -> StatusReport:
            w.polls += 1
            return self.fetch(w.target.access_token)

        def decide(done: Done[Watched, StatusReport]) -> float | None:
            w = done.item
            due_in = self.absorb(w, done.value, done.error)
            if w.done:
                return None
            # Poll when it would count as stalled rather than an interval later; the fleet
            # still spaces polls to the budget.
            delay = self.interval if due_in is None else min(self.interval, due_in)
            spaced = max(delay, fleet.spacing(sum(not x.done for x in watched)))
            if fleet.deadline is not None and self.monotonic() + spaced >= fleet.deadline:
                return None  # a watch ends at its deadline: no last poll there
            return delay

        for _ in fleet.poll(watched, work, decide):
            pass
        finished = all(w.done for w in watched)
        if not finished and fleet.deadline is not None:
            # The last polls came before the deadline (no burst at it); the watch still
            # lasts until then (a live view keeps ticking through this sleep).
            left = fleet.deadline - self.monotonic()
            if left > 0:
                fleet.sleep(left)
        return finished

    def effective_interval(self, fleet: Fleet, count: int) -> float:
        """The interval a fleet of `count` connections really gets: never above its budget."""
        return max(self.interval, fleet.spacing(count))

    def absorb(
        self, w: Watched, report: StatusReport | None, error: RutterctlError | None
    ) -> float | None:
        """Take one poll's result: emit its changes; returns seconds until it would stall."""
        at = report.checked_at if report is not None else self.now()
        if isinstance(error, CredentialsRejected):
            raise error  # every other connection would fail the same way
        due_in: float | None = None
        if isinstance(error, DeadlineReached):
            pass  # the end of the watch (a pause past --timeout refused), not the connection's
        elif error is not None:
            if w.error is None or w.error.message != error.message:
                self.on_change(self._error_change(w, at, error))
            w.error = error
            self._blocked_by_error(w, error)
        else:
            assert report is not None
            if w.error is not None:
                self.on_change(self._error_change(w, at, None))
                w.error = None
            w.report = report
            reading = w.tracker.observe(report, at)
            for change in changes_of(w, reading, at):
                self.on_change(change)
            due_in = reading.due_in
            self._check_done(w, report)
        self.on_poll(w)
        return due_in

    def _error_change(self, w: Watched, at: datetime, error: RutterctlError | None) -> Change:
        def text(e: RutterctlError | None) -> str | None:
            if e is None:
                return None
            return e.one_line() if isinstance(e, ApiError) else e.message

        stage = w.report.stage.value if w.report is not None else None
        return Change(
            "error", w.target.name, w.connection_id, at, text(w.error), text(error), stage
        )

    def _blocked_by_error(self, w: Watched, error: RutterctlError) -> None:
        """With a condition, a connection error Rutter gives for the status itself ends that
        connection's watch like wait-ready's; a transient failure is polled again."""
        if self.until is None or isinstance(error, Unavailable):
            return
        w.done, w.blocked = True, error

    def _check_done(self, w: Watched, report: StatusReport) -> None:
        if self.until is None:
            return
        name = w.target.name
        if report.stage is Stage.DISABLED:
            reason = report.status.disabled_reason or "no reason given"
            w.blocked = ConnectionDisabled(
                f"{name}: the connection is disabled ({reason})",
                hint=f"`rutterctl reasons {name}` explains it",
            )
        elif report.stage is Stage.NEEDS_UPDATE:
            w.blocked = ConnectionNeedsUpdate(
                f"{name}: the connection needs an update",
                hint=f"send the merchant {report.status.link_url or 'the link_url'} to reconnect",
            )
        elif not self.until.holds(report.status):
            return
        w.done = True
