"""What `rutterctl status` does (cli/status.py declares its options): typer-free, so that the
quick lane (cli/quick.py) runs it without importing the CLI framework."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rutterctl.cli import hints
from rutterctl.cli.formats import TableOrJson

if TYPE_CHECKING:
    from rutterctl.cli.deps import Deps
    from rutterctl.domain.status import StatusReport


def status(
    deps: Deps, connection: str, output: str | None = None, exit_status: bool = False
) -> int:
    """Print where `connection` is in its lifecycle; the exit code (with --exit-status)."""
    from rutterctl.domain.status import get_status
    from rutterctl.exits import exit_code_for_stage
    from rutterctl.render import documents, jsonout

    chosen = deps.choose_output(output, TableOrJson.table)
    resolved = deps.resolve(connection)
    shown = hints.shown_name(connection, resolved)
    with hints.naming(shown):
        # The store's name and domain from the store cache when fresh: one request, not two.
        stores = deps.naming().store_cache()
        report = get_status(deps.gateway(), resolved.access_token, deps.now, stores=stores)
    for warning in report.warnings:
        deps.warn(f"warning: {warning}")
    if chosen is TableOrJson.json:
        jsonout.write_json(documents.status_document(report), deps.out)
    else:
        from rutterctl.render import status_view  # layout and terminal code: tables only

        draw(deps, status_view, report, shown)
    return int(exit_code_for_stage(report.stage.value)) if exit_status else 0


def draw(deps: Deps, view: Any, report: StatusReport, shown: str) -> None:
    """`report` as `view` (status_view, batches_view) draws it: rich on a terminal, plain
    text when piped, its hints naming the connection as `shown` and the profile's prefix."""
    names = {"connection": shown, "prefix": hints.command_prefix(deps)}
    if deps.out_is_tty:
        view.render_rich(report, deps.out, color=deps.color, context=deps.context_label(), **names)
    else:
        view.render_plain(report, deps.out, context=deps.context_label(), **names)
