"""Name lookups are bounded like every other socket operation of a request: the system
resolver has no timeout of its own, so a broken DNS server could hold a request (and
wait-ready's --timeout) for as long as it liked."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import httpcore
import httpx
import pytest
from rutterctl.api import network


def test_an_ip_address_is_not_looked_up(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("looked up")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    assert network._addresses("127.0.0.1", 443, 1.0) == ["127.0.0.1"]
    assert network._addresses("::1", 443, 1.0) == ["::1"]


def test_every_address_once_in_the_resolvers_order(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [(2, 1, 6, "", ("192.0.2.7", 443)), (10, 1, 6, "", ("2001:db8::7", 443, 0, 0))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [*answers, answers[0]])
    assert network._addresses("rutter.example", 443, 1.0) == ["192.0.2.7", "2001:db8::7"]


def test_a_failed_lookup_is_a_connect_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def nxdomain(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", nxdomain)
    with pytest.raises(httpcore.ConnectError, match=r"cannot look up rutter\.example"):
        network._addresses("rutter.example", 443, 1.0)


def test_a_lookup_that_hangs_ends_at_the_requests_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()

    def hangs(*args: Any, **kwargs: Any) -> list[Any]:
        release.wait(30)  # a resolver that answers only when the test ends
        return []

    monkeypatch.setattr(socket, "getaddrinfo", hangs)
    transport = network.transport("https://rutter.example/versioned", {})
    client = httpx.Client(transport=transport, timeout=30)
    network.set_deadline(time.monotonic() + 0.2)
    try:
        with pytest.raises(httpx.ConnectTimeout, match=r"looking up rutter\.example"):
            client.get("https://rutter.example/versioned/connections")
    finally:
        network.set_deadline(None)
        release.set()
        client.close()
