"""Serving the simulator on loopback with waitress, in a background thread.

`serve_in_thread(sim)` is what `rutterctl sim serve` runs and what a demo or a test embeds:
it binds (port 0 picks a free port), serves from waitress's worker threads, advances the
simulation on a ticker so webhooks fire without requests, and returns the base URL and a
`stop()` that shuts everything down and joins the threads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from waitress.channel import HTTPChannel
from waitress.task import WSGITask

from rutterctl.hosts import literal_host, url_host
from rutterctl.serve.bounded import bounded_server, close_all
from rutterctl.sim.app import API_PREFIX, DropConnection, SimApp
from rutterctl.sim.state import Simulator


class _DroppingTask(WSGITask):
    def execute(self) -> None:
        try:
            super().execute()
        except DropConnection:
            # Nothing has been written: claim the header is out so that waitress sends nothing,
            # and have the channel close the socket. The client sees a connection closed
            # without a response, as when a load balancer drops it.
            self.wrote_header = True
            self.close_on_finish = True


class _Channel(HTTPChannel):
    task_class = _DroppingTask


# A connection that sends nothing for 15 s is closed (rutterctl.serve.bounded says why).
CHANNEL_TIMEOUT = 15.0


def serve_in_thread(
    sim: Simulator,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    threads: int = 8,
    tick_interval: float = 0.25,
    app: SimApp | None = None,
    channel_timeout: float = CHANNEL_TIMEOUT,
) -> tuple[str, Callable[[], None]]:
    """Serve `sim` on host:port; return (base URL ending in /versioned, stop)."""
    logging.getLogger("waitress").setLevel(logging.ERROR)
    bind = literal_host(host)
    server: Any = bounded_server(
        app or SimApp(sim),
        host=bind,
        port=port,
        threads=threads,
        ident="rutterctl-sim",
        idle_timeout=channel_timeout,
    )
    server.channel_class = _Channel
    stopping = threading.Event()

    def tick() -> None:
        while not stopping.wait(tick_interval):
            sim.tick()

    loop = threading.Thread(target=server.run, name="sim-http", daemon=True)
    ticker = threading.Thread(target=tick, name="sim-ticker", daemon=True)
    loop.start()
    ticker.start()

    def stop() -> None:
        if stopping.is_set():
            return
        stopping.set()
        close_all(server)
        loop.join(5)
        server.task_dispatcher.shutdown()
        ticker.join(5)

    return f"http://{url_host(bind)}:{server.effective_port}{API_PREFIX}", stop
