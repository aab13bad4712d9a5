"""A mistyped command or option gets the closest names, and exit 2 (a usage error)."""

from __future__ import annotations

import pytest

from tests.fakes import invoke


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["stauts"], "No such command 'stauts'; did you mean `status`?"),
        (["reason"], "did you mean `reasons`?"),
        (["wait-raedy", "x"], "did you mean `wait-ready`?"),
        (["--debgu", "status", "x"], "No such option: --debgu; did you mean `--debug`?"),
        (["status", "x", "--exit-stat"], "did you mean `--exit-status`?"),
        (["connections", "list", "--detials"], "did you mean `--details`?"),
    ],
)
def test_close_matches_are_suggested_with_exit_2(args: list[str], hint: str) -> None:
    result = invoke(args)
    assert result.exit_code == 2
    assert hint in result.stderr


def test_nothing_close_suggests_nothing() -> None:
    result = invoke(["zzzzzz"])
    assert result.exit_code == 2
    assert "No such command 'zzzzzz'" in result.stderr and "did you mean" not in result.stderr
