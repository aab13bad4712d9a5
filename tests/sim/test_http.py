"""The HTTP surface: auth, version header, request ids, error bodies, rate limit, faults."""

from __future__ import annotations

import httpx
import pytest
from rutterctl.sim.faults import Fault, FaultPlan
from rutterctl.sim.state import DEFAULT_CLIENT_SECRET
from rutterctl.sim.timeline import Segment

from tests.sim.support import BASE_URL, VERSION, harness

PATHS = [
    "/connections",
    "/connections/status",
    "/connections/access_token",
    "/orders",
    "/transactions",
]


def error_of(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"error_type", "error_code", "error_message"}
    return str(body["error_code"])


@pytest.mark.parametrize("path", PATHS)
def test_bad_credentials_are_invalid_credentials(path: str) -> None:
    h = harness()
    with httpx.Client(transport=h.http._transport, base_url=BASE_URL, headers=VERSION) as anon:
        token = h.token("acme-ongoing")
        for auth in [None, ("rutterctl-sim", "wrong"), ("someone", DEFAULT_CLIENT_SECRET)]:
            response = anon.get(path, params={"access_token": token}, auth=auth)  # type: ignore[arg-type]
            assert response.status_code == 401
            assert error_of(response) == "INVALID_CREDENTIALS"


@pytest.mark.parametrize("path", PATHS[1:])
def test_unknown_access_token_is_invalid_credentials(path: str) -> None:
    h = harness()
    response = h.get(path, access_token="00000000-0000-4000-8000-000000000000")
    assert response.status_code == 401 and error_of(response) == "INVALID_CREDENTIALS"
    # A connection's name or id is not an access token.
    assert h.get(path, access_token="acme-ongoing").status_code == 401
    assert h.get(path, access_token=h.sim.get("acme-ongoing").id).status_code == 401
    missing = h.get(path)
    assert missing.status_code == 400 and error_of(missing) == "MISSING_ACCESS_TOKEN"


def test_version_header_is_required_and_checked() -> None:
    h = harness()
    response = h.http.get("/connections", headers={"X-Rutter-Version": ""})
    assert response.status_code == 400 and error_of(response) == "MISSING_VERSION"
    response = h.http.get("/connections", headers={"X-Rutter-Version": "2020-01-01"})
    assert response.status_code == 400 and error_of(response) == "INVALID_VERSION"


def test_every_response_has_a_unique_request_id() -> None:
    h = harness()
    responses = [
        h.get("/connections"),
        h.get("/connections/status", access_token="nope"),
        h.get("/nowhere"),
        h.http.get("http://sim.test/elsewhere"),
        h.control("GET", "/state"),
        h.http.post("/connections"),
    ]
    ids = [r.headers["X-Rutter-Request-ID"] for r in responses]
    assert len(set(ids)) == len(ids) and all(ids)
    assert [r.status_code for r in responses] == [200, 401, 404, 404, 200, 405]


def test_connection_error_statuses() -> None:
    h = harness()
    statuses = {
        name: (r.status_code, error_of(r))
        for name in ("acme-initial", "acme-needs-update", "acme-disabled")
        for r in [h.get("/orders", access_token=h.token(name))]
    }
    assert statuses == {
        "acme-initial": (409, "PRODUCT_NOT_READY"),
        "acme-needs-update": (400, "NEEDS_UPDATE"),
        "acme-disabled": (400, "CONNECTION_DISABLED"),
    }
    body = h.get("/orders", access_token=h.token("acme-disabled")).json()
    assert body["error_type"] == "CONNECTION_ERROR"
    assert "contact Rutter support" in body["error_message"]


def test_connections_status_filter() -> None:
    h = harness()
    by_id = {c.id: c.name for c in h.sim.connections.values()}

    def names(status: str) -> set[str]:
        return {by_id[c["id"]] for c in h.get("/connections", status=status).json()["connections"]}

    assert names("active") == {"acme-historical", "acme-ongoing"}
    assert names("not_ready") == {"acme-initial"}
    assert names("needs_reauth") == {"acme-needs-update"}
    assert names("disabled") == {"acme-disabled"}
    assert names("unhealthy") == set()
    assert len(names("any")) == 5
    bad = h.get("/connections", status="sleepy")
    assert bad.status_code == 400
    assert bad.json()["error_type"] == "INVALID_REQUEST"
    assert "sleepy" in bad.json()["error_message"]


