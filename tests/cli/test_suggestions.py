"""A mistyped command or option gets the closest names, and exit 2 (a usage error)."""

from __future__ import annotations

import pytest

from tests.fakes import invoke


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["stauts"], "error: no such command 'stauts'; did you mean `status`?\n"),
        (["reason"], "did you mean `reasons`?"),
        (["wait-raedy", "x"], "did you mean `wait-ready`?"),
        (["--debgu", "status", "x"], "error: no such option: --debgu; did you mean `--debug`?\n"),
        (["status", "x", "--exit-stat"], "did you mean `--exit-status`?"),
        (["connections", "list", "--detials"], "did you mean `--details`?"),
        (["sim", "serv"], "; did you mean `serve`?"),  # a subcommand: click's own suggestion
        (["check", "--fail-onn", "x"], "did you mean `--fail-on` or `--warn-on`?"),
        (["listen", "--event", "X"], "did you mean `--events`?"),
    ],
)
def test_close_matches_are_suggested_with_exit_2(args: list[str], hint: str) -> None:
    result = invoke(args)
    assert result.exit_code == 2
    assert hint in result.stderr


def test_nothing_close_suggests_nothing() -> None:
    result = invoke(["zzzzzz"])
    assert result.exit_code == 2
    assert result.stderr == "error: no such command 'zzzzzz'; `rutterctl --help` shows the usage\n"


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["status", "acme", "--profile", "prod"], "(`rutterctl --profile prod status ...`)"),
        (
            ["webhooks", "verify", "--profile=prod"],
            "(`rutterctl --profile prod webhooks verify ...`)",
        ),
        (["auth", "status", "--debug"], "(`rutterctl --debug auth status ...`)"),
        (["check", "--profile"], "(`rutterctl --profile NAME check ...`)"),
    ],
)
def test_a_global_option_after_the_command_is_shown_where_it_goes(
    args: list[str], hint: str
) -> None:
    result = invoke(args)
    assert result.exit_code == 2
    assert "it is a global option: put it before the command " + hint in result.stderr


def test_the_rest_of_the_line_is_not_repeated_it_may_be_a_token() -> None:
    token = "6f1c0e0a-3b0c-4f4e-9d55-1c2a3b4c5d6e"
    result = invoke(["status", token, "--profile", "prod"])
    assert result.exit_code == 2 and token not in result.stderr
