"""`rutterctl connections find TEXT`: a connection by what a support ticket shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from rutterctl.cli.connection_rows import ListFormat, Output, ShowToken

if TYPE_CHECKING:
    from rutterctl.cli.deps import Deps


def find(
    ctx: typer.Context,
    text: Annotated[
        str, typer.Argument(help="Part of a store name, store domain, connection id or platform.")
    ],
    refresh: Annotated[
        bool,
        typer.Option("--refresh", help="Read every store from Rutter again, ignoring the cache."),
    ] = False,
    show_token: ShowToken = False,
    output: Output = None,
) -> None:
    """Find connections whose store name, store domain, id or platform contains TEXT.

    Matching ignores case. The first search reads every connection's store (one request
    each); store names and domains are then cached for 24 hours (mode 0600), so the next
    search costs one request, the listing. Exit 3 when nothing matches.

    \b
    Examples:
      rutterctl connections find acme
      rutterctl connections find acme.myshopify.com -o json | jq -r '.[].id'
      rutterctl connections find shopify --refresh
    """
    from rutterctl.cli.connection_rows import detail_rows, warn_failed, write_rows
    from rutterctl.domain.directory import matching
    from rutterctl.domain.resolve import list_every_connection
    from rutterctl.errors import ConnectionNotFound, UsageError

    deps: Deps = ctx.obj
    output = deps.choose_output(output, ListFormat.table)
    if not text.strip():
        raise UsageError("TEXT is empty", hint="pass part of a store name, domain or id")
    connections = list_every_connection(deps.gateway())
    cache, stores = deps.naming().caches()
    cache.replace(connections)
    if refresh:
        stores.forget()
    rows = detail_rows(deps, connections, show_token, stage=False)
    warn_failed(deps, rows)
    found = [row for row in rows if matching(text, row.summary, row.store)]
    if not found:
        raise ConnectionNotFound(
            f"no connection's store name, domain, id or platform contains {text.strip()!r} "
            f"(searched {len(connections)} connection{'' if len(connections) == 1 else 's'})",
            hint="try a shorter part of the name, or --refresh if the store was renamed today",
        )
    write_rows(deps, found, output, details=True, show_token=show_token, stage=False)
