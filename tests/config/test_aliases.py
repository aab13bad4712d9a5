"""The aliases file: round trip, permissions, names, scoping, corruption, completion."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from rutterctl.config.aliases import (
    Alias,
    AliasFile,
    check_name,
    complete_names,
    is_alias_name,
)
from rutterctl.errors import UsageError

SANDBOX = "https://sandbox.rutterapi.com/versioned"
PRODUCTION = "https://production.rutterapi.com/versioned"
TOKEN = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
ID = "11111111-2222-4333-8444-555555555555"


def alias(name: str = "acme", base_url: str = SANDBOX) -> Alias:
    return Alias(name, ID, TOKEN, base_url)


def test_round_trip_sorted_and_scoped(tmp_path: Path) -> None:
    aliases = AliasFile(tmp_path / "aliases.toml")
    assert aliases.load() == {}
    aliases.save(alias("zeta"))
    aliases.save(alias("acme.prod"))
    aliases.save(alias("acme", PRODUCTION))
    loaded = aliases.load()
    assert list(loaded[SANDBOX]) == ["acme.prod", "zeta"]
    assert loaded[PRODUCTION] == {"acme": alias("acme", PRODUCTION)}
    assert aliases.find(SANDBOX, "acme") is None  # made against production only
    assert aliases.find(PRODUCTION, "acme") == alias("acme", PRODUCTION)


def test_save_returns_the_alias_it_replaced(tmp_path: Path) -> None:
    aliases = AliasFile(tmp_path / "aliases.toml")
    assert aliases.save(alias()) is None
    newer = Alias("acme", "other-id-000", "other-token-000", SANDBOX)
    assert aliases.save(newer) == alias()
    assert aliases.find(SANDBOX, "acme") == newer


def test_file_is_0600_in_a_0700_directory(tmp_path: Path) -> None:
    path = tmp_path / "config" / "aliases.toml"
    AliasFile(path).save(alias())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_odd_characters_survive_the_toml_writer(tmp_path: Path) -> None:
    aliases = AliasFile(tmp_path / "aliases.toml")
    odd = Alias("a.b-c_d", 'id "quoted" \\ \t é', "token\x7f\x01", 'https://h/x"y')
    aliases.save(odd)
    assert aliases.find('https://h/x"y', "a.b-c_d") == odd


def test_remove_and_remove_unknown(tmp_path: Path) -> None:
    aliases = AliasFile(tmp_path / "aliases.toml")
    aliases.save(alias())
    assert aliases.remove(SANDBOX, "acme") == alias()
    with pytest.raises(UsageError, match="no alias named 'acme'"):
        aliases.remove(SANDBOX, "acme")


@pytest.mark.parametrize(
    "text, problem",
    [
        ("this is = not [toml", "is not valid TOML"),
        ("version = 2\n", "has version 2"),
        ("aliases = 3\n", "not a table"),
        ('[aliases."u".acme]\nconnection_id = "x"\n', "without a connection_id"),
        ('[aliases."u"]\nacme = "x"\n', "without a connection_id"),
    ],
)
def test_a_corrupt_file_is_a_usage_error_naming_it_and_left_alone(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text(text)
    with pytest.raises(UsageError) as raised:
        AliasFile(path).save(alias())
    assert str(path) in raised.value.message
    assert problem in raised.value.message
    assert path.read_text() == text


@pytest.mark.parametrize("name", ["acme", "a", "Acme.prod-2_b", "deadbeef"])
def test_valid_names(name: str) -> None:
    assert check_name(name) == name
    assert is_alias_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "1acme",
        "-acme",
        "ac me",
        "acme/x",
        "é",
        ID,
        TOKEN,
        TOKEN.upper(),
        TOKEN.replace("-", ""),
    ],
)
def test_invalid_names(name: str) -> None:
    with pytest.raises(UsageError):
        check_name(name)
    assert not is_alias_name(name)


def test_completion_offers_the_current_base_urls_names(tmp_path: Path) -> None:
    env = {"RUTTERCTL_CONFIG_DIR": str(tmp_path)}
    aliases = AliasFile.at(env)
    for name in ("acme", "acme.prod", "beta"):
        aliases.save(alias(name))
    aliases.save(alias("acorn", PRODUCTION))
    assert complete_names(env, "ac") == ["acme", "acme.prod"]
    assert complete_names(env | {"RUTTER_ENV": "production"}, "") == ["acorn"]
    # Settings that cannot be read: every base URL's names rather than none.
    assert complete_names(env | {"RUTTER_ENV": "nowhere"}, "ac") == ["acme", "acme.prod", "acorn"]


def test_completion_is_silent_on_a_corrupt_file(tmp_path: Path) -> None:
    (tmp_path / "aliases.toml").write_text("[[[")
    assert complete_names({"RUTTERCTL_CONFIG_DIR": str(tmp_path)}, "") == []
