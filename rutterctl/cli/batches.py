"""`rutterctl batches`: which data each batch of the historical sync holds, and its progress."""

from __future__ import annotations

import typer

from rutterctl.cli import hints
from rutterctl.cli.deps import Deps
from rutterctl.cli.options import ConnectionArg, OutputOpt, TableOrJson, command_prefix, shown_name


def batches(
    ctx: typer.Context,
    connection: ConnectionArg,
    output: OutputOpt = None,
) -> None:
    """Each sync batch: its data, progress and webhook.

    \b
    Examples:
      rutterctl batches $TOKEN
      rutterctl batches acme -o json | jq '.batches[] | {batch_num, status}'
    """
    from rutterctl.domain.status import get_status
    from rutterctl.render import batches_view, documents, jsonout

    deps: Deps = ctx.obj
    output = deps.choose_output(output, TableOrJson.table)
    resolved = deps.resolve(connection)
    with hints.naming(shown_name(connection, resolved)):
        report = get_status(deps.gateway(), resolved.access_token, deps.now, with_store=False)
    if output is TableOrJson.json:
        jsonout.write_json(documents.batches_document(report), deps.out)
    else:
        names = {"connection": shown_name(connection, resolved), "prefix": command_prefix(deps)}
        if deps.out_is_tty:
            batches_view.render_rich(
                report, deps.out, color=deps.color, context=deps.context_label(), **names
            )
        else:
            batches_view.render_plain(report, deps.out, context=deps.context_label(), **names)
