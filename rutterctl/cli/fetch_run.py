"""Running one fetch into its output: pages written whole under deferred signals, the output
made valid whatever stops the run, and the one line that says how to go on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rutterctl import interrupts
from rutterctl.errors import RutterctlError, UsageError

if TYPE_CHECKING:
    from rutterctl.cli.deps import Deps
    from rutterctl.domain.fetch import Fetch, Outcome, Page, Position
    from rutterctl.render.outfile import Direct, FileOutput, Stream, Target
    from rutterctl.render.records import Progress, RecordWriter

    Output = Stream | Direct | FileOutput


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
