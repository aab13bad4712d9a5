"""`rutterctl reasons`: what each disabled reason means and who has to act on it."""

from __future__ import annotations

from typing import Annotated

import typer

from rutterctl.cli.options import OutputOpt, complete_connection


def reasons(
    ctx: typer.Context,
    connection: Annotated[
        str | None,
        typer.Argument(
            metavar="[CONNECTION]",
            help="An alias, connection id or access token: explain its reason. Omit for the "
            "catalogue.",
            show_default=False,
            autocompletion=complete_connection,
        ),
    ] = None,
    output: OutputOpt = None,
) -> int:
    """What disabled reasons mean, who must act, and what to do next.

    \b
    Examples:
      rutterctl reasons                       # every standardized reason
      rutterctl reasons $TOKEN                # why is this connection disabled?
      rutterctl reasons -o json | jq '.[] | select(.reauth_helps)'
    """
    from rutterctl.cli.reasons_run import reasons as run

    return run(ctx.obj, connection, output)
