"""The fleet scheduler: bounded concurrency, streaming results, deadline and budget spacing."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator

import pytest
from rutterctl.domain.fleet import Budget, DeadlineReached, Done, Fleet
from rutterctl.errors import Unavailable

from tests.fakes import FakeClock


def fleet(clock: FakeClock, **kw: object) -> Fleet:
    return Fleet(monotonic=clock.monotonic, sleep=clock.sleep, **kw)  # type: ignore[arg-type]


def test_every_item_runs_once_and_failures_are_per_item() -> None:
    def work(n: int) -> int:
        if n % 3 == 0:
            raise Unavailable(f"no {n}")
        return n * 10

    done = list(fleet(FakeClock(), workers=4).run(range(10), work))
    assert sorted(d.item for d in done) == list(range(10))
    assert {d.item: d.value for d in done if d.error is None} == {
        n: n * 10 for n in range(10) if n % 3
    }
    assert sorted(d.item for d in done if isinstance(d.error, Unavailable)) == [0, 3, 6, 9]


def test_results_stream_in_completion_order_and_never_more_than_workers_run() -> None:
    running, peak, lock = 0, 0, threading.Lock()
    slow_may_finish = threading.Event()

    def work(n: int) -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        if n == 0:
            slow_may_finish.wait(10)
        with lock:
            running -= 1
        return n

    order = []
    for d in fleet(FakeClock(), workers=3).run(range(30), work):
        order.append(d.item)
        if len(order) == 20:
            slow_may_finish.set()
    assert order[0] != 0 and 0 in order  # the slow first item did not hold up the others
    assert sorted(order) == list(range(30))
    assert peak <= 3


def test_items_are_taken_lazily_so_memory_stays_flat() -> None:
    taken = 0

    def endless() -> Iterator[int]:
        nonlocal taken
        while True:
            taken += 1
            yield taken

    results = fleet(FakeClock(), workers=4).run(endless(), lambda n: n)
    first = next(results)
    results.close()
    assert first.error is None
    assert taken <= 8  # the running ones and the next few, not the whole (endless) fleet


def test_nothing_starts_after_the_deadline_and_the_rest_is_reported() -> None:
    clock = FakeClock()

    def work(n: int) -> int:
        clock.sleep(10)  # each request takes 10 s
        return n

    deadline = clock.monotonic() + 25
    done = list(fleet(clock, workers=1, deadline=deadline).run(range(5), work))
    assert [d.error is None for d in done] == [True, True, True, False, False]
    assert all(isinstance(d.error, DeadlineReached) and d.started is None for d in done[3:])
    assert clock.elapsed == 30


def test_a_bug_or_ctrl_c_in_a_worker_is_raised_from_the_loop() -> None:
    def work(n: int) -> int:
        if n == 2:
            raise KeyboardInterrupt
        return n

    with pytest.raises(KeyboardInterrupt):
        list(fleet(FakeClock(), workers=4).run(range(5), work))


def test_spacing_follows_the_fleet_size_and_the_budget() -> None:
    f = fleet(FakeClock(), budget=Budget(limit=500, window=10))
    assert f.spacing(1) == pytest.approx(10 / 450)
    assert f.spacing(1000) == pytest.approx(22.22, abs=0.01)
    assert f.spacing(1000, requests_per_unit=2) == pytest.approx(44.44, abs=0.01)
    assert fleet(FakeClock()).spacing(1000) == 0


@pytest.mark.parametrize("workers", [1, 4])
def test_polling_never_exceeds_the_budget_however_short_the_interval(workers: int) -> None:
    clock = FakeClock()
    starts: dict[int, list[float]] = {n: [] for n in range(20)}
    lock = threading.Lock()

    def work(n: int) -> int:
        with lock:
            starts[n].append(clock.monotonic())
        return n

    f = fleet(clock, workers=workers, budget=Budget(limit=10, window=10))
    polls = f.poll(list(range(20)), work, lambda d: 1.0)  # asks for 1 s; 20 s is the floor
    for count, _ in enumerate(polls, 1):
        if count == 100:
            break
    spacing = 20 * 10 / (10 * 0.9)
    for times in starts.values():
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert gaps and min(gaps) >= spacing - 1e-6


def test_polling_ends_at_the_deadline_with_a_final_poll_there() -> None:
    clock = FakeClock()
    deadline = clock.monotonic() + 50
    seen: list[Done[str, float]] = []
    f = fleet(clock, workers=1, deadline=deadline)
    for done in f.poll(["a"], lambda _item: clock.monotonic(), lambda d: 20.0):
        seen.append(done)
    assert [d.value for d in seen] == [1000.0, 1020.0, 1040.0, 1050.0]
    assert clock.sleeps == [20.0, 20.0, 10.0]


def test_polling_stops_an_item_when_decide_says_so() -> None:
    clock = FakeClock()
    calls: list[str] = []

    def work(item: str) -> str:
        calls.append(item)
        return item

    def decide(done: Done[str, str]) -> float | None:
        return None if done.item == "b" or calls.count(done.item) == 3 else 5.0

    list(fleet(clock, workers=2).poll(["a", "b"], work, decide))
    assert sorted(calls) == ["a", "a", "a", "b"]
    assert clock.elapsed == pytest.approx(10.0)
