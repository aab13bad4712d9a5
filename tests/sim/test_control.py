"""The control surface: clock, connections, lifecycle actions, faults, events, auth."""

from __future__ import annotations

import httpx

from tests.sim.support import harness


def test_control_requires_the_simulator_credentials() -> None:
    h = harness()
    anon = httpx.Client(transport=h.http._transport)
    response = anon.get("http://sim.test/_sim/state")
    assert response.status_code == 401 and "X-Rutter-Request-ID" in response.headers


def test_state_lists_connections_with_names_ids_tokens_and_stages() -> None:
    h = harness()
    state = h.control("GET", "/state").json()
    assert state["speed"] == 0 and state["rate_limit"] == "500/10s"
    rows = {c["name"]: c for c in state["connections"]}
    assert rows["acme-disabled"]["stage"] == "DISABLED"
    assert rows["acme-disabled"]["disabled_reason"] == "SHOP_PAYMENT_REQUIRED"
    assert rows["acme-ongoing"]["access_token"] == h.token("acme-ongoing")
    one = h.control("GET", f"/connections/{h.sim.get('acme-initial').id}").json()
    assert one["name"] == "acme-initial"
    assert h.control("GET", "/connections/nobody").status_code == 404


def test_advance_clock_and_see_the_events() -> None:
    h = harness()
    response = h.control("POST", "/clock/advance", {"seconds": 1200})
    assert response.status_code == 200
    codes = [(e["connection"], e["payload"]["code"]) for e in response.json()["events"]]
    assert ("acme-initial", "INITIAL_UPDATE") in codes
    assert h.control("POST", "/clock/advance", {"duration": "1h"}).status_code == 200
    assert h.control("POST", "/clock/advance", {"seconds": -1}).status_code == 400
    events = h.control("GET", "/events?since=0").json()["events"]
    later = h.control("GET", f"/events?since={events[-1]['seq'] - 1}").json()["events"]
    assert later == events[-1:]


def test_speed() -> None:
    h = harness()
    assert h.control("POST", "/clock/speed", {"speed": 60}).json()["speed"] == 60
    assert h.control("POST", "/clock/speed", {"speed": "fast"}).status_code == 400


def test_lifecycle_actions() -> None:
    h = harness()
    body = h.control("POST", "/connections/acme-ongoing/needs-update").json()
    assert body["connection"]["stage"] == "NEEDS_UPDATE"
    assert [e["payload"]["code"] for e in body["events"]] == ["CONNECTION_NEEDS_UPDATE"]
    body = h.control("POST", "/connections/acme-ongoing/disable", {"reason": "TUNNEL_ERROR"}).json()
    assert body["connection"]["disabled_reason"] == "TUNNEL_ERROR"
    assert (
        h.control("POST", "/connections/acme-ongoing/disable", {"reason": "NOPE"}).status_code
        == 400
    )
    body = h.control("POST", "/connections/acme-ongoing/reconnect").json()
    assert body["connection"]["stage"] == "ONGOING_SYNC"
    assert body["events"][0]["payload"]["store_unique_id"]
    assert h.control("POST", "/connections/acme-ongoing/reconnect").status_code == 409
    assert h.control("POST", "/connections/acme-ongoing/explode").status_code == 404


def test_create_connections() -> None:
    h = harness()
    made = h.control("POST", "/connections", {"scenario": "small"}).json()["connections"]
    assert [c["name"] for c in made] == ["tiny-shop"]
    made = h.control("POST", "/connections", {"name": "fresh", "template": "initial"}).json()
    assert made["connections"][0]["stage"] == "INITIAL_SYNC"
    made = h.control(
        "POST", "/connections", {"connections": [{"name": "a1", "template": "ongoing"}]}
    )
    assert made.status_code == 201
    again = h.control("POST", "/connections", {"name": "fresh"})
    assert again.status_code == 409
    bad = h.control("POST", "/connections", {"name": "x", "orders": -3})
    assert bad.status_code == 400 and bad.json()["field"] == "connection.orders"
    assert len(h.get("/connections", status="any").json()["connections"]) == 8
    raw = h.http.post("http://sim.test/_sim/connections", content=b"nope")
    assert raw.status_code == 400


def test_schedule_and_configure_faults() -> None:
    h = harness()
    plan = h.control("POST", "/faults", {"kind": "503", "count": 2, "retry_after": 0}).json()
    assert len(plan["scheduled"]) == 2
    assert [h.get("/connections").status_code for _ in range(3)] == [503, 503, 200]
    h.control("POST", "/faults", {"kind": "html", "path": "/orders"})
    assert h.get("/connections").status_code == 200
    h.control("DELETE", "/faults")
    assert h.control("GET", "/faults").json()["scheduled"] == []
    h.control("PUT", "/faults", {"burst": "1/2", "error_kind": "429", "latency_ms": 5})
    assert [h.get("/connections").status_code for _ in range(4)] == [200, 429, 200, 429]
    assert h.sleeps == [0.005] * 4
    assert h.control("PUT", "/faults", {"error_rate": 2}).status_code == 400
    assert h.control("POST", "/faults", {"kind": "boom"}).status_code == 400
    assert h.control("POST", "/faults", {"kind": "drop", "count": 0}).status_code == 400


def test_rate_limit_can_be_changed() -> None:
    h = harness()
    body = h.control("PUT", "/rate-limit", {"rate": "1/10s", "retry_after": False}).json()
    assert body == {"rate_limit": "1/10s", "retry_after": False}
    h.get("/connections")
    assert h.get("/connections").status_code == 429
    assert h.control("PUT", "/rate-limit", {"rate": "lots"}).status_code == 400
