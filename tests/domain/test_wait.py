"""The wait-ready loop against scripted status reports and a fake clock."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from rutterctl.api import convert
from rutterctl.domain.durations import format_duration, parse_duration
from rutterctl.domain.status import StatusReport, build_report
from rutterctl.domain.wait import (
    Condition,
    DeadlineReached,
    Outcome,
    PollEvent,
    Target,
    Waiter,
    deadline_sleep,
    parse_condition,
)
from rutterctl.errors import CredentialsRejected, Unavailable, UsageError

from tests import builders
from tests.fakes import FakeClock

INITIAL = builders.status_doc(is_ready=False, num_batches_completed=0)
READY = builders.status_doc()
HISTORICAL_DONE = builders.status_doc(historical=True, num_batches_completed=2)


def report(doc: dict[str, Any], clock: FakeClock) -> StatusReport:
    status = convert.connection_status(doc)
    return build_report(status, None, clock.now())


def scripted(
    docs: Sequence[dict[str, Any] | Exception], clock: FakeClock
) -> tuple[Callable[[str], StatusReport], list[str]]:
    """A fetch answering each call with the next scripted item (the last one repeats)."""
    calls: list[str] = []

    def fetch(token: str) -> StatusReport:
        calls.append(token)
        item = docs[min(len(calls) - 1, len(docs) - 1)]
        if isinstance(item, Exception):
            raise item
        return report(item, clock)

    return fetch, calls


def waiter(
    fetch: Callable[[str], StatusReport],
    clock: FakeClock,
    *,
    until: str = "ready",
    timeout: float = 600,
    interval: float = 15,
    events: list[PollEvent] | None = None,
) -> Waiter:
    return Waiter(
        fetch=fetch,
        condition=parse_condition(until),
        timeout=timeout,
        interval=interval,
        monotonic=clock.monotonic,
        sleep=clock.sleep,
        on_poll=(events.append if events is not None else lambda _e: None),
    )


TARGET = Target("conn-a", "token-a")


def test_already_satisfied_returns_after_one_poll_without_sleeping() -> None:
    clock = FakeClock()
    fetch, calls = scripted([READY], clock)
    [result] = waiter(fetch, clock).run([TARGET])
    assert result.outcome is Outcome.READY
    assert result.error is None
    assert calls == ["token-a"]
    assert clock.sleeps == []


def test_backs_off_while_nothing_changes_and_resets_on_progress() -> None:
    clock = FakeClock()
    # A batch completing is a milestone; the connection is still not ready.
    step = builders.status_doc(is_ready=False, num_batches_completed=1)
    fetch, calls = scripted([INITIAL] * 6 + [step, step, READY], clock)
    [result] = waiter(fetch, clock).run([TARGET])
    assert result.outcome is Outcome.READY
    assert len(calls) == 9
    # 15 s, then x1.5 per unchanged poll up to 4 intervals (60 s); a milestone resets it.
    assert clock.sleeps == [15.0, 22.5, 33.75, 50.625, 60.0, 60.0, 15.0, 22.5]
    assert min(clock.sleeps) >= 15.0


def test_count_changes_alone_do_not_reset_the_backoff() -> None:
    clock = FakeClock()

    def doc(count: int) -> dict[str, Any]:
        total = {
            "orders": {
                "ready": False,
                "synced_count": count,
                "oldest_entity_date": None,
                "newest_entity_date": None,
            }
        }
        return builders.status_doc(is_ready=False, num_batches_completed=0, total=total)

    events: list[PollEvent] = []
    fetch, _ = scripted([doc(1), doc(2), doc(3), doc(4)], clock)
    waiter(fetch, clock, timeout=100, events=events).run([TARGET])
    assert clock.sleeps[:3] == [15.0, 22.5, 33.75]
    # ...but each count change is progress worth a line.
    assert [e.changed for e in events[:4]] == [True, True, True, True]


def test_deadline_is_never_overslept_and_ends_with_a_final_poll() -> None:
    clock = FakeClock()
    fetch, calls = scripted([INITIAL], clock)
    [result] = waiter(fetch, clock, timeout=100).run([TARGET])
    assert result.outcome is Outcome.TIMED_OUT
    assert sum(clock.sleeps) == pytest.approx(100.0)
    assert clock.sleeps == [15.0, 22.5, 33.75, 28.75]
    assert len(calls) == 5  # t = 0, 15, 37.5, 71.25 and the last one at the deadline
    assert result.error is not None
    assert "last stage INITIAL_SYNC" in result.error.message


@pytest.mark.parametrize(
    ("doc", "outcome", "needle"),
    [
        (builders.status_doc(needs_update=True), Outcome.NEEDS_UPDATE, builders.LINK_URL),
        (
            builders.status_doc(disabled=True, reason="SHOP_PAYMENT_REQUIRED"),
            Outcome.DISABLED,
            "SHOP_PAYMENT_REQUIRED",
        ),
        (builders.status_doc(disabled=True, reason=None), Outcome.DISABLED, "no reason given"),
    ],
)
def test_blocked_connections_fail_at_once(
    doc: dict[str, Any], outcome: Outcome, needle: str
) -> None:
    clock = FakeClock()
    fetch, calls = scripted([doc], clock)
    [result] = waiter(fetch, clock).run([TARGET])
    assert result.outcome is outcome
    assert len(calls) == 1 and clock.sleeps == []
    assert result.error is not None
    assert needle in f"{result.error.message} {result.error.hint}"


def test_disabled_explains_the_reason() -> None:
    clock = FakeClock()
    fetch, _ = scripted([builders.status_doc(disabled=True, reason="SHOP_IS_LOCKED")], clock)
    [result] = waiter(fetch, clock).run([TARGET])
    assert result.error is not None
    assert "locked" in result.error.message
    assert result.error.hint and builders.LINK_URL in result.error.hint  # the real one


def test_transient_unavailability_keeps_waiting() -> None:
    clock = FakeClock()
    fetch, calls = scripted([Unavailable("down"), Unavailable("down"), READY], clock)
    events: list[PollEvent] = []
    [result] = waiter(fetch, clock, events=events).run([TARGET])
    assert result.outcome is Outcome.READY
    assert len(calls) == 3
    assert [e.error is not None for e in events] == [True, True, False]


def test_unavailable_until_the_deadline_is_reported_as_unavailable() -> None:
    clock = FakeClock()
    fetch, _ = scripted([Unavailable("Rutter kept failing")], clock)
    [result] = waiter(fetch, clock, timeout=60).run([TARGET])
    assert result.outcome is Outcome.UNAVAILABLE
    assert isinstance(result.error, Unavailable)


def test_other_errors_end_the_wait_for_that_connection() -> None:
    clock = FakeClock()
    fetch, calls = scripted([CredentialsRejected("rejected")], clock)
    [result] = waiter(fetch, clock).run([TARGET])
    assert result.outcome is Outcome.ERROR
    assert isinstance(result.error, CredentialsRejected)
    assert len(calls) == 1


def test_several_connections_share_one_loop_and_one_deadline() -> None:
    clock = FakeClock()
    docs = {
        "ta": [INITIAL, INITIAL, READY],
        "tb": [INITIAL],
        "tc": [builders.status_doc(needs_update=True)],
    }
    seen: dict[str, int] = {"ta": 0, "tb": 0, "tc": 0}

    def fetch(token: str) -> StatusReport:
        seen[token] += 1
        script = docs[token]
        return report(script[min(seen[token] - 1, len(script) - 1)], clock)

    results = waiter(fetch, clock, timeout=120).run(
        [Target("a", "ta"), Target("b", "tb"), Target("c", "tc")]
    )
    assert [r.target.name for r in results] == ["a", "b", "c"]
    assert [r.outcome for r in results] == [Outcome.READY, Outcome.TIMED_OUT, Outcome.NEEDS_UPDATE]
    assert seen["tc"] == 1
    assert clock.elapsed == pytest.approx(120.0)


@pytest.mark.parametrize(
    ("until", "doc", "holds"),
    [
        ("ready", READY, True),
        ("ready", INITIAL, False),
        ("historical", READY, False),
        ("historical", HISTORICAL_DONE, True),
        ("entity:orders", INITIAL, True),  # the default total has orders ready
        ("entity:customers", READY, False),
        ("entity:invoices", READY, False),  # an entity Rutter does not report never holds
    ],
)
def test_conditions(until: str, doc: dict[str, Any], holds: bool) -> None:
    clock = FakeClock()
    status = report(doc, clock).status
    assert parse_condition(until).holds(status) is holds


@pytest.mark.parametrize("text", ["", "soon", "entity:", "entity: ", "READY"])
def test_bad_conditions_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError, match="--until"):
        parse_condition(text)


def test_condition_describe() -> None:
    assert Condition("entity", "orders").describe() == "entity:orders"
    assert parse_condition("historical").describe() == "historical"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90", 90),
        ("30s", 30),
        ("5m", 300),
        ("2h", 7200),
        ("1h30m", 5400),
        ("0.5", 0.5),
        (" 2M ", 120),
    ],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text, option="--timeout") == seconds


@pytest.mark.parametrize(
    "text", ["", "abc", "5x", "-5", "0", "5m abc", "m5", "nan", "inf", "1e3", "0x10", "31d"]
)
def test_bad_durations(text: str) -> None:
    with pytest.raises(UsageError, match="--timeout"):
        parse_duration(text, option="--timeout")


def test_format_duration() -> None:
    assert [format_duration(s) for s in (0, 59.6, 61, 3600, 3725)] == [
        "0s",
        "1m00s",
        "1m01s",
        "1h00m00s",
        "1h02m05s",
    ]


def test_the_deadline_counts_from_when_the_command_started() -> None:
    clock = FakeClock()
    started = clock.monotonic()
    clock.sleep(40)  # resolving the connection took 40 s of the 100
    fetch, _ = scripted([INITIAL], clock)
    w = waiter(fetch, clock, timeout=100)
    w.started = started
    [result] = w.run([TARGET])
    assert result.outcome is Outcome.TIMED_OUT
    assert clock.elapsed == pytest.approx(100.0)
    assert result.elapsed == pytest.approx(100.0)


def test_deadline_sleep_sleeps_up_to_the_deadline_and_refuses_past_it() -> None:
    clock = FakeClock()
    guarded = deadline_sleep(clock.sleep, clock.monotonic, clock.monotonic() + 30)
    guarded(10)
    guarded(20)  # exactly to the deadline
    with pytest.raises(DeadlineReached, match=r"in 0\.5s, would pass the --timeout deadline"):
        guarded(0.5)
    assert clock.sleeps == [10, 20]


def test_a_poll_cut_short_by_the_deadline_is_unavailable_not_a_crash() -> None:
    clock = FakeClock()
    fetch, _ = scripted([INITIAL, DeadlineReached("not retrying")], clock)
    [result] = waiter(fetch, clock, timeout=60).run([TARGET])
    assert result.outcome is Outcome.UNAVAILABLE
    assert isinstance(result.error, DeadlineReached)
    assert clock.elapsed == pytest.approx(60.0)


def test_an_unknown_entity_is_noted_and_a_known_one_is_not() -> None:
    clock = FakeClock()
    status = report(READY, clock).status
    note = parse_condition("entity:order").unknown_entity(status)
    assert note is not None and "'order'" in note and "orders, customers" in note
    assert parse_condition("entity:orders").unknown_entity(status) is None
    assert parse_condition("ready").unknown_entity(status) is None


def test_a_poll_cut_short_by_the_deadline_keeps_the_failure_before_it() -> None:
    clock = FakeClock()
    down = Unavailable("Rutter kept failing after retries")
    fetch, _ = scripted([down, down, down, DeadlineReached("gave up")], clock)
    [result] = waiter(fetch, clock, timeout=60).run([TARGET])
    assert result.outcome is Outcome.UNAVAILABLE
    assert result.error is down
