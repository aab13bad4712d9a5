"""Stall detection: has a connection's sync stopped moving?

Progress is any change of the stage, the number of batches completed, an entity's
`synced_count`, `ready` flag or oldest/newest dates, or `last_sync_completed_at`. A connection
that shows none of these for the stall threshold is stalled:

- initial or historical sync: `DEFAULT_STALL_AFTER` (30 minutes) without progress, counted
  from the last change this process saw (at the latest the first read: one status document
  does not say when its counts last moved);
- ongoing sync: no completed sync for `ONGOING_PERIODS` (3) of Rutter's sync periods, counted
  from `last_sync_completed_at`. The period is 10 minutes on the lifecycle page, but newer
  Rutter docs make it configurable (60 to 20,160 minutes) and the status document does not
  say which applies, so it is a setting (`StallPolicy.sync_period`);
- a connection that needs an update or is disabled is paused for a known reason, not stalled.

An explicit threshold (`--stall-after`, `--stall-timeout`) replaces both defaults. Pure: the
caller passes the time of each reading (its injected clock), nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from rutterctl.domain.durations import format_duration
from rutterctl.domain.lifecycle import Stage
from rutterctl.domain.status import STALE_AFTER, SYNC_CADENCE, StatusReport

DEFAULT_STALL_AFTER = 30 * 60.0  # seconds, initial and historical sync
# The lifecycle page's "every 10 minutes", and the three cadences after which `status` warns.
DEFAULT_SYNC_PERIOD = SYNC_CADENCE.total_seconds()
ONGOING_PERIODS = round(STALE_AFTER / SYNC_CADENCE)
PAUSED = (Stage.DISABLED, Stage.NEEDS_UPDATE)


class StallPolicy(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """How long without progress makes a connection stalled, by stage."""

    stall_after: float | None = None  # seconds, every stage; None: the defaults by stage
    sync_period: float = DEFAULT_SYNC_PERIOD

    def threshold(self, stage: Stage) -> float | None:
        """Seconds without progress that make a connection in `stage` stalled (None: never)."""
        if stage in PAUSED:
            return None
        if self.stall_after is not None:
            return self.stall_after
        if stage is Stage.ONGOING_SYNC:
            return ONGOING_PERIODS * self.sync_period
        return DEFAULT_STALL_AFTER

    def describe(self) -> str:
        """For help and docs: what the thresholds are."""
        if self.stall_after is not None:
            return f"no progress for {format_duration(self.stall_after)}"
        return (
            f"no progress for {format_duration(DEFAULT_STALL_AFTER)} (initial/historical), "
            f"no completed sync for {ONGOING_PERIODS} × {format_duration(self.sync_period)} "
            "(ongoing)"
        )


class EntityMark(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """An entity's counts and dates, as compared between two polls."""

    name: str
    synced_count: int | float | None
    ready: bool
    oldest: str | None  # dates as Rutter sent them: any change of text is a change
    newest: str | None


