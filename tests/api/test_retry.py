"""Retries: what is retried, how long the client waits, and when it gives up."""

from __future__ import annotations

import random
import re
from datetime import timedelta
from email.utils import format_datetime

import httpx
import pytest
from rutterctl.api.retry import RetryPolicy, is_retryable_status, parse_retry_after
from rutterctl.errors import (
    ApiError,
    ConnectionNeedsUpdate,
    CredentialsRejected,
    NotReady,
    Unavailable,
)

from tests import builders
from tests.api.support import make_client
from tests.builders import Answer, connect_error, error_body, respond
from tests.fakes import FIXED_NOW, FakeClock

OK = respond(200, builders.connections_doc())


def numbered(status: int, json: object = None, headers: dict[str, str] | None = None) -> Answer:
    """An answer whose request id counts up, to tell which response an error came from."""
    count = 0

    def answer(request: httpx.Request) -> httpx.Response:
        nonlocal count
        count += 1
        merged = {"X-Rutter-Request-ID": f"req-{count}", **(headers or {})}
        return httpx.Response(status, json=json, headers=merged)

    return answer


def ceilings(policy: RetryPolicy, retries: int) -> list[float]:
    return [min(policy.max_delay, policy.base_delay * 2 ** (n - 1)) for n in range(1, retries + 1)]


def test_connection_errors_are_retried_until_success() -> None:
    rutter = builders.fake_rutter(connections=[connect_error, connect_error, OK])
    h = make_client(rutter)
    result = h.gateway.list_connections()
    assert [c.id for c in result] == [builders.CONNECTION_ID]
    assert len(rutter.requests) == 3
    assert len(h.clock.sleeps) == 2
    for sleep, ceiling in zip(h.clock.sleeps, ceilings(RetryPolicy(), 2), strict=True):
        assert 0 <= sleep <= ceiling
    assert len(h.retries) == 2
    assert "ConnectError" in h.retries[0]


@pytest.mark.parametrize("status", [429, 452, 500, 502, 503, 504, 520])
def test_retryable_statuses_are_retried(status: int) -> None:
    rutter = builders.fake_rutter(connections=[respond(status, {}), OK])
    h = make_client(rutter)
    h.gateway.list_connections()
    assert len(rutter.requests) == 2
    assert len(h.clock.sleeps) == 1
    assert h.retries == [
        f"retrying GET /connections in {h.clock.sleeps[0]:.1f}s (HTTP {status}; attempt 2 of 5)"
    ]


def test_backoff_is_full_jitter_under_exponential_ceilings_then_the_last_error() -> None:
    policy = RetryPolicy()
    rutter = builders.fake_rutter(connections=numbered(503, {}))
    h = make_client(rutter, seed=42)
    with pytest.raises(Unavailable) as caught:
        h.gateway.list_connections()

    assert len(rutter.requests) == policy.max_attempts == 5
    rng = random.Random(42)
    expected = [rng.uniform(0, ceiling) for ceiling in ceilings(policy, 4)]
    assert h.clock.sleeps == expected
    for sleep, ceiling in zip(h.clock.sleeps, [0.5, 1.0, 2.0, 4.0], strict=True):
        assert 0 <= sleep <= ceiling
    error = caught.value
    assert error.status == 503
    assert error.request_id == "req-5"  # the final response's id, not the first
    assert error.message == "Rutter kept failing after retries"


def test_backoff_ceiling_is_capped_at_max_delay() -> None:
    policy = RetryPolicy(max_attempts=9, base_delay=1.0, max_delay=3.0, budget=1000.0)
    rutter = builders.fake_rutter(connections=respond(500, {}))
    h = make_client(rutter, retry=policy)
    with pytest.raises(Unavailable):
        h.gateway.list_connections()
    assert len(h.clock.sleeps) == 8
    assert ceilings(policy, 8) == [1.0, 2.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0]
    for sleep, ceiling in zip(h.clock.sleeps, ceilings(policy, 8), strict=True):
        assert 0 <= sleep <= ceiling


