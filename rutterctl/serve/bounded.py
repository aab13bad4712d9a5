"""The waitress server both local servers run (the simulator and `listen`), bounded once.

Idle clients must not lock others out: waitress stops accepting at `connection_limit` open
connections (100 by default) and only closes an idle one after `channel_timeout` (120 s),
checked every `cleanup_interval` (30 s), so 99 silent sockets blocked every new client. Here a
connection that sends nothing for `idle_timeout` seconds is closed (checked at least every
2 s), up to 1000 may be open at once, and poll() replaces select(), which cannot watch past
1024 descriptors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from waitress.server import create_server

CONNECTION_LIMIT = 1000


def bounded_server(
    app: Callable[..., Iterable[bytes]],
    *,
    host: str,
    port: int,
    ident: str,
    threads: int,
    idle_timeout: float,
    **options: Any,
) -> Any:
    """A waitress server for `app` with the bounds above; `options` adds waitress settings."""
    return create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident=ident,
        channel_timeout=idle_timeout,
        cleanup_interval=min(2.0, idle_timeout),
        connection_limit=CONNECTION_LIMIT,
        asyncore_use_poll=True,
        backlog=1024,
        **options,
    )


def close_all(server: Any) -> None:
    """Close every socket of `server`, in its own loop thread (asyncore is not thread-safe)."""

    def close() -> None:
        for dispatcher in list(server._map.values()):
            dispatcher.close()

    try:
        server.trigger.pull_trigger(close)
    except OSError:
        # The loop's wake-up pipe is closed already (poll reported it invalid and asyncore
        # closed it): nothing can wake the loop, so close here. The loop lists its map
        # before each poll and ends once the map is empty, within its 1 s poll timeout.
        close()
