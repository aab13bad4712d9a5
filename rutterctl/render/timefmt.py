"""Times as people read them: RFC 3339 in UTC, plus "5 minutes ago"."""

from __future__ import annotations

from datetime import UTC, datetime

from rutterctl.domain.models import Timestamp


def rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def relative(value: datetime, now: datetime) -> str:
    seconds = (now - value).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            text = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {text}" if future else f"{text} ago"
    return "just now"


def show(ts: Timestamp, now: datetime, *, never: str = "never") -> str:
    """`2026-11-28T06:00:00Z (2 hours ago)`; a date that does not parse is shown as given."""
    if ts.parsed is not None:
        return f"{rfc3339(ts.parsed)} ({relative(ts.parsed, now)})"
    return ts.raw if ts.raw is not None else never


def plain(ts: Timestamp) -> str:
    """For tables: the RFC 3339 time, the raw text if it does not parse, '-' when absent."""
    if ts.parsed is not None:
        return rfc3339(ts.parsed)
    return ts.raw if ts.raw is not None else "-"
