"""WHEN on the command line: an ISO date or date-time, or an age (`7d`), as Unix milliseconds.

Rutter's data endpoints filter on `created_at_min/max` and `updated_at_min/max` in Unix
milliseconds. A date or a date-time without a zone is read as UTC (Rutter's dates are UTC), not
as the local time of whoever runs the command: the same command gives the same answer anywhere.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from rutterctl.errors import UsageError

_AGE = re.compile(r"(\d+)\s*([smhdw])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
HINT = (
    "use a date (2026-01-31), a date-time (2026-01-31T10:00:00Z, 2026-01-31T10:00:00+02:00) "
    "or an age before now (30m, 12h, 7d, 2w)"
)


def parse_when(text: str, now: datetime, *, option: str) -> int:
    """`text` as Unix milliseconds; `now` (aware) anchors the relative forms."""
    raw = text.strip()
    match = _AGE.fullmatch(raw.lower())
    if match:
        when = now - timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])
    else:
        when = _parse_iso(raw, option)
    return to_millis(when)


def _parse_iso(raw: str, option: str) -> datetime:
    # fromisoformat alone would also take `20260131`, and week dates; insist on a dashed date.
    if not re.match(r"\d{4}-\d{2}-\d{2}", raw):
        raise UsageError(f"{option} {raw!r} is not a date, a date-time or an age", hint=HINT)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise UsageError(f"{option} {raw!r} is not a valid date or date-time", hint=HINT) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def to_millis(value: datetime) -> int:
    """Whole milliseconds since the epoch (exact integer arithmetic, no float rounding)."""
    delta = value - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000


def time_filters(now: datetime, options: dict[str, tuple[str, str | None]]) -> dict[str, int]:
    """`{"created_at_min": ("--created-since", "7d"), ...}` -> `{"created_at_min": ms, ...}`.

    Values that are None are left out; a `_min` after its `_max` is a usage error, since
    nothing could match.
    """
    found = {
        key: parse_when(text, now, option=option)
        for key, (option, text) in options.items()
        if text is not None
    }
    for key, low in found.items():
        if key.endswith("_min"):
            high = found.get(key[: -len("_min")] + "_max")
            if high is not None and low > high:
                since, until = options[key][0], options[key[: -len("_min")] + "_max"][0]
                raise UsageError(
                    f"{since} is after {until}: nothing can match", hint="swap the two values"
                )
    return found


def fetch_filters(
    now: datetime,
    created_since: str | None,
    created_until: str | None,
    updated_since: str | None,
    updated_until: str | None,
) -> dict[str, int]:
    """`fetch`'s four WHEN options as Rutter's query parameters."""
    return time_filters(
        now,
        {
            "created_at_min": ("--created-since", created_since),
            "created_at_max": ("--created-until", created_until),
            "updated_at_min": ("--updated-since", updated_since),
            "updated_at_max": ("--updated-until", updated_until),
        },
    )
