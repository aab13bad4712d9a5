"""The --debug trace: every request and response, with every secret masked."""

from __future__ import annotations

import base64

import pytest
from rutterctl.api.client import Hooks
from rutterctl.errors import ApiError, Unavailable

from tests import builders
from tests.api.support import make_client
from tests.builders import connect_error, error_body, respond
from tests.fakes import CLIENT_ID, CLIENT_SECRET

SECRETS = [
    CLIENT_SECRET,
    builders.ACCESS_TOKEN,
    base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode(),
]


def test_trace_shows_requests_with_the_authorization_header_and_tokens_masked() -> None:
    rutter = builders.fake_rutter(store=respond(404, error_body("NOT_FOUND"), request_id="r-404"))
    h = make_client(rutter)
    h.gateway.list_connections()
    h.gateway.connection_status(builders.ACCESS_TOKEN)
    with pytest.raises(ApiError):
        h.gateway.store_info(builders.ACCESS_TOKEN)

    headers = (
        "headers: Authorization: Basic ****, X-Rutter-Version: 2023-03-14 "
        "(client id ****6789, secret ****mnop)"
    )
    assert h.trace == [
        f"request GET /versioned/connections {headers}",
        "GET /versioned/connections -> 200 in 0 ms (request id req-0001)",
        f"request GET /versioned/connections/status?access_token=****eeee {headers}",
        "GET /versioned/connections/status?access_token=****eeee -> 200 in 0 ms "
        "(request id req-0001)",
        f"request GET /versioned/connections/access_token?access_token=****eeee {headers}",
        "GET /versioned/connections/access_token?access_token=****eeee -> 404 in 0 ms "
        "(request id r-404)",
    ]
    text = "\n".join(h.trace)
    for secret in SECRETS:
        assert secret not in text


def test_trace_records_transport_failures() -> None:
    rutter = builders.fake_rutter(connections=connect_error)
    h = make_client(rutter)
    with pytest.raises(Unavailable):
        h.gateway.list_connections()
    failures = [line for line in h.trace if "ConnectError" in line]
    assert failures == ["GET /versioned/connections -> ConnectError after 0 ms"] * 5


def test_trace_says_when_the_retry_budget_is_spent() -> None:
    rutter = builders.fake_rutter(connections=respond(429, {}, headers={"Retry-After": "40"}))
    h = make_client(rutter)
    with pytest.raises(Unavailable):
        h.gateway.list_connections()
    assert h.trace[-1] == "retry budget spent: waiting 40.0s more exceeds 60s"


def test_no_trace_hook_means_no_trace() -> None:
    assert Hooks().trace is None


def test_trace_says_when_the_attempts_are_used_up() -> None:
    rutter = builders.fake_rutter(connections=respond(503, {}))
    h = make_client(rutter)
    with pytest.raises(Unavailable):
        h.gateway.list_connections()
    assert h.trace[-1] == "giving up after 5 attempts"


def test_trace_says_why_a_retryable_status_was_not_retried() -> None:
    rutter = builders.fake_rutter(status=respond(503, error_body("NEEDS_UPDATE")))
    h = make_client(rutter)
    with pytest.raises(ApiError):
        h.gateway.connection_status(builders.ACCESS_TOKEN)
    assert h.trace[-1] == "not retried: NEEDS_UPDATE does not change with a retry"
    assert h.retries == []
