"""Times as people read them: RFC 3339 in UTC, plus "5 minutes ago".

Relative times are against this machine's clock (the report's `checked_at`). The timestamps
shown this way record past events (created, last sync completed), so one in the future means
the two clocks disagree (a server's clock set ahead, or the simulator after
`/_sim/clock/advance`): it is said as "36 minutes ahead of this machine's clock", never as
"in 36 minutes", which would read as a sync yet to come. Up to a minute of skew is "just now".
"""

from __future__ import annotations

from datetime import UTC, datetime

from rutterctl.domain.models import Timestamp

SKEW = 60.0  # seconds of clock difference read as "now"


def rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _amount(seconds: float) -> str | None:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return None


def relative(value: datetime, now: datetime) -> str:
    """How long ago a past event was; one stamped ahead of `now` is clock skew (see above)."""
    seconds = (now - value).total_seconds()
    if -SKEW < seconds < 60:
        return "just now"
    amount = _amount(abs(seconds))
    return f"{amount} ago" if seconds > 0 else f"{amount} ahead of this machine's clock"


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
