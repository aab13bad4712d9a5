"""`rutterctl connections list`: the organisation's connections, optionally with store and stage."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from rutterctl.cli.deps import Deps
from rutterctl.cli.options import group

if TYPE_CHECKING:
    from rutterctl.domain.models import ConnectionSummary
    from rutterctl.domain.ports import RutterGateway
    from rutterctl.render.connections_view import ConnectionRow

# Enough to overlap request latency; the client's shared pacer keeps the organisation budget.
MAX_WORKERS = 8

app = group(
    "connections",
    "The organisation's connections.",
)


class StatusFilter(StrEnum):
    active = "active"
    unhealthy = "unhealthy"
    not_ready = "not_ready"
    needs_reauth = "needs_reauth"
    disabled = "disabled"
    any = "any"


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"


@app.command("list")
def list_connections(
    ctx: typer.Context,
    status: Annotated[
        StatusFilter | None,
        typer.Option("--status", help="Only connections in this state (Rutter's filter)."),
    ] = None,
    details: Annotated[
        bool,
        typer.Option("--details", help="Add store name and stage (two requests per connection)."),
    ] = False,
    show_token: Annotated[
        bool, typer.Option("--show-token", help="Show access tokens unmasked (secrets).")
    ] = False,
    output: Annotated[
        ListFormat | None,
        typer.Option(
            "--output",
            "-o",
            help="table, json, ndjson or csv. Default: the profile's output setting, else table.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """List connections: id, platform, created and updated times; --details adds store, stage.

    Access tokens are masked unless --show-token is given. With --details, a connection whose
    store or status cannot be read shows the error in its row; the others are still listed.

    \b
    Examples:
      rutterctl connections list
      rutterctl connections list --status needs_reauth --details
      rutterctl connections list -o json | jq -r '.[].id'
    """
    from rutterctl.render.connections_view import ConnectionRow, write_connections
    from rutterctl.secrets import mask, register

    deps: Deps = ctx.obj
    output = deps.choose_output(output, ListFormat.table)
    gateway = deps.gateway()
    connections = gateway.list_connections(status.value if status else None)
    for connection in connections:
        register(connection.access_token)
    if details:
        rows = _with_details(gateway, connections, show_token)
        failed = sum(1 for row in rows if row.error)
        if failed:
            deps.warn(f"warning: details of {failed} of {len(rows)} connections could not be read")
    else:
        rows = [
            ConnectionRow(c, c.access_token if show_token else mask(c.access_token))
            for c in connections
        ]
    write_connections(
        rows,
        deps.out,
        output.value,
        details=details,
        tty=deps.out_is_tty,
        color=deps.color,
        caption=deps.context_label(),
        now=deps.now(),
        show_token=show_token,
    )


def _with_details(
    gateway: RutterGateway, connections: list[ConnectionSummary], show_token: bool
) -> list[ConnectionRow]:
    """Store and stage of every connection, concurrently (httpx.Client and the pacer are
    thread-safe); one connection's failure becomes its row's error."""
    from concurrent.futures import ThreadPoolExecutor

    from rutterctl.domain.lifecycle import stage_of
    from rutterctl.errors import ApiError, CredentialsRejected, RutterctlError, Unavailable
    from rutterctl.render.connections_view import ConnectionRow
    from rutterctl.secrets import mask, redact

    def describe(exc: RutterctlError) -> str:
        return redact(exc.one_line() if isinstance(exc, ApiError) else exc.message)

    def one(connection: ConnectionSummary) -> ConnectionRow:
        token = connection.access_token
        store, stage, errors = None, None, []
        try:
            store = gateway.store_info(token)
        except (CredentialsRejected, Unavailable) as exc:
            errors.append(f"store: {describe(exc)}")
        except ApiError:
            pass  # some platforms have no store endpoint (404): a missing nicety, not a failure
        try:
            stage = stage_of(gateway.connection_status(token)).value
        except RutterctlError as exc:
            errors.append(f"status: {describe(exc)}")
        shown = token if show_token else mask(token)
        return ConnectionRow(connection, shown, store, stage, "; ".join(errors) or None)

    if not connections:
        return []
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(connections))) as pool:
        return list(pool.map(one, connections))
