"""`rutterctl listen` once its options are checked: the session (receiver, report, forward) and
the server it runs under, until the --until event, a signal or the timeout."""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING

from rutterctl.errors import UsageError

if TYPE_CHECKING:
    from rutterctl.api.forward import Forwarder
    from rutterctl.cli.deps import Deps
    from rutterctl.domain.listen import ListenSession
    from rutterctl.domain.webhooks import Delivery, ForwardOutcome

BANNER = "rutterctl-listen listening on"


def run(
    deps: Deps,
    session: ListenSession,
    host: str,
    port: int,
    path: str,
    *,
    ndjson: bool,
    seconds: float | None,
) -> bool:
    """Bind, say where (the first line), serve until the session is done or time runs out:
    True when it is done, False when `seconds` ran out."""
    from rutterctl.hosts import literal_host, url_host
    from rutterctl.serve.webhooks import make_app, serve

    try:
        bind = literal_host(host)
    except OSError as exc:
        raise UsageError(
            f"cannot resolve --host {host}: {exc.strerror or exc}",
            hint="give an IP address, or a name this machine resolves",
        ) from None
    try:
        app = make_app(path, session.handle, lambda exc: _bug(deps, exc))
        bound, stop = serve(app, bind, port)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="pick another --port, or --port 0 for a free one",
        ) from None
    banner = deps.err if ndjson else deps.out
    banner.write(f"{BANNER} http://{url_host(bind)}:{bound}{path}\n")
    banner.flush()
    previous = signal.signal(signal.SIGTERM, lambda signum, _frame: session.interrupt(signum))
    try:
        return session.wait(seconds, deps.monotonic)
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop()


def build_session(
    deps: Deps,
    forwarder: Forwarder | None,
    events: str | None,
    connection: str | None,
    until: str | None,
    ndjson: bool,
) -> ListenSession:
    import shutil

    from rutterctl.cli.webhooks import receiver_for
    from rutterctl.domain.listen import ListenSession
    from rutterctl.render.jsonout import dumps_line
    from rutterctl.render.webhook_view import delivery_doc, delivery_line

    # Rutter's codes are upper case: `--events initial_update` means INITIAL_UPDATE.
    codes = {c.strip().upper() for c in events.split(",") if c.strip()} if events else None
    _note_typos(deps, "--events", sorted(codes or ()))
    _note_typos(deps, "--until", [until.strip().upper()] if until else [])
    receiver = receiver_for(deps, events=codes, connection=connection)
    forward = forwarder.forward if forwarder is not None else None

    # On a terminal the event lines keep to its width; piped, each event is one line.
    width = shutil.get_terminal_size().columns if deps.out_is_tty else None

    def report(delivery: Delivery, outcome: ForwardOutcome | None) -> None:
        if ndjson:
            deps.out.write(dumps_line(delivery_doc(delivery, outcome)))
        else:
            deps.out.write(delivery_line(delivery, outcome, width) + "\n")
        deps.out.flush()

    return ListenSession(receiver, report, forward, until.strip().upper() if until else None)


def _bug(deps: Deps, exc: Exception) -> None:
    deps.warn(f"warning: a delivery failed: unexpected {type(exc).__name__}: {exc} (answered 500)")


def _note_typos(deps: Deps, option: str, codes: list[str]) -> None:
    """Instead of waiting silently for an event that never comes (cli/hints.py)."""
    from rutterctl.cli.hints import unknown_code_note

    for code in codes:
        note = unknown_code_note(option, code)
        if note:
            deps.warn(f"{note} (listening for it as given)")
