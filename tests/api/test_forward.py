"""`listen --forward-to`: the raw body and end-to-end headers pass untouched; failures are data."""

from __future__ import annotations

import httpx
import pytest
from rutterctl.api.forward import Forwarder
from rutterctl.domain.webhooks import ForwardOutcome
from rutterctl.errors import UsageError

RAW = b'{"code": "INITIAL_UPDATE",  "spaces": "kept"}'


def test_body_and_headers_untouched() -> None:
    seen: list[httpx.Request] = []

    def target(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(418)

    forwarder = Forwarder("http://127.0.0.1:3000/hooks", transport=httpx.MockTransport(target))
    sent = {
        "X-Rutter-Signature": "sha256=abc=",
        "Content-Type": "application/json",
        "User-Agent": "Rutter-Webhooks",
        "Host": "127.0.0.1:9000",
        "Connection": "keep-alive",
        "Content-Length": "999",
    }
    assert forwarder.forward(RAW, sent) == ForwardOutcome("http://127.0.0.1:3000/hooks", 418)
    request = seen[0]
    assert request.content == RAW
    assert request.headers["X-Rutter-Signature"] == "sha256=abc="
    assert request.headers["User-Agent"] == "Rutter-Webhooks"
    assert request.headers["Host"] == "127.0.0.1:3000"  # the target's, not the listener's
    assert request.headers["Content-Length"] == str(len(RAW))
    forwarder.close()


def test_nothing_is_added_to_what_the_sender_sent() -> None:
    seen: list[httpx.Request] = []

    def target(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    forwarder = Forwarder("http://127.0.0.1:3000/hooks", transport=httpx.MockTransport(target))
    forwarder.forward(RAW, {"X-Rutter-Signature": "sha256=abc="})
    assert set(seen[0].headers) == {"host", "content-length", "x-rutter-signature"}


def test_a_target_that_is_down() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    outcome = Forwarder("http://x.test/", transport=httpx.MockTransport(down)).forward(RAW, {})
    assert outcome.status is None and outcome.error == "ConnectError: refused"


@pytest.mark.parametrize("url", ["ftp://x/", "http://", "localhost:3000"])
def test_urls_it_cannot_forward_to(url: str) -> None:
    with pytest.raises(UsageError, match="--forward-to must be an http"):
        Forwarder(url)
