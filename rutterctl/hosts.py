"""Host names and addresses: one loopback rule for the client and for the local servers.

The client (api/) asks whether a URL's host is loopback before it sends credentials over plain
http; `sim serve` and `listen` ask before they bind. Standard library only, so that any layer
may import it.
"""

from __future__ import annotations

import ipaddress
import socket


def literal_host(host: str) -> str:
    """An IP literal for `host` (resolved when it is a name), so that a server binds exactly
    one socket. OSError when the name does not resolve."""
    if host.lower() in ("localhost", "localhost."):
        return "127.0.0.1"
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return str(socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)[0][4][0])


def is_loopback(host: str, *, resolve: bool = False) -> bool:
    """Whether `host` (a name or an IP literal, brackets allowed) is a loopback address.

    Without `resolve` only `localhost` and IP literals count: whether credentials may cross in
    clear text must not depend on what DNS answers today. A server's bind address is resolved
    (`resolve=True`), because the socket binds what the name resolves to now."""
    if resolve:
        try:
            host = literal_host(host)
        except OSError:  # a name that does not resolve cannot be bound either
            return False
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_host(host: str) -> str:
    """`host` as it goes in a URL: an IPv6 literal in brackets."""
    return f"[{host}]" if ":" in host else host
