"""What `rutterctl batches` does (cli/batches.py declares its options): typer-free, for the
quick lane (cli/quick.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rutterctl.cli import hints
from rutterctl.cli.formats import TableOrJson

if TYPE_CHECKING:
    from rutterctl.cli.deps import Deps


def batches(deps: Deps, connection: str, output: str | None = None) -> int:
    """Print each sync batch of `connection`."""
    from rutterctl.domain.status import get_status
    from rutterctl.render import documents, jsonout

    chosen = deps.choose_output(output, TableOrJson.table)
    resolved = deps.resolve(connection)
    shown = hints.shown_name(connection, resolved)
    with hints.naming(shown):
        report = get_status(deps.gateway(), resolved.access_token, deps.now, with_store=False)
    if chosen is TableOrJson.json:
        jsonout.write_json(documents.batches_document(report), deps.out)
    else:
        from rutterctl.cli.status_run import draw
        from rutterctl.render import batches_view  # layout and terminal code: tables only

        draw(deps, batches_view, report, shown)
    return 0
