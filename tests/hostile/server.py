"""A misbehaving Rutter on 127.0.0.1 (stdlib only), as a proxy in front of Rutter could be.

Every path answers like a small healthy Rutter (one connection) unless `hostile` names a
behaviour for it: a gzip bomb, a huge junk body, a trickle of one byte at a time, an error that
echoes the request's Authorization header, terminal control sequences, JSON nested 100,000
levels deep. Used by tests/hostile and bench/hostile.py.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import urlsplit

from tests import builders

OSC52 = "\x1b]52;c;cHduZWQ=\x07"  # writes "pwned" to the terminal's clipboard
CSI_CLEAR = "\x1b[2J"
Behaviour = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    behaviours: ClassVar[dict[str, Behaviour]] = {}
    seen: ClassVar[list[tuple[str, str]]] = []  # (path, Authorization header)

    def handle(self) -> None:
        try:
            super().handle()
        except (ssl.SSLError, ConnectionResetError, BrokenPipeError, TimeoutError):
            return  # a client that refused our certificate, or gave up: nothing to answer

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        type(self).seen.append((path, self.headers.get("Authorization", "")))
        behaviour = type(self).behaviours.get(path)
        try:
            if behaviour is not None:
                behaviour(self)
            else:
                self.json(200, _healthy(path))
        except (TimeoutError, BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True  # the client gave up: what a bound is for

    def json(self, status: int, doc: Any, headers: dict[str, str] | None = None) -> None:
        self.body(status, json.dumps(doc).encode(), headers)

    def body(self, status: int, data: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {"X-Rutter-Request-ID": "req-hostile-1"}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        return None


def _healthy(path: str) -> Any:
    if path.endswith("/connections"):
        return builders.connections_doc((builders.CONNECTION_ID, builders.ACCESS_TOKEN))
    if path.endswith("/connections/status"):
        return builders.status_doc()
    if path.endswith("/connections/access_token"):
        return builders.access_token_doc()
    if path.endswith("/orders"):
        return builders.orders_doc()
    return {"error_type": "INVALID_REQUEST", "error_code": "NOT_FOUND", "error_message": path}


# -- behaviours -------------------------------------------------------------------------------
def gzip_bomb(h: Handler, total: int = 2 * 1024**3) -> None:
    """About 2 MB of gzip that expands to `total` bytes of zeros, compressed as it is sent."""
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Encoding", "gzip")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    for _ in range(total // len(zeros)):
        _chunk(h, packer.compress(zeros))
    _chunk(h, packer.flush())
    h.wfile.write(b"0\r\n\r\n")


def junk(h: Handler, size: int = 50 * 1000 * 1000) -> None:
    """A 50 MB body that is not JSON (an HTML error page a proxy got carried away with)."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", str(size))
    h.end_headers()
    block = b"<p>junk</p>" * 10_000
    sent = 0
    while sent < size:
        piece = block[: size - sent]
        h.wfile.write(piece)
        sent += len(piece)


def trickle(h: Handler, every: float = 0.2) -> None:
    """Headers at once, then the body one byte at a time: each read gets a byte in time."""
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", "1000000")
    h.end_headers()
    for _ in range(1_000_000):
        h.wfile.write(b" ")
        h.wfile.flush()
        time.sleep(every)


def trickle_headers(h: Handler, every: float = 0.2) -> None:
    """The status line, then the headers one byte at a time."""
    h.wfile.write(b"HTTP/1.1 200 OK\r\n")
    for _ in range(100_000):
        h.wfile.write(b"X")
        h.wfile.flush()
        time.sleep(every)


def echo_authorization(h: Handler) -> None:
    """A 401 whose message quotes the Authorization header, and its base64 alone."""
    header = h.headers.get("Authorization", "")
    encoded = header.partition(" ")[2]
    h.json(
        401,
        {
            "error_type": "INVALID_REQUEST",
            "error_code": "UNAUTHORIZED",
            "error_message": f"rejected Authorization: {header} (credential {encoded})",
        },
    )


def control_sequences(h: Handler) -> None:
    """An error whose code and message carry OSC 52 and a screen clear, and a request id with
    a C1 CSI (byte 0x9b is legal in a header value, and reads as U+009B)."""
    data = json.dumps(
        {
            "error_type": "API_ERROR",
            "error_code": f"BAD{OSC52}",
            "error_message": f"oops{CSI_CLEAR}",
        }
    ).encode()
    h.send_response(400)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(data)))
    h._headers_buffer.append(b"X-Rutter-Request-ID: req\x9b2J\r\n")  # type: ignore[attr-defined]
    h.end_headers()
    h.wfile.write(data)


def disabled_with_control_sequences(h: Handler) -> None:
    h.json(200, builders.status_doc(disabled=True, reason=f"SHOP{OSC52}{CSI_CLEAR}"))


def orders_with_control_sequences(h: Handler) -> None:
    doc = builders.orders_doc()
    for order in doc["orders"]:
        order["id"] = f"ord-1{OSC52}"
    h.json(200, doc)


def deep_json(h: Handler, depth: int = 100_000) -> None:
    h.body(200, b"[" * depth + b"]" * depth)


def many_objects(h: Handler, count: int = 2_000_000, item: bytes = b"{}") -> None:
    """A list of two million empty objects: 6 MB of text, ~500 MB as Python objects."""
    h.body(200, b"[" + (item + b",") * (count - 1) + item + b"]")


def objects_at_the_limit(h: Handler) -> None:
    """Just under the object and value limits, strings in each: parsed, refused by shape."""
    many_objects(h, 199_000, b'{"id":"order-1","name":"A name","ok":"yes","sku":"S-1"}')


def floats_at_the_limit(h: Handler) -> None:
    """Just under the value limit: 999,000 floats."""
    many_objects(h, 999_000, b"1.5")


def too_many_values(h: Handler) -> None:
    """Eight million floats in 32 MB: ~260 MB as Python objects."""
    many_objects(h, 8_000_000, b"1.5")


def _chunk(h: Handler, data: bytes) -> None:
    if data:
        h.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")


class HostileServer:
    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.scheme = "http"
        if tls is not None:  # the handshake happens in the handler's thread, on first read
            self.httpd.socket = tls.wrap_socket(
                self.httpd.socket, server_side=True, do_handshake_on_connect=False
            )
            self.scheme = "https"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.httpd.server_address[1]}/versioned"

    def serve(self, path: str, behaviour: Behaviour) -> None:
        Handler.behaviours = {f"/versioned{path}": behaviour}
        Handler.seen = []

    def start(self) -> HostileServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@contextmanager
def running(tls: ssl.SSLContext | None = None) -> Iterator[HostileServer]:
    server = HostileServer(tls).start()
    try:
        yield server
    finally:
        server.stop()
