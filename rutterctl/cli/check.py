"""`rutterctl check`: is every connection healthy enough to ship? One status request each."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rutterctl.cli.connection_rows import StatusFilter
from rutterctl.cli.deps import Deps
from rutterctl.cli.options import ConnectionsArg, complete_findings

if TYPE_CHECKING:
    from rutterctl.domain.fleet import Target


class CheckOutput(StrEnum):
    table = "table"
    json = "json"
    ndjson = "ndjson"
    junit = "junit"
    markdown = "markdown"


def check(
    ctx: typer.Context,
    connections: ConnectionsArg = None,
    from_file: Annotated[
        str | None,
        typer.Option("--from", metavar="FILE", help="Connections from FILE, one a line; - stdin."),
    ] = None,
    status: Annotated[
        StatusFilter | None,
        typer.Option("--status", help="Without CONNECTION: only these (default: any)."),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            metavar="LIST",
            help="Findings that fail the check. [default: disabled,needs_update,failed_batch,"
            "unreachable]",
            autocompletion=complete_findings,
        ),
    ] = None,
    warn_on: Annotated[
        str | None,
        typer.Option(
            "--warn-on",
            metavar="LIST",
            help="Findings that only warn. [default: not_ready,stale]",
            autocompletion=complete_findings,
        ),
    ] = None,
    max_initial_sync: Annotated[
        str, typer.Option("--max-initial-sync", metavar="DUR", help="Longer is not_ready.")
    ] = "6h",
    max_sync_age: Annotated[
        str, typer.Option("--max-sync-age", metavar="DUR", help="An older last sync is stale.")
    ] = "30m",
    sync_period: Annotated[
        str,
        typer.Option("--sync-period", metavar="DUR", help="Rutter's sync period (stalled: 3)."),
    ] = "10m",
    show_all: Annotated[bool, typer.Option("--all", help="List healthy connections too.")] = False,
    output: Annotated[
        CheckOutput | None,
        typer.Option(
            "--output", "-o", help="table, json, ndjson, junit or markdown.", show_default=False
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report", metavar="FILE", help="Write -o's format (or FILE's: .xml .json .md) there."
        ),
    ] = None,
    timeout: Annotated[str, typer.Option("--timeout", help="Overall deadline.")] = "30m",
) -> None:
    """Check connections for CI. Exit 0 healthy, else the worst failing finding's code.

    Findings: disabled (6), needs_update (5), failed_batch (10), stale (10), not_ready (8),
    unreachable (7). Under GITHUB_ACTIONS=true, one annotation per failing or warning
    connection and the markdown summary in $GITHUB_STEP_SUMMARY.

    \b
    Examples:
      rutterctl check
      rutterctl check --fail-on disabled,needs_update,stale -o junit > check.xml
      rutterctl check acme globex --report check.xml
      rutterctl check --from merchants.txt --max-sync-age 2h -o ndjson \\
          | jq -c .findings
    """
    from rutterctl.cli import check_run
    from rutterctl.domain.check import Thresholds, parse_policy
    from rutterctl.domain.durations import parse_duration
    from rutterctl.domain.fleet import deadline_sleep

    deps: Deps = ctx.obj
    started = deps.monotonic()
    policy = parse_policy(fail_on, warn_on)
    limits = Thresholds(
        parse_duration(max_initial_sync, option="--max-initial-sync"),
        parse_duration(max_sync_age, option="--max-sync-age"),
        parse_duration(sync_period, option="--sync-period"),
    )
    deadline = started + parse_duration(timeout, option="--timeout")
    if report is not None:
        screen, filed = CheckOutput.table, check_run.report_format(report, output)
    else:
        screen, filed = deps.choose_output(output, CheckOutput.table), None
    names = list(connections or [])
    if from_file is not None:
        names += check_run.read_names(from_file, deps)
    if names and status is not None:
        from rutterctl.errors import UsageError

        raise UsageError("--status filters the organisation's listing", hint="drop CONNECTION")
    deps.deadline = deadline
    deps.sleep = deadline_sleep(deps.sleep, deps.monotonic, deadline)
    targets: list[Target] = check_run.targets(deps, names, status.value if status else None)
    if screen is CheckOutput.table and deps.out_is_tty:
        targets = check_run.with_store_names(deps, targets)
    code = check_run.run(deps, targets, policy, limits, screen.value, filed, report, show_all)
    if code:
        raise typer.Exit(code)
