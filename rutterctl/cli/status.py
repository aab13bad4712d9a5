"""`rutterctl status`: where one connection is in its lifecycle, and what to do next."""

from __future__ import annotations

from typing import Annotated

import typer

from rutterctl.cli import hints
from rutterctl.cli.deps import Deps
from rutterctl.cli.options import ConnectionArg, OutputOpt, TableOrJson, command_prefix, shown_name


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
) -> None:
    """Where a connection is in its lifecycle, and what to do next.

    \b
    Examples:
      rutterctl status 6f1c0e0a-...     # a connection id, an access token
      rutterctl status $TOKEN -o json | jq .stage
      rutterctl status acme --exit-status || echo "not readable yet"
    """
    from rutterctl.domain.status import get_status
    from rutterctl.exits import exit_code_for_stage
    from rutterctl.render import documents, jsonout

    deps: Deps = ctx.obj
    output = deps.choose_output(output, TableOrJson.table)
    resolved = deps.resolve(connection)
    with hints.naming(shown_name(connection, resolved)):
        report = get_status(deps.gateway(), resolved.access_token, deps.now)
    for warning in report.warnings:
        deps.warn(f"warning: {warning}")
    if output is TableOrJson.json:
        jsonout.write_json(documents.status_document(report), deps.out)
    else:
        from rutterctl.render import status_view  # layout and terminal code: tables only

        names = {"connection": shown_name(connection, resolved), "prefix": command_prefix(deps)}
        if deps.out_is_tty:
            status_view.render_rich(
                report, deps.out, color=deps.color, context=deps.context_label(), **names
            )
        else:
            status_view.render_plain(report, deps.out, context=deps.context_label(), **names)
    if exit_status:
        code = exit_code_for_stage(report.stage.value)
        if code:
            raise typer.Exit(int(code))
