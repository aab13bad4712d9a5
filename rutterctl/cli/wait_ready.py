"""`rutterctl wait-ready`: block until connections can be read; the exit code says how it ended."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from rutterctl.cli import hints
from rutterctl.cli.deps import Deps
from rutterctl.cli.options import complete_connection, complete_until


class WaitOutput(StrEnum):
    table = "table"
    json = "json"
    ndjson = "ndjson"


# Which failure a script should hear about first when several connections end differently.
SEVERITY = (6, 5, 4, 3, 2, 1, 9, 8, 7, 124, 0)


def wait_ready(
    ctx: typer.Context,
    connections: Annotated[
        list[str],
        typer.Argument(
            metavar="CONNECTION...",
            help="Aliases, connection ids or access tokens.",
            autocompletion=complete_connection,
        ),
    ],
    timeout: Annotated[
        str, typer.Option("--timeout", help="Overall deadline: 90, 30s, 5m, 2h.")
    ] = "30m",
    interval: Annotated[
        str,
        typer.Option("--interval", help="First poll interval; backs off when nothing changes."),
    ] = "15s",
    until: Annotated[
        str,
        typer.Option(
            "--until",
            help="ready (data readable), historical, or entity:NAME.",
            autocompletion=complete_until,
        ),
    ] = "ready",
    stall_timeout: Annotated[
        str | None,
        typer.Option(
            "--stall-timeout",
            metavar="DUR",
            help="Exit 9 when a connection shows no progress (stage, batches, counts, dates, "
            "last sync) for this long. Default: off.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        WaitOutput | None,
        typer.Option(
            "--output",
            "-o",
            help="table, json (final status) or ndjson (each poll). "
            "Default: the profile's output setting, else table.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Wait until connections are ready. Exit 0 ready, 5 needs update, 6 disabled, 124 timeout.

    \b
    Examples:
      rutterctl wait-ready $TOKEN && rutterctl fetch orders $TOKEN --all -o ndjson
      rutterctl wait-ready $A $B --timeout 2h --until historical
      rutterctl wait-ready $TOKEN --timeout 6h --stall-timeout 30m
      rutterctl wait-ready $TOKEN --until entity:orders -o ndjson | jq -c .stage
    """
    from rutterctl.domain.durations import parse_duration
    from rutterctl.domain.fleet import Budget
    from rutterctl.domain.stall import StallPolicy
    from rutterctl.domain.status import get_status
    from rutterctl.domain.wait import PollEvent, Target, Waiter, deadline_sleep, parse_condition
    from rutterctl.exits import exit_code_for
    from rutterctl.render import jsonout, wait_view

    deps: Deps = ctx.obj
    started = deps.monotonic()  # one deadline for the whole command, resolving included
    condition = parse_condition(until)
    deadline = parse_duration(timeout, option="--timeout")
    every = parse_duration(interval, option="--interval")
    stall = None  # --stall-timeout replaces the stall defaults of every stage
    if stall_timeout is not None:
        stall = StallPolicy(stall_after=parse_duration(stall_timeout, option="--stall-timeout"))
    output = deps.choose_output(output, WaitOutput.table)
    sleep = deps.sleep
    # The client starts no retry that would end past the deadline, and as a backstop its
    # pacing pauses (built with `deps.sleep`) stop there too.
    deps.deadline = started + deadline
    deps.sleep = deadline_sleep(sleep, deps.monotonic, started + deadline)
    targets = []
    for name in connections:
        resolved = deps.resolve(name)
        # An access token is a secret: name the connection by its id instead.
        shown = resolved.connection_id if name == resolved.access_token else name
        targets.append(Target(shown, resolved.access_token))
    gateway = deps.gateway()
    progress = wait_view.Progress(
        deps.err,
        live=deps.err_is_tty,
        monotonic=deps.monotonic,
        started=started,
        order=[t.name for t in targets],
    )
    warned: set[str] = set()  # connections told about an unknown --until entity

    def on_poll(event: PollEvent) -> None:
        note = condition.unknown_entity(event.report.status) if event.report else None
        if note and event.target.name not in warned:
            warned.add(event.target.name)
            progress.close()
            deps.warn(f"warning: {event.target.name}: {note}")
        progress(event)
        if output is WaitOutput.ndjson:
            deps.out.write(wait_view.ndjson_event(event))
            deps.out.flush()

    waiter = Waiter(
        fetch=lambda token: get_status(gateway, token, deps.now, with_store=False),
        condition=condition,
        timeout=deadline,
        interval=every,
        monotonic=deps.monotonic,
        sleep=progress.paced(sleep),
        on_poll=on_poll,
        started=started,
        budget=Budget(deps.settings().rate_limit, deps.settings().rate_window),
        stall=stall,
    )
    try:
        results = waiter.run(targets)
    finally:
        progress.close()
    codes = [int(exit_code_for(r.error)) if r.error else 0 for r in results]
    for result in results:
        if result.error is not None:
            # Printed here, not by the error boundary: its hint names the profile likewise.
            line = wait_view.error_line(result)
            deps.warn(hints.with_profile(line, deps.profile_settings().profile))
    if output is WaitOutput.json:
        jsonout.write_json(wait_view.json_documents(results), deps.out)
    elif output is WaitOutput.ndjson:
        for result in results:
            deps.out.write(jsonout.dumps_line(wait_view.result_document(result)))
    elif deps.out_is_tty:
        wait_view.summary_rich(results, deps.out, color=deps.color, context=deps.context_label())
    else:
        wait_view.summary_plain(results, deps.out)
    worst = min(codes, key=lambda code: SEVERITY.index(code) if code in SEVERITY else -1)
    if worst:
        raise typer.Exit(worst)
