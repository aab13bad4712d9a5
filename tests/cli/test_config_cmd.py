"""`rutterctl config list|get|set|unset|path`, the default output, and the context label."""

from __future__ import annotations

import json
import os
import stat
import tomllib
from enum import StrEnum
from pathlib import Path

import pytest
from rutterctl.cli.deps import Deps

from tests import builders
from tests.cli.test_auth import SECRETS, login, run
from tests.fakes import CLIENT_SECRET, CREDS, invoke

LOCAL = "http://127.0.0.1:8765/versioned"


def config_file() -> Path:
    return Path(os.environ["RUTTERCTL_CONFIG_DIR"]) / "config.toml"


def set_(*args: str) -> None:
    result = run(["config", "set", *args])
    assert result.exit_code == 0, result.stderr


def rows(stdout: str) -> list[list[str]]:
    """The tab-separated table below the context line."""
    _context, blank, *table = stdout.splitlines()
    assert blank == ""
    return [line.split("\t") for line in table]


def test_path() -> None:
    result = run(["config", "path"])
    assert (result.exit_code, result.stdout) == (0, f"{config_file()}\n")


def test_list_defaults() -> None:
    result = run(["config", "list"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "profile default · sandbox"
    assert rows(result.stdout) == [
        ["key", "value", "source"],
        ["profile", "default", "default"],
        ["environment", "sandbox", "default"],
        ["api_version", "2023-03-14", "default"],
        ["output", "(the command's own)", "default"],
        ["rate_limit", "500/10s", "default"],
        ["timeout", "30s", "default"],
        ["request_timeout", "120s", "default"],
        ["max_body", "32MiB", "default"],
        ["ca_bundle", "(the OS trust store)", "default"],
        ["client_id", "(none)", "-"],
    ]


def test_list_shows_each_source_and_never_the_secret() -> None:
    login("prod")
    set_("environment", "production", "--profile", "prod")
    set_("output", "json", "--profile", "prod")
    env = {"RUTTERCTL_NO_KEYRING": "1", "RUTTER_API_VERSION": "2024-08-31"}
    result = run(["--profile", "prod", "config", "list"], env=env)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "profile prod · production"
    assert rows(result.stdout)[1:] == [
        ["profile", "prod", "option"],
        ["environment", "production", "profile file"],
        ["api_version", "2024-08-31", "environment (RUTTER_API_VERSION)"],
        ["output", "json", "profile file"],
        ["rate_limit", "500/10s", "default"],
        ["timeout", "30s", "default"],
        ["request_timeout", "120s", "default"],
        ["max_body", "32MiB", "default"],
        ["ca_bundle", "(the OS trust store)", "default"],
        ["client_id", "****8765", "file"],
    ]


def test_list_with_environment_credentials_masks_them() -> None:
    env = {**CREDS, "RUTTERCTL_PROFILE": "default", "RUTTER_BASE_URL": LOCAL}
    result = invoke(["config", "list"], env=env)
    assert result.exit_code == 0, result.stderr
    assert CLIENT_SECRET not in result.stdout + result.stderr
    table = rows(result.stdout)
    assert table[1] == ["profile", "default", "environment (RUTTERCTL_PROFILE)"]
    assert table[2] == ["environment", LOCAL, "environment (RUTTER_BASE_URL)"]
    assert table[-1] == ["client_id", "****6789", "environment"]


def test_list_of_an_undefined_profile_notes_it() -> None:
    result = run(["config", "list", "--profile", "new"])
    assert result.exit_code == 0
    assert result.stderr == (
        f"note: profile new is not defined in {config_file()}: showing the defaults\n"
    )


def test_list_on_a_terminal_is_aligned() -> None:
    result = invoke(["config", "list"], env={}, tty=True)
    assert result.exit_code == 0
    assert "environment      sandbox" in result.stdout  # as wide as request_timeout
    assert "\t" not in result.stdout


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("environment", "sandbox"),
        ("api_version", "2023-03-14"),
        ("output", ""),
        ("rate_limit", "500/10s"),
    ],
)
def test_get_defaults(key: str, value: str) -> None:
    result = run(["config", "get", key])
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"{value}\n", "")


