"""`rutterctl reasons`: what each disabled reason means and who has to act on it."""

from __future__ import annotations

from typing import Annotated

import typer

from rutterctl.cli import hints
from rutterctl.cli.deps import Deps
from rutterctl.cli.options import OutputOpt, TableOrJson, complete_connection, shown_name


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
) -> None:
    """What disabled reasons mean, who must act, and what to do next.

    \b
    Examples:
      rutterctl reasons                       # every standardized reason
      rutterctl reasons $TOKEN                # why is this connection disabled?
      rutterctl reasons -o json | jq '.[] | select(.reauth_helps)'
    """
    from rutterctl.domain import reasons as catalogue
    from rutterctl.render import jsonout, reasons_view

    deps: Deps = ctx.obj
    if connection is None:
        output = deps.choose_output(output, TableOrJson.table)
        entries = catalogue.CATALOGUE
        if output is TableOrJson.json:
            jsonout.write_json([reasons_view.reason_document(e) for e in entries], deps.out)
        elif deps.out_is_tty:
            reasons_view.catalogue_rich(entries, deps.out, color=deps.color)
        else:
            reasons_view.catalogue_plain(entries, deps.out)
        return

    from rutterctl.domain.lifecycle import Stage
    from rutterctl.domain.status import get_status

    output = deps.choose_output(output, TableOrJson.table)
    resolved = deps.resolve(connection)
    with hints.naming(shown_name(connection, resolved)):
        report = get_status(deps.gateway(), resolved.access_token, deps.now, with_store=False)
    reason = None
    if report.stage is Stage.DISABLED:
        reason = catalogue.explain_disabled(report.status.disabled_reason)
    elif report.stage is Stage.NEEDS_UPDATE:
        reason = catalogue.NEEDS_UPDATE
    if output is TableOrJson.json:
        jsonout.write_json(reasons_view.connection_document(report, reason), deps.out)
    elif deps.out_is_tty:
        reasons_view.connection_rich(
            report, reason, deps.out, color=deps.color, context=deps.context_label()
        )
    else:
        reasons_view.connection_plain(report, reason, deps.out, context=deps.context_label())
