"""The `wait-ready` use case: poll connections until a condition holds, fails, or time runs out.

One loop serves any number of connections: each has its own next poll time, and the loop
sleeps (injected) until the earliest one, never past the shared deadline. Requests go through
the one client, so they share its pacing budget. Nothing here knows HTTP or terminals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from rutterctl.domain.lifecycle import Stage
from rutterctl.domain.models import ConnectionStatus
from rutterctl.domain.reasons import explain_disabled
from rutterctl.domain.status import StatusReport
from rutterctl.errors import (
    ConnectionDisabled,
    ConnectionNeedsUpdate,
    RutterctlError,
    Unavailable,
    UsageError,
    WaitTimeout,
)

DEFAULT_INTERVAL = 15.0  # seconds; Rutter's own cadence is minutes, so 15 s loses nothing
BACKOFF_FACTOR = 1.5
MAX_INTERVAL_FACTOR = 4.0  # backing off never polls less often than every 4 intervals
# Clocks are floats: a poll this close to the deadline is the poll at the deadline.
EPSILON = 1e-6


@dataclass(frozen=True)
class Condition:
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
    UNAVAILABLE = "unavailable"
    ERROR = "error"


@dataclass(frozen=True)
class Target:
    name: str  # as the user typed it (id, token or alias); tokens are masked on output
    access_token: str


@dataclass(frozen=True)
class PollEvent:
    target: Target
    report: StatusReport | None
    error: RutterctlError | None
    elapsed: float
    satisfied: bool
    changed: bool  # stage or progress differs from the previous poll


@dataclass(frozen=True)
class WaitResult:
    target: Target
    outcome: Outcome
    report: StatusReport | None
    error: RutterctlError | None  # what the outcome means for the exit code (None = success)
    polls: int
    elapsed: float


@dataclass
class _Tracker:
    target: Target
    interval: float
    next_poll: float
    polls: int = 0
    report: StatusReport | None = None
    last_error: RutterctlError | None = None
    milestone: tuple[object, ...] | None = None
    progress: tuple[object, ...] | None = None
    result: WaitResult | None = field(default=None)


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


class DeadlineReached(Unavailable):
    """A retry or pacing pause inside a poll would have slept past the deadline."""


def deadline_sleep(
    sleep: Callable[[float], None], monotonic: Callable[[], float], deadline: float
) -> Callable[[float], None]:
    """`sleep` for the HTTP client's retries and pacing: a pause that would end after the
    deadline (a long Retry-After, say) is not taken; the poll fails at once instead."""

    def guarded(seconds: float) -> None:
        if monotonic() + seconds > deadline + EPSILON:
            raise DeadlineReached(
                f"gave up: the next retry, in {seconds:.1f}s, would pass the --timeout deadline"
            )
        sleep(seconds)

    return guarded


@dataclass
class Waiter:
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

    def run(self, targets: list[Target]) -> list[WaitResult]:
        start = self.monotonic() if self.started is None else self.started
        deadline = start + self.timeout
        trackers = [_Tracker(t, self.interval, start) for t in targets]
        while True:
            pending = [t for t in trackers if t.result is None]
            if not pending:
                return [t.result for t in trackers if t.result is not None]
            tracker = min(pending, key=lambda t: t.next_poll)
            now = self.monotonic()
            if tracker.next_poll > now:
                self.sleep(min(tracker.next_poll, deadline) - now)
                continue
            self._poll(tracker, start, deadline)

    def _poll(self, t: _Tracker, start: float, deadline: float) -> None:
        t.polls += 1
        report: StatusReport | None = None
        error: RutterctlError | None = None
        try:
            report = self.fetch(t.target.access_token)
        except ConnectionNeedsUpdate as exc:
            self._finish(t, Outcome.NEEDS_UPDATE, exc, start)
        except ConnectionDisabled as exc:
            self._finish(t, Outcome.DISABLED, exc, start)
        except Unavailable as exc:
            # Transient: keep polling until the deadline; it decides if it was the last word.
            # A poll cut short by the deadline says less than the failure before it, if any.
            error = exc
            if not (isinstance(exc, DeadlineReached) and t.last_error is not None):
                t.last_error = exc
        except RutterctlError as exc:
            self._finish(t, Outcome.ERROR, exc, start)
        now = self.monotonic()
        changed = False
        if report is not None:
            t.report, t.last_error = report, None
            changed = _progress(report) != t.progress
            t.progress = _progress(report)
            self._evaluate(t, report, start)
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

    def _evaluate(self, t: _Tracker, report: StatusReport, start: float) -> None:
        s = report.status
        if report.stage is Stage.DISABLED:
            reason = explain_disabled(s.disabled_reason)
            shown = s.disabled_reason or "no reason given"
            self._finish(
                t,
                Outcome.DISABLED,
                ConnectionDisabled(
                    f"{t.target.name}: the connection is disabled ({shown}): "
                    f"{reason.meaning.rstrip('.')}",
                    hint=reason.action,
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
