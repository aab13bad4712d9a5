"""`rutterctl listen`: receive Rutter's webhooks locally, verify, show and forward them."""

from __future__ import annotations

import signal
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from rutterctl.cli.deps import Deps
from rutterctl.cli.options import complete_connection
from rutterctl.errors import UsageError, WaitTimeout

if TYPE_CHECKING:
    from rutterctl.api.forward import Forwarder
    from rutterctl.domain.listen import ListenSession
    from rutterctl.domain.webhooks import Delivery, ForwardOutcome

Opt = typer.Option
BANNER = "rutterctl-listen listening on"


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
        str | None, Opt(metavar="CODE,...", help="Only show and forward these event codes.")
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
        str | None, Opt(metavar="CODE", help="Exit 0 when an event with this code arrives.")
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
      rutterctl listen -o ndjson --events CONNECTION_DISABLED,CONNECTION_NEEDS_UPDATE
    """
    from rutterctl.domain.durations import parse_duration
    from rutterctl.sim.server import is_loopback

    deps: Deps = ctx.obj
    if not allow_remote and not is_loopback(host):
        raise UsageError(
            f"refusing to listen on {host}: not a loopback address",
            hint="pass --allow-remote if webhooks must reach this machine from elsewhere",
        )
    if not path.startswith("/"):
        raise UsageError(f"--path must start with '/', not {path!r}")
    seconds = parse_duration(timeout, option="--timeout") if timeout else None
    mode = deps.choose_output(output, ListenOutput.table)
    forwarder = None
    if forward_to:
        from rutterctl.api.forward import Forwarder

        forwarder = Forwarder(forward_to)
    session = _session(deps, forwarder, events, connection, until, mode)
    try:
        arrived = _serve(deps, session, host, port, path, mode, seconds)
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


def _serve(
    deps: Deps,
    session: ListenSession,
    host: str,
    port: int,
    path: str,
    mode: ListenOutput,
    seconds: float | None,
) -> bool:
    """Bind, say where (the first line), serve until the session is done or time runs out."""
    from rutterctl.api.webhook_server import make_app, serve
    from rutterctl.sim.server import literal_host, url_host

    bind = literal_host(host)
    try:
        app = make_app(path, session.handle, lambda exc: _bug(deps, exc))
        bound, stop = serve(app, bind, port)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="pick another --port, or --port 0 for a free one",
        ) from None
    banner = deps.err if mode is ListenOutput.ndjson else deps.out
    banner.write(f"{BANNER} http://{url_host(bind)}:{bound}{path}\n")
    banner.flush()
    previous = signal.signal(signal.SIGTERM, lambda signum, _frame: session.interrupt(signum))
    try:
        return session.wait(seconds, deps.monotonic)
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop()


def _session(
    deps: Deps,
    forwarder: Forwarder | None,
    events: str | None,
    connection: str | None,
    until: str | None,
    mode: ListenOutput,
) -> ListenSession:
    import shutil

    from rutterctl.cli.webhooks import receiver_for
    from rutterctl.domain.listen import ListenSession
    from rutterctl.render.jsonout import dumps_line
    from rutterctl.render.webhook_view import delivery_doc, delivery_line

    # Rutter's codes are upper case: `--events initial_update` means INITIAL_UPDATE.
    codes = {c.strip().upper() for c in events.split(",") if c.strip()} if events else None
    receiver = receiver_for(deps, events=codes, connection=connection)
    forward = forwarder.forward if forwarder is not None else None

    # On a terminal the event lines keep to its width; piped, each event is one line.
    width = shutil.get_terminal_size().columns if deps.out_is_tty else None

    def report(delivery: Delivery, outcome: ForwardOutcome | None) -> None:
        if mode is ListenOutput.ndjson:
            deps.out.write(dumps_line(delivery_doc(delivery, outcome)))
        else:
            deps.out.write(delivery_line(delivery, outcome, width) + "\n")
        deps.out.flush()

    return ListenSession(receiver, report, forward, until.strip().upper() if until else None)


def _bug(deps: Deps, exc: Exception) -> None:
    deps.warn(f"warning: a delivery failed: unexpected {type(exc).__name__}: {exc} (answered 500)")
