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
