"""Simulated time: a base instant, plus real elapsed time times a speed, plus manual advances.

Speed 0 freezes time so tests move it only with `advance`; nothing ever sleeps to see hours
of sync. Thread-safe: waitress serves requests from several threads.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from rutterctl.errors import UsageError

# Bounds that keep simulated time a date Python can print (datetime ends at year 9999): a
# speed of 100,000 is 27 simulated hours per real second; one advance is at most 10 years.
MAX_SPEED = 100_000.0
MAX_ADVANCE = 10 * 366 * 86400.0
LATEST = 253_402_300_799.0 - MAX_ADVANCE * 100  # well before 9999-12-31


class BadTime(UsageError, ValueError):
    """An impossible speed or advance: exit 2 from `sim serve`, a 400 from the control surface
    (a ValueError there)."""


def check_speed(speed: float) -> float:
    """`speed` if it is a finite number from 0 (frozen) to MAX_SPEED, else BadTime."""
    if isinstance(speed, bool) or not isinstance(speed, int | float):
        raise BadTime(f"speed must be a number, not {speed!r}")
    if not math.isfinite(speed) or not 0 <= speed <= MAX_SPEED:
        raise BadTime(
            f"speed must be from 0 (frozen) to {MAX_SPEED:g} simulated seconds per real second, "
            f"not {speed!r}"
        )
    return float(speed)


def check_advance(seconds: float) -> float:
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise BadTime(f"seconds must be a number, not {seconds!r}")
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_ADVANCE:
        raise BadTime(
            f"the clock moves forward by 0 to {MAX_ADVANCE:g} seconds (10 years) at a time, "
            f"not {seconds!r}"
        )
    return float(seconds)


class SimClock:
    def __init__(
        self,
        start: float,
        *,
        speed: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        speed = check_speed(speed)
        if not math.isfinite(start) or not 0 <= start <= LATEST:
            raise BadTime(f"the simulated start must be a date before year 9000, not {start!r}")
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
        if isinstance(seconds, int | float) and seconds < 0:
            raise ValueError("the simulated clock only moves forward")
        seconds = check_advance(seconds)
        with self._lock:
            if self._now() + seconds > LATEST:
                raise BadTime("the simulated clock would pass year 9000")
            self._anchor_sim += seconds
            return self._now()

    def set_speed(self, speed: float) -> None:
        speed = check_speed(speed)
        with self._lock:
            self._anchor_sim = self._now()
            self._anchor_real = self._monotonic()
            self._speed = float(speed)
