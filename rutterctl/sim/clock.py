"""Simulated time: a base instant, plus real elapsed time times a speed, plus manual advances.

Speed 0 freezes time so tests move it only with `advance`; nothing ever sleeps to see hours
of sync. Thread-safe: waitress serves requests from several threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class SimClock:
    def __init__(
        self,
        start: float,
        *,
        speed: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if speed < 0:
            raise ValueError("speed must be >= 0")
        self._lock = threading.Lock()
        self._monotonic = monotonic
        self._anchor_sim = float(start)
        self._anchor_real = monotonic()
        self._speed = float(speed)

    @property
    def speed(self) -> float:
        return self._speed

    def monotonic(self) -> float:
        """Real monotonic seconds (the rate limit and webhook retries run on real time)."""
        return self._monotonic()

    def now(self) -> float:
        """Simulated Unix time in seconds."""
        with self._lock:
            return self._now()

    def _now(self) -> float:
        return self._anchor_sim + (self._monotonic() - self._anchor_real) * self._speed

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the simulated clock only moves forward")
        with self._lock:
            self._anchor_sim += seconds
            return self._now()

    def set_speed(self, speed: float) -> None:
        if speed < 0:
            raise ValueError("speed must be >= 0")
        with self._lock:
            self._anchor_sim = self._now()
            self._anchor_real = self._monotonic()
            self._speed = float(speed)
