"""The `check` use case: is every connection healthy enough to ship?

One status document per connection becomes a list of findings (`disabled`, `needs_update`,
`not_ready`, `stale`, `failed_batch`, `unreachable`, and `stalled` from the stall detector);
a policy says which findings fail the check and which only warn. Results are assessed one at
a time as the fleet scheduler yields them, and `Summary` counts them, so nothing here holds
the whole fleet. Pure: the caller passes the time of each reading.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from rutterctl.domain.batches import FAILED, batch_status
from rutterctl.domain.durations import format_duration
from rutterctl.domain.fleet import Target
from rutterctl.domain.lifecycle import Stage
from rutterctl.domain.reasons import explain_disabled
from rutterctl.domain.stall import DEFAULT_SYNC_PERIOD, StallPolicy, document_stall
from rutterctl.domain.status import STALE_AFTER, StatusReport
from rutterctl.errors import (
    ApiError,
    ConnectionDisabled,
    ConnectionNeedsUpdate,
    RutterctlError,
    UsageError,
)


class Kind(StrEnum):
    DISABLED = "disabled"
    NEEDS_UPDATE = "needs_update"
    NOT_READY = "not_ready"
    STALE = "stale"
    FAILED_BATCH = "failed_batch"
    UNREACHABLE = "unreachable"
    STALLED = "stalled"


# Worst first: a failing check exits with the code of its worst failing finding. Blocked
# connections first (someone must act), then broken syncs, then slow ones, then unknowns.
SEVERITY = (
    Kind.DISABLED,
    Kind.NEEDS_UPDATE,
    Kind.FAILED_BATCH,
    Kind.STALLED,
    Kind.STALE,
    Kind.NOT_READY,
    Kind.UNREACHABLE,
)
DEFAULT_FAIL_ON = (Kind.DISABLED, Kind.NEEDS_UPDATE, Kind.FAILED_BATCH, Kind.UNREACHABLE)
# `stalled` warns by default: from one reading it is an ongoing connection with no completed
# sync for three sync periods, which Rutter may catch up on by itself (--fail-on stalled: 9).
DEFAULT_WARN_ON = (Kind.NOT_READY, Kind.STALE, Kind.STALLED)
# Rutter's initial syncs take minutes to a few hours (a big store's the longest); six hours
# still in the initial sync is worth a look, and settable.
DEFAULT_MAX_INITIAL_SYNC = 6 * 3600.0
DEFAULT_MAX_SYNC_AGE = STALE_AFTER.total_seconds()  # three of Rutter's 10-minute cadences


class Level(StrEnum):
    FAILURE = "failure"
    WARNING = "warning"
    IGNORED = "ignored"  # found, but neither --fail-on nor --warn-on names it
    OK = "ok"  # a connection with no failure and no warning


@dataclass(frozen=True)
class Finding:
    kind: Kind
    message: str  # one line for people: what was found, with the values that matter
    data: tuple[tuple[str, object], ...] = ()  # kind-specific keys of the json contract


@dataclass(frozen=True)
class Thresholds:
    max_initial_sync: float = DEFAULT_MAX_INITIAL_SYNC  # seconds
    max_sync_age: float = DEFAULT_MAX_SYNC_AGE  # seconds
    sync_period: float = DEFAULT_SYNC_PERIOD  # Rutter's incremental sync period (configurable)


@dataclass(frozen=True)
class Policy:
    fail_on: frozenset[Kind]
    warn_on: frozenset[Kind]

    def level(self, kind: Kind) -> Level:
        if kind in self.fail_on:
            return Level.FAILURE
        return Level.WARNING if kind in self.warn_on else Level.IGNORED


def _kinds(text: str, option: str) -> frozenset[Kind]:
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    if names == ["none"]:
        return frozenset()
    unknown = [name for name in names if name not in Kind.__members__.values()]
    if unknown:
        raise UsageError(
            f"{option}: unknown finding {unknown[0]!r}",
            hint=f"use a comma-separated list of {', '.join(Kind)}, or none",
        )
    return frozenset(Kind(name) for name in names)


def parse_policy(fail_on: str | None, warn_on: str | None) -> Policy:
    """A finding named in one option leaves the other's default (`--fail-on stale` makes
    stale fail without also having to repeat --warn-on); named in both is a usage error."""
    fail = _kinds(fail_on, "--fail-on") if fail_on is not None else None
    warn = _kinds(warn_on, "--warn-on") if warn_on is not None else None
    if fail is not None and warn is not None and fail & warn:
        both = sorted(fail & warn)[0]
        raise UsageError(f"--fail-on and --warn-on both name {both}", hint="name it in one")
    if fail is None:
        fail = frozenset(DEFAULT_FAIL_ON) - (warn or frozenset())
    if warn is None:
        warn = frozenset(DEFAULT_WARN_ON) - fail
    return Policy(fail, warn)


# -- findings of one status document --------------------------------------------------------


def _disabled(report: StatusReport, _limits: Thresholds) -> Finding | None:
    if report.stage is not Stage.DISABLED:
        return None
    reason = report.status.disabled_reason
    meaning = explain_disabled(reason).meaning.rstrip(".")
    return Finding(
        Kind.DISABLED,
        f"disabled ({reason or 'no reason given'}): {meaning}",
        (("reason", reason),),
    )


def _needs_update(report: StatusReport, _limits: Thresholds) -> Finding | None:
    if report.stage is not Stage.NEEDS_UPDATE:
        return None
    link = report.status.link_url
    return Finding(
        Kind.NEEDS_UPDATE,
        f"needs an update: send the merchant {link or 'the link_url'} to reconnect",
        (("link_url", link),),
    )


def _age(since: datetime | None, now: datetime) -> float | None:
    return None if since is None else (now - since).total_seconds()


def _not_ready(report: StatusReport, limits: Thresholds) -> Finding | None:
    age = _age(report.status.created_at.parsed, report.checked_at)
    if report.stage is not Stage.INITIAL_SYNC or age is None or age <= limits.max_initial_sync:
        return None
    return Finding(
        Kind.NOT_READY,
        f"initial sync running for {format_duration(age)} "
        f"(more than --max-initial-sync {format_duration(limits.max_initial_sync)})",
        (("initial_sync_seconds", round(age)), ("threshold_seconds", limits.max_initial_sync)),
    )


def _stale(report: StatusReport, limits: Thresholds) -> Finding | None:
    if report.stage is not Stage.ONGOING_SYNC:
        return None
    last = report.status.last_sync_completed_at
    data: tuple[tuple[str, object], ...] = (
        ("last_sync_completed_at", last.raw),
        ("threshold_seconds", limits.max_sync_age),
    )
    if not last.present:
        return Finding(Kind.STALE, "history is complete but no sync has completed yet", data)
    age = _age(last.parsed, report.checked_at)
    if age is None or age <= limits.max_sync_age:
        return None  # a date we cannot read is shown as given, not called stale
    return Finding(
        Kind.STALE,
        f"last sync completed {format_duration(age)} ago "
        f"(more than --max-sync-age {format_duration(limits.max_sync_age)})",
        data,
    )


def _failed_batch(report: StatusReport, _limits: Thresholds) -> Finding | None:
    for batch in report.status.batches:
        if batch_status(batch) != FAILED:
            continue
        entities = [e.name for e in batch.progress if e.status == FAILED]
        return Finding(
            Kind.FAILED_BATCH,
            f"batch {batch.batch_num:g} failed: {', '.join(entities)}",
            (("batch_num", batch.batch_num), ("entities", entities)),
        )
    return None


def _stalled(report: StatusReport, limits: Thresholds) -> Finding | None:
    """What one document proves (domain/stall.py): an ongoing connection with no completed
    sync for three sync periods. A sync in progress would need two readings to show a stall."""
    stall = document_stall(report, StallPolicy(sync_period=limits.sync_period))
    if stall is None:
        return None
    return Finding(
        Kind.STALLED,
        f"sync stalled: {stall.describe()}",
        (
            ("since", report.status.last_sync_completed_at.raw),
            ("stalled_seconds", round(stall.stalled_for)),
            ("threshold_seconds", stall.threshold),
        ),
    )


Finder = Callable[[StatusReport, Thresholds], Finding | None]
# Each looks at one status document.
FINDERS: list[Finder] = [_disabled, _needs_update, _failed_batch, _not_ready, _stale, _stalled]


def findings_of(report: StatusReport, limits: Thresholds) -> tuple[Finding, ...]:
    return tuple(f for f in (finder(report, limits) for finder in FINDERS) if f is not None)


def _describe(error: RutterctlError) -> str:
    return error.one_line() if isinstance(error, ApiError) else error.message


def error_finding(error: RutterctlError) -> Finding:
    """A status that could not be read. Rutter may answer the status request itself with
    a connection error code; that is the finding it names, not "unreachable"."""
    if isinstance(error, ConnectionDisabled):
        return Finding(Kind.DISABLED, f"disabled: {_describe(error)}", (("reason", None),))
    if isinstance(error, ConnectionNeedsUpdate):
        return Finding(Kind.NEEDS_UPDATE, _describe(error), (("link_url", None),))
    return Finding(
        Kind.UNREACHABLE,
        f"status could not be read: {_describe(error)}",
        (("error", _describe(error)),),
    )


# -- one connection's result, and the fleet's summary ---------------------------------------


@dataclass(frozen=True)
class CheckResult:
    target: Target
    report: StatusReport | None  # None: unreachable
    findings: tuple[tuple[Finding, Level], ...]
    checked_at: datetime
    elapsed: float = 0.0  # seconds the status request took (retries included)

    @property
    def level(self) -> Level:
        levels = {level for _, level in self.findings}
        for level in (Level.FAILURE, Level.WARNING):
            if level in levels:
                return level
        return Level.OK

    @property
    def worst_failure(self) -> Kind | None:
        failing = [f.kind for f, level in self.findings if level is Level.FAILURE]
        return min(failing, key=SEVERITY.index) if failing else None

    @property
    def connection_id(self) -> str | None:
        if self.report is not None and self.report.status.connection_id:
            return self.report.status.connection_id
        return self.target.connection_id


def assess(
    target: Target,
    report: StatusReport | None,
    error: RutterctlError | None,
    *,
    limits: Thresholds,
    policy: Policy,
    now: datetime,
    elapsed: float = 0.0,
) -> CheckResult:
    found = findings_of(report, limits) if report is not None else ()
    if error is not None:
        found = (error_finding(error),)
    ordered = sorted(found, key=lambda f: SEVERITY.index(f.kind))
    at = report.checked_at if report is not None else now
    levels = _one_of_stale_and_stalled([(f, policy.level(f.kind)) for f in ordered])
    return CheckResult(target, report, tuple(levels), at, elapsed)


_WEIGHT = {Level.FAILURE: 0, Level.WARNING: 1, Level.IGNORED: 2}


def _one_of_stale_and_stalled(
    levels: list[tuple[Finding, Level]],
) -> list[tuple[Finding, Level]]:
    """From one document, `stale` and `stalled` are the same evidence (an ongoing connection
    with no recent completed sync) against two thresholds: when both are found, keep the one
    the policy weighs more (a tie keeps `stale`), so a connection is not reported twice."""
    by_kind = {f.kind: level for f, level in levels}
    if Kind.STALE not in by_kind or Kind.STALLED not in by_kind:
        return levels
    drop = Kind.STALE if _WEIGHT[by_kind[Kind.STALLED]] < _WEIGHT[by_kind[Kind.STALE]] else None
    drop = drop or Kind.STALLED
    return [(f, level) for f, level in levels if f.kind is not drop]


@dataclass
class Summary:
    """Counts over the results seen so far: all the end of a check needs (memory flat)."""

    policy: Policy
    limits: Thresholds
    total: int | None = None  # how many will be checked, when known up front
    checked: int = 0
    by_level: Counter[Level] = field(default_factory=Counter)
    by_kind: Counter[Kind] = field(default_factory=Counter)
    worst: Kind | None = None

    def add(self, result: CheckResult) -> None:
        self.checked += 1
        self.by_level[result.level] += 1
        for finding, level in result.findings:
            if level is not Level.IGNORED:
                self.by_kind[finding.kind] += 1
        failing = result.worst_failure
        if failing is not None and (
            self.worst is None or SEVERITY.index(failing) < SEVERITY.index(self.worst)
        ):
            self.worst = failing

    @property
    def healthy(self) -> int:
        return self.by_level[Level.OK]

    @property
    def failing(self) -> int:
        return self.by_level[Level.FAILURE]

    @property
    def warning(self) -> int:
        return self.by_level[Level.WARNING]
