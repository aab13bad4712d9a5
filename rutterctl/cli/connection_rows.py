"""What `connections list` and `connections find` share: their formats and the rows they print."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rutterctl.cli.deps import Deps
    from rutterctl.domain.models import ConnectionSummary
    from rutterctl.render.connections_view import ConnectionRow


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


ShowToken = Annotated[
    bool, typer.Option("--show-token", help="Show access tokens unmasked (secrets).")
]
Output = Annotated[
    ListFormat | None,
    typer.Option(
        "--output",
        "-o",
        help="table, json, ndjson or csv. Default: the profile's output setting, else table.",
        show_default=False,
    ),
]


def plain_rows(connections: list[ConnectionSummary], show_token: bool) -> list[ConnectionRow]:
    from rutterctl.render.connections_view import ConnectionRow
    from rutterctl.secrets import mask

    return [
        ConnectionRow(c, c.access_token if show_token else mask(c.access_token))
        for c in connections
    ]


def detail_rows(
    deps: Deps, connections: list[ConnectionSummary], show_token: bool, *, stage: bool
) -> list[ConnectionRow]:
    """Store (from the store cache where fresh, else `GET /connections/access_token`) and, with
    `stage`, the lifecycle stage of every connection; a failure becomes its row's error.
    Statuses are read through the fleet scheduler, under the budget, in Rutter's order."""
    from rutterctl.domain.lifecycle import stage_of
    from rutterctl.domain.resolve import stores_of
    from rutterctl.errors import ApiError, RutterctlError
    from rutterctl.render.connections_view import ConnectionRow
    from rutterctl.secrets import mask, redact

    naming = deps.naming()
    _, cache = naming.caches()
    stores = stores_of(connections, cache, naming.read_stores)
    gateway = deps.gateway()

    def one(connection: ConnectionSummary) -> ConnectionRow:
        token = connection.access_token
        errors = []
        if connection.id in naming.store_errors:
            errors.append(f"store: {naming.store_errors[connection.id]}")
        current = None
        if stage:
            try:
                current = stage_of(gateway.connection_status(token)).value
            except RutterctlError as exc:
                why = exc.one_line() if isinstance(exc, ApiError) else exc.message
                errors.append(f"status: {redact(why)}")
        shown = token if show_token else mask(token)
        store = stores.get(connection.id)
        return ConnectionRow(connection, shown, store, current, "; ".join(errors) or None)

    if not stage:
        return [one(c) for c in connections]
    rows: list[ConnectionRow | None] = [None] * len(connections)
    for done in deps.fleet().run(list(enumerate(connections)), lambda pair: one(pair[1])):
        rows[done.item[0]] = done.value
    return [row for row in rows if row is not None]


def warn_failed(deps: Deps, rows: list[ConnectionRow]) -> None:
    failed = sum(1 for row in rows if row.error)
    if failed:
        deps.warn(f"warning: details of {failed} of {len(rows)} connections could not be read")


def write_rows(
    deps: Deps,
    rows: list[ConnectionRow],
    output: ListFormat,
    *,
    details: bool,
    show_token: bool,
    stage: bool = True,
) -> None:
    from rutterctl.render.connections_view import write_connections

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
        stage=stage,
    )
