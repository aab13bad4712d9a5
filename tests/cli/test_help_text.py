"""Help at 80 columns never splits a word at a hyphen (an option name cut in two cannot be
copied), and examples stay on their lines."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.fakes import invoke


def _every_command() -> list[list[str]]:
    """The root, every command and every subcommand, from the app itself (a new one is
    checked without being listed here)."""
    from rutterctl.cli.app import app
    from typer.main import get_command

    root: Any = get_command(app)  # a group: list_commands/get_command
    ctx = root.make_context("rutterctl", ["--help"], resilient_parsing=True)
    paths: list[list[str]] = [[]]
    for name in root.list_commands(ctx):
        command = root.get_command(ctx, name)
        paths.append([name])
        if hasattr(command, "list_commands"):
            paths += [[name, sub] for sub in command.list_commands(ctx)]
    return paths


HELP = _every_command()


@pytest.mark.parametrize("args", HELP, ids=lambda args: " ".join(args) or "rutterctl")
def test_help_at_80_columns_is_whole(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """No word split at a hyphen, and no line (an example is never rewrapped) wider than the
    terminal, which would cut it wherever column 80 falls, inside an option name too."""
    monkeypatch.setenv("COLUMNS", "80")
    result = invoke([*args, "--help"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line for line in lines if re.search(r"[A-Za-z]-$", line)] == []
    assert [line for line in lines if len(line) > 80] == []


def test_every_command_is_covered() -> None:
    covered = {" ".join(args) for args in HELP}
    assert {"check", "watch", "listen", "webhooks verify", "sim trigger", "sim events"} <= covered


def test_sim_serve_examples_are_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = invoke(["sim", "serve", "--help"]).stdout
    assert "rutterctl sim serve --fail-first 503:2 --rate-limit 5/1s --no-retry-after\n" in out
    assert "--allow-remote)" in out  # the option's help names another option, whole
