"""A config file nested 100,000 levels deep is exit 2 naming the file, never RecursionError."""

from __future__ import annotations

from pathlib import Path

import pytest
from rutterctl.config.aliases import AliasFile
from rutterctl.config.profiles import load_config
from rutterctl.config.store import CredentialStore
from rutterctl.errors import UsageError

DEEP = 100_000
DEEP_TOML = "x = " + "[" * DEEP + "]" * DEEP + "\n"
DEEP_INLINE_TOML = "x = " + "{a = " * DEEP + "1" + "}" * DEEP + "\n"
DEEP_JSON = "[" * DEEP + "]" * DEEP


@pytest.mark.parametrize("text", [DEEP_TOML, DEEP_INLINE_TOML])
def test_deep_config_toml(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(UsageError) as caught:
        load_config(path)
    assert caught.value.message == f"{path}: nested too deeply to be read"


@pytest.mark.parametrize("text", [DEEP_TOML, DEEP_INLINE_TOML])
def test_deep_aliases_toml(tmp_path: Path, text: str) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text(text)
    with pytest.raises(UsageError) as caught:
        AliasFile(path).load()
    assert caught.value.message == f"the aliases file {path} is nested too deeply to be read"


@pytest.mark.parametrize("text", [DEEP_JSON, '{"a":' * DEEP + "1" + "}" * DEEP])
def test_deep_credentials_json(tmp_path: Path, text: str) -> None:
    path = tmp_path / "credentials.json"
    path.write_text(text)
    with pytest.raises(UsageError) as caught:
        CredentialStore(path, None, "test").stored_profiles()
    assert caught.value.message == f"{path}: nested too deeply to be read"


LONG = "1" * 5000  # past Python's 4,300-digit limit for int(): ValueError, not a TOML error


def test_a_number_too_long_is_exit_2_naming_the_file(tmp_path: Path) -> None:
    config, aliases, credentials = (tmp_path / n for n in ("c.toml", "a.toml", "cred.json"))
    config.write_text(f"x = {LONG}\n")
    aliases.write_text(f"x = {LONG}\n")
    credentials.write_text(f'{{"version": {LONG}}}')
    with pytest.raises(UsageError, match="holds a number too long to read"):
        load_config(config)
    with pytest.raises(UsageError, match="holds a number too long to read"):
        AliasFile(aliases).load()
    with pytest.raises(UsageError, match="holds a number too long to read"):
        CredentialStore(credentials, None, "test").stored_profiles()


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("config.toml", ["config", "list"]),
        ("aliases.toml", ["alias", "list"]),
        ("credentials.json", ["auth", "status"]),
    ],
)
def test_the_cli_says_which_file_in_one_line(name: str, args: list[str]) -> None:
    import os

    from tests.fakes import invoke

    path = Path(os.environ["RUTTERCTL_CONFIG_DIR"]) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(DEEP_JSON if name.endswith(".json") else DEEP_TOML)
    result = invoke(args, env={})
    assert result.exit_code == 2, result.stderr
    assert str(path) in result.stderr and "nested too deeply" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
