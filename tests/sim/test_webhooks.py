"""Webhook delivery: signed bodies a listener can verify, retries on a schedule, no sleeping."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import httpx
from rutterctl.domain.signature import verify
from rutterctl.sim.webhooks import RETRY_DELAYS, SIGNATURE_HEADER, WebhookDispatcher

from tests.sim.support import Monotonic, harness

SECRET = "sim-secret-not-a-real-rutter-secret"


class Listener:
    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.received.append(request)
        if self.failures > 0:
            self.failures -= 1
            return httpx.Response(503)
        return httpx.Response(204)


def dispatcher(listener: Listener, clock: Monotonic) -> WebhookDispatcher:
    return WebhookDispatcher(
        "http://hooks.test/rutter", SECRET, transport=httpx.MockTransport(listener), monotonic=clock
    )


def test_signature_is_base64_hmac_sha256_of_the_raw_body() -> None:
    listener, clock = Listener(), Monotonic()
    hooks = dispatcher(listener, clock)
    h = harness("batching")
    h.sim.on_events = hooks.publish
    h.sim.advance(20 * 60)
    assert hooks.run_pending() == 1
    [request] = listener.received
    body = request.content
    expected = (
        "sha256="
        + base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
    )
    assert hmac.compare_digest(request.headers[SIGNATURE_HEADER], expected)
    assert verify(body, request.headers[SIGNATURE_HEADER], SECRET).valid
    assert not verify(body + b"x", request.headers[SIGNATURE_HEADER], SECRET).valid
    assert json.loads(body) == {
        "type": "CONNECTION",
        "code": "INITIAL_UPDATE",
        "connection_id": h.sim.get("acme-batching").id,
        "access_token": h.token("acme-batching"),
    }
    assert request.headers["content-type"] == "application/json"


def test_failed_deliveries_are_retried_on_schedule() -> None:
    listener, clock = Listener(failures=2), Monotonic()
    hooks = dispatcher(listener, clock)
    h = harness("batching")
    h.sim.on_events = hooks.publish
    h.sim.advance(20 * 60)
    assert hooks.run_pending() == 1  # fails; the retry is due in 10 s
    assert hooks.run_pending() == 0
    clock.t += RETRY_DELAYS[0]
    assert hooks.run_pending() == 1  # fails again; next in 30 s
    clock.t += RETRY_DELAYS[1] - 1
    assert hooks.run_pending() == 0
    clock.t += 1
    assert hooks.run_pending() == 1
    assert [d["outcome"] for d in hooks.deliveries] == ["HTTP 503", "HTTP 503", "HTTP 204"]
    assert hooks.pending() == 0
    assert len({r.content for r in listener.received}) == 1


def test_delivery_gives_up_after_six_retries() -> None:
    listener, clock = Listener(failures=100), Monotonic()
    logged: list[str] = []
    hooks = WebhookDispatcher(
        "http://hooks.test/rutter",
        SECRET,
        transport=httpx.MockTransport(listener),
        monotonic=clock,
        log=logged.append,
    )
    h = harness("small")
    h.sim.on_events = hooks.publish
    h.sim.disable("tiny-shop", "SHOP_NOT_FOUND")
    for delay in (0.0, *RETRY_DELAYS):
        clock.t += delay
        hooks.run_pending()
    assert len(listener.received) == 7 and hooks.pending() == 0
    assert sum(RETRY_DELAYS) / 60 > 14  # about 15 minutes, as Rutter does
    # Each failure is said at once on stderr (a broken listener is not silent for 15 minutes).
    assert logged[:2] == [
        "sim: webhook CONNECTION_DISABLED to http://hooks.test/rutter: HTTP 503; retrying in 10s",
        "sim: webhook CONNECTION_DISABLED to http://hooks.test/rutter: HTTP 503; retrying in 30s",
    ]
    assert len(logged) == 7
    assert logged[-1] == (
        "sim: webhook CONNECTION_DISABLED to http://hooks.test/rutter: HTTP 503; "
        "failed 7 times, given up"
    )


def test_transport_errors_count_as_failures() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    clock = Monotonic()
    hooks = WebhookDispatcher(
        "http://hooks.test/", SECRET, transport=httpx.MockTransport(refuse), monotonic=clock
    )
    h = harness("small")
    h.sim.on_events = hooks.publish
    h.sim.needs_update("tiny-shop")
    hooks.run_pending()
    assert hooks.deliveries[0]["outcome"] == "ConnectError" and hooks.pending() == 1


def test_background_thread_delivers_and_stops() -> None:
    listener = Listener()
    hooks = WebhookDispatcher("http://hooks.test/", SECRET, transport=httpx.MockTransport(listener))
    hooks.start()
    h = harness("small")
    h.sim.on_events = hooks.publish
    h.sim.needs_update("tiny-shop")
    hooks.stop(timeout=5)  # stop drains what is due before the thread ends
    assert [json.loads(r.content)["code"] for r in listener.received] == ["CONNECTION_NEEDS_UPDATE"]
