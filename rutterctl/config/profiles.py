"""Profiles in `config.toml`: named sets of environment, API version, output and pacing.

```toml
[profiles.default]
environment = "sandbox"

[profiles.prod]
environment = "production"
output = "json"
rate_limit = "200/10s"
```

Read with `tomllib`; written here (every value is a string, and `json.dumps` of a string is a
valid TOML basic string), atomically, so a crash never leaves half a file. A file that does not
parse is reported with its path and never overwritten.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from rutterctl.config.paths import config_dir
from rutterctl.errors import UsageError

CONFIG_FILE = "config.toml"
DEFAULT_PROFILE = "default"
KEYS = (
    "environment",
    "api_version",
    "output",
    "rate_limit",
    "timeout",
    "request_timeout",
    "max_body",
    "ca_bundle",
)
OUTPUTS = ("table", "json", "ndjson", "csv")
NAMED_ENVIRONMENTS = ("production", "sandbox")
# Environment variables that override a key, strongest first.
ENV_VARS: dict[str, tuple[str, ...]] = {
    "environment": ("RUTTER_BASE_URL", "RUTTER_ENV"),
    "api_version": ("RUTTER_API_VERSION",),
    "output": ("RUTTERCTL_OUTPUT",),
    "rate_limit": ("RUTTERCTL_RATE_LIMIT",),
    "timeout": ("RUTTERCTL_TIMEOUT",),
    "request_timeout": ("RUTTERCTL_REQUEST_TIMEOUT",),
    "max_body": ("RUTTERCTL_MAX_BODY",),
    "ca_bundle": ("RUTTERCTL_CA_BUNDLE",),
}
# Patterns are compiled by `re` when first used: a run without config.toml or --profile
# needs only BASE_URL's.
PROFILE_NAME = r"[A-Za-z0-9_-]+"
BASE_URL = r"https?://[^/\s]+"


def is_base_url(raw: str) -> bool:
    """An http(s) URL with a host and, if any, a valid port (caught here, not after retries)."""
    if not re.match(BASE_URL, raw) or re.search(r"\s", raw):
        return False
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(raw)
        _ = parts.port  # raises ValueError for a port out of range or not a number
    except ValueError:
        return False
    return bool(parts.hostname)


RATE_LIMIT = r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*"
API_VERSION = r"\d{4}-\d{2}-\d{2}"
FIX_HINT = "fix or remove the file"


def config_path(environ: Mapping[str, str]) -> Path:
    return config_dir(environ) / CONFIG_FILE


def check_profile_name(name: str) -> str:
    if not re.fullmatch(PROFILE_NAME, name):
        raise UsageError(
            f"invalid profile name {name!r}",
            hint="use letters, digits, '-' and '_' only",
        )
    return name


def select_profile(option: str | None, environ: Mapping[str, str]) -> tuple[str, str]:
    """The profile's name and where the choice came from: --profile > RUTTERCTL_PROFILE."""
    if option:
        return check_profile_name(option), "option"
    from_env = environ.get("RUTTERCTL_PROFILE", "").strip()
    if from_env:
        return check_profile_name(from_env), "environment (RUTTERCTL_PROFILE)"
    return DEFAULT_PROFILE, "default"


def parse_value(key: str, value: str) -> str:
    """The normalised value of a key, or ValueError saying what it must look like."""
    raw = value.strip()
    if key == "environment":
        if raw.lower() in NAMED_ENVIRONMENTS:
            return raw.lower()
        if is_base_url(raw):
            return raw.rstrip("/")
        raise ValueError(
            "must be sandbox, production or an http(s) base URL "
            f"(e.g. https://rutter.example.com/versioned), not {value!r}"
        )
    if key == "api_version":
        if re.fullmatch(API_VERSION, raw):
            return raw
        raise ValueError(f"must be a date like 2023-03-14, not {value!r}")
    if key == "output":
        if raw.lower() in OUTPUTS:
            return raw.lower()
        raise ValueError(f"must be one of {', '.join(OUTPUTS)}, not {value!r}")
    if key == "rate_limit":
        match = re.fullmatch(RATE_LIMIT, raw)
        if match and int(match.group(1)) >= 1 and float(match.group(2)) > 0:
            from rutterctl.config.settings import parse_rate_limit  # the range check

            parse_rate_limit(raw)
            return f"{int(match.group(1))}/{match.group(2)}s"
        raise ValueError(f"must look like 500/10s (requests per seconds), not {value!r}")
    if key in ("timeout", "request_timeout", "max_body"):
        from rutterctl.config.settings import parse_limit

        parse_limit(key, raw)
        return raw
    if key == "ca_bundle":
        if raw and raw.isprintable():
            return raw
        raise ValueError(f"must be the path of a PEM file or directory, not {value!r}")
    raise ValueError(f"unknown key {key!r}: one of {', '.join(KEYS)}")


def source_of(key: str, environ: Mapping[str, str], values: Mapping[str, str]) -> str:
    """Where the effective value of `key` comes from (the precedence of `load_settings`)."""
    for var in ENV_VARS[key]:
        if environ.get(var):
            return f"environment ({var})"
    return "profile file" if values.get(key) else "default"


