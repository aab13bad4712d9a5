"""`rutterctl batches`: which data each batch of the historical sync holds, and its progress."""

from __future__ import annotations

import typer

from rutterctl.cli.options import ConnectionArg, OutputOpt


def batches(
    ctx: typer.Context,
    connection: ConnectionArg,
    output: OutputOpt = None,
) -> int:
    """Each sync batch: its data, progress and webhook.

    \b
    Examples:
      rutterctl batches $TOKEN
      rutterctl batches acme -o json | jq '.batches[] | {batch_num, status}'
    """
    from rutterctl.cli.batches_run import batches as run

    return run(ctx.obj, connection, output)
