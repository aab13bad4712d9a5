"""Start-up stays fast: `--help`, `--version` and TAB import no httpx, pydantic or rich, nor the
command modules they list; a real command imports only what it uses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rutterctl.cli.commands import COMMANDS

from tests.e2e.conftest import RunningSim, start_sim

PROBE = """
import json, sys
sys.argv = ["rutterctl", *json.loads(sys.argv[1])]
from rutterctl.__main__ import main
try:
    main()
except SystemExit:
    pass
HEAVY = {"httpx", "pydantic", "rich", "waitress", "keyring"}
heavy = sorted({m.split(".")[0] for m in sys.modules} & HEAVY)
sys.stderr.write("HEAVY=" + json.dumps(heavy) + "\\n")
ours = sorted(m for m in sys.modules if m.startswith(("rutterctl.", "typer")))
sys.stderr.write("OURS=" + json.dumps(ours) + "\\n")
sys.stderr.write("ALL=" + json.dumps(sorted({m.split(".")[0] for m in sys.modules})) + "\\n")
"""

# The modules of the commands themselves (importing the table is cheap: a dict of strings).
COMMAND_MODULES = {target.split(":")[0] for target in COMMANDS.values()}


def heavy_modules(args: list[str], env: dict[str, str] | None = None) -> tuple[list[str], str]:
    """The heavy packages imported by running rutterctl with `args`, and what it printed."""
    heavy, _, out = imported(args, env)
    return heavy, out


def probe(args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """One run of rutterctl with `args`: what it printed (`out`) and what it imported (HEAVY:
    heavy packages, OURS: rutterctl and typer modules, ALL: every top-level name)."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )
    found: dict[str, Any] = {"out": proc.stdout}
    for line in proc.stderr.splitlines():
        key, equals, value = line.partition("=")
        if equals and key in ("HEAVY", "OURS", "ALL"):
            found[key] = json.loads(value)
    return found


def imported(
    args: list[str], env: dict[str, str] | None = None
) -> tuple[list[str], list[str], str]:
    """Heavy packages and rutterctl modules imported by running rutterctl with `args`."""
    found = probe(args, env)
    return found["HEAVY"], found["OURS"], found["out"]


def commands(ours: list[str]) -> list[str]:
    return [m for m in ours if m in COMMAND_MODULES]


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["--help"],
        ["status", "--help"],
        ["batches", "--help"],
        ["reasons", "--help"],
        ["wait-ready", "--help"],
        ["connections", "--help"],
        ["connections", "list", "--help"],
        ["alias", "--help"],
        ["alias", "set", "--help"],
    ],
)
def test_help_and_version_import_nothing_heavy(args: list[str]) -> None:
    heavy, out = heavy_modules(args)
    assert heavy == []
    assert out.startswith(("Usage: rutterctl", "rutterctl "))


def test_completion_imports_nothing_heavy() -> None:
    env = {"_RUTTERCTL_COMPLETE": "complete_bash", "COMP_WORDS": "rutterctl st", "COMP_CWORD": "1"}
    heavy, out = heavy_modules([], env)
    assert heavy == []
    assert out.split() == ["status"]


def test_completing_a_connection_argument_imports_nothing_heavy(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "aliases.toml").write_text(
        'version = 1\n[aliases."https://sandbox.rutterapi.com/versioned".acme]\n'
        'connection_id = "11111111-2222-4333-8444-555555555555"\n'
        'access_token = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"\n'
    )
    env = {
        "_RUTTERCTL_COMPLETE": "complete_bash",
        "COMP_WORDS": "rutterctl status ac",
        "COMP_CWORD": "2",
        "RUTTERCTL_CONFIG_DIR": str(config),
    }
    heavy, out = heavy_modules([], env)
    assert heavy == []
    assert out.split() == ["acme"]


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--help"], {}),
        (
            [],
            {
                "_RUTTERCTL_COMPLETE": "complete_bash",
                "COMP_WORDS": "rutterctl ",
                "COMP_CWORD": "1",
            },
        ),
        ([], {"_RUTTERCTL_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "rutterctl "}),
    ],
    ids=["--help", "TAB bash", "TAB zsh with summaries"],
)
def test_listing_the_commands_imports_none_of_them(args: list[str], env: dict[str, str]) -> None:
    heavy, ours, out = imported(args, env)
    assert (heavy, commands(ours)) == ([], [])
    assert "status" in out and "sim" in out.split("status", 1)[1]  # all of them, in order


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSim]:
    sim = start_sim(tmp_path_factory.mktemp("imports"), "--scenario", "small")
    try:
        yield sim
    finally:
        sim.stop()


