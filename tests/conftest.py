"""Every test runs with isolated config/cache dirs and no RUTTER_* variables from the host."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in list(os.environ):
        if name.startswith(("RUTTER_", "RUTTERCTL_")) or name in ("NO_COLOR", "CI_SECRET"):
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    monkeypatch.setenv("RUTTERCTL_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("RUTTERCTL_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    yield home


@pytest.fixture(autouse=True)
def fresh_secrets() -> Iterator[None]:
    """Each test starts with only its own registered secrets: a value another test registered
    (hypothesis draws words such as `access_token` from the code) must not mask this one's text."""
    from rutterctl import secrets

    saved = secrets.snapshot()
    secrets.restore((set(), []))
    yield
    secrets.restore(saved)
