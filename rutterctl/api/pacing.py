"""Client-side pacing under the organisation's rate limit (500 requests / 10 s by default).

A sliding-window log of slots: a request may start when fewer than `limit` slots are taken.
Two rules keep the count on the safe side of the server's:

- A slot is held from the moment its request starts until `window` (plus a 0.5% margin) after
  its response is complete, not after it was sent. Rutter counts a request when it *arrives*,
  which is some time after we send it; its arrival is always before our reading of the
  answer, so counting from completion can never be early. Counting from the send, a fleet
  paced at exactly the limit got 7-15 HTTP 429 per 2,000 requests (issue 13).
- The log can be shared (`SharedSlots`): every rutterctl process of one organisation on the
  machine records its slots in one lock-protected file (`rutterctl.config.pacing_state`,
  injected by `Deps.client`), so two fleet commands at once stay under the limit together.

Instants are `monotonic` seconds: with the real clock, `time.monotonic()`, the same for every
process of a machine (Linux, macOS, Windows).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import threading
from collections.abc import Callable, Iterator
from typing import NamedTuple, Protocol, TypeVar

R = TypeVar("R")

# A slot is [instant, pid, seq]: pid 0 means done (instant = completion), otherwise the request
# of that process started at `instant` is still in flight.
Slot = list[float]

# Of the window, on top of it (50 ms of 10 s): the server may stamp arrivals coarsely, and its
# clock and ours need not tick alike. Small: every window of a fleet pays it once.
MARGIN = 0.005
IN_FLIGHT_POLL = 0.05  # seconds between looks while every slot is held by a request in flight
MAX_IN_FLIGHT = 300.0  # an in-flight slot older than this is a lost request: counted as done
DEADLINE_SLACK = 1e-6  # clocks are floats: a start at the deadline is at it, not past it

# One sequence for the process: several pacers of one process may share a file.
_SEQUENCE = itertools.count(1)


class SharedSlots(Protocol):
    """Where the slots live. `update` runs `change` on the list, exclusively (across
    processes, for a shared one), and keeps what it changed."""

    def update(self, change: Callable[[list[Slot]], R]) -> R: ...


class MemorySlots:
    """This process's slots only (the default, and in tests)."""

    def __init__(self) -> None:
        self.slots: list[Slot] = []

    def update(self, change: Callable[[list[Slot]], R]) -> R:
        return change(self.slots)


class PacedPastDeadline(Exception):
    """The next place under the rate limit frees only after the command's deadline."""

    def __init__(self, delay: float, limit: int, window: float) -> None:
        super().__init__(f"{delay:.1f}s")
        self.delay, self.limit, self.window = delay, limit, window


class Ticket(NamedTuple):  # a plain record: a NamedTuple class costs 1/6 of a dataclass's
    """An admitted request: release it when its answer is read (or it failed)."""

    seq: int
    waited: float  # seconds `acquire` slept before admitting it


class Pacer:
    def __init__(
        self,
        limit: int,
        window: float,
        *,
        monotonic: Callable[[], float],
        sleep: Callable[[float], None],
        shared: SharedSlots | None = None,
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self.hold = window * (1 + MARGIN)  # how long a slot stays taken after its request
        self._monotonic = monotonic
        self._sleep = sleep
        self._shared = shared if shared is not None else MemorySlots()
        self._lock = threading.Lock()  # threads of this process take turns at the shared log
        self._pid = os.getpid()

    @contextlib.contextmanager
    def request(self, deadline: float | None = None) -> Iterator[Ticket]:
        """Hold a slot around one request: `with pacer.request(): send and read`."""
        ticket = self.acquire(deadline)
        try:
            yield ticket
        finally:
            self.release(ticket)

    def acquire(self, deadline: float | None = None) -> Ticket:
        """Block until a request may start. `deadline` (a `monotonic` instant, a command's
        --timeout): a pause that would end past it is not taken (`PacedPastDeadline`), so a
        slow pace (RUTTERCTL_RATE_LIMIT=1/60s) never holds a command beyond its deadline."""
        waited = 0.0
        while True:
            with self._lock:
                seq = next(_SEQUENCE)
                delay = self._shared.update(functools.partial(self._take, seq=seq))
            if delay is None:
                return Ticket(seq, waited)
            if deadline is not None and self._monotonic() + delay > deadline + DEADLINE_SLACK:
                raise PacedPastDeadline(delay, self.limit, self.window)
            self._sleep(delay)
            waited += delay

    def release(self, ticket: Ticket) -> None:
        """The request is over: its slot is held until `hold` seconds from now."""
        with self._lock:
            self._shared.update(functools.partial(self._finish, seq=ticket.seq))

    def _take(self, slots: list[Slot], seq: int) -> float | None:
        now = self._monotonic()
        self._prune(slots, now)
        if len(slots) < self.limit:
            slots.append([now, self._pid, seq])
            return None
        # len(slots) - limit + 1 slots must free; done ones free in the order they finished.
        frees = sorted(s[0] + self.hold for s in slots if s[1] == 0)
        needed = len(slots) - self.limit
        if needed < len(frees):
            return max(frees[needed] - now, 0.0) or IN_FLIGHT_POLL
        return IN_FLIGHT_POLL  # the rest are in flight: they free only once answered

    def _finish(self, slots: list[Slot], seq: int) -> None:
        now = self._monotonic()
        for slot in slots:
            if slot[1] == self._pid and slot[2] == seq:
                slot[:] = [now, 0, 0]
                return
        slots.append([now, 0, 0])  # pruned meanwhile (a very long request): count it anyway

    def _prune(self, slots: list[Slot], now: float) -> None:
        kept = []
        for slot in slots:
            instant, pid = slot[0], int(slot[1])
            if instant > now + 1.0:
                continue  # from before the machine restarted: monotonic clocks began again
            if pid == 0:
                if instant + self.hold > now:
                    kept.append(slot)
            elif now - instant > MAX_IN_FLIGHT or not _alive(pid, self._pid):
                kept.append([now, 0, 0])  # its process is gone: it may have just arrived
            else:
                kept.append(slot)
        slots[:] = kept


def _alive(pid: int, own: int) -> bool:
    if pid == own or os.name != "posix":  # os.kill(pid, 0) would end a process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, as another user
        return True
    return True
