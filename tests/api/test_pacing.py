"""Client-side pacing under the organisation's rate limit, on a fake clock."""

from __future__ import annotations

import threading

import httpx
import pytest
from rutterctl.api.pacing import Pacer

from tests import builders
from tests.api.support import make_client
from tests.fakes import FakeClock


def pacer(clock: FakeClock, limit: int = 5, window: float = 10.0) -> Pacer:
    return Pacer(limit, window, monotonic=clock.monotonic, sleep=clock.sleep)


def test_the_sixth_request_in_a_window_waits_for_the_window_to_free() -> None:
    clock = FakeClock()
    p = pacer(clock)
    assert [p.acquire() for _ in range(5)] == [0.0] * 5
    assert clock.sleeps == []
    assert p.acquire() == 10.0
    assert clock.sleeps == [10.0]


def test_the_wait_lasts_until_the_oldest_request_leaves_the_window() -> None:
    clock = FakeClock()
    p = pacer(clock)
    for t in (0.0, 2.0, 4.0, 6.0, 8.0):
        clock.elapsed = t
        assert p.acquire() == 0.0
    clock.elapsed = 9.0
    assert p.acquire() == 1.0  # the request at t = 0 leaves the window at t = 10
    assert clock.sleeps == [1.0]
    assert p.acquire() == 2.0  # then the one at t = 2 leaves at t = 12
    assert clock.sleeps == [1.0, 2.0]


def test_requests_spread_over_more_than_a_window_never_wait() -> None:
    clock = FakeClock()
    p = pacer(clock)
    for _ in range(20):
        assert p.acquire() == 0.0
        clock.elapsed += 2.0
    assert clock.sleeps == []


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
    assert sent_at == [1000.0] * 5 + [1010.0]
    assert clock.sleeps == [10.0]
    assert h.retries == []  # pacing is not a retry and is not announced as one


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