class Snapshot(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """The parts of a status document whose change counts as progress."""

    stage: Stage
    batches_completed: int
    batches_total: int
    last_sync: str | None
    last_sync_at: datetime | None
    entities: tuple[EntityMark, ...]

    def entity(self, name: str) -> EntityMark | None:
        return next((e for e in self.entities if e.name == name), None)


def snapshot(report: StatusReport) -> Snapshot:
    s = report.status
    return Snapshot(
        stage=report.stage,
        batches_completed=report.batches_completed,
        batches_total=report.batches_total,
        last_sync=s.last_sync_completed_at.raw,
        last_sync_at=s.last_sync_completed_at.parsed,
        entities=tuple(
            EntityMark(e.name, e.synced_count, e.ready, e.oldest.raw, e.newest.raw)
            for e in s.entities
        ),
    )


def moved(before: Snapshot, after: Snapshot) -> bool:
    # `last_sync_at` follows `last_sync` and `batches_total` is the plan, not progress.
    return (before.stage, before.batches_completed, before.last_sync, before.entities) != (
        after.stage,
        after.batches_completed,
        after.last_sync,
        after.entities,
    )


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def frozen_parts(snap: Snapshot) -> tuple[str, ...]:
    """What stopped moving, as people read it: `INITIAL_SYNC`, `batches 0 of 3`, `orders 300`."""
    parts = [snap.stage.value]
    if snap.batches_total:
        parts.append(f"batches {snap.batches_completed} of {snap.batches_total}")
    counts = [f"{e.name} {e.synced_count}" for e in snap.entities if e.synced_count is not None]
    if counts:
        parts.append("synced " + ", ".join(counts))
    parts.append(f"last sync {snap.last_sync or 'never'}")
    return tuple(parts)


class Stall(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """A stalled connection: what stopped moving, since when, against which threshold."""

    stage: Stage
    since: datetime
    stalled_for: float  # seconds without progress at the reading that found it
    threshold: float
    frozen: tuple[str, ...]
    ongoing: bool  # measured from last_sync_completed_at (no completed sync)

    def describe(self) -> str:
        """`no progress for 35m00s (since 2026-11-28T12:05:00Z; stall threshold 30m00s):
        INITIAL_SYNC, batches 0 of 3, synced orders 300, last sync never`."""
        what = "no completed sync" if self.ongoing else "no progress"
        return (
            f"{what} for {format_duration(self.stalled_for)} (since {_utc(self.since)}; "
            f"stall threshold {format_duration(self.threshold)}): {', '.join(self.frozen)}"
        )


def judge(
    snap: Snapshot, changed_at: datetime | None, now: datetime, policy: StallPolicy
) -> tuple[Stall | None, float | None]:
    """The stall, if any, and else the seconds until it would be declared with no progress.

    `changed_at`: when this process last saw progress (None: one reading, history unknown,
    so only an ongoing connection's own `last_sync_completed_at` can show a stall).
    """
    threshold = policy.threshold(snap.stage)
    if threshold is None:
        return None, None
    ongoing = snap.stage is Stage.ONGOING_SYNC and snap.last_sync_at is not None
    # A last sync "in the future" (a skewed clock) proves nothing: count from our own reading.
    if ongoing and snap.last_sync_at is not None and snap.last_sync_at <= now:
        since: datetime | None = snap.last_sync_at
    else:
        ongoing = False
        since = changed_at
    if since is None:
        return None, None
    quiet = (now - since).total_seconds()
    if quiet >= threshold:
        return Stall(snap.stage, since, quiet, threshold, frozen_parts(snap), ongoing), None
    return None, threshold - quiet


def document_stall(report: StatusReport, policy: StallPolicy) -> Stall | None:
    """What one status document proves on its own (for `check`): an ongoing connection with
    no completed sync for the threshold. A sync in progress needs two readings to show it."""
    stall, _ = judge(snapshot(report), None, report.checked_at, policy)
    return stall


class Reading(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """What one new status document said about motion."""

    before: Snapshot | None  # the previous reading's snapshot (None: the first reading)
    after: Snapshot
    moved: bool
    stall: Stall | None  # stalled as of this reading
    began: bool  # stalled now, was not at the previous reading
    resumed: bool  # was stalled, moves again (or is paused for a known reason now)
    due_in: float | None  # not stalled: seconds until it would be, if nothing moves


@dataclass
class StallTracker:
    """One connection's readings over time (for `watch` and `wait-ready`)."""

    policy: StallPolicy = field(default_factory=StallPolicy)
    last: Snapshot | None = None
    changed_at: datetime | None = None
    stall: Stall | None = None

    def observe(self, report: StatusReport, now: datetime | None = None) -> Reading:
        """`now`: the reading's time; by default when the report was read (`checked_at`)."""
        at = report.checked_at if now is None else now
        snap = snapshot(report)
        before = self.last
        progress = before is None or moved(before, snap)
        if progress:
            self.changed_at = at
        self.last = snap
        stall, due_in = judge(snap, self.changed_at, at, self.policy)
        was = self.stall
        self.stall = stall
        return Reading(
            before=before,
            after=snap,
            moved=before is not None and progress,
            stall=stall,
            began=stall is not None and was is None,
            resumed=was is not None and stall is None,
            due_in=due_in,
        )

    def quiet_for(self, now: datetime) -> timedelta | None:
        """Time since the last progress this tracker saw."""
        return None if self.changed_at is None else now - self.changed_at
