"""Help at 80 columns never splits a word at a hyphen (an option name cut in two cannot be
copied), and examples stay on their lines."""

from __future__ import annotations

import re

import pytest

from tests.fakes import invoke

HELP = [
    [],
    ["status"], ["batches"], ["reasons"], ["wait-ready"], ["fetch"], ["demo"],
    ["connections", "list"], ["alias", "set"], ["auth", "login"], ["config", "set"],
    ["sim", "serve"], ["sim", "scenarios"],
]  # fmt: skip


@pytest.mark.parametrize("args", HELP, ids=lambda args: " ".join(args) or "rutterctl")
def test_help_never_breaks_a_word_at_a_hyphen(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = invoke([*args, "--help"])
    assert result.exit_code == 0, result.stderr
    broken = [line for line in result.stdout.splitlines() if re.search(r"[A-Za-z]-$", line)]
    assert broken == []


def test_sim_serve_examples_are_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = invoke(["sim", "serve", "--help"]).stdout
    assert "rutterctl sim serve --fail-first 503:2 --rate-limit 5/1s --no-retry-after\n" in out
    assert "--allow-remote)" in out  # the option's help names another option, whole