def test_set_then_get_with_environment_overrides() -> None:
    set_("environment", LOCAL + "/", "--profile", "sim")
    set_("rate_limit", " 50 / 5 ", "--profile", "sim")
    assert run(["--profile", "sim", "config", "get", "environment"]).stdout == f"{LOCAL}\n"
    assert run(["config", "get", "rate_limit", "--profile", "sim"]).stdout == "50/5s\n"
    env = {"RUTTERCTL_PROFILE": "sim", "RUTTER_ENV": "production"}
    assert run(["config", "get", "environment"], env=env).stdout == "production\n"
    assert tomllib.loads(config_file().read_text()) == {
        "profiles": {"sim": {"environment": LOCAL, "rate_limit": "50/5s"}}
    }


def test_set_writes_atomically_with_mode_0600() -> None:
    result = run(["config", "set", "output", "json"])
    assert result.exit_code == 0
    assert result.stderr == f"Set output = json in profile default ({config_file()}).\n"
    assert stat.S_IMODE(config_file().stat().st_mode) == 0o600
    assert sorted(p.name for p in config_file().parent.iterdir()) == [
        ".config.toml.lock",
        "config.toml",
    ]


def test_set_notes_an_environment_override() -> None:
    result = run(["config", "set", "environment", "production"], env={"RUTTER_ENV": "sandbox"})
    assert result.stderr.splitlines()[-1] == (
        "note: RUTTER_ENV is set and overrides the profile's environment"
    )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["environment", "staging"],
            "error: environment must be sandbox, production or an http(s) base URL "
            "(e.g. https://rutter.example.com/versioned), not 'staging'",
        ),
        (["api_version", "newest"], "error: api_version must be a date like 2023-03-14"),
        (["output", "yaml"], "error: output must be one of table, json, ndjson, csv, not 'yaml'"),
        (["rate_limit", "0/1s"], "error: rate_limit must look like 500/10s"),
        (["colour", "red"], "error: unknown key 'colour'; one of environment, api_version, "),
        (["output", "json", "--profile", "no/pe"], "error: invalid profile name 'no/pe'"),
    ],
)
def test_set_rejects_bad_values_and_leaves_the_file_alone(args: list[str], line: str) -> None:
    set_("output", "csv")
    before = config_file().read_bytes()
    result = run(["config", "set", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith(line), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert config_file().read_bytes() == before


def test_unset() -> None:
    set_("output", "json", "--profile", "prod")
    set_("environment", "production", "--profile", "prod")
    result = run(["config", "unset", "output", "--profile", "prod"])
    assert result.stderr == f"Removed output in profile prod ({config_file()}).\n"
    assert tomllib.loads(config_file().read_text())["profiles"] == {
        "prod": {"environment": "production"}
    }
    again = run(["config", "unset", "output", "--profile", "prod"])
    assert (again.exit_code, again.stderr) == (0, "output is not set in profile prod.\n")


def test_unknown_key_for_get_is_exit_2() -> None:
    result = run(["config", "get", "colour"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: unknown key 'colour'")


CORRUPT = '[profiles.default]\noutput = "json"\nenvironment "sandbox"\n'


@pytest.mark.parametrize(
    "args",
    [
        ["config", "list"],
        ["config", "get", "output"],
        ["config", "set", "output", "table"],
        ["config", "unset", "output"],
        ["auth", "login", "--client-id", "id-1234", "--secret-stdin"],
        ["status", builders.CONNECTION_ID],
    ],
)
def test_a_corrupt_config_exits_2_naming_the_file_and_is_never_overwritten(
    args: list[str],
) -> None:
    config_file().parent.mkdir(parents=True)
    config_file().write_text(CORRUPT)
    before = config_file().read_bytes()
    result = run(args, input="some-secret-value-1\n", transport=builders.fake_rutter().transport)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {config_file()}: line 3: Expected '=' after a key in a key/value pair; "
        "fix or remove the file\n"
    )
    assert config_file().read_bytes() == before
    # the lock file may stay (it is never removed); no temp file must
    assert sorted(p.name for p in config_file().parent.iterdir() if ".tmp" in p.name) == []


def test_no_secret_in_any_config_output() -> None:
    login()
    for args in (["config", "list"], ["config", "get", "environment"], ["config", "path"]):
        result = run(args)
        assert result.exit_code == 0
        for secret in SECRETS:
            assert secret not in result.stdout + result.stderr


# -- the default output ----------------------------------------------------------------------


def status_output(env: dict[str, str], *extra: str) -> str:
    rutter = builders.fake_rutter()
    result = invoke(["status", builders.CONNECTION_ID, *extra], transport=rutter.transport, env=env)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_profiles_output_applies_when_o_is_not_given() -> None:
    set_("output", "json")
    assert json.loads(status_output(CREDS))["connection_id"] == builders.CONNECTION_ID
    assert status_output(CREDS, "-o", "table").startswith("connection:")


def test_rutterctl_output_beats_the_profile() -> None:
    set_("output", "json")
    assert status_output({**CREDS, "RUTTERCTL_OUTPUT": "table"}).startswith("connection:")
    assert json.loads(status_output({**CREDS, "RUTTERCTL_OUTPUT": "json"}))


def test_a_default_output_the_command_lacks_is_ignored() -> None:
    set_("output", "csv")
    assert status_output(CREDS).startswith("connection:")


class Formats(StrEnum):
    table = "table"
    ndjson = "ndjson"


def test_default_output_and_choose_output() -> None:
    deps = Deps(environ={"RUTTERCTL_OUTPUT": "ndjson", "RUTTERCTL_NO_KEYRING": "1"})
    assert deps.default_output(["table", "json"]) is None
    assert deps.default_output(["table", "ndjson"]) == "ndjson"
    assert deps.choose_output(None, Formats.table) is Formats.ndjson
    assert deps.choose_output(Formats.table, Formats.table) is Formats.table
    assert Deps(environ={}).choose_output(None, Formats.table) is Formats.table


# -- the context label -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "profile", "label"),
    [
        ({}, None, "profile default · sandbox"),
        ({"RUTTER_ENV": "production"}, None, "profile default · production"),
        ({}, "prod", "profile prod · production"),
        ({"RUTTERCTL_PROFILE": "ci"}, None, f"profile ci · {LOCAL}"),
    ],
)
def test_context_label(env: dict[str, str], profile: str | None, label: str) -> None:
    set_("environment", "production", "--profile", "prod")
    set_("environment", LOCAL, "--profile", "ci")
    environ = {k: v for k, v in os.environ.items() if k.startswith("RUTTERCTL_")}
    deps = Deps(environ={**environ, **env}, profile=profile)
    assert deps.context_label() == label


# Every command with -o takes its default from the profile (or RUTTERCTL_OUTPUT), not only
# `status`: a profile with `output = "json"` gets JSON from each of them.
JSON_BY_DEFAULT = [
    (["batches", builders.CONNECTION_ID], "connection_id"),
    (["reasons", builders.CONNECTION_ID], "connection_id"),
    (["connections", "list"], None),
    (["alias", "list"], None),
]


@pytest.mark.parametrize(("args", "key"), JSON_BY_DEFAULT, ids=lambda v: str(v))
def test_every_command_with_o_takes_the_profiles_output(args: list[str], key: str | None) -> None:
    set_("output", "json")
    rutter = builders.fake_rutter()
    result = invoke(args, transport=rutter.transport, env=CREDS)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert key in doc if key else isinstance(doc, list)
    table = invoke([*args, "-o", "table"], transport=builders.fake_rutter().transport, env=CREDS)
    assert table.exit_code == 0, table.stderr
    with pytest.raises(json.JSONDecodeError):
        json.loads(table.stdout)


def test_connections_list_takes_a_csv_default_the_others_ignore() -> None:
    set_("output", "csv")
    listed = invoke(["connections", "list"], transport=builders.fake_rutter().transport, env=CREDS)
    assert listed.stdout.startswith("id,platform,created_at,updated_at,access_token,")
    batches = invoke(
        ["batches", builders.CONNECTION_ID], transport=builders.fake_rutter().transport, env=CREDS
    )
    assert batches.stdout.startswith("connection:")


def test_the_catalogue_takes_the_profiles_output_without_asking_for_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    set_("output", "json")
    # A secret recorded in the keyring would make a credential lookup ask it: the catalogue
    # must not, since it talks to no one.
    store = Path(os.environ["RUTTERCTL_CONFIG_DIR"]) / "credentials.json"
    store.write_text(
        json.dumps(
            {"version": 1, "profiles": {"default": {"client_id": "abc", "store": "keyring"}}}
        )
    )

    def asked(*_: object) -> None:
        raise AssertionError("the keyring was asked")

    monkeypatch.setattr("rutterctl.config.store.Keyring._call", asked)
    result = invoke(["reasons"], env={})
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)) == 17
    assert invoke(["reasons", "-o", "table"], env={}).stdout.startswith("note: ")
