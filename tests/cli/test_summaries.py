"""The root --help and TAB list commands from `SUMMARIES`, which must say what the commands do."""

from __future__ import annotations

import pytest
from rutterctl.cli import app


@pytest.mark.parametrize("name", list(app.COMMANDS))
def test_every_command_has_its_own_first_sentence_as_summary(name: str) -> None:
    # A new command needs its line in SUMMARIES (else --help imports its module); an edited
    # docstring needs the line edited too.
    assert app.SUMMARIES.get(name) == app.summary(name)


def test_no_summary_for_a_command_that_does_not_exist() -> None:
    assert set(app.SUMMARIES) <= set(app.COMMANDS)


@pytest.mark.parametrize("name", list(app.COMMANDS))
def test_tab_shows_the_short_help_click_would_make_from_the_command(name: str) -> None:
    import typer

    group = typer.main.get_command(app.app)
    ctx = typer.Context(group)
    (item,) = [i for i in group.shell_complete(ctx, name) if i.value == name]
    assert item.help == app._command(name).get_short_help_str()
