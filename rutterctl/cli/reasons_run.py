"""What `rutterctl reasons` does (cli/reasons.py declares its options): typer-free, for the
quick lane (cli/quick.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rutterctl.cli import hints
from rutterctl.cli.formats import TableOrJson

if TYPE_CHECKING:
    from rutterctl.cli.deps import Deps


def reasons(deps: Deps, connection: str | None = None, output: str | None = None) -> int:
    """Print the catalogue of disabled reasons, or what `connection`'s reason means."""
    from rutterctl.domain import reasons as catalogue
    from rutterctl.render import jsonout, reasons_view

    chosen = deps.choose_output(output, TableOrJson.table)
    if connection is None:
        entries = catalogue.CATALOGUE
        if chosen is TableOrJson.json:
            jsonout.write_json([reasons_view.reason_document(e) for e in entries], deps.out)
        elif deps.out_is_tty:
            reasons_view.catalogue_rich(entries, deps.out, color=deps.color)
        else:
            reasons_view.catalogue_plain(entries, deps.out)
        return 0

    from rutterctl.domain.lifecycle import Stage
    from rutterctl.domain.status import get_status

    resolved = deps.resolve(connection)
    with hints.naming(hints.shown_name(connection, resolved)):
        report = get_status(deps.gateway(), resolved.access_token, deps.now, with_store=False)
    reason = None
    if report.stage is Stage.DISABLED:
        reason = catalogue.explain_disabled(report.status.disabled_reason)
    elif report.stage is Stage.NEEDS_UPDATE:
        reason = catalogue.NEEDS_UPDATE
    if chosen is TableOrJson.json:
        jsonout.write_json(reasons_view.connection_document(report, reason), deps.out)
    elif deps.out_is_tty:
        reasons_view.connection_rich(
            report, reason, deps.out, color=deps.color, context=deps.context_label()
        )
    else:
        reasons_view.connection_plain(report, reason, deps.out, context=deps.context_label())
    return 0
