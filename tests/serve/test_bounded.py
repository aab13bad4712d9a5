"""The one bounded waitress server (rutterctl/serve/bounded.py): closing it always works."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from rutterctl.serve.bounded import bounded_server, close_all


def app(environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
    start("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def running() -> tuple[Any, threading.Thread]:
    server = bounded_server(app, host="127.0.0.1", port=0, ident="t", threads=1, idle_timeout=5)
    loop = threading.Thread(target=server.run, daemon=True)
    loop.start()
    return server, loop


def test_close_all_stops_the_loop() -> None:
    server, loop = running()
    close_all(server)
    loop.join(10)
    assert not loop.is_alive() and not server._map


def test_close_all_works_when_the_wake_up_pipe_is_gone() -> None:
    """listen's test saw `OSError: [Errno 9]` from close_all once under load: asyncore had
    closed the trigger (its pipe reported invalid by poll) before the stop came."""
    server, loop = running()
    server.trigger.close()  # what asyncore does on POLLNVAL / POLLHUP
    close_all(server)
    loop.join(10)  # the loop's next poll (at most its 1 s timeout) sees an empty map
    assert not loop.is_alive() and not server._map
