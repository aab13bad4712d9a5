"""Settings resolved from the environment (profiles and stored credentials come later)."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rutterctl.config.credentials import Credentials, resolve_credentials
from rutterctl.config.paths import cache_dir
from rutterctl.errors import UsageError

ENVIRONMENTS = {
    "production": "https://production.rutterapi.com/versioned",
    "sandbox": "https://sandbox.rutterapi.com/versioned",
}
DEFAULT_ENVIRONMENT = "sandbox"
DEFAULT_API_VERSION = "2023-03-14"
DEFAULT_RATE_LIMIT = (500, 10.0)
DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True)
class Settings:
    base_url: str
    environment: str
    api_version: str
    credentials: Credentials | None
    rate_limit: int
    rate_window: float
    timeout: float
    cache_dir: Path


def load_settings(environ: Mapping[str, str]) -> Settings:
    base_url, environment = _base_url(environ)
    limit, window = _rate_limit(environ.get("RUTTERCTL_RATE_LIMIT"))
    return Settings(
        base_url=base_url,
        environment=environment,
        api_version=environ.get("RUTTER_API_VERSION") or DEFAULT_API_VERSION,
        credentials=resolve_credentials(environ),
        rate_limit=limit,
        rate_window=window,
        timeout=_positive_float(environ, "RUTTERCTL_TIMEOUT", DEFAULT_TIMEOUT),
        cache_dir=cache_dir(environ),
    )


def _base_url(environ: Mapping[str, str]) -> tuple[str, str]:
    explicit = environ.get("RUTTER_BASE_URL")
    if explicit:
        if not re.match(r"^https?://[^/\s]+", explicit):
            raise UsageError(
                f"RUTTER_BASE_URL is not an http(s) URL: {explicit!r}",
                hint="for example https://sandbox.rutterapi.com/versioned",
            )
        return explicit.rstrip("/"), "custom"
    name = (environ.get("RUTTER_ENV") or DEFAULT_ENVIRONMENT).lower()
    if name not in ENVIRONMENTS:
        raise UsageError(
            f"RUTTER_ENV must be one of {', '.join(sorted(ENVIRONMENTS))}, not {name!r}",
            hint="or set RUTTER_BASE_URL to a custom host",
        )
    return ENVIRONMENTS[name], name


def _rate_limit(raw: str | None) -> tuple[int, float]:
    """`500/10s`: at most 500 requests in any 10-second window."""
    if not raw:
        return DEFAULT_RATE_LIMIT
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*", raw)
    if not match or int(match.group(1)) < 1 or float(match.group(2)) <= 0:
        raise UsageError(
            f"RUTTERCTL_RATE_LIMIT must look like 500/10s, not {raw!r}",
            hint="requests per window in seconds, e.g. 500/10s",
        )
    return int(match.group(1)), float(match.group(2))


def _positive_float(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    # float() also reads "nan" and "inf": neither is a usable number of seconds.
    if not math.isfinite(value) or value <= 0:
        raise UsageError(f"{name} must be a positive number of seconds, not {raw!r}")
    return value


def debug_enabled(environ: Mapping[str, str]) -> bool:
    return environ.get("RUTTERCTL_DEBUG", "").lower() in {"1", "true", "yes", "on"}


def no_color(environ: Mapping[str, str] = os.environ) -> bool:
    """https://no-color.org: any non-empty NO_COLOR disables colour."""
    return bool(environ.get("NO_COLOR")) or environ.get("TERM") == "dumb"
