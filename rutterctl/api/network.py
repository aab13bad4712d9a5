"""The real-network transport: a proxy when the environment names one, TLS only for https, and
every socket operation bounded by the current request's deadline.

httpx's read timeout starts again on every byte, so a server that trickles one byte a second
never times out. Here each connect, TLS handshake, read and write gets at most the time left
before the request's deadline (set per thread by the client), so a request ends at its
deadline wherever it is: connecting, waiting for headers, or reading the body.

Proxies (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`, as curl reads them). The rule for
credentials: Rutter's Basic credentials never cross a network in plain text.
- https:// base URLs go through the proxy as a CONNECT tunnel: the proxy sees the host name and
  an encrypted stream; TLS is verified end to end (a TLS-inspecting proxy's CA must be trusted).
- http:// base URLs (only allowed to a loopback address) never use a proxy: a proxy would see
  the credentials in clear text.
- The proxy's own credentials (`http://user:pass@proxy:3128`) are sent in clear text only to a
  loopback proxy; to another host the proxy URL must be https://, else it is refused (exit 2).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import urllib.request
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from rutterctl.errors import UsageError
from rutterctl.hosts import is_loopback as is_loopback  # api.client imports it from here

_local = threading.local()


def set_deadline(deadline: float | None) -> None:
    """The `time.monotonic()` instant past which this thread's socket operations fail."""
    _local.deadline = deadline


def _left(timeout: float | None, kind: type[Exception]) -> float | None:
    deadline: float | None = getattr(_local, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise kind("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


class _BoundedStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(
            ssl_context, server_hostname, _left(timeout, httpcore.ConnectTimeout)
        )
        return _BoundedStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _BoundedBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        failed: Exception | None = None
        for address in _addresses(host, port, _left(timeout, httpcore.ConnectTimeout)):
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    _left(timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options,
                )
            except httpcore.ConnectError as exc:  # the next address, as create_connection does
                failed = exc
                continue
            return _BoundedStream(stream)
        assert failed is not None
        raise failed

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise NotImplementedError("rutterctl does not use unix sockets")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _addresses(host: str, port: int, timeout: float | None) -> list[str]:
    """The addresses to try for `host`, looked up within `timeout`. The system resolver has no
    timeout of its own (a broken DNS server can hold it for tens of seconds, past any
    deadline), so a name is looked up in a thread that is given up on at the deadline; an IP
    address needs no lookup."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return [host]
    found: list[list[str]] = []
    error: list[OSError] = []

    def lookup() -> None:
        try:
            answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            error.append(exc)
        else:
            found.append(list(dict.fromkeys(str(answer[4][0]) for answer in answers)))

    resolver = threading.Thread(target=lookup, name="rutterctl-dns", daemon=True)
    resolver.start()
    resolver.join(timeout)
    if resolver.is_alive():
        raise httpcore.ConnectTimeout(f"looking up {host} took longer than the time left")
    if error:
        raise httpcore.ConnectError(f"cannot look up {host}: {error[0]}")
    return found[0]


class _Transport(httpx.HTTPTransport):
    """httpx's transport (its error mapping and streaming) over a pool built here, so that the
    pool gets the bounded backend and no SSL context is made for a plain http URL."""

    def __init__(self, pool: httpcore.ConnectionPool) -> None:  # super() would build its own
        self._pool = pool


def proxy_for(base_url: str, environ: Mapping[str, str]) -> str | None:
    """The proxy URL for `base_url` from the environment (None: connect directly)."""
    parts = urlsplit(base_url)
    if parts.scheme != "https":
        return None  # plain http is loopback only, and never proxied (see the module doc)
    proxies = _proxies(environ)
    url = proxies.get("https") or proxies.get("all")
    if not url:
        return None
    host = parts.hostname or ""
    if _bypassed(host, proxies.get("no", "")):
        return None
    return url


def _proxies(environ: Mapping[str, str]) -> dict[str, str]:
    # urllib's rule: lower case wins over upper case, and an empty value unsets.
    found: dict[str, str] = {}
    for key in ("HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "https_proxy", "all_proxy", "no_proxy"):
        value = environ.get(key)
        if value is not None:
            found[key.lower().removesuffix("_proxy")] = value.strip()
    return {k: v for k, v in found.items() if v}


def _bypassed(host: str, no_proxy: str) -> bool:
    if not no_proxy:
        return False
    if no_proxy.strip() == "*":
        return True
    bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
    return bool(bypass(host, {"no": no_proxy}))


def _check_proxy(url: str) -> httpx.URL:
    try:
        proxy = httpx.URL(url if "://" in url else f"http://{url}")
    except httpx.InvalidURL:
        proxy = None
    if proxy is None or proxy.scheme not in ("http", "https") or not proxy.host:
        raise UsageError(
            f"the proxy {_shown(url)} is not an http:// or https:// URL with a host",
            hint="set HTTPS_PROXY to e.g. http://proxy.example.com:3128 (SOCKS is not supported)",
        )
    if (
        proxy.scheme == "http"
        and (proxy.username or proxy.password)
        and not is_loopback(proxy.host)
    ):
        raise UsageError(
            f"refusing to send the proxy credentials in clear text to {proxy.host}",
            hint="use an https:// proxy URL, or a proxy on this machine",
        )
    return proxy


def _shown(url: str) -> str:
    parts = urlsplit(url if "://" in url else f"http://{url}")
    return f"{parts.scheme}://{parts.hostname or '?'}" + (f":{parts.port}" if parts.port else "")


def transport(
    base_url: str,
    environ: Mapping[str, str],
    *,
    ca_bundle: str | None = None,
    max_connections: int = 20,
) -> httpx.BaseTransport:
    """The transport for `base_url`: direct or through the environment's proxy."""
    from rutterctl.api import tls

    https = urlsplit(base_url).scheme == "https"
    proxy_url = proxy_for(base_url, environ)
    ssl_context = (
        tls.context(ca_bundle, environ.get("SSL_CERT_FILE"), environ.get("SSL_CERT_DIR"))
        if https
        else None
    )
    common: dict[str, Any] = {
        "ssl_context": ssl_context,
        "max_connections": max_connections,
        "max_keepalive_connections": max_connections,
        "keepalive_expiry": 5.0,
        "network_backend": _BoundedBackend(),
    }
    if proxy_url is None:
        return _Transport(httpcore.ConnectionPool(**common))
    proxy = _check_proxy(proxy_url)
    auth = (proxy.username, proxy.password) if proxy.username or proxy.password else None
    pool = httpcore.HTTPProxy(
        proxy_url=httpcore.URL(
            scheme=proxy.raw_scheme, host=proxy.raw_host, port=proxy.port, target="/"
        ),
        proxy_auth=auth,
        proxy_ssl_context=ssl_context if proxy.scheme == "https" else None,
        **common,
    )
    return _Transport(pool)
