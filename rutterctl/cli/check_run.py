"""The plumbing of `rutterctl check`: which connections, which writers, and the one loop.

The loop takes results from the fleet scheduler as they complete, assesses each one and hands
it to every writer at once (stdout's format, a --report file, GitHub annotations and job
summary), keeping only counts itself.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rutterctl.cli.deps import Deps
from rutterctl.cli.hints import shown_name

if TYPE_CHECKING:
    from rutterctl.domain.check import Policy, Thresholds
    from rutterctl.domain.fleet import Target
    from rutterctl.render.check_view import Sink

SUFFIXES = {".xml": "junit", ".json": "json", ".ndjson": "ndjson", ".jsonl": "ndjson"}
SUFFIXES |= {".md": "markdown", ".markdown": "markdown"}


def report_format(path: Path, given: Any) -> str:
    """`--report FILE`: the format -o names (the terminal gets the table), else FILE's own;
    checked before any request, like the place it will be written to."""
    from rutterctl.errors import UsageError

    fmt = SUFFIXES.get(path.suffix.lower())
    check_writable(path)
    if given is not None and given.value != "table":
        if fmt is not None and fmt != given.value:
            raise UsageError(
                f"--report {path} names a {fmt} file, but -o says {given.value}",
                hint="make them agree, or drop -o to take the format from the file's name",
            )
        return str(given.value)
    if fmt is None:
        raise UsageError(
            f"--report {path}: cannot tell the format from its name",
            hint="add -o junit|json|ndjson|markdown, or name it .xml, .json, .ndjson or .md",
        )
    return fmt


def read_names(source: str, deps: Deps) -> list[str]:
    """One connection a line; blank lines and `#` comments skipped."""
    from rutterctl.errors import UsageError

    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise UsageError(f"--from {source}: cannot read: {reason}") from None
    names = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    found = [name for name in names if name]
    if not found:
        raise UsageError(f"--from {source}: no connections in it", hint="one connection a line")
    return found


def targets(deps: Deps, names: list[str], status: str | None) -> list[Target]:
    """The named connections (each resolved once, duplicates dropped), or the listing's."""
    from rutterctl.domain.fleet import Target
    from rutterctl.domain.resolve import list_every_connection

    if not names:
        gateway = deps.gateway()
        listed = gateway.list_connections(status) if status else list_every_connection(gateway)
        return [Target(c.id, c.access_token, c.id) for c in listed]
    seen: set[str] = set()
    chosen = []
    for name in names:
        resolved = deps.resolve(name)
        if resolved.access_token not in seen:
            seen.add(resolved.access_token)
            chosen.append(
                Target(shown_name(name, resolved), resolved.access_token, resolved.connection_id)
            )
    return chosen


def with_store_names(deps: Deps, chosen: list[Target]) -> list[Target]:
    """Targets known only by their id get the store name the store cache holds fresh (read
    by `connections find`, `list --details` or a domain lookup): no request, for terminals."""
    fresh = deps.naming().caches()[1].fresh()
    out = []
    for target in chosen:
        info = fresh.get(target.name) if target.name == target.connection_id else None
        name = info.store_name if info is not None else None
        out.append(target._replace(store_name=name) if name else target)
    return out


def _writer(fmt: str, out: Any, deps: Deps, show_all: bool) -> Sink:
    from rutterctl.render import check_view, junit, markdown

    if fmt == "json":
        return check_view.JsonSink(out)
    if fmt == "ndjson":
        return check_view.NdjsonSink(out)
    if fmt == "junit":
        stamp = deps.now().strftime("%Y-%m-%dT%H:%M:%S")
        return junit.JunitSink(out, timestamp=stamp, monotonic=deps.monotonic)
    if fmt == "markdown":
        return markdown.MarkdownSink(out)
    return check_view.TableSink(
        out,
        err=deps.err,
        tty=deps.out_is_tty,
        color=deps.color,
        show_all=show_all,
        context=deps.context_label(),
    )


def _append(deps: Deps, path: Path, text: str) -> None:
    """The job summary is a nicety: a file that cannot be written is warned about, and the
    exit code stays the check's."""
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        deps.warn(f"warning: GITHUB_STEP_SUMMARY {path}: cannot append: {exc.strerror}")


def check_writable(path: Path) -> None:
    """Before a check that may take minutes, not after it: the report's place can be written."""
    import os

    from rutterctl.errors import UsageError

    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"--report {path} is a directory", hint="name a file")
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent  # write_atomic creates the missing directories
    if not parent.is_dir():
        raise UsageError(
            f"--report {path}: {parent} is not a directory", hint="choose another FILE"
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"--report {path}: {parent} is not writable", hint="choose another FILE")


def sinks(
    deps: Deps, screen: str, filed: str | None, report: Path | None, show_all: bool
) -> list[Sink]:
    from rutterctl.config.files import write_atomic
    from rutterctl.render import github, markdown
    from rutterctl.render.check_view import SpoolSink

    chosen = [_writer(screen, deps.out, deps, show_all)]
    if filed is not None and report is not None:
        path = report

        def save(text: str) -> None:
            write_atomic(path, text, mode=0o644)  # a report holds no secret: tokens are masked

        chosen.append(SpoolSink(lambda spool: _writer(filed, spool, deps, show_all), save))
    if deps.environ.get("GITHUB_ACTIONS") == "true":
        chosen.append(github.AnnotationSink(deps.err))
        summary_file = deps.environ.get("GITHUB_STEP_SUMMARY")
        if summary_file:
            step = Path(summary_file)
            chosen.append(SpoolSink(markdown.MarkdownSink, lambda text: _append(deps, step, text)))
    return chosen


def run(
    deps: Deps,
    chosen: list[Target],
    policy: Policy,
    limits: Thresholds,
    screen: str,
    filed: str | None,
    report: Path | None,
    show_all: bool,
) -> int:
    """Check every target once; returns the exit code."""
    from rutterctl.domain.check import Summary, assess
    from rutterctl.domain.status import StatusReport, get_status
    from rutterctl.errors import CredentialsRejected
    from rutterctl.exits import exit_code_for_finding
    from rutterctl.render.check_view import Progress

    if not chosen:
        deps.warn("warning: no connections to check (is this the right environment?)")
    writers = sinks(deps, screen, filed, report, show_all)
    gateway = deps.gateway()
    fleet = deps.fleet()
    summary = Summary(policy, limits, total=len(chosen))
    progress = Progress(deps.err, live=deps.err_is_tty, monotonic=deps.monotonic)

    def status_of(target: Target) -> StatusReport:
        return get_status(gateway, target.access_token, deps.now, with_store=False)

    try:
        for done in fleet.run(chosen, status_of):
            if isinstance(done.error, CredentialsRejected):
                raise done.error  # the organisation's credentials: every request would fail
            took = done.finished - done.started if done.started is not None else 0.0
            result = assess(
                done.item, done.value, done.error, limits=limits, policy=policy,
                now=deps.now(), elapsed=took,
            )  # fmt: skip
            summary.add(result)
            for writer in writers:
                writer.add(result)
            progress(summary)
    finally:
        progress.close()
    code = int(exit_code_for_finding(summary.worst)) if summary.worst else 0
    for writer in writers:
        writer.finish(summary, code)
    return code
