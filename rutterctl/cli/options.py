"""Options shared by several commands, declared once."""

from __future__ import annotations

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

ConnectionArg = Annotated[
    str,
    typer.Argument(
        metavar="CONNECTION",
        help="A connection id or an access token.",
        show_default=False,
    ),
]
