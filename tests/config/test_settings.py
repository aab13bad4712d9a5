"""Settings from the environment: base URL, environment, API version, limits, timeout, dirs."""

from __future__ import annotations

from pathlib import Path

import pytest
from rutterctl.config.credentials import resolve_credentials
from rutterctl.config.settings import debug_enabled, load_settings, no_color
from rutterctl.errors import UsageError
from rutterctl.secrets import Secret

from tests import builders
from tests.fakes import CLIENT_ID, CLIENT_SECRET, CREDS, invoke

SANDBOX = "https://sandbox.rutterapi.com/versioned"
PRODUCTION = "https://production.rutterapi.com/versioned"


def test_defaults() -> None:
    s = load_settings({"RUTTERCTL_CACHE_DIR": "/tmp/c"})
    assert (s.base_url, s.environment) == (SANDBOX, "sandbox")
    assert s.api_version == "2023-03-14"
    assert (s.rate_limit, s.rate_window) == (500, 10.0)
    assert s.timeout == 30.0
    assert s.credentials is None
    assert s.cache_dir == Path("/tmp/c")


@pytest.mark.parametrize(
    ("value", "url", "name"),
    [
        ("sandbox", SANDBOX, "sandbox"),
        ("production", PRODUCTION, "production"),
        ("PRODUCTION", PRODUCTION, "production"),
        ("", SANDBOX, "sandbox"),
    ],
)
def test_rutter_env_selects_the_host(value: str, url: str, name: str) -> None:
    s = load_settings({"RUTTER_ENV": value})
    assert (s.base_url, s.environment) == (url, name)


def test_an_invalid_rutter_env_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        load_settings({"RUTTER_ENV": "staging"})
    assert caught.value.message == "RUTTER_ENV must be one of production, sandbox, not 'staging'"


def test_rutter_base_url_overrides_the_environment() -> None:
    s = load_settings(
        {"RUTTER_BASE_URL": "https://rutter.example.com/versioned/", "RUTTER_ENV": "x"}
    )
    assert (s.base_url, s.environment) == ("https://rutter.example.com/versioned", "custom")


@pytest.mark.parametrize("url", ["ftp://rutter.example.com", "rutter.example.com", "https://"])
def test_a_base_url_that_is_not_http_is_a_usage_error(url: str) -> None:
    with pytest.raises(UsageError, match="RUTTER_BASE_URL is not an http"):
        load_settings({"RUTTER_BASE_URL": url})


def test_api_version_override() -> None:
    assert load_settings({"RUTTER_API_VERSION": "2024-08-31"}).api_version == "2024-08-31"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5/10s", (5, 10.0)),
        ("100/1.5", (100, 1.5)),
        (" 7 / 2 s ", (7, 2.0)),
        ("500/10", (500, 10.0)),
    ],
)
def test_rate_limit_override(raw: str, expected: tuple[int, float]) -> None:
    s = load_settings({"RUTTERCTL_RATE_LIMIT": raw})
    assert (s.rate_limit, s.rate_window) == expected


@pytest.mark.parametrize("raw", ["abc", "0/10s", "5/0s", "-5/10s", "5 per 10s", "5/10m", "5"])
def test_an_invalid_rate_limit_is_a_usage_error(raw: str) -> None:
    with pytest.raises(UsageError) as caught:
        load_settings({"RUTTERCTL_RATE_LIMIT": raw})
    assert caught.value.message == f"RUTTERCTL_RATE_LIMIT must look like 500/10s, not {raw!r}"


@pytest.mark.parametrize(("raw", "expected"), [("12.5", 12.5), ("1", 1.0), ("", 30.0)])
def test_timeout_override(raw: str, expected: float) -> None:
    assert load_settings({"RUTTERCTL_TIMEOUT": raw}).timeout == expected


@pytest.mark.parametrize("raw", ["0", "-3", "soon", "nan", "inf"])
def test_an_invalid_timeout_is_a_usage_error(raw: str) -> None:
    with pytest.raises(UsageError, match="RUTTERCTL_TIMEOUT must be a positive number"):
        load_settings({"RUTTERCTL_TIMEOUT": raw})


