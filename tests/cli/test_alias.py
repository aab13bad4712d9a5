"""`rutterctl alias set|list|remove`, and aliases wherever a CONNECTION is accepted."""

from __future__ import annotations

import json
import os
import re
import stat
import tomllib
from pathlib import Path

import httpx
import pytest

from tests import builders
from tests.fakes import CREDS, invoke

ID, TOKEN = builders.CONNECTION_ID, builders.ACCESS_TOKEN
SANDBOX = "https://sandbox.rutterapi.com/versioned"
PRODUCTION = "https://production.rutterapi.com/versioned"


def aliases_file() -> Path:
    return Path(os.environ["RUTTERCTL_CONFIG_DIR"]) / "aliases.toml"


def set_acme(rutter: builders.FakeRutter | None = None) -> builders.FakeRutter:
    rutter = rutter or builders.fake_rutter()
    result = invoke(["alias", "set", "acme", ID], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    return rutter


def test_set_resolves_the_connection_and_stores_id_and_token_scoped_by_base_url() -> None:
    rutter = set_acme()
    assert rutter.paths() == ["/connections"]  # the id was resolved through the listing
    data = tomllib.loads(aliases_file().read_text())
    assert data["aliases"] == {SANDBOX: {"acme": {"connection_id": ID, "access_token": TOKEN}}}
    assert stat.S_IMODE(aliases_file().stat().st_mode) == 0o600
    assert stat.S_IMODE(aliases_file().parent.stat().st_mode) == 0o700


def test_set_prints_no_token_and_nothing_on_stdout() -> None:
    result = invoke(["alias", "set", "acme", TOKEN], transport=builders.fake_rutter().transport)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"alias acme saved: connection {ID} ({SANDBOX})\n"
    again = invoke(["alias", "set", "acme", "acme"], transport=builders.fake_rutter().transport)
    assert again.stderr.startswith("alias acme updated:")


def test_set_an_unknown_connection_fails_and_writes_nothing() -> None:
    unknown = "99999999-0000-4000-8000-000000000000"
    rutter = builders.fake_rutter(builders.respond(401, builders.error_body("INVALID_CREDENTIALS")))
    result = invoke(["alias", "set", "acme", unknown], transport=rutter.transport)
    assert result.exit_code == 3
    assert not aliases_file().exists()


@pytest.mark.parametrize("name", ["1acme", "ac me", TOKEN, "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE"])
def test_set_rejects_bad_names_before_any_request(name: str) -> None:
    rutter = builders.fake_rutter()
    result = invoke(["alias", "set", name, ID], transport=rutter.transport)
    assert result.exit_code == 2
    assert "invalid alias name" in result.stderr
    assert rutter.requests == []


def test_list_masks_tokens_unless_show_token() -> None:
    set_acme()
    result = invoke(["alias", "list"])
    assert result.exit_code == 0, result.stderr
    assert TOKEN not in result.stdout + result.stderr
    assert [line.split("\t") for line in result.stdout.splitlines()] == [
        ["name", "connection_id", "access_token"],
        ["acme", ID, "****eeee"],
    ]
    shown = invoke(["alias", "list", "--show-token", "-o", "json"])
    assert json.loads(shown.stdout) == [
        {"name": "acme", "connection_id": ID, "access_token": TOKEN, "base_url": SANDBOX}
    ]
    masked = invoke(["alias", "list", "-o", "json"])
    assert json.loads(masked.stdout)[0]["access_token"] == "****eeee"


def test_list_on_a_terminal_is_a_rich_table_without_the_token() -> None:
    set_acme()
    result = invoke(["alias", "list"], tty=True)
    assert result.exit_code == 0
    assert "acme" in result.stdout and "****eeee" in result.stdout
    assert TOKEN not in result.stdout
    assert "\t" not in result.stdout


def test_list_shows_the_current_base_url_only() -> None:
    set_acme()
    result = invoke(["alias", "list", "-o", "json"], env={**CREDS, "RUTTER_ENV": "production"})
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])
    assert "1 alias(es) of other base URLs not shown" in result.stderr


