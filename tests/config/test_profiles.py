"""Profiles in config.toml: selection, validation, corrupt files, TOML writing, settings."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest
from rutterctl.config import profiles
from rutterctl.config.profiles import ConfigFile, load_config, parse_value, select_profile
from rutterctl.config.settings import load_settings
from rutterctl.errors import UsageError

SANDBOX = "https://sandbox.rutterapi.com/versioned"
PRODUCTION = "https://production.rutterapi.com/versioned"
LOCAL = "http://127.0.0.1:8765/versioned"


def write_config(directory: Path, text: str) -> Path:
    path = directory / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def env_for(directory: Path, **extra: str) -> dict[str, str]:
    return {"RUTTERCTL_CONFIG_DIR": str(directory), "RUTTERCTL_NO_KEYRING": "1", **extra}


# -- selection and values ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "env", "expected"),
    [
        ("prod", {"RUTTERCTL_PROFILE": "ci"}, ("prod", "option")),
        (None, {"RUTTERCTL_PROFILE": "ci"}, ("ci", "environment (RUTTERCTL_PROFILE)")),
        (None, {"RUTTERCTL_PROFILE": ""}, ("default", "default")),
        (None, {}, ("default", "default")),
    ],
)
def test_profile_selection(
    option: str | None, env: dict[str, str], expected: tuple[str, str]
) -> None:
    assert select_profile(option, env) == expected


@pytest.mark.parametrize("name", ["a b", "prod/x", "é", "x.y", '"q"'])
def test_invalid_profile_names(name: str) -> None:
    with pytest.raises(UsageError) as caught:
        select_profile(name, {})
    assert caught.value.message == f"invalid profile name {name!r}"
    with pytest.raises(UsageError):
        select_profile(None, {"RUTTERCTL_PROFILE": name})


@pytest.mark.parametrize(
    ("key", "raw", "value"),
    [
        ("environment", "Production", "production"),
        ("environment", " sandbox ", "sandbox"),
        (
            "environment",
            "https://rutter.example.com/versioned/",
            "https://rutter.example.com/versioned",
        ),
        ("environment", LOCAL, LOCAL),
        ("api_version", "2024-08-31", "2024-08-31"),
        ("output", "JSON", "json"),
        ("output", "csv", "csv"),
        ("rate_limit", "500/10", "500/10s"),
        ("rate_limit", " 7 / 2.5 s ", "7/2.5s"),
    ],
)
def test_valid_values_are_normalised(key: str, raw: str, value: str) -> None:
    assert parse_value(key, raw) == value


@pytest.mark.parametrize(
    ("key", "raw", "problem"),
    [
        ("environment", "staging", "must be sandbox, production or an http(s) base URL"),
        ("environment", "ftp://x.example", "must be sandbox, production or an http(s) base URL"),
        ("environment", "https://a b", "must be sandbox, production or an http(s) base URL"),
        ("api_version", "latest", "must be a date like 2023-03-14, not 'latest'"),
        ("output", "yaml", "must be one of table, json, ndjson, csv, not 'yaml'"),
        ("rate_limit", "0/10s", "must look like 500/10s"),
        ("rate_limit", "fast", "must look like 500/10s"),
        ("colour", "red", "unknown key 'colour'"),
    ],
)
def test_invalid_values(key: str, raw: str, problem: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_value(key, raw)
    assert str(caught.value).startswith(problem)


# -- reading --------------------------------------------------------------------------------


def test_a_missing_file_is_empty(tmp_path: Path) -> None:
    config = load_config(tmp_path / "config.toml")
    assert config.profiles == {}
    assert config.profile("default") is None


def test_a_file_with_profiles(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        '[profiles.default]\nenvironment = "sandbox"\n\n[profiles.prod]\n'
        'environment = "production"\noutput = "json"\n',
    )
    config = load_config(path)
    assert config.profiles == {
        "default": {"environment": "sandbox"},
        "prod": {"environment": "production", "output": "json"},
    }


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            '[profiles.prod]\nenvironment = "production"\noutput json\n',
            "line 3: Expected '=' after a key in a key/value pair",
        ),
        ('[profiles.prod]\nenvironment = "production\n', "line 2: "),
        ("profiles = 3\n", "'profiles' must be a table of profiles"),
        ("[profiles]\nprod = 3\n", "profile 'prod': must be a table"),
        ('[profiles."a b"]\n', "profile 'a b': invalid profile name"),
        ("[profiles.prod]\ntimeout = true\n", "profile 'prod': timeout must be a string"),
        ("[profiles.prod]\noutput = 3\n", "profile 'prod': output must be one of"),
        (
            '[profiles.prod]\nenviroment = "production"\n',
            "profile 'prod': unknown key 'enviroment' (known: environment, api_version, ",
        ),
        (
            '[profiles.prod]\nenvironment = "staging"\n',
            "profile 'prod': environment must be sandbox, production or an http(s) base URL",
        ),
        ('[profiles.prod]\noutput = "yaml"\n', "profile 'prod': output must be one of"),
    ],
)
def test_a_corrupt_file_names_itself_and_the_problem(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(UsageError) as caught:
        load_config(path)
    assert caught.value.message.startswith(f"{path}: {problem}"), caught.value.message
    assert caught.value.hint == "fix or remove the file"


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[profiles.prod]\nenvironment = "\xff"\n')
    with pytest.raises(UsageError) as caught:
        load_config(path)
    assert caught.value.message == f"{path}: not UTF-8 text"


def test_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.mkdir()
    with pytest.raises(UsageError) as caught:
        load_config(path)
    assert caught.value.message == f"{path}: cannot read: Is a directory"


# -- writing --------------------------------------------------------------------------------


def test_writing_round_trips_and_keeps_what_it_does_not_know(tmp_path: Path) -> None:
    data = {
        "other": {"flag": True, "n": 3, "ratio": 1.5, "list": ["a", 'b"c'], "s": "x\\y\n\u00e9"},
        "profiles": {
            "default": {"environment": "sandbox"},
            "prod": {"environment": "production", "rate_limit": "200/10s"},
            "empty": {},
        },
    }
    text = profiles.dump_toml(data)
    assert tomllib.loads(text) == data
    assert text.startswith("# rutterctl configuration")


def test_save_is_atomic_0600_and_creates_a_0700_dir(tmp_path: Path) -> None:
    directory = tmp_path / "fresh"
    config = profiles.updated(load_config(directory / "config.toml"), "prod", "output", "json")
    profiles.save_config(config)
    path = directory / "config.toml"
    assert tomllib.loads(path.read_text()) == {"profiles": {"prod": {"output": "json"}}}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert [p.name for p in directory.iterdir()] == ["config.toml"]


def test_updated_and_with_profile_leave_the_original_alone(tmp_path: Path) -> None:
    original = ConfigFile(tmp_path / "c.toml", {"profiles": {"a": {"output": "json"}}})
    changed = profiles.updated(original, "a", "output", None)
    assert changed.profiles == {"a": {}}
    assert original.profiles == {"a": {"output": "json"}}
    assert profiles.with_profile(original, "b").profiles == {"a": {"output": "json"}, "b": {}}
    assert profiles.with_profile(original, "a") is original


# -- effective settings ----------------------------------------------------------------------

PROD = '[profiles.prod]\nenvironment = "production"\napi_version = "2024-08-31"\n'
PROD += 'output = "json"\nrate_limit = "200/10s"\n'


def test_profile_values_apply(tmp_path: Path) -> None:
    write_config(tmp_path, PROD)
    s = load_settings(env_for(tmp_path), profile="prod")
    assert (s.profile, s.base_url, s.environment) == ("prod", PRODUCTION, "production")
    assert (s.api_version, s.output, s.rate_limit, s.rate_window) == (
        "2024-08-31",
        "json",
        200,
        10.0,
    )
    assert s.label == "profile prod · production"


def test_the_environment_beats_the_profile(tmp_path: Path) -> None:
    write_config(tmp_path, PROD)
    env = env_for(
        tmp_path,
        RUTTER_ENV="sandbox",
        RUTTER_API_VERSION="2023-02-07",
        RUTTERCTL_OUTPUT="table",
        RUTTERCTL_RATE_LIMIT="5/1s",
    )
    s = load_settings(env, profile="prod")
    assert (s.base_url, s.api_version, s.output, s.rate_limit) == (
        SANDBOX,
        "2023-02-07",
        "table",
        5,
    )
    s = load_settings({**env, "RUTTER_BASE_URL": LOCAL}, profile="prod")
    assert (s.base_url, s.environment, s.label) == (LOCAL, "custom", f"profile prod · {LOCAL}")


def test_defaults_without_a_profile(tmp_path: Path) -> None:
    s = load_settings(env_for(tmp_path))
    assert (s.profile, s.base_url, s.output, s.label) == (
        "default",
        SANDBOX,
        None,
        "profile default · sandbox",
    )


def test_a_custom_url_in_a_profile(tmp_path: Path) -> None:
    write_config(tmp_path, f'[profiles.sim]\nenvironment = "{LOCAL}/"\n')
    s = load_settings(env_for(tmp_path, RUTTERCTL_PROFILE="sim"))
    assert (s.profile, s.base_url, s.environment) == ("sim", LOCAL, "custom")


def test_the_option_beats_rutterctl_profile(tmp_path: Path) -> None:
    write_config(tmp_path, PROD + "[profiles.ci]\n")
    assert (
        load_settings(env_for(tmp_path, RUTTERCTL_PROFILE="ci"), profile="prod").profile == "prod"
    )


def test_an_undefined_profile_is_a_usage_error(tmp_path: Path) -> None:
    write_config(tmp_path, PROD)
    with pytest.raises(UsageError) as caught:
        load_settings(env_for(tmp_path, RUTTERCTL_PROFILE="prdo"))
    assert caught.value.message == f"profile 'prdo' is not defined in {tmp_path / 'config.toml'}"
    assert load_settings(env_for(tmp_path), profile="prdo", require_profile=False).profile == "prdo"
    assert load_settings(env_for(tmp_path), profile="default").profile == "default"


def test_an_invalid_rutterctl_output(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        load_settings(env_for(tmp_path, RUTTERCTL_OUTPUT="yaml"))
    assert caught.value.message == (
        "RUTTERCTL_OUTPUT must be one of table, json, ndjson, csv, not 'yaml'"
    )


def test_a_profile_with_only_a_stored_credential_exists(tmp_path: Path) -> None:
    from rutterctl.config.store import CredentialStore
    from rutterctl.secrets import Secret

    env = env_for(tmp_path)
    CredentialStore.for_environ(env).save("ci", "client-id-1", Secret("a-secret-value-1"))
    s = load_settings(env, profile="ci")
    assert (s.profile, s.base_url) == ("ci", SANDBOX)
    assert s.credentials is not None and s.credentials.source == "file"


def test_a_number_written_without_quotes_means_the_same_as_its_text(tmp_path: Path) -> None:
    path = write_config(tmp_path, "[profiles.prod]\ntimeout = 30\nrequest_timeout = 90.5\n")
    profile = load_config(path).data["profiles"]["prod"]
    assert (profile["timeout"], profile["request_timeout"]) == ("30", "90.5")
