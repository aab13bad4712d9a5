"""`rutterctl fetch`: stream orders or transactions, page by page, resumable by cursor."""

from __future__ import annotations

from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from rutterctl.cli import hints
from rutterctl.cli.deps import Deps
from rutterctl.cli.options import ConnectionArg, complete_entity, shown_name
from rutterctl.errors import RutterctlError

if TYPE_CHECKING:
    from rutterctl.domain.fetch import Fetch, Outcome
    from rutterctl.render.records import Progress, RecordWriter

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
        Path | None, typer.Option("--output", metavar="FILE", help="Write to FILE atomically.")
    ] = None,
) -> None:
    """Fetch orders or transactions; with --all every page, streamed as it arrives.

    Exit 0 ok, 8 not ready (try --force), 5 needs update, 6 disabled, 7 Rutter unavailable
    after retries. When a page fails, what was written stays valid (complete lines, a closed
    JSON array) and stderr names the --cursor to resume from. With --output, a failure after
    some pages still puts the records fetched so far in FILE; Ctrl-C leaves FILE as it was;
    --cursor with an existing ndjson or csv FILE appends to it. CSV columns: the fields
    Rutter's reference requires, then the first page's other keys alphabetically; nested
    values as JSON text, null as empty.

    \b
    Examples:
      rutterctl fetch orders $TOKEN --all -o ndjson > orders.ndjson
      rutterctl fetch transactions $TOKEN --updated-since 7d --all -o csv --output txns.csv
      rutterctl fetch orders $TOKEN --all --cursor CURSOR -o ndjson --output orders.ndjson
    """
    from rutterctl.api.pages import HttpPages, PageQuery
    from rutterctl.domain.fetch import Fetch, check_request, continuation_note
    from rutterctl.domain.when import fetch_filters
    from rutterctl.render import records

    deps: Deps = ctx.obj
    check_request(entity, limit, max_records)
    filters = fetch_filters(deps.now(), created_since, created_until, updated_since, updated_until)
    fmt = deps.choose_output(fmt, Format.table)
    append = records.prepare_output(output, fmt.value, resuming=cursor is not None)
    resolved = deps.resolve(connection)
    token = resolved.access_token
    # Hints name the connection as typed, and a needs-update error the merchant's link_url.
    named = hints.naming(
        shown_name(connection, resolved),
        link_url=lambda: deps.gateway().connection_status(token).link_url,
    )
    if force and not deps.gateway().connection_status(token).is_ready:
        deps.warn("warning: the connection is not ready: with --force the data may be incomplete")
    pages = HttpPages(deps.client(), PageQuery(entity, token, force, filters))
    job = Fetch(pages, cursor=cursor, follow=all_pages, limit=limit, max_records=max_records)
    progress = records.Progress(deps.err, live=deps.err_is_tty, monotonic=deps.monotonic)

    def keep(exc: BaseException) -> bool:  # an API error midway: what was fetched stays valid
        return isinstance(exc, RutterctlError) and job.pages > 0

    columns = records.read_csv_header(output) if append and output else None
    opened = records.output_file(output, append=append, keep=keep) if output else None
    try:
        with opened or nullcontext(deps.out) as stream:
            tty = opened is None and deps.out_is_tty
            writer = records.make_writer(
                fmt.value,
                stream,
                entity,
                tty=tty,
                color=deps.color,
                columns=columns,
                warn=deps.warn,
            )
            with named:
                outcome = _run(job, writer, progress, started_from=cursor, force=force)
    except BrokenPipeError:  # the reader went away (`| head`): it has what it wanted
        records.silence(deps.out)
        return
    if job.pages > 1 and deps.err_is_tty:
        deps.warn(progress.text(outcome.records, outcome.pages))
    note = continuation_note(outcome, max_records)
    if note is not None:
        deps.warn(note)


def _run(
    job: Fetch, writer: RecordWriter, progress: Progress, *, started_from: str | None, force: bool
) -> Outcome:
    from rutterctl.domain.fetch import failure_hint

    def sink(page: list[Any]) -> None:
        progress.clear()
        writer.write(page)
        progress.update(job.records + len(page), job.pages + 1)

    try:
        return job.run(sink)
    except RutterctlError as exc:
        exc.hint = failure_hint(exc, job, started_from=started_from, force=force)
        raise
    finally:
        progress.clear()
        # Every finished fetch has a page. One that failed before its first page writes
        # nothing (no header, no empty array) that a script could take for an empty result.
        if job.pages:
            writer.close()