def test_each_retry_is_announced_once_with_its_attempt_number() -> None:
    rutter = builders.fake_rutter(connections=[respond(503, {}), connect_error, OK])
    h = make_client(rutter)
    h.gateway.list_connections()
    pattern = r"retrying GET /connections in \d+\.\ds \((?P<reason>[^;]+); attempt (?P<n>\d) of 5\)"
    matches = [re.fullmatch(pattern, line) for line in h.retries]
    assert all(matches), h.retries
    assert [(m["reason"], m["n"]) for m in matches if m] == [
        ("HTTP 503", "2"),
        ("ConnectError", "3"),
    ]


def test_retry_after_seconds_is_honoured() -> None:
    rutter = builders.fake_rutter(connections=[respond(429, {}, headers={"Retry-After": "7"}), OK])
    h = make_client(rutter)
    h.gateway.list_connections()
    assert h.clock.sleeps == [7.0]
    assert h.retries == [
        "retrying GET /connections in 7.0s (HTTP 429; Retry-After honoured; attempt 2 of 5)"
    ]


def test_retry_after_http_date_is_honoured() -> None:
    clock = FakeClock()
    when = format_datetime(FIXED_NOW + timedelta(seconds=12), usegmt=True)
    rutter = builders.fake_rutter(connections=[respond(503, {}, headers={"Retry-After": when}), OK])
    h = make_client(rutter, clock=clock)
    h.gateway.list_connections()
    assert clock.sleeps == [12.0]


def test_retry_after_on_a_5xx_html_page_is_honoured() -> None:
    page = respond(502, content=b"<html>bad gateway</html>", headers={"Retry-After": "3"})
    rutter = builders.fake_rutter(connections=[page, OK])
    h = make_client(rutter)
    h.gateway.list_connections()
    assert h.clock.sleeps == [3.0]


def test_unusable_retry_after_falls_back_to_backoff() -> None:
    rutter = builders.fake_rutter(
        connections=[respond(429, {}, headers={"Retry-After": "soon"}), OK]
    )
    h = make_client(rutter, seed=3)
    h.gateway.list_connections()
    assert h.clock.sleeps == [random.Random(3).uniform(0, 0.5)]


def test_retry_budget_bounds_the_total_wait() -> None:
    # Each Retry-After of 40 s fits the 60 s budget once; the second would exceed it.
    rutter = builders.fake_rutter(connections=numbered(429, {}, {"Retry-After": "40"}))
    h = make_client(rutter)
    with pytest.raises(Unavailable) as caught:
        h.gateway.list_connections()
    assert len(rutter.requests) == 2
    assert h.clock.sleeps == [40.0]
    assert caught.value.status == 429
    assert caught.value.request_id == "req-2"
    assert caught.value.message == "Rutter's rate limit was still exceeded after retries"


def test_retry_budget_bounds_backoff_before_max_attempts() -> None:
    policy = RetryPolicy(max_attempts=50, base_delay=10.0, max_delay=10.0, budget=25.0)
    rutter = builders.fake_rutter(connections=respond(503, {}))
    h = make_client(rutter, retry=policy)
    with pytest.raises(Unavailable):
        h.gateway.list_connections()
    assert sum(h.clock.sleeps) <= policy.budget
    assert len(rutter.requests) == len(h.clock.sleeps) + 1
    assert len(rutter.requests) < policy.max_attempts


def test_unreachable_after_all_attempts_is_unavailable() -> None:
    rutter = builders.fake_rutter(connections=connect_error)
    h = make_client(rutter)
    with pytest.raises(Unavailable) as caught:
        h.gateway.list_connections()
    assert len(rutter.requests) == 5
    assert len(h.retries) == 4
    assert caught.value.message == "could not reach Rutter at sandbox.rutterapi.com (ConnectError)"
    assert caught.value.request_id is None


