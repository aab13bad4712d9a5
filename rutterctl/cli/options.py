"""Options shared by several commands, declared once."""

from __future__ import annotations

import os
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rutterctl.cli.deps import Deps
    from rutterctl.domain.resolve import ResolvedConnection


def shown_name(typed: str, resolved: ResolvedConnection) -> str:
    """The connection as hints name it: what the user typed (an alias, an id), except an
    access token, which is a secret: then its connection id."""
    typed = typed.strip()
    return resolved.connection_id if typed == resolved.access_token else typed


def command_prefix(deps: Deps) -> str:
    """How a hint's command starts: `rutterctl`, or `rutterctl --profile prod` when another
    profile than the default is selected, so the command can be pasted as it is."""
    import shlex

    profile = deps.profile_settings().profile
    return "rutterctl" if profile == "default" else f"rutterctl --profile {shlex.quote(profile)}"


def group(name: str, help: str) -> typer.Typer:
    """A command with subcommands (`auth`, `config`, ...): plain help, help when bare."""
    return typer.Typer(name=name, help=help, no_args_is_help=True, rich_markup_mode=None)


class TableOrJson(StrEnum):
    table = "table"
    json = "json"


# None when -o is not given: the profile's output setting (or RUTTERCTL_OUTPUT) applies when
# the command offers it, else table. Resolve it with `Deps.choose_output(output, fallback)`.
OutputOpt = Annotated[
    TableOrJson | None,
    typer.Option(
        "--output",
        "-o",
        help="Output format: table (for people) or json (a contract). "
        "Default: the profile's output setting, else table.",
        show_default=False,
    ),
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


# `auth` and `config` subcommands also take --profile after the subcommand's name.
ProfileOpt = Annotated[
    str | None,
    typer.Option(
        "--profile",
        metavar="NAME",
        help="The profile (default: the global --profile, RUTTERCTL_PROFILE, else default).",
        show_default=False,
    ),
]
