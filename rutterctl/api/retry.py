"""Retry policy: exponential backoff with full jitter, Retry-After honoured, a bounded budget."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import NamedTuple

RETRYABLE_STATUSES = frozenset({429, 452, 500, 502, 503, 504})
# Past the retry budget any wait ends the retries; a day keeps a hostile `Retry-After: 1e308`
# from printing a 309-digit number in the error's hint.
MAX_RETRY_AFTER = 86_400.0


def is_retryable_status(status: int) -> bool:
    return status in RETRYABLE_STATUSES or status >= 500


class RetryPolicy(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """How often and how long to retry one request (attempts, backoff, waiting budget)."""

    max_attempts: int = 5  # requests in all, the first one included
    base_delay: float = 0.5
    max_delay: float = 30.0
    budget: float = 60.0  # total seconds of waiting across all retries of one request

    def backoff(self, retry_number: int, rng: random.Random) -> float:
        """Full jitter (AWS architecture blog): uniform in [0, min(cap, base * 2^n)]."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** (retry_number - 1)))
        return rng.uniform(0, ceiling)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date; None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
        if not math.isfinite(seconds):  # `inf`, `nan`: not a delay a server can mean
            return None
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(0.0, seconds), MAX_RETRY_AFTER)
