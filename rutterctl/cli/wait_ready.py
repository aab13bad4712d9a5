"""`rutterctl wait-ready`: block until connections can be read; the exit code says how it ended."""

from __future__ import annotations

from typing import Annotated

import typer

from rutterctl.cli.formats import WaitOutput
from rutterctl.cli.options import complete_connection, complete_until


def wait_ready(
    ctx: typer.Context,
    connections: Annotated[
        list[str],
        typer.Argument(
            metavar="CONNECTION...",
            help="Aliases, connection ids or access tokens.",
            autocompletion=complete_connection,
        ),
    ],
    timeout: Annotated[
        str, typer.Option("--timeout", help="Overall deadline: 90, 30s, 5m, 2h.")
    ] = "30m",
    interval: Annotated[
        str,
        typer.Option("--interval", help="First poll interval; backs off when nothing changes."),
    ] = "15s",
    until: Annotated[
        str,
        typer.Option(
            "--until",
            help="ready (data readable), historical, or entity:NAME.",
            autocompletion=complete_until,
        ),
    ] = "ready",
    stall_timeout: Annotated[
        str | None,
        typer.Option(
            "--stall-timeout",
            metavar="DUR",
            help="Exit 9 when a connection shows no progress (stage, batches, counts, dates, "
            "last sync) for this long. Default: off.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        WaitOutput | None,
        typer.Option(
            "--output",
            "-o",
            help="table, json (final status) or ndjson (each poll). "
            "Default: the profile's output setting, else table.",
            show_default=False,
        ),
    ] = None,
) -> int:
    """Wait until connections are ready. Exit 0 ready, 5 needs update, 6 disabled, 124 timeout.

    \b
    Examples:
      rutterctl wait-ready $TOKEN && rutterctl fetch orders $TOKEN --all -o ndjson
      rutterctl wait-ready $A $B --timeout 2h --until historical
      rutterctl wait-ready $TOKEN --timeout 6h --stall-timeout 30m
      rutterctl wait-ready $TOKEN --until entity:orders -o ndjson | jq -c .stage
    """
    from rutterctl.cli.wait_ready_run import wait_ready as run

    return run(ctx.obj, connections, timeout, interval, until, stall_timeout, output)
