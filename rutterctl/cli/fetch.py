"""`rutterctl fetch`: stream orders or transactions, page by page, resumable by cursor."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rutterctl.cli import hints
from rutterctl.cli.deps import Deps
from rutterctl.cli.options import ConnectionArg, complete_entity, shown_name
from rutterctl.errors import UsageError

if TYPE_CHECKING:
    from rutterctl.domain.fetch import Fetch
    from rutterctl.render.outfile import Direct, FileOutput, Stream
    from rutterctl.render.records import RecordWriter

WHEN = "ISO date or date-time (UTC unless it has an offset), or an age: 30m, 12h, 7d, 2w."
WhenOpt = Annotated[str | None, typer.Option(metavar="WHEN", help=WHEN, show_default=False)]


class Format(StrEnum):
    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"


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
) -> None:
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
    from rutterctl.api.pages import HttpPages, PageQuery
    from rutterctl.cli import fetch_run
    from rutterctl.domain.fetch import Fetch, check_request, continuation_note
    from rutterctl.domain.when import fetch_filters
    from rutterctl.render import outfile, records

    deps: Deps = ctx.obj
    check_request(entity, limit, max_records)
    if resume and (output is None or cursor is not None):
        raise UsageError(
            "--resume needs --output FILE (its checkpoint is beside FILE), and no --cursor",
            hint="on stdout, go on with the --cursor the stopped fetch named",
        )
    when = {"created_since": created_since, "created_until": created_until}
    when |= {"updated_since": updated_since, "updated_until": updated_until}
    filters = fetch_filters(deps.now(), created_since, created_until, updated_since, updated_until)
    fmt = deps.choose_output(fmt, Format.table)
    where = outfile.target(output) if output else None
    if resume and where is not None and where.direct:
        raise UsageError(f"--resume: {output} is not a regular file: it has no checkpoint")
    append = bool(where and cursor and not resume and outfile.check_append(where, fmt.value))
    resolved = deps.resolve(connection)
    if force and not deps.gateway().connection_status(resolved.access_token).is_ready:
        deps.warn("warning: the connection is not ready: with --force the data may be incomplete")
    query = {"entity": entity, "connection": resolved.connection_id, "force": force, **when}
    query["base_url"] = deps.settings().base_url
    progress = records.Progress(deps.err, live=deps.err_is_tty, monotonic=deps.monotonic)
    client = deps.client()

    def start() -> tuple[Stream | Direct | FileOutput, Fetch, RecordWriter]:
        out = fetch_run.open_output(
            deps, where, query, fmt.value, filters, resume=resume, append=append
        )
        asked = PageQuery(entity, resolved.access_token, force, out.filters)
        pages = HttpPages(client, asked, texts_only=fmt.value in ("ndjson", "json"))
        at = out.last.position if out.last is not None else None
        job = Fetch(
            pages,
            cursor=at.cursor if at else cursor,
            follow=all_pages,
            limit=limit,
            max_records=max_records,
            skip=at.skip if at else 0,
        )
        writer = records.make_writer(
            fmt.value, out.out, entity, tty=where is None and deps.out_is_tty, color=deps.color,
            columns=out.columns, warn=deps.warn, before=out.before,
        )  # fmt: skip
        return out, job, writer

    # Hints name the connection as typed, and a needs-update error the merchant's link_url.
    named = hints.naming(
        shown_name(connection, resolved),
        link_url=lambda: deps.gateway().connection_status(resolved.access_token).link_url,
    )
    try:
        with named:
            outcome, out, job = fetch_run.run(start, progress, force=force)
    except BrokenPipeError:  # the reader went away (`| head`): it has what it wanted
        records.silence(deps.out)
        return
    if job.pages > 1 and deps.err_is_tty:
        deps.warn(progress.text(outcome.records, outcome.pages))
    note = continuation_note(outcome, max_records, in_file=out.checkpointed)
    if note is not None:
        deps.warn(note)
