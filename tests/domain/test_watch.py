"""watch's change detection: one event per change (never per poll), stalls, errors, --until."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from rutterctl.domain.fleet import Fleet, Target
from rutterctl.domain.models import EntityTotal, Timestamp
from rutterctl.domain.stall import StallPolicy
from rutterctl.domain.status import StatusReport, build_report
from rutterctl.domain.wait import Condition
from rutterctl.domain.watch import Change, Watcher
from rutterctl.errors import CredentialsRejected, NotReady, Unavailable

from tests.domain.support import connection_status
from tests.fakes import FIXED_NOW, FakeClock


def orders(count: int | None, *, ready: bool = False) -> EntityTotal:
    return EntityTotal("orders", ready, count, Timestamp.parse(None), Timestamp.parse(None))


def report(minutes: float, **fields: Any) -> StatusReport:
    base: dict[str, Any] = {
        "is_ready": False,
        "historical_sync_completed": False,
        "last_sync_completed_at": Timestamp.parse(None),
        "num_batches_completed": 0,
        "entities": (orders(0),),
    }
    base.update(fields)
    return build_report(connection_status(**base), None, FIXED_NOW + timedelta(minutes=minutes))


def watcher(**kw: Any) -> tuple[Watcher, list[Change]]:
    clock = FakeClock()
    seen: list[Change] = []
    w = Watcher(
        fetch=lambda _token: report(0),
        monotonic=clock.monotonic,
        now=clock.now,
        on_change=seen.append,
        **kw,
    )
    return w, seen


TARGET = Target("acme", "token-acme-0123456789", "conn-1")


def events(seen: list[Change]) -> list[tuple[str, Any, Any]]:
    return [(c.event, c.before, c.after) for c in seen]


def test_the_first_reading_is_a_stage_change_from_nothing_and_a_repeat_is_silent() -> None:
    w, seen = watcher()
    [acme] = w.targets([TARGET])
    w.absorb(acme, report(0), None)
    w.absorb(acme, report(1), None)  # the same document again: no event
    assert events(seen) == [("stage_changed", None, "INITIAL_SYNC")]
    assert seen[0].connection == "acme" and seen[0].at == FIXED_NOW


def test_each_kind_of_change_is_one_event() -> None:
    w, seen = watcher()
    [acme] = w.targets([TARGET])
    w.absorb(acme, report(0), None)
    w.absorb(acme, report(1, entities=(orders(40),)), None)
    w.absorb(
        acme,
        report(2, is_ready=True, num_batches_completed=1, entities=(orders(40, ready=True),)),
        None,
    )
    assert events(seen)[1:] == [
        ("progress", {"entities": {"orders": {"synced_count": 0}}}, {
            "entities": {"orders": {"synced_count": 40}}
        }),
        ("stage_changed", "INITIAL_SYNC", "HISTORICAL_SYNC"),
        ("batch_completed", 0, 1),
        ("entity_ready", False, True),
    ]  # fmt: skip
    assert dict(seen[-1].extra) == {"entity": "orders"}
    assert dict(seen[-2].extra) == {"batches_total": 0}


def test_a_stall_and_its_end_are_events() -> None:
    w, seen = watcher(policy=StallPolicy(stall_after=300.0))
    [acme] = w.targets([TARGET])
    w.absorb(acme, report(0), None)
    assert w.absorb(acme, report(4), None) == pytest.approx(60.0)  # seconds until stalled
    w.absorb(acme, report(5), None)
    w.absorb(acme, report(6), None)  # still stalled: no second event
    w.absorb(acme, report(7, entities=(orders(3),)), None)
    kinds = [c.event for c in seen]
    assert kinds == ["stage_changed", "stalled", "progress", "resumed"]
    stalled = dict(seen[1].extra)
    assert stalled["since"] == FIXED_NOW and stalled["stalled_seconds"] == 300.0
    assert stalled["message"].startswith("no progress for 5m00s")


def test_a_failing_poll_is_one_error_event_and_recovery_another() -> None:
    w, seen = watcher()
    [acme] = w.targets([TARGET])
    w.absorb(acme, report(0), None)
    down = Unavailable("Rutter unavailable", status=503, request_id="r1")
    w.absorb(acme, None, down)
    w.absorb(acme, None, down)
    w.absorb(acme, report(2), None)
    assert [(c.event, c.after) for c in seen[1:]] == [
        ("error", "Rutter unavailable (HTTP 503, request id r1)"),
        ("error", None),
    ]
    assert not acme.done  # transient: polled again


def test_rejected_credentials_end_the_whole_watch() -> None:
    w, _ = watcher()
    [acme] = w.targets([TARGET])
    with pytest.raises(CredentialsRejected):
        w.absorb(acme, None, CredentialsRejected("rejected"))


def test_until_finishes_connections_that_reach_it_or_are_blocked() -> None:
    w, _ = watcher(until=Condition("ready"))
    ready, blocked, broken, pending = w.targets(
        [Target(n, f"token-{n}-0123456789") for n in ("a", "b", "c", "d")]
    )
    w.absorb(ready, report(0, is_ready=True), None)
    w.absorb(blocked, report(0, needs_update=True), None)
    w.absorb(broken, None, NotReady("odd"))  # a non-transient error ends it too
    w.absorb(pending, report(0), None)
    assert (ready.done, ready.blocked) == (True, None)
    assert (
        blocked.done and blocked.blocked is not None and "needs an update" in str(blocked.blocked)
    )
    assert broken.done and isinstance(broken.blocked, NotReady)
    assert not pending.done


def test_polls_are_spaced_to_the_budget_for_a_large_fleet() -> None:
    """1000 connections under 500 requests per 10 s: each is polled every 22.2 s at the
    fastest, whatever --interval asks, so the fleet never exceeds 90% of the budget."""
    from rutterctl.domain.fleet import Budget

    clock = FakeClock()
    polled: list[tuple[float, str]] = []

    def fetch(token: str) -> StatusReport:
        polled.append((clock.monotonic(), token))
        return report(0)

    w = Watcher(fetch=fetch, monotonic=clock.monotonic, now=clock.now)
    w.interval = 1.0
    fleet = Fleet(
        monotonic=clock.monotonic,
        sleep=clock.sleep,
        workers=1,
        budget=Budget(500, 10.0),
        deadline=clock.monotonic() + 60.0,
    )
    watched = w.targets([Target(f"c{i}", f"token-{i:04d}-0123456789") for i in range(1000)])
    assert w.effective_interval(fleet, 1000) == pytest.approx(1000 * 10 / 450)
    assert w.run(watched, fleet) is False  # no condition: it ends at the deadline
    # Polls start at 0 and every 22.2 s after (0, 22.2, 44.4; none at the deadline, 60); the
    # client's pacer (tests/cli/test_watch.py) spreads each round under the budget.
    counts = {token: 0 for _, token in polled}
    for _, token in polled:
        counts[token] += 1
    assert len(counts) == 1000 and set(counts.values()) == {3}
    firsts = sorted(at for at, token in polled if token == "token-0000-0123456789")
    assert firsts == pytest.approx([1000.0, 1022.222, 1044.444], abs=0.01)
