"""`rutterctl status`: where one connection is in its lifecycle, and what to do next."""

from __future__ import annotations

from typing import Annotated

import typer

from rutterctl.cli.options import ConnectionArg, OutputOpt


def status(
    ctx: typer.Context,
    connection: ConnectionArg,
    output: OutputOpt = None,
    exit_status: Annotated[
        bool,
        typer.Option(
            "--exit-status",
            help="Exit 0 when data can be read (historical or ongoing sync), 8 during the "
            "initial sync, 5 when the connection needs an update, 6 when disabled.",
        ),
    ] = False,
) -> int:
    """Where a connection is in its lifecycle, and what to do next.

    \b
    Examples:
      rutterctl status 6f1c0e0a-...     # a connection id, an access token
      rutterctl status $TOKEN -o json | jq .stage
      rutterctl status acme --exit-status || echo "not readable yet"
    """
    from rutterctl.cli.status_run import status as run

    return run(ctx.obj, connection, output, exit_status)
