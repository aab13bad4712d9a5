"""Client-side pacing under the organisation's rate limit (500 requests / 10 s by default).

A sliding-window log: a request may go when fewer than `limit` requests started in the last
`window` seconds. Fleet commands share one pacer across threads, so they never trip a 429.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable


class Pacer:
    def __init__(
        self,
        limit: int,
        window: float,
        *,
        monotonic: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._monotonic = monotonic
        self._sleep = sleep
        self._starts: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Block until a request may start; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._monotonic()
                while self._starts and now - self._starts[0] >= self.window:
                    self._starts.popleft()
                if len(self._starts) < self.limit:
                    self._starts.append(now)
                    return waited
                delay = self.window - (now - self._starts[0])
            self._sleep(delay)
            waited += delay
