"""A forwarding proxy on 127.0.0.1 (stdlib only) that tunnels CONNECT, as corporate proxies do,
and records what it was asked: the request line and headers of each request."""

from __future__ import annotations

import selectors
import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar


class _Tunnel(socketserver.StreamRequestHandler):
    seen: ClassVar[list[tuple[str, dict[str, str]]]] = []

    def handle(self) -> None:
        line = self.rfile.readline(65536).decode("latin-1").strip()
        headers: dict[str, str] = {}
        while True:
            header = self.rfile.readline(65536).decode("latin-1").strip()
            if not header:
                break
            name, _, value = header.partition(":")
            headers[name.strip().lower()] = value.strip()
        type(self).seen.append((line, headers))
        method, _, rest = line.partition(" ")
        if method != "CONNECT":  # a plain request through the proxy: refused, and recorded
            self.wfile.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        host, _, port = rest.split(" ")[0].rpartition(":")
        try:
            upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        except OSError:
            self.wfile.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            return
        self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self.wfile.flush()
        _relay(self.connection, upstream)


def _relay(client: socket.socket, upstream: socket.socket) -> None:
    with upstream, selectors.DefaultSelector() as selector:
        selector.register(client, selectors.EVENT_READ, upstream)
        selector.register(upstream, selectors.EVENT_READ, client)
        while True:
            for key, _ in selector.select(timeout=30):
                data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                if not data:
                    return
                key.data.sendall(data)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def running() -> Iterator[tuple[str, list[tuple[str, dict[str, str]]]]]:
    """The proxy's URL, and the list of (request line, headers) it receives."""
    server = _Server(("127.0.0.1", 0), _Tunnel)
    _Tunnel.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Tunnel.seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