def check_key(key: str) -> str:
    if key not in KEYS:
        raise UsageError(f"unknown key {key!r}", hint=f"one of {', '.join(KEYS)}")
    return key


class ConfigFile(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """`config.toml` as read (empty when missing)."""

    path: Path
    data: dict[str, Any]  # the whole document, kept so that a rewrite loses nothing we read

    @property
    def profiles(self) -> dict[str, dict[str, str]]:
        found = self.data.get("profiles", {})
        return found if isinstance(found, dict) else {}

    def profile(self, name: str) -> dict[str, str] | None:
        return self.profiles.get(name)


def load_config(path: Path) -> ConfigFile:
    """The parsed file (empty when missing); UsageError naming the file when it is unusable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return ConfigFile(path, {})
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}", hint=FIX_HINT) from None
    import tomllib  # 1.2 ms to import: only once there is a file to parse

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text", hint=FIX_HINT) from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: {_where(str(exc))}", hint=FIX_HINT) from None
    except RecursionError:
        raise UsageError(f"{path}: nested too deeply to be read", hint=FIX_HINT) from None
    except ValueError:  # an integer past Python's 4,300 digits
        raise UsageError(f"{path}: holds a number too long to read", hint=FIX_HINT) from None
    _check_shape(path, data)
    return ConfigFile(path, data)


def _where(message: str) -> str:
    """tomllib's "Expected '=' ... (at line 3, column 5)" as "line 3: Expected '=' ..."."""
    match = re.fullmatch(r"(.*) \(at line (\d+), column \d+\)", message, re.DOTALL)
    return f"line {match.group(2)}: {match.group(1)}" if match else message


def _check_shape(path: Path, data: dict[str, Any]) -> None:
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise UsageError(f"{path}: 'profiles' must be a table of profiles", hint=FIX_HINT)
    for name, values in profiles.items():
        where = f"{path}: profile {name!r}"
        if not re.fullmatch(PROFILE_NAME, name):
            raise UsageError(f"{where}: invalid profile name", hint=FIX_HINT)
        if not isinstance(values, dict):
            raise UsageError(f"{where}: must be a table", hint=FIX_HINT)
        for key, value in values.items():
            if key not in KEYS:
                raise UsageError(
                    f"{where}: unknown key {key!r} (known: {', '.join(KEYS)})", hint=FIX_HINT
                )
            if isinstance(value, int | float) and not isinstance(value, bool):
                # `timeout = 30` written by hand means what `timeout = "30"` does.
                value = values[key] = str(value)
            if not isinstance(value, str):
                raise UsageError(f"{where}: {key} must be a string", hint=FIX_HINT)
            try:
                parse_value(key, value)
            except ValueError as exc:
                raise UsageError(f"{where}: {key} {exc}", hint=FIX_HINT) from None


def save_config(config: ConfigFile) -> None:
    from rutterctl.config.files import write_atomic

    write_atomic(config.path, dump_toml(config.data), mode=0o600)


def change_config(path: Path, change: Callable[[ConfigFile], ConfigFile]) -> ConfigFile:
    """Read the file, apply `change` and write the result, all under the file's lock, so that
    parallel `config set` / `auth login` keep every change. Returns the file as it was read;
    nothing is written when `change` returns what it was given."""
    from rutterctl.config.files import locked

    with locked(path):
        config = load_config(path)
        new = change(config)
        if new is not config:
            save_config(new)
    return config


def updated(config: ConfigFile, profile: str, key: str, value: str | None) -> ConfigFile:
    """A copy with `key` of `profile` set (or removed when `value` is None)."""
    data = dict(config.data)
    profiles = {name: dict(values) for name, values in config.profiles.items()}
    values = profiles.setdefault(profile, {})
    if value is None:
        values.pop(key, None)
    else:
        values[key] = value
    data["profiles"] = profiles
    return ConfigFile(config.path, data)


def with_profile(config: ConfigFile, profile: str) -> ConfigFile:
    """A copy in which `profile` exists (possibly empty)."""
    if profile in config.profiles:
        return config
    data = dict(config.data)
    data["profiles"] = {**config.profiles, profile: {}}
    return ConfigFile(config.path, data)


# -- writing TOML -----------------------------------------------------------------------------

HEADER = "# rutterctl configuration, rewritten by `rutterctl config set` (comments are not kept).\n"


def dump_toml(data: Mapping[str, Any]) -> str:
    lines: list[str] = [HEADER.rstrip("\n")]
    _dump_table(data, (), lines)
    return "\n".join(lines).rstrip("\n") + "\n"


def _dump_table(table: Mapping[str, Any], prefix: tuple[str, ...], lines: list[str]) -> None:
    scalars = [(k, v) for k, v in table.items() if not isinstance(v, dict)]
    tables = [(k, v) for k, v in table.items() if isinstance(v, dict)]
    if prefix and (scalars or not tables):
        lines.extend(["", f"[{'.'.join(_key(k) for k in prefix)}]"])
    for key, value in scalars:
        lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in tables:
        _dump_table(value, (*prefix, key), lines)


def _key(key: str) -> str:
    return key if re.fullmatch(PROFILE_NAME, key) else json.dumps(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise UsageError(
        f"cannot rewrite a {type(value).__name__} value in the config file",
        hint="edit the file by hand",
    )