def test_remove_and_remove_unknown() -> None:
    set_acme()
    result = invoke(["alias", "remove", "acme"])
    assert (result.exit_code, result.stdout) == (0, "")
    assert "alias acme removed" in result.stderr
    assert tomllib.loads(aliases_file().read_text()).get("aliases", {}) == {}
    again = invoke(["alias", "remove", "acme"])
    assert again.exit_code == 2
    assert again.stderr == (
        f"error: no alias named 'acme' for {SANDBOX}; "
        "`rutterctl alias list` shows the aliases of this base URL\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["alias", "list"],
        ["alias", "set", "beta", ID],
        ["alias", "remove", "acme"],
        ["status", "acme"],
    ],
)
def test_a_corrupt_aliases_file_exits_2_naming_it_and_is_left_untouched(args: list[str]) -> None:
    path = aliases_file()
    path.parent.mkdir(parents=True)
    path.write_text("[aliases\nnot toml")
    before = path.stat().st_mtime_ns
    result = invoke(args, transport=builders.fake_rutter().transport)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: the aliases file {path} is not valid TOML")
    assert "Traceback" not in result.stderr
    assert path.read_text() == "[aliases\nnot toml"
    assert path.stat().st_mtime_ns == before


def test_an_id_or_token_does_not_need_the_aliases_file() -> None:
    path = aliases_file()
    path.parent.mkdir(parents=True)
    path.write_text("[aliases\nnot toml")
    result = invoke(["status", TOKEN], transport=builders.fake_rutter().transport)
    assert result.exit_code == 0, result.stderr


def test_status_with_an_alias_sends_the_aliased_token_without_listing() -> None:
    set_acme()
    rutter = builders.fake_rutter()
    result = invoke(["status", "acme", "-o", "json"], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["connection_id"] == ID
    assert "/connections" not in rutter.paths()
    tokens = {r.url.params["access_token"] for r in rutter.requests}
    assert tokens == {TOKEN}


def test_wait_ready_with_an_alias_names_it_and_polls_its_token() -> None:
    set_acme()
    rutter = builders.fake_rutter()
    result = invoke(["wait-ready", "acme"], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    assert rutter.paths() == ["/connections/status"]
    assert rutter.requests[0].url.params["access_token"] == TOKEN
    assert result.stdout.splitlines()[1].split("\t")[:2] == ["acme", "ready"]


def test_a_sandbox_alias_never_resolves_in_production() -> None:
    set_acme()
    seen: list[httpx.Request] = []

    def production(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"connections": []})

    result = invoke(
        ["status", "acme"],
        transport=httpx.MockTransport(production),
        env={**CREDS, "RUTTER_ENV": "production"},
    )
    assert result.exit_code == 3
    assert f"no alias 'acme' for {PRODUCTION}" in result.stderr
    assert [r.url.path for r in seen] == ["/versioned/connections"]
    assert all("access_token" not in r.url.params for r in seen)


def test_an_unknown_name_says_there_is_no_such_alias() -> None:
    result = invoke(["status", "nosuch"], transport=builders.fake_rutter().transport)
    assert result.exit_code == 3
    assert result.stderr.startswith(f"error: no alias 'nosuch' for {SANDBOX}")


def test_list_on_a_terminal_names_the_profile_and_environment_that_scope_it() -> None:
    set_acme()
    result = invoke(["alias", "list"], tty=True)
    assert result.exit_code == 0, result.stderr
    first = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout).splitlines()[0]
    assert first.strip() == "answered by profile default · sandbox"


def test_an_unwritable_aliases_file_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def read_only(*_: object, **__: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr("tempfile.mkstemp", read_only)
    result = invoke(["alias", "set", "acme", ID], transport=builders.fake_rutter().transport)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {aliases_file()}: cannot write: Read-only file system; check that its "
        "directory exists and is writable (RUTTERCTL_CONFIG_DIR / RUTTERCTL_CACHE_DIR choose "
        "others)\n"
    )
