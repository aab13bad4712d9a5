"""Client-side pacing under the organisation's rate limit, on a fake clock."""

from __future__ import annotations

import threading

import httpx
import pytest
from rutterctl.api.pacing import MAX_IN_FLIGHT, MemorySlots, Pacer
from rutterctl.errors import CredentialsRejected

from tests import builders
from tests.api.support import make_client
from tests.fakes import FakeClock

HOLD = 10.05  # a 10 s window plus its 0.5% margin


def pacer(clock: FakeClock, limit: int = 5, window: float = 10.0, **kw: object) -> Pacer:
    return Pacer(limit, window, monotonic=clock.monotonic, sleep=clock.sleep, **kw)  # type: ignore[arg-type]


def instant(p: Pacer) -> float:
    """One request answered at once; returns the seconds it waited for its slot."""
    with p.request() as ticket:
        return ticket.waited


def test_the_sixth_request_in_a_window_waits_for_the_window_to_free() -> None:
    clock = FakeClock()
    p = pacer(clock)
    assert [instant(p) for _ in range(5)] == [0.0] * 5
    assert clock.sleeps == []
    assert instant(p) == pytest.approx(HOLD)
    assert clock.sleeps == [pytest.approx(HOLD)]


def test_the_wait_lasts_until_the_oldest_request_leaves_the_window() -> None:
    clock = FakeClock()
    p = pacer(clock)
    for t in (0.0, 2.0, 4.0, 6.0, 8.0):
        clock.elapsed = t
        assert instant(p) == 0.0
    clock.elapsed = 9.0
    assert instant(p) == pytest.approx(1.05)  # the request at t = 0 frees its slot at 10.05
    assert instant(p) == pytest.approx(2.0)  # then the one at t = 2 at t = 12.05


def test_a_slot_is_held_from_the_answer_not_from_the_send() -> None:
    """Rutter counts a request when it arrives, some time after it was sent and always
    before it was answered: counting from the answer can never be early."""
    clock = FakeClock()
    p = pacer(clock, limit=1)
    with p.request():
        clock.elapsed = 3.0  # a slow answer
    assert instant(p) == pytest.approx(HOLD)
    assert clock.elapsed == pytest.approx(3.0 + HOLD)


def test_requests_in_flight_hold_their_slots_until_answered() -> None:
    clock = FakeClock()
    p = pacer(clock, limit=2)
    first, second = p.acquire(), p.acquire()
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.elapsed += seconds
        if len(waits) == 3:
            p.release(first)  # answered while the third request waits

    p._sleep = sleep
    third = p.acquire()
    assert len(waits) > 3  # polled while both were in flight, then waited for the window
    assert third.waited == pytest.approx(sum(waits))
    assert clock.elapsed == pytest.approx(3 * 0.05 + HOLD)
    p.release(second)
    p.release(third)


def test_requests_spread_over_more_than_a_window_never_wait() -> None:
    clock = FakeClock()
    p = pacer(clock)
    for _ in range(20):
        assert instant(p) == 0.0
        clock.elapsed += 2.1
    assert clock.sleeps == []


def test_pacers_sharing_slots_stay_under_the_limit_together() -> None:
    """Two commands of one organisation (here two pacers on one log) share the budget."""
    clock = FakeClock()
    shared = MemorySlots()
    one, two = pacer(clock, shared=shared), pacer(clock, shared=shared)
    assert [instant(p) for p in (one, two, one, two, one)] == [0.0] * 5
    assert instant(two) == pytest.approx(HOLD)


def test_a_lost_request_frees_its_slot_in_the_end() -> None:
    clock = FakeClock()
    p = pacer(clock, limit=1)
    p.acquire()  # never released: a request whose answer never came
    p.acquire()
    assert clock.elapsed == pytest.approx(MAX_IN_FLIGHT + HOLD, abs=0.1)


def test_the_slot_of_a_process_that_is_gone_counts_as_answered_when_seen() -> None:
    clock = FakeClock()
    shared = MemorySlots()
    shared.slots.append([clock.monotonic(), 2**22 + 12345, 1])  # no such process
    p = pacer(clock, limit=1, shared=shared)
    assert instant(p) == pytest.approx(HOLD)


def test_slots_from_before_a_restart_of_the_machine_are_ignored() -> None:
    clock = FakeClock()
    shared = MemorySlots()
    shared.slots.extend([[99_999.0, 0, 0]] * 5)  # monotonic instants far ahead of now
    assert instant(pacer(clock, shared=shared)) == 0.0


@pytest.mark.parametrize(("limit", "window"), [(0, 10.0), (5, 0.0), (5, -1.0)])
def test_invalid_limits_are_rejected(limit: int, window: float) -> None:
    with pytest.raises(ValueError, match="limit must be >= 1"):
        Pacer(limit, window, monotonic=lambda: 0.0, sleep=lambda _: None)


def test_the_client_paces_its_requests() -> None:
    clock = FakeClock()
    sent_at: list[float] = []
    rutter = builders.fake_rutter()

    def handler(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock.monotonic())
        return rutter(request)

    h = make_client(handler, rate_limit=5, rate_window=10.0, clock=clock)
    for _ in range(6):
        h.gateway.list_connections()
    assert sent_at == [1000.0] * 5 + [pytest.approx(1000.0 + HOLD)]
    assert clock.sleeps == [pytest.approx(HOLD)]
    assert h.retries == []  # pacing is not a retry and is not announced as one


def test_a_request_that_fails_still_releases_its_slot() -> None:
    clock = FakeClock()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error_type": "x", "error_code": "INVALID_CREDENTIALS"})

    h = make_client(handler, rate_limit=1, rate_window=10.0, clock=clock)
    for _ in range(2):
        with pytest.raises(CredentialsRejected):
            h.gateway.list_connections()
    assert clock.sleeps == [pytest.approx(HOLD)]  # not MAX_IN_FLIGHT: the slot was released


def test_pacer_admits_exactly_limit_requests_across_threads() -> None:
    """Smoke test: 20 threads race for 5 slots while time stands still; exactly 5 get in."""

    class Blocked(Exception):
        pass

    def sleep(_: float) -> None:
        raise Blocked  # time never advances: whoever has to wait gives up

    p = Pacer(5, 10.0, monotonic=lambda: 1000.0, sleep=sleep)
    start = threading.Barrier(20)
    admitted: list[int] = []
    blocked: list[int] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        start.wait()
        try:
            p.acquire()
        except Blocked:
            with lock:
                blocked.append(n)
        else:
            with lock:
                admitted.append(n)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert not any(thread.is_alive() for thread in threads)
    assert len(admitted) == 5
    assert len(blocked) == 15
    assert sorted(admitted + blocked) == list(range(20))
