"""Effective settings: environment > profile (config.toml) > default, plus the credentials."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rutterctl.config.credentials import Credentials, resolve_credentials
from rutterctl.config.paths import cache_dir
from rutterctl.errors import UsageError

if TYPE_CHECKING:
    from rutterctl.config.store import CredentialStore

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
    environment: str  # "sandbox", "production" or "custom"
    api_version: str
    credentials: Credentials | None
    rate_limit: int
    rate_window: float
    timeout: float
    cache_dir: Path
    profile: str = "default"
    output: str | None = None  # the default output format, when one is configured

    @property
    def label(self) -> str:
        """Which profile and environment answer: `profile prod · production`."""
        where = self.base_url if self.environment == "custom" else self.environment
        return f"profile {self.profile} · {where}"


def load_settings(
    environ: Mapping[str, str],
    *,
    profile: str | None = None,
    store: CredentialStore | None = None,
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
    from rutterctl.config import profiles  # tomllib: only when settings are needed, not --help

    name, _ = profiles.select_profile(profile, environ)
    config = profiles.load_config(profiles.config_path(environ))
    if store is None:
        from rutterctl.config.store import CredentialStore

        store = CredentialStore.for_environ(environ)
    values = config.profile(name)
    if values is None:
        # A profile exists once it has settings or a stored credential (the file, not the keyring).
        known = name == profiles.DEFAULT_PROFILE
        if require_profile and not known and name not in store.stored_profiles():
            raise UsageError(
                f"profile {name!r} is not defined in {config.path}",
                hint=f"create it with `rutterctl config set --profile {name} environment ENV` "
                f"or `rutterctl auth login --profile {name}`",
            )
        values = {}
    base_url, environment = _base_url(environ, values)
    limit, window = _rate_limit(environ.get("RUTTERCTL_RATE_LIMIT"), values.get("rate_limit"))
    timeout = _positive_float(environ, "RUTTERCTL_TIMEOUT", DEFAULT_TIMEOUT)
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
        api_version=environ.get("RUTTER_API_VERSION")
        or values.get("api_version")
        or DEFAULT_API_VERSION,
        credentials=credentials,
        rate_limit=limit,
        rate_window=window,
        timeout=timeout,
        cache_dir=cache_dir(environ),
        profile=name,
        output=output,
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
    if not raw:
        raw = configured  # validated by load_config: the message below is for the environment
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
