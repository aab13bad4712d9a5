"""What `rutterctl fetch` does (cli/fetch.py declares its options; typer-free, for the quick
lane, cli/quick.py): one fetch run into its output, pages written whole under deferred
signals, the output made valid whatever stops the run, and the one line that says how to go
on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rutterctl import interrupts
from rutterctl.cli import hints
from rutterctl.cli.formats import FetchFormat
from rutterctl.errors import RutterctlError, UsageError

if TYPE_CHECKING:
    from rutterctl.cli.deps import Deps
    from rutterctl.domain.fetch import Fetch, Outcome, Page, Position
    from rutterctl.render.outfile import Direct, FileOutput, Stream, Target
    from rutterctl.render.records import Progress, RecordWriter

    Output = Stream | Direct | FileOutput


def fetch(
    deps: Deps,
    entity: str,
    connection: str,
    *,
    force: bool = False,
    all_pages: bool = False,
    limit: int | None = None,
    max_records: int | None = None,
    created_since: str | None = None,
    created_until: str | None = None,
    updated_since: str | None = None,
    updated_until: str | None = None,
    cursor: str | None = None,
    resume: bool = False,
    fmt: str | None = None,
    output: Path | None = None,
) -> int:
    """Fetch `entity` of `connection` into stdout or `output`, as the options say."""
    from rutterctl.api.pages import HttpPages, PageQuery
    from rutterctl.domain.fetch import Fetch, check_request, continuation_note
    from rutterctl.domain.when import fetch_filters
    from rutterctl.render import outfile, records

    check_request(entity, limit, max_records)
    if resume and (output is None or cursor is not None):
        raise UsageError(
            "--resume needs --output FILE (its checkpoint is beside FILE), and no --cursor",
            hint="on stdout, go on with the --cursor the stopped fetch named",
        )
    when = {"created_since": created_since, "created_until": created_until}
    when |= {"updated_since": updated_since, "updated_until": updated_until}
    filters = fetch_filters(deps.now(), created_since, created_until, updated_since, updated_until)
    chosen = deps.choose_output(fmt, FetchFormat.table)
    where = outfile.target(output) if output else None
    if resume and where is not None and where.direct:
        raise UsageError(f"--resume: {output} is not a regular file: it has no checkpoint")
    append = bool(where and cursor and not resume and outfile.check_append(where, chosen.value))
    resolved = deps.resolve(connection)
    if force and not deps.gateway().connection_status(resolved.access_token).is_ready:
        deps.warn("warning: the connection is not ready: with --force the data may be incomplete")
    query = {"entity": entity, "connection": resolved.connection_id, "force": force, **when}
    query["base_url"] = deps.settings().base_url
    progress = records.Progress(deps.err, live=deps.err_is_tty, monotonic=deps.monotonic)
    client = deps.client()

    def start() -> tuple[Stream | Direct | FileOutput, Fetch, RecordWriter]:
        out = open_output(deps, where, query, chosen.value, filters, resume=resume, append=append)
        asked = PageQuery(entity, resolved.access_token, force, out.filters)
        pages = HttpPages(client, asked, texts_only=chosen.value in ("ndjson", "json"))
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
            chosen.value, out.out, entity, tty=where is None and deps.out_is_tty, color=deps.color,
            columns=out.columns, warn=deps.warn, before=out.before,
        )  # fmt: skip
        return out, job, writer

    # Hints name the connection as typed, and a needs-update error the merchant's link_url.
    named = hints.naming(
        hints.shown_name(connection, resolved),
        link_url=lambda: deps.gateway().connection_status(resolved.access_token).link_url,
    )
    try:
        with named:
            outcome, out, job = run(start, progress, force=force)
    except BrokenPipeError:  # the reader went away (`| head`): it has what it wanted
        records.silence(deps.out)
        return 0
    if job.pages > 1 and deps.err_is_tty:
        deps.warn(progress.text(outcome.records, outcome.pages))
    note = continuation_note(outcome, max_records, in_file=out.checkpointed)
    if note is not None:
        deps.warn(note)
    return 0


@dataclass
class Written:
    """What this run has written whole, and where a fetch goes on after it."""

    position: Position
    records: int = 0
    pages: int = 0


def run(
    start: Callable[[], tuple[Output, Fetch, RecordWriter]], progress: Progress, *, force: bool
) -> tuple[Outcome, Output, Fetch]:
    """Open the output and run the fetch (`start` does both); whatever stops it, the output
    is left valid. Signals are held while the output opens: a FILE cut back to its checkpoint
    is always either closed again or written on."""
    from rutterctl.domain.fetch import Outcome, Position

    opened: tuple[Output, Fetch, RecordWriter] | None = None
    try:
        with interrupts.deferred():
            opened = start()
    except BaseException:
        if opened is None:
            raise  # nothing was opened, or opening failed: nothing to make valid
        out, job, writer = opened
        written = Written(out.last.position if out.last is not None else Position(job.cursor))
        with interrupts.deferred():
            out.abort(writer, out.last is not None)
            interrupts.discard()
        raise
    out, job, writer = opened
    resumed = out.last
    written = Written(resumed.position if resumed is not None else Position(job.cursor))

    def sink(page: Page, position: Position) -> None:
        progress.clear()
        with interrupts.deferred():  # a page is written and recorded whole, or not at all
            writer.write(page)
            out.page_done(position, writer, page.size)
            written.position = position
            written.records += page.size
            written.pages += 1
        progress.update(written.records, written.pages)

    started_from = job.cursor
    try:
        # A checkpoint recorded after the last page (stopped before the end): only the end.
        done = resumed is not None and resumed.done
        outcome = Outcome(0, 0, None) if done else job.run(sink)
        progress.clear()  # the table's footer, printed at close, starts on a clean line
        with interrupts.deferred():
            out.finish(writer, written.position)
        return outcome, out, job
    except BaseException as exc:  # noqa: BLE001 - every stop leaves the output valid
        progress.clear()
        abandon = getattr(job.source, "abandon", None)  # a page fetched ahead, unwanted now
        if abandon is not None:
            abandon()
        raise _stopped(exc, job, writer, out, written, started_from, force) from None
    finally:
        progress.clear()


def _stopped(
    exc: BaseException,
    job: Fetch,
    writer: RecordWriter,
    out: Output,
    written: Written,
    started_from: str | None,
    force: bool,
) -> BaseException:
    """Make the output valid and keep what was written; the exception to end with."""
    from rutterctl.domain.fetch import failure_hint, resume_words
    from rutterctl.render.outfile import write_error

    wrote = written.pages > 0 or out.last is not None
    with interrupts.deferred():
        try:
            if not isinstance(exc, BrokenPipeError):
                out.abort(writer, wrote)
        except OSError:
            pass  # the first failure is the one to report; what is recorded stays valid
        interrupts.discard()  # a second Ctrl-C while cleaning up changes nothing
    in_file = out.checkpointed
    cursor = written.position.cursor
    resume = resume_words(cursor or "", in_file=in_file) if (cursor or in_file) else None
    if isinstance(exc, BrokenPipeError):
        return exc
    if isinstance(exc, OSError):
        return write_error(exc, out.path, resume=resume if wrote else None)
    if isinstance(exc, UsageError):
        return exc
    if isinstance(exc, RutterctlError):
        exc.hint = failure_hint(exc, job, started_from=started_from, force=force, in_file=in_file)
        return exc
    if isinstance(exc, KeyboardInterrupt):
        signum = getattr(exc, "signum", 2)
        stop = interrupts.Interrupted(signum)
        if in_file and wrote:
            total = out.before[1]
            how = f"{total:,} records in {out.path}; run the same command with --resume"
        elif resume and wrote:
            how = f"{written.records:,} records written; resume with {resume}"
        else:
            how = "nothing written"
        stop.message = f"interrupted by {stop.name}: {how}"
        return stop
    return exc


def open_output(
    deps: Deps,
    where: Target | None,
    query: dict[str, Any],
    fmt: str,
    filters: dict[str, int],
    *,
    resume: bool,
    append: bool,
) -> Stream | Direct | FileOutput:
    """Where this fetch writes: stdout, a special file, or a regular FILE with a checkpoint."""
    from rutterctl.render import outfile

    if where is None:
        return outfile.Stream(deps.out, filters)
    if where.direct:
        return outfile.Direct(where, filters)
    return outfile.FileOutput(
        where, query=query, fmt=fmt, filters=filters, resume=resume, append=append, warn=deps.warn
    )
