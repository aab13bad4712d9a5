"""Options shared by several commands, declared once."""

from __future__ import annotations

import os
from enum import StrEnum
from typing import Annotated

import typer


class TableOrJson(StrEnum):
    table = "table"
    json = "json"


OutputOpt = Annotated[
    TableOrJson,
    typer.Option("--output", "-o", help="Output format: table (for people) or json (a contract)."),
]


def complete_connection(ctx: typer.Context, incomplete: str) -> list[str]:
    """TAB on a CONNECTION: the alias names (read from the aliases file, nothing heavy), of
    the base URL of the profile given on the command line, if any."""
    from rutterctl.config.aliases import complete_names

    profile = ctx.find_root().params.get("profile")
    return complete_names(
        os.environ, incomplete, profile=profile if isinstance(profile, str) else None
    )


ConnectionArg = Annotated[
    str,
    typer.Argument(
        metavar="CONNECTION",
        help="An alias, a connection id or an access token.",
        show_default=False,
        autocompletion=complete_connection,
    ),
]
