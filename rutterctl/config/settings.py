"""Effective settings: environment > profile (config.toml) > default, plus the credentials."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple

from rutterctl.config.credentials import Credentials, StoreSource, open_store, resolve_credentials
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

# Numeric settings, range-checked wherever they come from (environment or config.toml): an
# absurd value (1e308 seconds, a pacing window of 30 years) is a usage error up front, not an
# OverflowError or a command that hangs. key: (environment variable, default, min, max).
LIMITS: dict[str, tuple[str, float, float, float]] = {
    "timeout": ("RUTTERCTL_TIMEOUT", DEFAULT_TIMEOUT, 0.1, 3600.0),  # read timeout, seconds
    "request_timeout": ("RUTTERCTL_REQUEST_TIMEOUT", 120.0, 1.0, 86400.0),  # whole request
    "max_body": ("RUTTERCTL_MAX_BODY", 32.0 * 1024 * 1024, 64.0 * 1024, 1024.0**3),  # bytes
}
MAX_RATE_REQUESTS = 100_000
MAX_RATE_WINDOW = 3600.0  # seconds
MAX_PACE = 60.0  # seconds per request at the slowest: 1/60s is allowed, 1/61s is not
# Compiled by `re` when a limit is set (most runs set none). Any case.
_SIZE = r"(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?"
_SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
_SECONDS = r"(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*s?"


class Settings(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """The effective settings of one run, each from its strongest source."""

    base_url: str
    environment: str  # "sandbox", "production" or "custom"
    api_version: str
    credentials: Credentials | None
    rate_limit: int
    rate_window: float
    timeout: float
    cache_dir: Path
    profile: str = "default"
    output: str | None = None  # the default output format, when one is configured
    request_timeout: float = LIMITS["request_timeout"][1]
    max_body: int = int(LIMITS["max_body"][1])
    ca_bundle: str | None = None  # RUTTERCTL_CA_BUNDLE > the profile's ca_bundle

    @property
    def label(self) -> str:
        """Which profile and environment answer: `profile prod · production`."""
        where = self.base_url if self.environment == "custom" else self.environment
        return f"profile {self.profile} · {where}"


def _check_text(environ: Mapping[str, str]) -> None:
    """rutterctl's variables must be text: bytes that are not UTF-8 (kept as surrogates by
    Python) cannot be sent or written. The value is not shown: it may be a secret."""
    for name, value in environ.items():
        if name.startswith("RUTTER") and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise UsageError(
                    f"{name} is not UTF-8 text", hint=f"set {name} again, as plain text"
                ) from None


def load_settings(
    environ: Mapping[str, str],
    *,
    profile: str | None = None,
    store: StoreSource = None,
    warn: Callable[[str], None] | None = None,
    require_profile: bool = True,
    with_credentials: bool = True,
) -> Settings:
    """Settings for `profile` (the --profile option; else RUTTERCTL_PROFILE; else `default`).

    A profile chosen by name must exist (in config.toml, or with a stored credential) unless
    `require_profile` is false (commands that create profiles); `default` always exists.
    `with_credentials=False` leaves `credentials` None without looking (for commands that only
    show settings).
    """
    from rutterctl.config import profiles  # only when settings are needed, not for --help

    _check_text(environ)
    name, _ = profiles.select_profile(profile, environ)
    config = profiles.load_config(profiles.config_path(environ))
    values = config.profile(name)
    if values is None:
        # A profile exists once it has settings or a stored credential (the file, not the keyring).
        known = name == profiles.DEFAULT_PROFILE
        if require_profile and not known:
            store = open_store(store, environ)
            if name not in store.stored_profiles():
                raise UsageError(
                    f"profile {name!r} is not defined in {config.path}",
                    hint=f"create it with `rutterctl config set --profile {name} environment "
                    f"ENV` or `rutterctl auth login --profile {name}`",
                )
        values = {}
    base_url, environment = _base_url(environ, values)
    limit, window = _rate_limit(environ.get("RUTTERCTL_RATE_LIMIT"), values.get("rate_limit"))
    timeout = _limit("timeout", environ, values)
    request_timeout = _limit("request_timeout", environ, values)
    max_body = int(_limit("max_body", environ, values))
    api_version = _api_version(environ, values)
    output = _output(environ, values)
    # Last: every usage error is reported before a keyring is asked anything.
    credentials = (
        resolve_credentials(environ, profile=name, store=store, warn=warn)
        if with_credentials
        else None
    )
    return Settings(
        base_url=base_url,
        environment=environment,
        api_version=api_version,
        credentials=credentials,
        rate_limit=limit,
        rate_window=window,
        timeout=timeout,
        cache_dir=cache_dir(environ),
        profile=name,
        output=output,
        request_timeout=request_timeout,
        max_body=max_body,
        ca_bundle=environ.get("RUTTERCTL_CA_BUNDLE") or values.get("ca_bundle") or None,
    )


def _base_url(environ: Mapping[str, str], values: Mapping[str, str]) -> tuple[str, str]:
    from rutterctl.config import profiles

    explicit = environ.get("RUTTER_BASE_URL")
    if explicit:
        if not profiles.is_base_url(explicit):
            raise UsageError(
                f"RUTTER_BASE_URL is not an http(s) URL with a host (and a valid port): "
                f"{explicit!r}",
                hint="for example https://sandbox.rutterapi.com/versioned",
            )
        return explicit.rstrip("/"), "custom"
    from_env = environ.get("RUTTER_ENV")
    if from_env:
        name = from_env.lower()
        if name not in ENVIRONMENTS:
            raise UsageError(
                f"RUTTER_ENV must be one of {', '.join(sorted(ENVIRONMENTS))}, not {name!r}",
                hint="or set RUTTER_BASE_URL to a custom host",
            )
        return ENVIRONMENTS[name], name
    configured = values.get("environment")
    if configured:
        # load_config has validated it already; parse_value normalises case and slashes.
        value = profiles.parse_value("environment", configured)
        if value in ENVIRONMENTS:
            return ENVIRONMENTS[value], value
        return value, "custom"
    return ENVIRONMENTS[DEFAULT_ENVIRONMENT], DEFAULT_ENVIRONMENT


def _output(environ: Mapping[str, str], values: Mapping[str, str]) -> str | None:
    from rutterctl.config import profiles

    raw = environ.get("RUTTERCTL_OUTPUT")
    if raw:
        try:
            return profiles.parse_value("output", raw)
        except ValueError as exc:
            raise UsageError(f"RUTTERCTL_OUTPUT {exc}") from None
    configured = values.get("output")
    return profiles.parse_value("output", configured) if configured else None


def _rate_limit(raw: str | None, configured: str | None = None) -> tuple[int, float]:
    """`500/10s`: at most 500 requests in any 10-second window (environment > profile)."""
    source = "RUTTERCTL_RATE_LIMIT"
    if not raw:
        raw, source = configured, "the profile's rate_limit"
    if not raw:
        return DEFAULT_RATE_LIMIT
    try:
        return parse_rate_limit(raw)
    except ValueError as exc:
        raise UsageError(
            f"{source} {exc}", hint="requests per window in seconds, e.g. 500/10s"
        ) from None


def parse_rate_limit(raw: str) -> tuple[int, float]:
    """(requests, window seconds) from `500/10s`, in range, or ValueError saying why."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*", raw)
    if not match:
        raise ValueError(f"must look like 500/10s, not {raw!r}")
    requests, window = int(match.group(1)), float(match.group(2))
    if requests < 1 or window <= 0:
        raise ValueError(f"must look like 500/10s, not {raw!r}")
    if not 1 <= requests <= MAX_RATE_REQUESTS or not 0 < window <= MAX_RATE_WINDOW:
        raise ValueError(
            f"must be 1 to {MAX_RATE_REQUESTS} requests per at most {MAX_RATE_WINDOW:g}s, "
            f"not {raw!r}"
        )
    if window / requests > MAX_PACE:
        raise ValueError(
            f"would allow fewer than one request a minute ({raw!r}): every command would crawl"
        )
    return requests, window


