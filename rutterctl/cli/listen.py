"""`rutterctl listen`: receive Rutter's webhooks locally, verify, show and forward them."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from rutterctl.cli.deps import Deps
from rutterctl.cli.options import complete_connection, complete_event_code, complete_event_codes
from rutterctl.errors import UsageError, WaitTimeout

Opt = typer.Option


class ListenOutput(StrEnum):
    table = "table"
    ndjson = "ndjson"


def listen(
    ctx: typer.Context,
    host: Annotated[str, Opt(help="Address to bind (loopback unless --allow-remote).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, Opt(help="Port to bind; 0 picks a free one.", min=0, max=65535)] = 8766,
    path: Annotated[str, Opt(help="The path webhooks are POSTed to.")] = "/webhooks",
    forward_to: Annotated[
        str | None, Opt(help="Forward each new event here, body and signature untouched.")
    ] = None,
    events: Annotated[
        str | None,
        Opt(
            metavar="CODE,...",
            help="Only show and forward these event codes.",
            autocompletion=complete_event_codes,
        ),
    ] = None,
    connection: Annotated[
        str | None,
        Opt(
            metavar="CONNECTION",
            help="Only events of this connection (alias, id or access token).",
            autocompletion=complete_connection,
        ),
    ] = None,
    until: Annotated[
        str | None,
        Opt(
            metavar="CODE",
            help="Exit 0 when an event with this code arrives.",
            autocompletion=complete_event_code,
        ),
    ] = None,
    timeout: Annotated[
        str | None, Opt(metavar="DUR", help="Give up after this long (exit 124), e.g. 10m.")
    ] = None,
    output: Annotated[
        ListenOutput | None, Opt("--output", "-o", help="table (default) or ndjson.")
    ] = None,
    allow_remote: Annotated[
        bool, Opt("--allow-remote", help="Allow binding a non-loopback address.")
    ] = False,
) -> None:
    """Receive webhooks on a local port: verify each signature, show it, forward it once.

    The first line is stable: `rutterctl-listen listening on URL` (on stderr with -o ndjson,
    so stdout stays NDJSON). Answers 401 to a bad signature, 400 to a body that is not a JSON
    object, 200 otherwise; redeliveries are marked and not forwarded again.

    \b
    Examples:
      rutterctl listen --port 9000 --forward-to http://127.0.0.1:3000/hooks
      rutterctl listen --until INITIAL_UPDATE --connection acme --timeout 30m
      rutterctl listen -o ndjson \\
          --events CONNECTION_DISABLED,CONNECTION_NEEDS_UPDATE
    """
    from rutterctl.cli.listen_run import build_session, run
    from rutterctl.domain.durations import parse_duration
    from rutterctl.hosts import is_loopback

    deps: Deps = ctx.obj
    if not allow_remote and not is_loopback(host, resolve=True):
        raise UsageError(
            f"refusing to listen on {host}: not a loopback address",
            hint="pass --allow-remote if webhooks must reach this machine from elsewhere",
        )
    if not path.startswith("/"):
        raise UsageError(f"--path must start with '/', not {path!r}")
    seconds = parse_duration(timeout, option="--timeout") if timeout else None
    ndjson = deps.choose_output(output, ListenOutput.table) is ListenOutput.ndjson
    forwarder = None
    if forward_to:
        from rutterctl.api.forward import Forwarder

        forwarder = Forwarder(forward_to)
    session = build_session(deps, forwarder, events, connection, until, ndjson)
    try:
        arrived = run(deps, session, host, port, path, ndjson=ndjson, seconds=seconds)
    finally:
        if forwarder is not None:
            forwarder.close()
    if session.failure is not None:
        raise session.failure  # in this thread, so the error boundary handles a closed pipe
    if not arrived:
        raise WaitTimeout(
            f"no {until} event within {timeout}" if until else f"--timeout {timeout} reached"
        )
    if session.signal is not None:
        raise typer.Exit(128 + session.signal)  # 143 after SIGTERM, as the exit-code table says
