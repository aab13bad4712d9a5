"""`rutterctl watch`: see connections move; a live table on a terminal, one JSON line per change
otherwise."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from rutterctl.cli import hints
from rutterctl.cli.connection_rows import StatusFilter
from rutterctl.cli.deps import Deps
from rutterctl.cli.options import ConnectionsArg, complete_until

# Which failure a script should hear about first when several connections end differently.
SEVERITY = (6, 5, 4, 3, 2, 1, 7, 0)


class WatchOutput(StrEnum):
    table = "table"
    ndjson = "ndjson"


def _opt(name: str, metavar: str | None, help: str, *short: str, **kw: Any) -> Any:
    return typer.Option(name, *short, metavar=metavar, help=help, show_default=False, **kw)


def watch(
    ctx: typer.Context,
    connections: ConnectionsArg = None,
    status: Annotated[
        StatusFilter | None,
        typer.Option("--status", help="Without CONNECTION: only these (default: any)."),
    ] = None,
    interval: Annotated[
        str, _opt("--interval", "DUR", "Poll each connection this often, within the budget [10s].")
    ] = "10s",
    stall_after: Annotated[
        str | None,
        _opt(
            "--stall-after",
            "DUR",
            "No progress for DUR is a stall [30m in an initial or historical sync; ongoing: "
            "no completed sync for 3 sync periods].",
        ),
    ] = None,
    sync_period: Annotated[
        str, _opt("--sync-period", "DUR", "Rutter's ongoing sync period [10m].")
    ] = "10m",
    output: Annotated[
        WatchOutput | None,
        _opt(
            "--output",
            None,
            "table (live, on a terminal) or ndjson (one line per change; "
            "also when stdout is not a terminal).",
            "-o",
        ),
    ] = None,
    until: Annotated[
        str | None,
        _opt(
            "--until",
            "ready|historical",
            "Exit 0 once all are there.",
            autocompletion=complete_until,
        ),
    ] = None,
    timeout: Annotated[str | None, _opt("--timeout", "DUR", "Stop after DUR: exit 124.")] = None,
) -> None:
    """Watch connections sync, live: stages, batches, counts, stalls. 124 at --timeout.

    With --until, a connection that needs an update or is disabled ends its watch at once;
    the exit code is then 5 or 6.

    \b
    Examples:
      rutterctl watch
      rutterctl watch acme $TOKEN --until ready --timeout 2h
      rutterctl watch --status not_ready -o ndjson \\
          | jq -c 'select(.event=="stalled")'
    """
    from rutterctl.cli import check_run
    from rutterctl.domain.durations import parse_duration
    from rutterctl.domain.fleet import DEFAULT_WORKERS, deadline_sleep
    from rutterctl.domain.stall import StallPolicy
    from rutterctl.domain.status import get_status
    from rutterctl.domain.wait import parse_condition
    from rutterctl.domain.watch import Watcher
    from rutterctl.errors import UsageError, WaitTimeout
    from rutterctl.exits import exit_code_for
    from rutterctl.render import watch_view

    deps: Deps = ctx.obj
    started = deps.monotonic()
    policy = StallPolicy(
        stall_after=parse_duration(stall_after, option="--stall-after") if stall_after else None,
        sync_period=parse_duration(sync_period, option="--sync-period"),
    )
    every = parse_duration(interval, option="--interval")
    condition = parse_condition(until) if until is not None else None
    output = deps.choose_output(output, WatchOutput.table)
    sleep = deps.sleep  # the scheduler's own: it never sleeps past the deadline by itself
    if timeout is not None:
        deps.deadline = started + parse_duration(timeout, option="--timeout")
        deps.sleep = deadline_sleep(deps.sleep, deps.monotonic, deps.deadline)
    if connections and status is not None:
        raise UsageError("--status filters the organisation's listing", hint="drop CONNECTION")
    targets = check_run.targets(deps, list(connections or []), status.value if status else None)
    if not targets:
        deps.warn("nothing to watch: the organisation lists no such connection")
        return
    live = output is WatchOutput.table and deps.out_is_tty
    if live:  # store names where the cache has them fresh (no request); ndjson keeps ids
        targets = check_run.with_store_names(deps, targets)
    gateway = deps.gateway()
    watcher = Watcher(
        fetch=lambda token: get_status(gateway, token, deps.now, with_store=False),
        monotonic=deps.monotonic,
        now=deps.now,
        interval=every,
        policy=policy,
        until=condition,
    )
    watched = watcher.targets(targets)
    fleet = deps.fleet(workers=min(DEFAULT_WORKERS, len(watched)))
    fleet.sleep = sleep
    pace = watch_view.every(watcher.effective_interval(fleet, len(watched)))
    header = f"watching {len(watched)} · every {pace} · {deps.context_label()}"
    view = None
    try:  # from the first frame on: a signal at any point restores the terminal
        if live:
            view = watch_view.LiveView(deps.out, deps.color, header, deps.now, deps.monotonic)
            view.capture_stderr = deps.err_is_tty  # a retry warning then prints above it
            view.attach(watcher, watched, fleet)
        else:
            watcher.on_change = watch_view.NdjsonSink(deps.out)
            deps.warn(f"{header}; one JSON line per change on stdout")
        finished = watcher.run(watched, fleet)
    finally:
        if view is not None:
            view.stop()
    blocked = [w.blocked for w in watched if w.blocked is not None]
    profile = deps.profile_settings().profile if blocked else None
    for error in blocked:  # printed here, not by the error boundary: name the profile likewise
        deps.warn(hints.with_profile(watch_view.error_line(error), profile))
    codes = [int(exit_code_for(error)) for error in blocked]
    if not finished:
        reached = sum(w.done and w.blocked is None for w in watched)
        what = f"; {reached} of {len(watched)} reached {until}" if condition else ""
        raise WaitTimeout(f"watch: --timeout {timeout} passed{what}")
    worst = min(codes, key=lambda c: SEVERITY.index(c) if c in SEVERITY else -1, default=0)
    if worst:
        raise typer.Exit(worst)
