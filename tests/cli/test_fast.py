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
    code = fast.answer(argv, env, out)
    assert code in (None, 0)
    return out.getvalue() if code is not None else None


def typer_answer(argv: list[str], env: dict[str, str]) -> str:
    result = CliRunner().invoke(app, argv, env=env, prog_name="rutterctl")
    assert result.exit_code == 0, result.output
    return result.stdout


def shell_env(shell: str, line: str, **more: str) -> dict[str, str]:
    """What zsh and fish pass: the command line so far (`rutterctl st`)."""
    return {"_RUTTERCTL_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": line, **more}


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


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_get_the_names_and_short_helps_typer_gives(shell: str) -> None:
    more = {"_TYPER_COMPLETE_FISH_ACTION": "get-args"} if shell == "fish" else {}
    for prefix in [*PREFIXES, "zz"]:
        for line in (f"rutterctl {prefix}", f"rutterctl {prefix}".strip()):
            env = shell_env(shell, line, **more)
            assert fast_answer([], env) == typer_answer([], env), line


def test_fish_asks_whether_there_are_arguments_to_complete() -> None:
    # Exit 0: complete these (no files); 1: nothing here, let fish offer files.
    assert (
        fast.answer(
            [],
            shell_env("fish", "rutterctl st", _TYPER_COMPLETE_FISH_ACTION="is-args"),
            io.StringIO(),
        )
        == 0
    )
    assert (
        fast.answer(
            [],
            shell_env("fish", "rutterctl zz", _TYPER_COMPLETE_FISH_ACTION="is-args"),
            io.StringIO(),
        )
        == 1
    )
    for line, code in (("rutterctl st", 0), ("rutterctl zz", 1)):
        env = shell_env("fish", line, _TYPER_COMPLETE_FISH_ACTION="is-args")
        assert CliRunner().invoke(app, [], env=env, prog_name="rutterctl").exit_code == code


@pytest.mark.parametrize(
    "env",
    [
        {"_RUTTERCTL_COMPLETE": "complete_bash", "COMP_WORDS": "rutterctl --", "COMP_CWORD": "1"},
        {"_RUTTERCTL_COMPLETE": "complete_bash", "COMP_WORDS": "rutterctl -", "COMP_CWORD": "1"},
        {"_RUTTERCTL_COMPLETE": "complete_bash", "COMP_WORDS": 'rutterctl "st', "COMP_CWORD": "1"},
        {
            "_RUTTERCTL_COMPLETE": "complete_bash",
            "COMP_WORDS": "rutterctl status ",
            "COMP_CWORD": "2",
        },
        {"_RUTTERCTL_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "rutterctl status "},
        {"_RUTTERCTL_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "rutterctl --de"},
        {"_RUTTERCTL_COMPLETE": "complete_fish", "_TYPER_COMPLETE_ARGS": "rutterctl st"},
        {"_RUTTERCTL_COMPLETE": "complete_powershell", "_TYPER_COMPLETE_ARGS": "rutterctl st"},
        {"_RUTTERCTL_COMPLETE": "source_bash"},
    ],
    ids=[
        "option",
        "dash",
        "quoted",
        "argument",
        "zsh-argument",
        "zsh-option",
        "fish-no-action",
        "powershell",
        "source",
    ],
)
def test_anything_else_is_left_to_typer(env: dict[str, str]) -> None:
    assert fast_answer([], env) is None


def test_help_during_completion_and_other_arguments_are_left_to_typer() -> None:
    assert fast_answer(["--help"], {"_RUTTERCTL_COMPLETE": "complete_bash"}) is None
    assert fast_answer(["status", "--help"], {}) is None
    assert fast_answer([], {}) is None
