"""What `rutterctl wait-ready` does (cli/wait_ready.py declares its options): typer-free, for
the quick lane (cli/quick.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rutterctl.cli import hints
from rutterctl.cli.formats import WaitOutput

if TYPE_CHECKING:
    from rutterctl.cli.deps import Deps

# Which failure a script should hear about first when several connections end differently.
SEVERITY = (6, 5, 4, 3, 2, 1, 9, 8, 7, 124, 0)


def wait_ready(
    deps: Deps,
    connections: list[str],
    timeout: str = "30m",
    interval: str = "15s",
    until: str = "ready",
    stall_timeout: str | None = None,
    output: str | None = None,
) -> int:
    """Poll `connections` until `until` holds for each; the exit code of the worst ending."""
    from rutterctl.domain.durations import parse_duration
    from rutterctl.domain.fleet import Budget
    from rutterctl.domain.stall import StallPolicy
    from rutterctl.domain.status import get_status
    from rutterctl.domain.wait import PollEvent, Target, Waiter, deadline_sleep, parse_condition
    from rutterctl.exits import exit_code_for
    from rutterctl.render import jsonout, wait_view

    started = deps.monotonic()  # one deadline for the whole command, resolving included
    condition = parse_condition(until)
    deadline = parse_duration(timeout, option="--timeout")
    every = parse_duration(interval, option="--interval")
    stall = None  # --stall-timeout replaces the stall defaults of every stage
    if stall_timeout is not None:
        stall = StallPolicy(stall_after=parse_duration(stall_timeout, option="--stall-timeout"))
    chosen = deps.choose_output(output, WaitOutput.table)
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
        if chosen is WaitOutput.ndjson:
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
    if chosen is WaitOutput.json:
        jsonout.write_json(wait_view.json_documents(results), deps.out)
    elif chosen is WaitOutput.ndjson:
        for result in results:
            deps.out.write(jsonout.dumps_line(wait_view.result_document(result)))
    elif deps.out_is_tty:
        wait_view.summary_rich(results, deps.out, color=deps.color, context=deps.context_label())
    else:
        wait_view.summary_plain(results, deps.out)
    worst = min(codes, key=lambda code: SEVERITY.index(code) if code in SEVERITY else -1)
    return worst
