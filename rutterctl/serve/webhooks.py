"""`rutterctl listen`'s HTTP server: waitress (as the simulator), on loopback by default.

Bad input must never stop it, so waitress's own bounds do the policing before our code runs:
a body over `max_body` bytes is answered 413 by waitress (from Content-Length, or as a chunked
body grows), header blocks over 64 KiB 431, and a client that goes quiet is cut off after
`idle_timeout` seconds. waitress reads requests asynchronously, so a slow client holds a
socket, never a worker thread. The WSGI app answers JSON: `{"ok": ...}` or `{"error": ...}`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from typing import Any

from rutterctl.serve.bounded import bounded_server, close_all

MAX_BODY = 1024 * 1024  # Rutter's events are small: 1 MiB is far beyond any of them
IDLE_TIMEOUT = 10  # seconds a connection may sit without sending

# (raw body, request headers) -> (status, JSON document to answer)
Handler = Callable[[bytes, Mapping[str, str]], tuple[int, dict[str, Any]]]


def headers_of(environ: Mapping[str, Any]) -> dict[str, str]:
    """The request's headers with their usual spelling (`X-Rutter-Signature`)."""
    out = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            out[key[5:].replace("_", "-").title()] = str(value)
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            out[key.replace("_", "-").title()] = str(environ[key])
    return out


def make_app(
    path: str, handle: Handler, on_error: Callable[[Exception], None] | None = None
) -> Callable[..., Iterable[bytes]]:
    """The WSGI app. A bug in `handle` is a 500 for that request, told to `on_error`, and the
    server goes on."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        status: int
        if environ.get("PATH_INFO", "") != path:
            status, doc = 404, {"error": f"webhooks are received at {path}"}
        elif environ.get("REQUEST_METHOD") != "POST":
            status, doc = 405, {"error": "POST webhooks here"}
        else:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length) if length > 0 else b""
            try:
                status, doc = handle(raw, headers_of(environ))
            except Exception as exc:  # noqa: BLE001 - one request failed, not the listener
                if on_error is not None:
                    on_error(exc)
                status, doc = 500, {"error": "internal error"}
        body = json.dumps(doc).encode()
        start_response(
            f"{status} {HTTPStatus(status).phrase}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]

    return app


def serve(
    app: Callable[..., Iterable[bytes]],
    host: str,
    port: int,
    *,
    max_body: int = MAX_BODY,
    idle_timeout: int = IDLE_TIMEOUT,
    threads: int = 4,
) -> tuple[int, Callable[[], None]]:
    """Serve `app` in a background thread; (the bound port, stop). OSError if it cannot bind."""
    logging.getLogger("waitress").setLevel(logging.CRITICAL)
    server: Any = bounded_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="rutterctl-listen",
        idle_timeout=idle_timeout,
        max_request_body_size=max_body,
        max_request_header_size=64 * 1024,
    )
    loop = threading.Thread(target=server.run, name="listen-http", daemon=True)
    loop.start()

    def stop(drain: float = 2.0) -> None:
        """Let the requests in hand finish and their answers go out (the --until delivery's
        200 among them: cut off, Rutter would deliver it again), then close everything."""
        server.task_dispatcher.shutdown(cancel_pending=False, timeout=drain)
        deadline = time.monotonic() + drain
        while time.monotonic() < deadline and any(
            getattr(channel, "total_outbufs_len", 0) for channel in list(server._map.values())
        ):
            time.sleep(0.01)  # the loop thread is sending: a bounded wait for the socket

        close_all(server)
        loop.join(5)

    return int(server.effective_port), stop