@pytest.mark.parametrize(
    ("args", "used"),
    [
        (["status", "{id}", "-o", "json"], "rutterctl.cli.status_run"),
        (["batches", "{id}", "-o", "json"], "rutterctl.cli.batches_run"),
        (["reasons", "{id}", "-o", "json"], "rutterctl.cli.reasons_run"),
        (["wait-ready", "{id}", "-o", "json"], "rutterctl.cli.wait_ready_run"),
        (["fetch", "orders", "{id}", "-o", "ndjson", "--limit", "2"], "rutterctl.cli.fetch_run"),
    ],
    ids=["status", "batches", "reasons", "wait-ready", "fetch"],
)
def test_a_command_resolving_from_the_cache_imports_only_what_it_uses(
    sim: RunningSim, args: list[str], used: str
) -> None:
    connection_id = sim.connections["tiny-shop"]["id"]
    argv = [a.format(id=connection_id) for a in args]
    assert sim.run(*argv).returncode == 0  # fills the id -> access token cache
    env = sim.env()
    heavy, ours, out = imported(argv, env)
    assert out.strip()
    assert heavy == ["httpx"]  # no pydantic, rich (not a terminal), waitress, keyring
    # The quick lane: the command's body, not its typer declaration, and no typer at all.
    assert commands(ours) == []
    assert used in ours
    assert [m for m in ours if m.startswith("typer")] == []
    assert [m for m in ours if m.startswith("rutterctl.sim")] == []


def test_a_status_cache_hit_imports_nothing_it_does_not_use(sim: RunningSim) -> None:
    """`status ID -o json` with the id cached, credentials in the environment and no config
    files: no CLI framework, no terminal code, no TOML reader, no keyring, no fast JSON
    libraries (fetch's), no simulator."""
    argv = ["status", sim.connections["tiny-shop"]["id"], "-o", "json"]
    assert sim.run(*argv).returncode == 0
    env = sim.env()
    assert not any(Path(env["RUTTERCTL_CONFIG_DIR"]).glob("*.toml"))
    found = probe(argv, env)
    names, ours = found["ALL"], found["OURS"]
    unused = {"typer", "rich", "pydantic", "tomllib", "keyring", "msgspec", "orjson", "waitress"}
    assert sorted(unused & set(names)) == []
    assert "httpx" in names
    # No table layout: -o json to a pipe is plain text.
    views = {"rutterctl.render.layout", "rutterctl.render.status_view", "rutterctl.render.term"}
    assert sorted(views & set(ours)) == []


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--version"], {}),
        (["--help"], {"COLUMNS": "100"}),
        (
            [],
            {
                "_RUTTERCTL_COMPLETE": "complete_bash",
                "COMP_WORDS": "rutterctl\nst",
                "COMP_CWORD": "1",
            },
        ),
        ([], {"_RUTTERCTL_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "rutterctl s"}),
        (
            [],
            {
                "_RUTTERCTL_COMPLETE": "complete_fish",
                "_TYPER_COMPLETE_ARGS": "rutterctl s",
                "_TYPER_COMPLETE_FISH_ACTION": "get-args",
            },
        ),
    ],
    ids=["--version", "--help", "TAB bash", "TAB zsh", "TAB fish"],
)
def test_the_commonest_answers_need_no_cli_framework(args: list[str], env: dict[str, str]) -> None:
    _, ours, out = imported(args, env)
    assert out
    assert [m for m in ours if m.startswith("typer")] == []
