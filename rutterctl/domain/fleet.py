"""The one fleet scheduler: one unit of work per connection, many at a time, under the budget.

Every command that touches many connections (`check`, `wait-ready`, `watch`,
`connections list --details`) goes through `Fleet`. It knows nothing of HTTP: a unit of work
is any callable (typically one status request through the shared client, whose `Pacer` does
the actual rate limiting), and the clock and sleep are injected, so tests run without time.

API
---
``Fleet(monotonic=, sleep=, workers=DEFAULT_WORKERS, budget=None, deadline=None)``
    ``budget`` is a `Budget(limit, window)` (the organisation's requests per window, from the
    settings); ``deadline`` a `monotonic` instant after which no work starts. ``workers=1``
    runs the work in the calling thread (no threads: deterministic order, as before).

``fleet.run(items, work) -> Iterator[Done]``
    Calls ``work(item)`` once per item, at most ``workers`` at a time, and yields a `Done`
    per item **as each completes** (completion order, not input order). ``items`` may be any
    iterable, consumed lazily: at most ``workers`` items are taken ahead of the results, so
    memory stays flat for 10,000 connections and the first result comes out at once. Items
    not started by the deadline are yielded without being run, with ``error`` a
    `DeadlineReached` and ``started is None``. Breaking out of the loop stops the pool.

``fleet.poll(items, work, decide) -> Iterator[Done]``
    Repeated polling. Every item is polled at once, then at its own next instant: after each
    `Done` is yielded, ``decide(done)`` returns the seconds until that item's next poll
    (``None``: the item is finished). Two polls of one item never start closer together
    than ``fleet.spacing(n)`` for the ``n`` items still polled, so the fleet never asks for
    more than its share of the budget however large it is (``decide`` asks for 15 s, a
    fleet of 1,000 at 500/10 s gets ~22 s); a poll due after the deadline happens at the
    deadline, and no poll starts after it (the generator then ends). ``items`` is a sequence
    (every item has a due time). While no work is running the scheduler sleeps, with the
    injected ``sleep``, until the next due poll; while work is running it waits for the next
    result instead (in real time, at most until the next poll is due).

``fleet.spacing(n, requests_per_unit=1) -> float``
    The shortest interval between two polls of one connection for a fleet of ``n``:
    ``n * requests_per_unit * window / (limit * BUDGET_SHARE)``; 0 without a budget.

``deadline_sleep(sleep, monotonic, deadline)``
    A ``sleep`` for the HTTP client's retries and pacing that refuses (raises
    `DeadlineReached`) a pause that would end after the deadline.

`Target(name, access_token, connection_id=None)` is the usual item: one connection, named
for people (never by its access token). In a command, ``deps.fleet()`` (cli/deps.py) builds
the scheduler from the run's clock, sleep, the settings' budget and the command's deadline:

    for done in deps.fleet().run(targets, lambda t: get_status(gateway, t.access_token, now)):
        show(done.item, done.value, done.error)     # as each completes

`Done` has ``item``, ``value`` (the work's return value, or None), ``error`` (a
`RutterctlError` the work raised: a per-item failure, never raised by the scheduler),
``started`` and ``finished`` (``monotonic`` instants; ``started`` None when the item was not
run). Any other exception from the work (a bug, KeyboardInterrupt) is raised from the loop.
"""

from __future__ import annotations

import heapq
import itertools
import queue
import threading
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, NamedTuple, TypeVar

from rutterctl.errors import RutterctlError, Unavailable

T = TypeVar("T")
R = TypeVar("R")

# Enough requests in flight to reach 50 requests/s (500/10 s) at ~300 ms of latency; the
# pacer, not the pool, holds the rate down.
DEFAULT_WORKERS = 16
# Repeated polling plans for 90% of the budget: retries and other commands keep some room.
BUDGET_SHARE = 0.9
# Clocks are floats: a poll this close to the deadline is the poll at the deadline.
EPSILON = 1e-6