def test_credentials_from_the_environment() -> None:
    creds = resolve_credentials(
        {"RUTTER_CLIENT_ID": f" {CLIENT_ID} ", "RUTTER_CLIENT_SECRET": CLIENT_SECRET}
    )
    assert creds is not None
    assert creds.client_id == CLIENT_ID
    assert creds.client_secret == Secret(CLIENT_SECRET)
    assert creds.source == "environment"
    assert CLIENT_SECRET not in repr(creds)


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"RUTTER_CLIENT_ID": CLIENT_ID},
        {"RUTTER_CLIENT_SECRET": CLIENT_SECRET},
        {"RUTTER_CLIENT_ID": "  ", "RUTTER_CLIENT_SECRET": CLIENT_SECRET},
    ],
)
def test_incomplete_credentials_are_none(env: dict[str, str]) -> None:
    assert resolve_credentials(env) is None


def test_cache_dir_defaults_to_the_platform_cache_dir(isolated_env: Path) -> None:
    import os

    s = load_settings({k: v for k, v in os.environ.items() if k != "RUTTERCTL_CACHE_DIR"})
    assert s.cache_dir == isolated_env / "xdg-cache" / "rutterctl"


@pytest.mark.parametrize(
    ("raw", "on"), [("1", True), ("true", True), ("ON", True), ("0", False), ("", False)]
)
def test_debug_enabled(raw: str, on: bool) -> None:
    assert debug_enabled({"RUTTERCTL_DEBUG": raw}) is on


def test_no_color() -> None:
    assert no_color({"NO_COLOR": "1"}) is True
    assert no_color({"NO_COLOR": ""}) is False
    assert no_color({"TERM": "dumb"}) is True
    assert no_color({"TERM": "xterm-256color"}) is False


@pytest.mark.parametrize(
    ("env", "line"),
    [
        (
            {"RUTTER_ENV": "staging"},
            "error: RUTTER_ENV must be one of production, sandbox, not 'staging'; "
            "or set RUTTER_BASE_URL to a custom host",
        ),
        (
            {"RUTTERCTL_RATE_LIMIT": "lots"},
            "error: RUTTERCTL_RATE_LIMIT must look like 500/10s, not 'lots'; "
            "requests per window in seconds, e.g. 500/10s",
        ),
        (
            {"RUTTERCTL_TIMEOUT": "-1"},
            "error: RUTTERCTL_TIMEOUT must be a positive number of seconds, not '-1'",
        ),
    ],
)
def test_invalid_settings_exit_2_through_the_cli(env: dict[str, str], line: str) -> None:
    rutter = builders.fake_rutter()
    result = invoke(
        ["status", builders.CONNECTION_ID], transport=rutter.transport, env={**CREDS, **env}
    )
    assert result.exit_code == 2
    assert result.stderr == line + "\n"
    assert result.stdout == ""
    assert rutter.requests == []


def test_rate_limit_setting_paces_the_cli() -> None:
    rutter = builders.fake_rutter()
    env = {**CREDS, "RUTTERCTL_RATE_LIMIT": "2/10s"}
    result = invoke(["status", builders.CONNECTION_ID], transport=rutter.transport, env=env)
    assert result.exit_code == 0, result.stderr
    assert len(rutter.requests) == 3
    # The third request waited for the window (10 s after the first answer, plus its 0.5%).
    assert result.clock.sleeps == [pytest.approx(10.05)]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:99999/versioned",
        "http://:80/versioned",
        "https://host:port/x",
        "https://a b",
    ],
)
def test_a_base_url_without_a_usable_host_or_port_is_a_usage_error(url: str) -> None:
    with pytest.raises(UsageError, match="RUTTER_BASE_URL is not an http"):
        load_settings({"RUTTER_BASE_URL": url}, with_credentials=False)


def test_a_base_url_with_a_port_is_fine() -> None:
    settings = load_settings(
        {"RUTTER_BASE_URL": "http://127.0.0.1:8765/versioned/"}, with_credentials=False
    )
    assert settings.base_url == "http://127.0.0.1:8765/versioned"