@pytest.mark.parametrize(
    ("status", "kind"),
    [(400, ApiError), (401, CredentialsRejected), (404, ApiError), (409, ApiError)],
)
def test_client_errors_are_not_retried(status: int, kind: type[ApiError]) -> None:
    rutter = builders.fake_rutter(connections=respond(status, {"error_code": "SOMETHING"}))
    h = make_client(rutter)
    with pytest.raises(kind) as caught:
        h.gateway.list_connections()
    assert type(caught.value) is kind
    assert len(rutter.requests) == 1
    assert h.clock.sleeps == []
    assert h.retries == []


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (500, "PRODUCT_NOT_READY", NotReady),
        (429, "PRODUCT_NOT_READY", NotReady),
        (503, "NEEDS_UPDATE", ConnectionNeedsUpdate),
        (452, "INVALID_CREDENTIALS", CredentialsRejected),
    ],
)
def test_a_definitive_error_code_is_never_retried(
    status: int, code: str, kind: type[ApiError]
) -> None:
    rutter = builders.fake_rutter(status=respond(status, error_body(code)))
    h = make_client(rutter)
    with pytest.raises(kind) as caught:
        h.gateway.connection_status(builders.ACCESS_TOKEN)
    assert len(rutter.requests) == 1
    assert h.clock.sleeps == []
    assert h.retries == []
    assert caught.value.error_code == code
    assert caught.value.status == status


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        *[(status, False) for status in (400, 401, 404, 410, 450)],
        *[(status, True) for status in (429, 452, 500, 501, 503, 599)],
    ],
)
def test_is_retryable_status(status: int, retryable: bool) -> None:
    assert is_retryable_status(status) is retryable


def test_parse_retry_after() -> None:
    now = FIXED_NOW
    assert parse_retry_after(None, now) is None
    assert parse_retry_after("", now) is None
    assert parse_retry_after("2.5", now) == 2.5
    assert parse_retry_after(" 10 ", now) == 10.0
    assert parse_retry_after("-4", now) == 0.0
    assert parse_retry_after("not a date", now) is None
    past = format_datetime(now - timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(past, now) == 0.0
    future = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(future, now) == 90.0


def test_no_retry_is_started_past_the_deadline() -> None:
    limited = respond(429, {"error_code": "RATE_LIMITED"}, headers={"Retry-After": "20"})
    rutter = builders.fake_rutter(connections=[limited, OK])
    h = make_client(rutter)
    h.client.hooks.deadline = h.clock.monotonic() + 10  # 10 s left, Rutter asks for 20
    with pytest.raises(Unavailable) as caught:
        h.gateway.list_connections()
    assert caught.value.error_code == "RATE_LIMITED" and caught.value.status == 429
    assert caught.value.hint and "would pass the deadline" in caught.value.hint
    assert h.clock.sleeps == [] and h.retries == []
    assert len(rutter.requests) == 1


def test_no_pacing_pause_is_taken_past_the_deadline() -> None:
    """RUTTERCTL_RATE_LIMIT=1/60s with 20 s left: the second request is refused at once, said
    as the pace (not as a retry), instead of sleeping 60 s past the command's deadline."""
    from rutterctl.domain.fleet import DeadlineReached

    rutter = builders.fake_rutter(connections=[OK, OK])
    h = make_client(rutter, rate_limit=1, rate_window=60.0)
    h.client.hooks.deadline = h.clock.monotonic() + 20
    h.gateway.list_connections()
    with pytest.raises(DeadlineReached) as caught:
        h.gateway.list_connections()
    assert "at the pace of 1 request per 60s" in caught.value.message
    assert "after the --timeout deadline" in caught.value.message
    assert h.clock.sleeps == [] and len(rutter.requests) == 1


def test_a_pacing_pause_that_ends_before_the_deadline_is_taken() -> None:
    rutter = builders.fake_rutter(connections=[OK, OK])
    h = make_client(rutter, rate_limit=1, rate_window=60.0)
    h.client.hooks.deadline = h.clock.monotonic() + 120
    h.gateway.list_connections()
    h.gateway.list_connections()
    assert len(rutter.requests) == 2
    assert h.clock.sleeps and 60.0 <= sum(h.clock.sleeps) <= 61.0


def test_a_retry_after_that_is_not_a_real_delay_is_bounded_or_ignored() -> None:
    assert parse_retry_after("1e308") == 86_400.0  # said as a day in the hint, not 309 digits
    assert parse_retry_after("inf") is None and parse_retry_after("nan") is None
    assert parse_retry_after("1e400") is None  # float() reads it as inf
