"""Trouble on demand: the organisation rate limit and injected faults.

Faults model what sits between a client and Rutter as much as Rutter itself: latency, 5xx
answers, an HTML page from a proxy, a 200 whose JSON is cut short, a connection closed without
an answer. The control surface schedules "the next N responses fail with X" so tests can
count retries deterministically; flags add random failures and periodic bursts.
"""

from __future__ import annotations

import math
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

KINDS = ("status", "html", "truncated", "drop", "latency")
# Bounds on what the control surface and the command line may ask for: a fault list of twenty
# million entries would hold gigabytes, a latency of 1e308 ms would stop a worker for good.
MAX_SCHEDULED = 10_000
MAX_LATENCY_MS = 60_000.0
MAX_RETRY_AFTER = 86_400.0
MAX_RATE = 1_000_000


def number(value: object, name: str, low: float, high: float) -> float:
    """A finite number in [low, high] from JSON or text, else ValueError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{name} must be a number from {low:g} to {high:g}")
    try:
        result = float(value)
    except ValueError:
        raise ValueError(f"{name} must be a number from {low:g} to {high:g}") from None
    if not low <= result <= high:  # NaN fails this too
        raise ValueError(f"{name} must be a number from {low:g} to {high:g}, not {value!r}")
    return result


@dataclass(frozen=True)
class Fault:
    kind: str  # status | html | truncated | drop | latency
    status: int = 500  # for status (and html: 502 by default)
    retry_after: float | None = None  # adds a Retry-After header (status and html)
    latency_ms: float = 0.0  # for latency: added before an otherwise normal answer
    path: str | None = None  # only requests to this path (e.g. "/orders"); None: any

    def describe(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def parse_kind(text: str, *, retry_after: float | None = None) -> Fault:
    """`500`, `503`, `5xx`, `429`, `html`, `truncated`, `drop` -> a Fault."""
    value = text.strip().lower()
    if value in ("html", "truncated", "drop"):
        return Fault(value, status=502 if value == "html" else 200, retry_after=retry_after)
    if value == "5xx":
        value = "500"
    if value.isdigit() and (int(value) == 429 or 500 <= int(value) <= 599):
        return Fault("status", status=int(value), retry_after=retry_after)
    raise ValueError(f"unknown fault kind {text!r}: use 429, 500-599, 5xx, html, truncated or drop")


def parse_rate(text: str) -> tuple[int, float]:
    """`500/10s` -> (500, 10.0)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*", text)
    if not match or int(match.group(1)) < 1 or float(match.group(2)) <= 0:
        raise ValueError(f"a rate must look like 500/10s, not {text!r}")
    limit, window = int(match.group(1)), float(match.group(2))
    if limit > MAX_RATE or window > 86_400:
        raise ValueError(f"a rate is at most {MAX_RATE} requests per at most 86400s, not {text!r}")
    return limit, window


def parse_burst(text: str) -> tuple[int, int]:
    """`3/50`: 3 failing responses in every 50 requests."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or not 0 < int(match.group(1)) < int(match.group(2)):
        raise ValueError(
            f"a burst must look like 3/50 (N failures every M requests, N < M), not {text!r}"
        )
    return int(match.group(1)), int(match.group(2))


class FaultPlan:
    def __init__(
        self,
        *,
        seed: int = 0,
        latency_ms: float = 0.0,
        error_rate: float = 0.0,
        error_fault: Fault | None = None,
        burst: tuple[int, int] | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self.latency_ms = latency_ms
        self.error_rate = error_rate
        self.error_fault = error_fault or Fault("status", 500)
        self.burst = burst
        self._scheduled: deque[Fault] = deque()
        self._requests = 0

    def schedule(self, fault: Fault, count: int = 1) -> None:
        with self._lock:
            if count < 1 or len(self._scheduled) + count > MAX_SCHEDULED:
                raise ValueError(
                    f"at most {MAX_SCHEDULED} faults can be scheduled at once "
                    f"({len(self._scheduled)} are waiting)"
                )
            self._scheduled.extend([fault] * count)

    def clear(self) -> None:
        with self._lock:
            self._scheduled.clear()

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [fault.describe() for fault in self._scheduled]

    def next_fault(self, path: str) -> Fault | None:
        """The fault for this request, if any: scheduled ones first, then bursts, then chance."""
        with self._lock:
            self._requests += 1
            for fault in self._scheduled:
                if fault.path is None or fault.path == path:
                    self._scheduled.remove(fault)
                    return fault
            if self.burst is not None:
                failing, every = self.burst
                if (self._requests - 1) % every >= every - failing:
                    return self.error_fault
            if self.error_rate > 0 and self._rng.random() < self.error_rate:
                return self.error_fault
            return None

    def describe(self) -> dict[str, Any]:
        return {
            "latency_ms": self.latency_ms,
            "error_rate": self.error_rate,
            "error_fault": self.error_fault.describe(),
            "burst": f"{self.burst[0]}/{self.burst[1]}" if self.burst else None,
            "scheduled": self.pending(),
        }


class RateLimiter:
    """A sliding window over real time: at most `limit` accepted requests in any `window`."""

    def __init__(
        self, limit: int, window: float, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._lock = threading.Lock()
        self._monotonic = monotonic
        self.limit = limit
        self.window = window
        self._hits: deque[float] = deque()

    def configure(self, limit: int, window: float) -> None:
        with self._lock:
            self.limit, self.window = limit, window
            self._hits.clear()

    def check(self) -> float | None:
        """None and the request counts, or the seconds until one more would be accepted."""
        with self._lock:
            now = self._monotonic()
            while self._hits and self._hits[0] <= now - self.window:
                self._hits.popleft()
            if len(self._hits) >= self.limit:
                return max(0.0, self._hits[0] + self.window - now)
            self._hits.append(now)
            return None

    def describe(self) -> str:
        return f"{self.limit}/{self.window:g}s"


def retry_after_header(seconds: float) -> str:
    return str(max(0, math.ceil(seconds)))
