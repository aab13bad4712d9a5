"""The `wait-ready` use case: poll connections until a condition holds, fails, or time runs out.

The fleet scheduler (`rutterctl.domain.fleet`) serves any number of connections: each has its
own next poll time, the scheduler sleeps (injected) until the earliest one, never past the
shared deadline, and polls several connections concurrently under the pacing budget. This
module decides what each poll means and when the next one is due. Nothing here knows HTTP or
terminals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from rutterctl.domain.fleet import (
    DEFAULT_WORKERS,
    EPSILON,
    Budget,
    DeadlineReached,
    Done,
    Fleet,
    Target,
    deadline_sleep,
)
from rutterctl.domain.lifecycle import Stage
from rutterctl.domain.models import ConnectionStatus
from rutterctl.domain.stall import StallPolicy, StallTracker
from rutterctl.domain.status import StatusReport
from rutterctl.errors import (
    ConnectionDisabled,
    ConnectionNeedsUpdate,
    RutterctlError,
    SyncStalled,
    Unavailable,
    UsageError,
    WaitTimeout,
)

# They moved to the fleet scheduler; still importable from here.
__all__ = ["DeadlineReached", "Target", "deadline_sleep"]

DEFAULT_INTERVAL = 15.0  # seconds; Rutter's own cadence is minutes, so 15 s loses nothing
BACKOFF_FACTOR = 1.5
MAX_INTERVAL_FACTOR = 4.0  # backing off never polls less often than every 4 intervals


class Condition(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """What wait-ready waits for: ready, historical, or one entity ready."""

    kind: str  # "ready", "historical" or "entity"
    entity: str | None = None

    def holds(self, status: ConnectionStatus) -> bool:
        if self.kind == "ready":
            return status.is_ready
        if self.kind == "historical":
            return status.historical_sync_completed
        return any(e.name == self.entity and e.ready for e in status.entities)

    def describe(self) -> str:
        return f"entity:{self.entity}" if self.kind == "entity" else self.kind

    def unknown_entity(self, status: ConnectionStatus) -> str | None:
        """For `entity:NAME`, a note when the status document has no such entity (a typo
        would otherwise wait out the whole deadline in silence); None when all is well."""
        if self.kind != "entity" or not status.entities:
            return None
        names = [e.name for e in status.entities]
        if self.entity in names:
            return None
        return (
            f"no entity {self.entity!r} in the status document "
            f"(it has {', '.join(names)}); waiting in case it appears"
        )


def parse_condition(text: str) -> Condition:
    value = text.strip()
    if value in ("ready", "historical"):
        return Condition(value)
    if value.startswith("entity:") and value[len("entity:") :].strip():
        return Condition("entity", value[len("entity:") :].strip())
    raise UsageError(
        f"--until {text!r} is not a condition",
        hint="use ready, historical or entity:NAME (e.g. entity:orders)",
    )


class Outcome(StrEnum):
    READY = "ready"
    NEEDS_UPDATE = "needs_update"
    DISABLED = "disabled"
    TIMED_OUT = "timed_out"
    STALLED = "stalled"
    UNAVAILABLE = "unavailable"
    ERROR = "error"


class PollEvent(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """One poll of one connection, as the progress display sees it."""

    target: Target
    report: StatusReport | None
    error: RutterctlError | None
    elapsed: float
    satisfied: bool
    changed: bool  # stage or progress differs from the previous poll


class WaitResult(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """How waiting for one connection ended."""

    target: Target
    outcome: Outcome
    report: StatusReport | None
    error: RutterctlError | None  # what the outcome means for the exit code (None = success)
    polls: int
    elapsed: float


@dataclass
class _Tracker:
    """The state of one connection being waited for."""

    target: Target
    interval: float
    next_poll: float
    polls: int = 0
    report: StatusReport | None = None
    last_error: RutterctlError | None = None
    milestone: tuple[object, ...] | None = None
    progress: tuple[object, ...] | None = None
    result: WaitResult | None = field(default=None)
    stalls: StallTracker | None = None  # with --stall-timeout


def _milestone(report: StatusReport) -> tuple[object, ...]:
    """What counts as a change for backing off: stage, batches, which entities are ready."""
    s = report.status
    return (
        report.stage,
        report.batches_completed,
        tuple(sorted(e.name for e in s.entities if e.ready)),
    )


def _progress(report: StatusReport) -> tuple[object, ...]:
    """What counts as a change for printing a progress line: milestones plus synced counts."""
    return (*_milestone(report), tuple((e.name, e.synced_count) for e in report.status.entities))


@dataclass
class Waiter:
    """Polls connections until a condition holds, times out or stalls."""

    fetch: Callable[[str], StatusReport]
    condition: Condition
    timeout: float
    interval: float
    monotonic: Callable[[], float]
    sleep: Callable[[float], None]
    on_poll: Callable[[PollEvent], None] = lambda _event: None
    # When the command started: its one deadline also covers what came before the first
    # poll (resolving the connections). None: when `run` starts.
    started: float | None = None
    # The organisation's rate limit: a large fleet's polls are spaced to stay under it.
    budget: Budget | None = None
    # --stall-timeout: a connection that stops moving for that long ends its wait (exit 9).
    stall: StallPolicy | None = None

    def run(self, targets: list[Target]) -> list[WaitResult]:
        start = self.monotonic() if self.started is None else self.started
        deadline = start + self.timeout
        trackers = [_Tracker(t, self.interval, start) for t in targets]
        if self.stall is not None:
            for tracker in trackers:
                tracker.stalls = StallTracker(self.stall)
        fleet = Fleet(
            monotonic=self.monotonic,
            sleep=self.sleep,
            workers=min(DEFAULT_WORKERS, len(trackers)),
            budget=self.budget,
            deadline=deadline,
        )

        def poll(t: _Tracker) -> StatusReport:
            t.polls += 1
            return self.fetch(t.target.access_token)

        def decide(done: Done[_Tracker, StatusReport]) -> float | None:
            t = done.item
            self._after_poll(t, done.value, done.error, start, deadline)
            return None if t.result is not None else t.next_poll - self.monotonic()

        for _ in fleet.poll(trackers, poll, decide):
            pass
        return [t.result for t in trackers if t.result is not None]

    def _after_poll(
        self,
        t: _Tracker,
        report: StatusReport | None,
        failure: RutterctlError | None,
        start: float,
        deadline: float,
    ) -> None:
        error: RutterctlError | None = None
        if isinstance(failure, ConnectionNeedsUpdate):
            self._finish(t, Outcome.NEEDS_UPDATE, failure, start)
        elif isinstance(failure, ConnectionDisabled):
            self._finish(t, Outcome.DISABLED, failure, start)
        elif isinstance(failure, Unavailable):
            # Transient: keep polling until the deadline; it decides if it was the last word.
            # A poll cut short by the deadline says less than the failure before it, if any.
            error = failure
            if not (isinstance(failure, DeadlineReached) and t.last_error is not None):
                t.last_error = failure
        elif failure is not None:
            self._finish(t, Outcome.ERROR, failure, start)
        now = self.monotonic()
        changed = False
        stall_due: float | None = None
        if report is not None:
            t.report, t.last_error = report, None
            changed = _progress(report) != t.progress
            t.progress = _progress(report)
            self._evaluate(t, report, start)
            stall_due = self._watch_stall(t, report, start)
        satisfied = t.result is not None and t.result.outcome is Outcome.READY
        self.on_poll(PollEvent(t.target, report, error, now - start, satisfied, changed))
        if t.result is not None:
            return
        if now >= deadline - EPSILON:
            self._timeout(t, start)
            return
        milestone = _milestone(report) if report is not None else t.milestone
        if report is not None and milestone != t.milestone:
            t.interval = self.interval
        else:
            t.interval = min(t.interval * BACKOFF_FACTOR, self.interval * MAX_INTERVAL_FACTOR)
        t.milestone = milestone
        t.next_poll = min(now + t.interval, deadline)
        if stall_due is not None:  # poll when it would be stalled, not up to 4 intervals late
            t.next_poll = min(t.next_poll, now + stall_due)

    def _watch_stall(self, t: _Tracker, report: StatusReport, start: float) -> float | None:
        """With --stall-timeout: end the wait of a connection that stopped moving; else the
        seconds until it would count as stalled if nothing moves."""
        if t.stalls is None or t.result is not None:
            return None
        reading = t.stalls.observe(report)
        if reading.stall is None:
            return reading.due_in
        self._finish(
            t,
            Outcome.STALLED,
            SyncStalled(
                f"{t.target.name}: the sync stalled: {reading.stall.describe()}",
                hint="Rutter sends no webhook for this: see where it stopped with "
                "`rutterctl batches`, and give Rutter support the connection id",
            ),
            start,
        )
        return None

    def _evaluate(self, t: _Tracker, report: StatusReport, start: float) -> None:
        s = report.status
        if report.stage is Stage.DISABLED:
            from rutterctl.domain.reasons import as_clause, explain_disabled, with_link  # 0.5 ms

            reason = explain_disabled(s.disabled_reason)
            shown = s.disabled_reason or "no reason given"
            self._finish(
                t,
                Outcome.DISABLED,
                ConnectionDisabled(
                    f"{t.target.name}: the connection is disabled ({shown}): "
                    f"{as_clause(reason.meaning)}",
                    hint=as_clause(with_link(reason.action, s.link_url)),
                ),
                start,
            )
        elif report.stage is Stage.NEEDS_UPDATE:
            self._finish(
                t,
                Outcome.NEEDS_UPDATE,
                ConnectionNeedsUpdate(
                    f"{t.target.name}: the connection needs an update",
                    hint=f"send the merchant {s.link_url or 'the link_url'} to reconnect",
                ),
                start,
            )
        elif self.condition.holds(s):
            self._finish(t, Outcome.READY, None, start)

    def _timeout(self, t: _Tracker, start: float) -> None:
        if t.last_error is not None:
            self._finish(t, Outcome.UNAVAILABLE, t.last_error, start)
            return
        stage = t.report.stage.value if t.report else "never seen"
        self._finish(
            t,
            Outcome.TIMED_OUT,
            WaitTimeout(
                f"{t.target.name}: timed out waiting for {self.condition.describe()}; "
                f"last stage {stage}"
            ),
            start,
        )

    def _finish(
        self, t: _Tracker, outcome: Outcome, error: RutterctlError | None, start: float
    ) -> None:
        t.result = WaitResult(t.target, outcome, t.report, error, t.polls, self.monotonic() - start)
