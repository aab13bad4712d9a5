"""Durations on the command line: `90` (seconds), `30s`, `5m`, `2h`, and combinations `1h30m`."""

from __future__ import annotations

import re

from rutterctl.errors import UsageError

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Far beyond any sensible wait, and well within what time.sleep accepts.
MAX_SECONDS = 30 * 86400
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd])")


def parse_duration(text: str, *, option: str) -> float:
    raw = text.strip().lower()
    # Plain digits only: float() alone would also take `nan`, `inf` and `1e3`.
    if _NUMBER.fullmatch(raw):
        seconds = float(raw)
    else:
        parts = _PART.findall(raw)
        if not parts or "".join(n + u for n, u in parts) != raw:
            raise UsageError(
                f"{option} {text!r} is not a duration",
                hint="use seconds (90) or a unit: 30s, 5m, 2h, 1h30m",
            )
        seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    if seconds <= 0:
        raise UsageError(f"{option} must be more than zero, not {text!r}")
    if seconds > MAX_SECONDS:
        raise UsageError(f"{option} {text!r} is more than 30 days", hint="use at most 30d")
    return seconds


def format_duration(seconds: float) -> str:
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{secs:02d}s"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"