class Target(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """One connection of a fleet. `name` is what the user typed (alias, id) or the id: never
    an access token, which is a secret. `connection_id` when known before any request.
    `store_name`: for people on a terminal, when `name` is only an id and a fresh store name
    is known without a request (the store cache); machine output keeps `name`."""

    name: str
    access_token: str
    connection_id: str | None = None
    store_name: str | None = None

    @property
    def shown(self) -> str:
        return self.store_name or self.name


class Budget(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """The organisation's rate limit: `limit` requests per `window` seconds."""

    limit: int
    window: float


class Done(NamedTuple, Generic[T, R]):  # a NamedTuple for start-up time: domain/models.py
    """One item's work, finished: its value or error, and when it ran."""

    item: T
    value: R | None
    error: RutterctlError | None
    started: float | None
    finished: float


class DeadlineReached(Unavailable):
    """Work (or a retry or pacing pause inside it) would have started past the deadline."""


def deadline_sleep(
    sleep: Callable[[float], None], monotonic: Callable[[], float], deadline: float
) -> Callable[[float], None]:
    """`sleep` for the HTTP client's retries and pacing: a pause that would end after the
    deadline (a long Retry-After, say) is not taken; the request fails at once instead."""

    def guarded(seconds: float) -> None:
        if monotonic() + seconds > deadline + EPSILON:
            raise DeadlineReached(
                f"gave up: the next retry, in {seconds:.1f}s, would pass the --timeout deadline"
            )
        sleep(seconds)

    return guarded


class _Outcome(NamedTuple, Generic[T, R]):  # a NamedTuple class costs 1/6 of a dataclass's
    """A `Done` before it reaches the consumer: any exception, raised there if not ours."""

    item: T
    value: R | None
    error: BaseException | None
    started: float
    finished: float


class _Pool(Generic[T, R]):
    """Daemon worker threads fed one task at a time: an interrupted command exits at once
    instead of waiting for requests in flight (ThreadPoolExecutor joins them at exit)."""

    def __init__(
        self, work: Callable[[T], R], workers: int, monotonic: Callable[[], float]
    ) -> None:
        self._work = work
        self._size = workers
        self._monotonic = monotonic
        self._tasks: queue.SimpleQueue[T | None] = queue.SimpleQueue()
        self._results: queue.SimpleQueue[_Outcome[T, R]] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self.in_flight = 0

    def submit(self, item: T) -> None:
        self.in_flight += 1
        if len(self._threads) < min(self.in_flight, self._size):
            thread = threading.Thread(target=self._loop, name="rutterctl-fleet", daemon=True)
            thread.start()
            self._threads.append(thread)
        self._tasks.put(item)

    def result(self, timeout: float | None) -> _Outcome[T, R] | None:
        try:
            outcome = self._results.get(timeout=timeout)
        except queue.Empty:
            return None
        self.in_flight -= 1
        return outcome

    def _loop(self) -> None:
        while not self._stop.is_set():
            item = self._tasks.get()
            if item is None or self._stop.is_set():
                return
            self._results.put(_call(self._work, item, self._monotonic))

    def close(self) -> None:
        self._stop.set()
        for _ in self._threads:
            self._tasks.put(None)


def _call(work: Callable[[T], R], item: T, monotonic: Callable[[], float]) -> _Outcome[T, R]:
    started = monotonic()
    try:
        return _Outcome(item, work(item), None, started, monotonic())
    except BaseException as exc:  # noqa: BLE001 - handed to the consumer's thread, raised there
        return _Outcome(item, None, exc, started, monotonic())


def _done(outcome: _Outcome[T, R]) -> Done[T, R]:
    error = outcome.error
    if error is not None and not isinstance(error, RutterctlError):
        raise error
    return Done(outcome.item, outcome.value, error, outcome.started, outcome.finished)


@dataclass
class Fleet:
    """The scheduler: one unit of work per item, `workers` at a time, under the budget."""

    monotonic: Callable[[], float]
    sleep: Callable[[float], None]
    workers: int = DEFAULT_WORKERS
    budget: Budget | None = None
    deadline: float | None = None

    def spacing(self, n: int, requests_per_unit: int = 1) -> float:
        if self.budget is None or n <= 0:
            return 0.0
        return n * requests_per_unit * self.budget.window / (self.budget.limit * BUDGET_SHARE)

    def _expired(self) -> bool:
        return self.deadline is not None and self.monotonic() >= self.deadline - EPSILON

    def run(self, items: Iterable[T], work: Callable[[T], R]) -> Generator[Done[T, R], None, None]:
        pending = iter(items)
        if self.workers <= 1:
            for item in pending:
                if self._expired():
                    yield self._not_started(item)
                else:
                    yield _done(_call(work, item, self.monotonic))
            return
        pool: _Pool[T, R] = _Pool(work, self.workers, self.monotonic)
        try:
            exhausted = False
            while True:
                while not exhausted and pool.in_flight < self.workers and not self._expired():
                    try:
                        pool.submit(next(pending))
                    except StopIteration:
                        exhausted = True
                if pool.in_flight == 0:
                    break
                outcome = pool.result(None)
                assert outcome is not None
                yield _done(outcome)
            for item in pending:  # what the deadline left: reported, not run
                yield self._not_started(item)
        finally:
            pool.close()

    def _not_started(self, item: T) -> Done[T, R]:
        return Done(
            item,
            None,
            DeadlineReached("not checked: the --timeout deadline passed first"),
            None,
            self.monotonic(),
        )

    def poll(
        self,
        items: Sequence[T],
        work: Callable[[T], R],
        decide: Callable[[Done[T, R]], float | None],
    ) -> Generator[Done[T, R], None, None]:
        start = self.monotonic()
        order = itertools.count()
        # (due, tie-breaker, item): the tie-breaker keeps input order among equal due times.
        due: list[tuple[float, int, T]] = [(start, next(order), item) for item in items]
        active = len(due)
        pool: _Pool[T, R] | None = None
        if self.workers > 1 and len(items) > 1:
            pool = _Pool(work, self.workers, self.monotonic)
        try:
            while due or (pool is not None and pool.in_flight):
                now = self.monotonic()
                outcome: _Outcome[T, R] | None = None
                if due and due[0][0] <= now + EPSILON:
                    item = heapq.heappop(due)[2]
                    if pool is None:
                        outcome = _call(work, item, self.monotonic)
                    else:
                        pool.submit(item)
                        if pool.in_flight < self.workers:
                            continue  # more may be due: start them before waiting
                elif pool is not None and pool.in_flight:
                    # Work is running: wait for it, but no longer than until the next poll
                    # is due (in real time; a fake clock's results arrive at once anyway).
                    wait = max(0.0, due[0][0] - now) if due else None
                    outcome = pool.result(wait)
                else:
                    wake = due[0][0] if self.deadline is None else min(due[0][0], self.deadline)
                    self.sleep(wake - now)
                    continue
                if outcome is None and pool is not None and pool.in_flight >= self.workers:
                    outcome = pool.result(None)
                if outcome is None:
                    continue
                done = _done(outcome)
                yield done
                delay = decide(done)
                if delay is None:
                    active -= 1
                    continue
                after = self.monotonic()
                if self.deadline is not None and after >= self.deadline - EPSILON:
                    active -= 1  # polled at the deadline: no poll starts after it
                    continue
                assert done.started is not None
                when = max(after + delay, done.started + self.spacing(active))
                if self.deadline is not None:
                    when = min(when, self.deadline)
                heapq.heappush(due, (when, next(order), done.item))
        finally:
            if pool is not None:
                pool.close()
