"""`rutterctl demo`'s webhook step: `listen --until` in the foreground while, as if in a second
terminal, `sim trigger` reconnects a connection and the simulator's signed webhook ends the wait."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rutterctl.sim.state import Simulator


class Narrator(Protocol):
    def step(self, title: str, args: list[str], environ: dict[str, str]) -> None: ...


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int, within: float) -> bool:
    """Wait (bounded) until the listener accepts connections: a real socket coming up."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return True
        time.sleep(0.02)
    return False


def webhook_loop(say: Narrator, sim: Simulator, environ: dict[str, str]) -> None:
    from rutterctl.sim.state import DEFAULT_CLIENT_SECRET
    from rutterctl.sim.webhooks import WebhookDispatcher

    port = _free_port()
    hooks = WebhookDispatcher(f"http://127.0.0.1:{port}/webhooks", DEFAULT_CLIENT_SECRET)
    previous, sim.on_events = sim.on_events, hooks.publish
    sim.webhook_url = hooks.url
    hooks.start()
    trigger = ["sim", "trigger", "acme-needs-update", "CONNECTION_UPDATED"]
    listen = ["listen", "--port", str(port), "--until", "CONNECTION_UPDATED"]
    listen += ["--connection", "acme-needs-update", "--timeout", "1m"]

    def meanwhile() -> None:
        if _listening(port, 10):
            say.step("Meanwhile, in another terminal: the merchant reconnects", trigger, environ)
        else:  # never leave the demo waiting: the listener's clock is the simulator's
            sim.advance(120)

    helper = threading.Thread(target=meanwhile, name="demo-trigger", daemon=True)
    helper.start()
    try:
        say.step(
            "Webhooks, locally: listen until acme-needs-update is reconnected",
            listen,
            environ,
        )
    finally:
        helper.join(10)
        sim.on_events, sim.webhook_url = previous, None
        hooks.stop()
