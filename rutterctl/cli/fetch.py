"""`rutterctl fetch`: stream orders or transactions, page by page, resumable by cursor."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rutterctl.cli.formats import FetchFormat as Format
from rutterctl.cli.options import ConnectionArg, complete_entity

WHEN = "ISO date or date-time (UTC unless it has an offset), or an age: 30m, 12h, 7d, 2w."
WhenOpt = Annotated[str | None, typer.Option(metavar="WHEN", help=WHEN, show_default=False)]


def fetch(
    ctx: typer.Context,
    entity: Annotated[
        str,
        typer.Argument(
            metavar="orders|transactions", show_default=False, autocompletion=complete_entity
        ),
    ],
    connection: ConnectionArg,
    force: Annotated[
        bool, typer.Option("--force", help="Fetch before the initial sync is done (incomplete).")
    ] = False,
    all_pages: Annotated[
        bool, typer.Option("--all", help="Follow next_cursor to the end.")
    ] = False,
    limit: Annotated[
        int | None, typer.Option(metavar="N", help="Records per page (Rutter's limit).")
    ] = None,
    max_records: Annotated[
        int | None, typer.Option(metavar="N", help="Stop after N records; stderr names the cursor.")
    ] = None,
    created_since: WhenOpt = None,
    created_until: WhenOpt = None,
    updated_since: WhenOpt = None,
    updated_until: WhenOpt = None,
    cursor: Annotated[
        str | None, typer.Option(metavar="CURSOR", help="Start from this cursor (resume).")
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue an interrupted fetch into --output FILE from its checkpoint.",
        ),
    ] = False,
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-o",
            help="table (TSV when piped), json (an array), ndjson, csv. "
            "Default: the configured output, else table.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            metavar="FILE",
            help="Write to FILE (atomically, with a checkpoint for --resume).",
        ),
    ] = None,
) -> int:
    """Fetch orders or transactions; with --all every page, streamed as it arrives.

    Exit 0 ok, 8 not ready (try --force), 5 needs update, 6 disabled, 7 Rutter unavailable
    after retries, 2 FILE cannot be written (full disk, permissions), 130/143/129 stopped by
    SIGINT/SIGTERM/SIGHUP. Whatever stops it, what was written is valid (whole pages, a closed
    JSON array) and stderr says how to go on: --resume with --output FILE (a checkpoint beside
    FILE records each page once it is on disk; running the same command with --resume writes
    every record exactly once), else --cursor. A finished fetch removes its checkpoint.
    --output follows symlinks; a FIFO, device or /dev/stdout is written directly (not
    atomic, no --resume). --cursor with an existing ndjson or csv FILE appends to it. Numbers
    keep Rutter's digits. CSV columns: the fields Rutter's reference requires, then the first
    page's other keys alphabetically; nested values as JSON text, null as empty.

    \b
    Examples:
      rutterctl fetch orders $TOKEN --all -o ndjson > orders.ndjson
      rutterctl fetch transactions $TOKEN --updated-since 7d --all -o csv \\
          --output txns.csv
      rutterctl fetch orders $TOKEN --all -o ndjson --output orders.ndjson \\
          --resume
    """
    from rutterctl.cli.fetch_run import fetch as run

    return run(
        ctx.obj, entity, connection, force=force, all_pages=all_pages, limit=limit,
        max_records=max_records, created_since=created_since, created_until=created_until,
        updated_since=updated_since, updated_until=updated_until, cursor=cursor,
        resume=resume, fmt=fmt, output=output,
    )  # fmt: skip