def test_the_default_listing_leaves_out_needs_reauth_and_disabled_like_rutter() -> None:
    h = harness()
    by_id = {c.id: c.name for c in h.sim.connections.values()}
    listed = {by_id[c["id"]] for c in h.get("/connections").json()["connections"]}
    assert listed == {"acme-initial", "acme-historical", "acme-ongoing"}


def test_an_ongoing_connection_whose_syncs_stopped_is_unhealthy_and_listed_by_default() -> None:
    h = harness()
    conn = h.sim.get("acme-ongoing")
    # Its sync clock stops now (a stall), while the simulated clock goes on.
    last = conn.segments[-1]
    conn.segments[-1] = Segment(last.start, h.sim.now(), last.elapsed_at_start)
    by_id = {c.id: c.name for c in h.sim.connections.values()}

    def names(**query: str) -> set[str]:
        return {by_id[c["id"]] for c in h.get("/connections", **query).json()["connections"]}

    h.sim.advance(20 * 60)  # two missed sync periods: still active
    assert "acme-ongoing" in names(status="active")
    h.sim.advance(20 * 60)  # four: unhealthy, and still in Rutter's default listing
    assert names(status="unhealthy") == {"acme-ongoing"}
    assert "acme-ongoing" not in names(status="active")
    assert "acme-ongoing" in names()


def test_rate_limit_is_a_sliding_window_with_retry_after() -> None:
    h = harness(rate_limit=(3, 10.0))
    assert [h.get("/connections").status_code for _ in range(3)] == [200] * 3
    h.real.t += 4
    limited = h.get("/connections")
    assert limited.status_code == 429 and error_of(limited) == "RATE_LIMIT_EXCEEDED"
    assert limited.json()["error_type"] == "RATE_LIMIT_ERROR"
    assert limited.headers["Retry-After"] == "6"
    h.real.t += 6  # the first three leave the window
    assert h.get("/connections").status_code == 200
    assert h.control("GET", "/state").status_code == 200  # the control surface is not limited


def test_retry_after_can_be_left_out() -> None:
    h = harness(rate_limit=(1, 10.0), retry_after=False)
    h.get("/connections")
    limited = h.get("/connections")
    assert limited.status_code == 429 and "Retry-After" not in limited.headers


def test_scheduled_status_faults_then_normal_service() -> None:
    h = harness()
    h.sim.faults.schedule(Fault("status", 503, retry_after=2), 2)
    first, second, third = (h.get("/connections") for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
    assert error_of(first) == "SERVICE_UNAVAILABLE" and first.headers["Retry-After"] == "2"


def test_scheduled_fault_for_one_path_only() -> None:
    h = harness()
    h.sim.faults.schedule(Fault("status", 500, path="/orders"))
    assert h.get("/connections").status_code == 200
    assert h.get("/orders", access_token=h.token("acme-ongoing")).status_code == 500
    assert h.get("/orders", access_token=h.token("acme-ongoing")).status_code == 200


def test_html_page_fault() -> None:
    h = harness()
    h.sim.faults.schedule(Fault("html", 502))
    response = h.get("/connections")
    assert response.status_code == 502
    assert response.headers["content-type"] == "text/html"
    assert response.text.startswith("<html>")


def test_truncated_body_fault() -> None:
    h = harness()
    h.sim.faults.schedule(Fault("truncated", 200))
    response = h.get("/connections")
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()
    assert response.text == h.get("/connections").text[: len(response.text)]


def test_dropped_connection_is_a_transport_error() -> None:
    h = harness()
    h.sim.faults.schedule(Fault("drop"))
    with pytest.raises(httpx.RemoteProtocolError):
        h.get("/connections")
    assert h.get("/connections").status_code == 200


def test_latency_is_added_through_the_injected_sleep() -> None:
    h = harness()
    h.sim.faults.latency_ms = 40
    h.sim.faults.schedule(Fault("latency", latency_ms=100))
    h.get("/connections")
    h.get("/connections")
    assert h.sleeps == [0.14, 0.04]


def test_bursts_and_random_errors() -> None:
    h = harness(faults=FaultPlan(burst=(2, 5), error_fault=Fault("status", 502)))
    codes = [h.get("/connections").status_code for _ in range(10)]
    assert codes == [200, 200, 200, 502, 502] * 2
    h = harness(faults=FaultPlan(seed=1, error_rate=0.5))
    codes = [h.get("/connections").status_code for _ in range(200)]
    assert 60 < codes.count(500) < 140 and set(codes) == {200, 500}