def parse_limit(key: str, raw: str) -> float:
    """A numeric setting (LIMITS) from its text, in range, or ValueError saying why: seconds
    (`30`, `30s`) or, for max_body, a size (`32MiB`, `500k`, `1000000`)."""
    _, _, low, high = LIMITS[key]
    text = raw.strip()
    if key == "max_body":
        match = re.fullmatch(_SIZE, text, re.IGNORECASE)
        unit = (match.group(2) or "").lower()[:1] if match else ""
        value = float(match.group(1)) * _SIZE_UNITS[unit] if match else math.nan
        shown = f"a size from {_size(low)} to {_size(high)}, e.g. 64MiB"
    else:
        match = re.fullmatch(_SECONDS, text, re.IGNORECASE)
        value = float(match.group(1)) if match else math.nan
        shown = "a positive number of seconds"
        if math.isfinite(value) and value > high:
            shown = f"at most {high:g} seconds"
        elif math.isfinite(value) and 0 < value < low:
            shown = f"at least {low:g} seconds"
    # float() reads "1e308", "inf" and "nan" too: none of them is a usable setting.
    if not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"must be {shown}, not {raw!r}")
    return value


def _size(n: float) -> str:
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= size:
            return f"{n / size:g} {unit}"
    return f"{n:g} bytes"


def _limit(key: str, environ: Mapping[str, str], values: Mapping[str, str]) -> float:
    var, default, _, _ = LIMITS[key]
    raw, source = environ.get(var), var
    if not raw:
        raw, source = values.get(key), f"the profile's {key}"
    if not raw:
        return default
    try:
        return parse_limit(key, raw)
    except ValueError as exc:
        raise UsageError(f"{source} {exc}") from None


def _api_version(environ: Mapping[str, str], values: Mapping[str, str]) -> str:
    raw = environ.get("RUTTER_API_VERSION")
    if raw and not raw.isprintable():
        # Sent as a header: CR/LF would split it, and every retry would fail the same way.
        raise UsageError(
            f"RUTTER_API_VERSION holds control characters: {raw!r}",
            hint="set it to a date like 2023-03-14",
        )
    return raw or values.get("api_version") or DEFAULT_API_VERSION


def debug_enabled(environ: Mapping[str, str]) -> bool:
    return environ.get("RUTTERCTL_DEBUG", "").lower() in {"1", "true", "yes", "on"}


def no_color(environ: Mapping[str, str] = os.environ) -> bool:
    """https://no-color.org: any non-empty NO_COLOR disables colour."""
    return bool(environ.get("NO_COLOR")) or environ.get("TERM") == "dumb"
