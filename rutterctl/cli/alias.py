"""`rutterctl alias set|list|remove`: short names for connections, per API base URL."""

from __future__ import annotations

from typing import Annotated

import typer

from rutterctl.cli.deps import Deps
from rutterctl.cli.formats import TableOrJson
from rutterctl.cli.options import ConnectionArg, OutputOpt, complete_connection, group

app = group(
    "alias",
    "Short names for connections, usable wherever a CONNECTION is expected.",
)

NameArg = Annotated[
    str,
    typer.Argument(
        metavar="NAME",
        help="Letters, digits, '_', '.', '-'; starts with a letter.",
        show_default=False,
        autocompletion=complete_connection,
    ),
]


@app.command("set")
def set_alias(ctx: typer.Context, name: NameArg, connection: ConnectionArg) -> None:
    """Name a connection (an id, an access token or another alias) for this base URL.

    The alias and the connection's access token are stored in aliases.toml in the config dir
    (mode 0600), scoped by the API base URL, so a sandbox alias never resolves in production.

    \b
    Examples:
      rutterctl alias set acme 6f1c0e0a-3b0c-4f4e-9d55-1c2a3b4c5d6e
      rutterctl status acme
    """
    from rutterctl.config.aliases import Alias, AliasFile, check_name

    deps: Deps = ctx.obj
    check_name(name)
    resolved = deps.resolve(connection)
    base_url = deps.settings().base_url
    aliases = AliasFile.at(deps.environ)
    alias = Alias(name, resolved.connection_id, resolved.access_token, base_url)
    previous = aliases.save(alias)
    verb = "updated" if previous is not None else "saved"
    deps.warn(f"alias {name} {verb}: connection {resolved.connection_id} ({base_url})")


@app.command("list")
def list_aliases(
    ctx: typer.Context,
    show_token: Annotated[
        bool, typer.Option("--show-token", help="Show access tokens unmasked (secrets).")
    ] = False,
    output: OutputOpt = None,
) -> None:
    """The aliases of the current API base URL, by name.

    \b
    Examples:
      rutterctl alias list
      rutterctl alias list -o json | jq -r '.[].name'
    """
    from rutterctl.config.aliases import AliasFile
    from rutterctl.render.connections_view import write_aliases
    from rutterctl.secrets import mask, register

    deps: Deps = ctx.obj
    output = deps.choose_output(output, TableOrJson.table)
    base_url = deps.settings().base_url
    aliases = AliasFile.at(deps.environ)
    scopes = aliases.load()
    shown = sorted(scopes.get(base_url, {}).values(), key=lambda a: a.name)
    docs = []
    for alias in shown:
        register(alias.access_token)
        token = alias.access_token if show_token else mask(alias.access_token)
        docs.append(
            {
                "name": alias.name,
                "connection_id": alias.connection_id,
                "access_token": token,
                "base_url": alias.base_url,
            }
        )
    others = sum(len(entries) for url, entries in scopes.items() if url != base_url)
    if others:
        deps.warn(f"{others} alias(es) of other base URLs not shown (see {aliases.path})")
    write_aliases(
        docs,
        deps.out,
        output.value,
        tty=deps.out_is_tty,
        color=deps.color,
        caption=deps.context_label(),
    )


@app.command("remove")
def remove_alias(ctx: typer.Context, name: NameArg) -> None:
    """Forget an alias of the current API base URL.

    \b
    Examples:
      rutterctl alias remove acme
    """
    from rutterctl.config.aliases import AliasFile

    deps: Deps = ctx.obj
    base_url = deps.settings().base_url
    alias = AliasFile.at(deps.environ).remove(base_url, name)
    deps.warn(f"alias {name} removed (was connection {alias.connection_id})")
