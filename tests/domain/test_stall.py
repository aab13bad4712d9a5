"""Stall detection: what counts as progress, the thresholds by stage, and what is reported."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from rutterctl.domain.lifecycle import Stage
from rutterctl.domain.models import EntityTotal, Timestamp
from rutterctl.domain.stall import (
    DEFAULT_STALL_AFTER,
    StallPolicy,
    StallTracker,
    document_stall,
)
from rutterctl.domain.status import StatusReport, build_report

from tests.domain.support import connection_status
from tests.fakes import FIXED_NOW

MIN = 60.0


def orders(count: int | None, *, ready: bool = False, newest: str | None = None) -> EntityTotal:
    return EntityTotal("orders", ready, count, Timestamp.parse(None), Timestamp.parse(newest))


def initial(count: int | None = 100, **kw: object) -> dict[str, object]:
    return {
        "is_ready": False,
        "historical_sync_completed": False,
        "last_sync_completed_at": Timestamp.parse(None),
        "entities": (orders(count),),
        **kw,
    }


def at(minutes: float, **fields: object) -> StatusReport:
    now = FIXED_NOW + timedelta(minutes=minutes)
    return build_report(connection_status(**fields), None, now)


def test_an_initial_sync_with_frozen_counts_stalls_after_30_minutes() -> None:
    tracker = StallTracker()
    first = tracker.observe(at(0, **initial()))
    assert first.stall is None and first.due_in == DEFAULT_STALL_AFTER
    assert tracker.observe(at(29, **initial())).stall is None
    reading = tracker.observe(at(30, **initial()))
    assert reading.began and reading.stall is not None
    assert reading.stall.since == FIXED_NOW
    assert reading.stall.stage is Stage.INITIAL_SYNC
    text = reading.stall.describe()
    assert text.startswith("no progress for 30m00s (since 2026-11-28T12:00:00Z")
    assert "INITIAL_SYNC" in text and "synced orders 100" in text and "last sync never" in text
    # Still stalled at the next reading, but it began only once.
    again = tracker.observe(at(40, **initial()))
    assert again.stall is not None and not again.began


@pytest.mark.parametrize(
    "change",
    [
        {"entities": (orders(101),)},  # synced_count
        {"entities": (orders(100, ready=True),)},  # ready
        {"entities": (orders(100, newest="2026-11-28T11:00:00Z"),)},  # a date
        {"num_batches_completed": 1},  # a batch
        {"is_ready": True},  # the stage
        {"last_sync_completed_at": Timestamp.parse("2026-11-28T12:10:00Z")},
    ],
)
def test_any_kind_of_progress_restarts_the_count(change: dict[str, object]) -> None:
    tracker = StallTracker()
    tracker.observe(at(0, **initial()))
    moved = tracker.observe(at(20, **{**initial(), **change}))
    assert moved.moved
    # 30 minutes after the start, but only 10 after the change: not stalled.
    assert tracker.observe(at(30, **{**initial(), **change})).stall is None
    assert tracker.observe(at(50, **{**initial(), **change})).stall is not None


def test_progress_after_a_stall_is_a_resume() -> None:
    tracker = StallTracker(StallPolicy(stall_after=5 * MIN))
    tracker.observe(at(0, **initial()))
    assert tracker.observe(at(5, **initial())).began
    resumed = tracker.observe(at(6, **initial(count=150)))
    assert resumed.resumed and resumed.stall is None and resumed.moved
    assert resumed.before is not None and resumed.before.entities[0].synced_count == 100


def test_an_explicit_threshold_applies_to_every_stage() -> None:
    policy = StallPolicy(stall_after=90.0)
    assert policy.threshold(Stage.INITIAL_SYNC) == 90.0
    assert policy.threshold(Stage.ONGOING_SYNC) == 90.0
    assert policy.threshold(Stage.DISABLED) is None


def test_an_ongoing_connection_stalls_after_three_sync_periods_since_its_last_sync() -> None:
    last = Timestamp.parse("2026-11-28T11:40:00Z")  # 20 minutes before FIXED_NOW
    tracker = StallTracker()
    first = tracker.observe(at(0, last_sync_completed_at=last))
    assert first.stall is None and first.due_in == 10 * MIN
    reading = tracker.observe(at(10, last_sync_completed_at=last))
    assert reading.stall is not None and reading.stall.ongoing
    assert reading.stall.since == last.parsed
    assert reading.stall.describe().startswith("no completed sync for 30m00s")


def test_the_sync_period_is_a_setting() -> None:
    """Rutter makes the period configurable (60 to 20,160 minutes): with an hourly sync, a
    last sync 40 minutes ago is normal."""
    last = Timestamp.parse("2026-11-28T11:20:00Z")
    report = at(0, last_sync_completed_at=last)
    assert document_stall(report, StallPolicy()) is not None
    assert document_stall(report, StallPolicy(sync_period=60 * MIN)) is None


def test_one_document_shows_no_stall_of_a_sync_in_progress() -> None:
    # A historical sync whose counts have not moved cannot be told apart from one that just did.
    historical = at(0, historical_sync_completed=False, entities=(orders(5),))
    assert document_stall(historical, StallPolicy(stall_after=1.0)) is None


@pytest.mark.parametrize("paused", [{"is_disabled": True}, {"needs_update": True}])
def test_a_paused_connection_is_not_stalled(paused: dict[str, object]) -> None:
    tracker = StallTracker(StallPolicy(stall_after=60.0))
    tracker.observe(at(0, **initial(), **paused))
    reading = tracker.observe(at(120, **initial(), **paused))
    assert reading.stall is None and reading.due_in is None


def test_a_last_sync_in_the_future_counts_from_the_reading() -> None:
    future = Timestamp.parse("2026-11-28T13:00:00Z")
    tracker = StallTracker()
    tracker.observe(at(0, last_sync_completed_at=future))
    assert tracker.observe(at(29, last_sync_completed_at=future)).stall is None
    stall = tracker.observe(at(30, last_sync_completed_at=future)).stall
    assert stall is not None and not stall.ongoing and stall.since == FIXED_NOW


def test_the_reading_time_defaults_to_when_the_report_was_read() -> None:
    tracker = StallTracker(StallPolicy(stall_after=60.0))
    report = at(0, **initial())
    tracker.observe(report)
    later = report._replace(checked_at=report.checked_at + timedelta(seconds=61))
    stall = tracker.observe(later).stall
    assert stall is not None and stall.stalled_for == 61.0
    assert tracker.quiet_for(datetime.fromisoformat("2026-11-28T12:02:00+00:00")) == timedelta(
        minutes=2
    )
