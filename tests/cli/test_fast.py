"""The answers given without typer are exactly typer's: the root --help and bash TAB names."""

from __future__ import annotations

import io

import pytest
from rutterctl.cli import fast
from rutterctl.cli.app import app
from rutterctl.cli.commands import COMMANDS
from typer.testing import CliRunner

PREFIXES = sorted({""} | {name[:n] for name in COMMANDS for n in range(1, len(name) + 1)})


def fast_answer(argv: list[str], env: dict[str, str]) -> str | None:
    out = io.StringIO()
    return out.getvalue() if fast.answer(argv, env, out) else None


def typer_answer(argv: list[str], env: dict[str, str]) -> str:
    result = CliRunner().invoke(app, argv, env=env, prog_name="rutterctl")
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("columns", ["80", "100", "300"])
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_the_root_help_is_typers_own(flag: str, columns: str) -> None:
    env = {"COLUMNS": columns}
    assert fast_answer([flag], env) == typer_answer([flag], env)


def test_a_narrow_terminal_gets_typers_wrapping() -> None:
    assert fast_answer(["--help"], {"COLUMNS": "79"}) is None


def test_version() -> None:
    from rutterctl import __version__

    assert fast_answer(["--version"], {}) == f"rutterctl {__version__}\n"


@pytest.mark.parametrize("joiner", ["\n", " "])
def test_tab_on_the_first_word_names_the_commands_typer_names(joiner: str) -> None:
    # The bash script joins COMP_WORDS with newlines (IFS); a space is what a user may type.
    for prefix in [*PREFIXES, "nothing-like-it", "zz"]:
        env = {
            "_RUTTERCTL_COMPLETE": "complete_bash",
            "COMP_WORDS": joiner.join(["rutterctl", prefix]),
            "COMP_CWORD": "1",
        }
        assert fast_answer([], env) == typer_answer([], env), prefix


@pytest.mark.parametrize(
    ("words", "cword", "shell"),
    [
        ("rutterctl --", "1", "bash"),  # options are typer's
        ("rutterctl -", "1", "bash"),
        ('rutterctl "st', "1", "bash"),  # quoting is typer's (shlex)
        ("rutterctl status ", "2", "bash"),  # arguments: aliases, options
        ("rutterctl st", "1", "zsh"),
        ("rutterctl st", "1", "fish"),
    ],
)
def test_anything_else_is_left_to_typer(words: str, cword: str, shell: str) -> None:
    env = {"_RUTTERCTL_COMPLETE": f"complete_{shell}", "COMP_WORDS": words, "COMP_CWORD": cword}
    assert fast_answer([], env) is None


def test_help_during_completion_and_other_arguments_are_left_to_typer() -> None:
    assert fast_answer(["--help"], {"_RUTTERCTL_COMPLETE": "complete_bash"}) is None
    assert fast_answer(["status", "--help"], {}) is None
    assert fast_answer([], {}) is None
