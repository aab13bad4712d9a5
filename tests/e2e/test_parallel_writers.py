"""20 rutterctl processes updating one config file at once keep all 20 changes (the file lock)."""

from __future__ import annotations

import json
import os
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.e2e.conftest import RUTTERCTL, RunningSim

pytestmark = pytest.mark.e2e
N = 20


def run_parallel(commands: list[list[str]], env: dict[str, str], inputs: str = "") -> None:
    """Start every command before waiting for any, so their read-modify-writes overlap."""
    started = [
        subprocess.Popen(
            [RUTTERCTL, *args],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in commands
    ]
    for process in started:
        _, err = process.communicate(inputs, timeout=60)
        assert process.returncode == 0, err


def test_parallel_alias_set_keeps_every_alias(fleet: RunningSim, tmp_path: Path) -> None:
    env = fleet.env(RUTTERCTL_CONFIG_DIR=str(tmp_path / "config"))
    token = fleet.token("acme-ongoing")
    run_parallel([["alias", "set", f"a{i}", token] for i in range(N)], env)
    data = tomllib.loads((tmp_path / "config" / "aliases.toml").read_text())
    assert sorted(data["aliases"][fleet.base_url]) == sorted(f"a{i}" for i in range(N))


def test_parallel_auth_login_keeps_every_profile(tmp_path: Path) -> None:
    env = {**os.environ, "RUTTERCTL_CONFIG_DIR": str(tmp_path), "RUTTERCTL_NO_KEYRING": "1"}
    logins = [
        ["auth", "login", "--profile", f"p{i}", "--client-id", f"id-{i}", "--secret-stdin"]
        for i in range(N)
    ]
    run_parallel(logins, env, inputs="secret-value-12345\n")
    stored = json.loads((tmp_path / "credentials.json").read_text())["profiles"]
    assert sorted(stored) == sorted(f"p{i}" for i in range(N))
    assert {stored[f"p{i}"]["client_id"] for i in range(N)} == {f"id-{i}" for i in range(N)}
    profiles = tomllib.loads((tmp_path / "config.toml").read_text())["profiles"]
    assert sorted(profiles) == sorted(f"p{i}" for i in range(N))


def test_parallel_config_set_keeps_every_value(tmp_path: Path) -> None:
    env = {**os.environ, "RUTTERCTL_CONFIG_DIR": str(tmp_path)}
    run_parallel([["config", "set", "output", "json", "--profile", f"p{i}"] for i in range(N)], env)
    profiles = tomllib.loads((tmp_path / "config.toml").read_text())["profiles"]
    assert profiles == {f"p{i}": {"output": "json"} for i in range(N)}
