"""`rutterctl connections list`: every connection of the organisation, optionally with store and
stage; `connections find` (rutterctl.cli.connections_find) searches them."""

from __future__ import annotations

from typing import Annotated

import typer

from rutterctl.cli.connection_rows import ListFormat, Output, ShowToken, StatusFilter
from rutterctl.cli.connections_find import find
from rutterctl.cli.deps import Deps
from rutterctl.cli.options import group

app = group(
    "connections",
    "The organisation's connections.",
)


@app.command("list")
def list_connections(
    ctx: typer.Context,
    status: Annotated[
        StatusFilter,
        typer.Option(
            "--status",
            help="Only connections in this state (Rutter's filter). Default: any, every "
            "connection (Rutter's own default leaves out needs_reauth and disabled ones).",
        ),
    ] = StatusFilter.any,
    details: Annotated[
        bool,
        typer.Option(
            "--details",
            help="Add store name and stage (a status request per connection; store names "
            "come from the store cache where fresh, else one more request).",
        ),
    ] = False,
    show_token: ShowToken = False,
    output: Output = None,
) -> None:
    """List connections: id, platform, created and updated times; --details adds store, stage.

    Every connection is listed, disabled and needs-update ones included, unless --status
    narrows it. Access tokens are masked unless --show-token is given. With --details, a
    connection whose store or status cannot be read shows the error in its row.

    \b
    Examples:
      rutterctl connections list
      rutterctl connections list --status needs_reauth --details
      rutterctl connections list -o json | jq -r '.[].id'
    """
    from rutterctl.cli.connection_rows import detail_rows, plain_rows, warn_failed, write_rows

    deps: Deps = ctx.obj
    output = deps.choose_output(output, ListFormat.table)
    if status is StatusFilter.any:
        from rutterctl.domain.resolve import list_every_connection

        connections = list_every_connection(deps.gateway())
        cache, _ = deps.naming().caches()
        cache.replace(connections)  # a complete listing: the next CONNECTION costs no request
    else:
        connections = deps.gateway().list_connections(status.value)
    if details:
        rows = detail_rows(deps, connections, show_token, stage=True)
        warn_failed(deps, rows)
    else:
        rows = plain_rows(connections, show_token)
    write_rows(deps, rows, output, details=details, show_token=show_token)


app.command("find")(find)
