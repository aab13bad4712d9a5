"""The state machine on a frozen clock: every transition, each webhook once, reconnects."""

from __future__ import annotations

from collections import Counter

import pytest
from rutterctl.sim.data import iso
from rutterctl.sim.model import DISABLED_REASONS, ConnectionSpec, Scenario, ScriptedEvent
from rutterctl.sim.scenarios import ALL_AT_ONCE, BUILTINS
from rutterctl.sim.state import SimError

from tests.sim.support import START, harness

MIN = 60.0


def connection_codes(h, name: str) -> list[str]:
    return [
        e.code for e in h.delivered if e.connection == name and e.payload["type"] == "CONNECTION"
    ]


def status(h, name: str) -> dict:
    response = h.get("/connections/status", access_token=h.token(name))
    assert response.status_code == 200
    return response.json()["status"]


def test_batching_walks_through_every_stage_firing_each_webhook_once() -> None:
    h = harness("batching")
    conn = h.sim.get("acme-batching")
    assert conn.stage(h.sim.now()) == "INITIAL_SYNC"
    s = status(h, "acme-batching")
    assert s["is_ready"] is False and s["last_sync_completed_at"] is None
    assert s["historical_sync_status"]["total"]["customers"]["synced_count"] is None
    assert [
        b["progress_info"]["orders"]["status"] for b in s["historical_sync_status"]["batches"][:1]
    ] == ["IN_PROGRESS"]

    h.sim.advance(19 * MIN)
    assert connection_codes(h, "acme-batching") == []
    h.sim.advance(1 * MIN)  # batch 1 (6 months of orders and products) done at 20 min
    assert connection_codes(h, "acme-batching") == ["INITIAL_UPDATE"]
    s = status(h, "acme-batching")
    assert s["is_ready"] is True
    assert s["last_sync_completed_at"] == iso(START + 20 * MIN)
    assert conn.stage(h.sim.now()) == "HISTORICAL_SYNC"
    hist = s["historical_sync_status"]
    assert hist["num_batches_completed"] == 1
    assert hist["total"]["orders"]["ready"] is True
    assert hist["total"]["customers"] == {  # batch 2 has just started: nothing synced yet
        "ready": False,
        "synced_count": 0,
        "oldest_entity_date": None,
        "newest_entity_date": None,
    }
    assert hist["total"]["orders"]["synced_count"] == 1200 * 6 // 24

    h.sim.advance(15 * MIN)  # batch 2: 8 months of customers
    assert connection_codes(h, "acme-batching") == ["INITIAL_UPDATE", "HISTORICAL_UPDATE"]
    hist = status(h, "acme-batching")["historical_sync_status"]
    assert hist["total"]["customers"]["synced_count"] == 100 * 8 // 24
    assert hist["historical_sync_completed"] is False

    h.sim.advance(40 * MIN)  # batch 3: the rest
    codes = connection_codes(h, "acme-batching")
    assert codes == ["INITIAL_UPDATE", "HISTORICAL_UPDATE", "HISTORICAL_UPDATE"]
    s = status(h, "acme-batching")
    hist = s["historical_sync_status"]
    assert hist["historical_sync_completed"] is True and hist["num_batches_completed"] == 3
    assert hist["total"]["orders"]["synced_count"] == 1200
    assert hist["total"]["customers"]["synced_count"] == 100
    assert conn.stage(h.sim.now()) == "ONGOING_SYNC"
    assert s["last_sync_completed_at"] == iso(START + 75 * MIN)

    h.sim.advance(10 * MIN)  # the first ongoing sync
    s = status(h, "acme-batching")
    assert s["last_sync_completed_at"] == iso(START + 85 * MIN)
    assert s["historical_sync_status"]["total"]["orders"]["synced_count"] == 1202
    data_codes = [e.code for e in h.delivered if e.payload["type"] != "CONNECTION"]
    assert data_codes == ["ORDER_CREATED", "ORDER_CREATED", "PRODUCT_UPDATED"]
    # Nothing fires twice, however the clock is moved.
    h.sim.advance(0)
    h.sim.tick()
    assert len(connection_codes(h, "acme-batching")) == 3


def test_ongoing_sync_cadence_and_data_webhooks() -> None:
    h = harness("small")
    assert h.sim.get("tiny-shop").stage(h.sim.now()) == "ONGOING_SYNC"
    assert h.delivered == []  # an instant sync at start-up is history: no webhooks
    last = []
    for _ in range(6):
        h.sim.advance(5 * MIN)
        last.append(status(h, "tiny-shop")["last_sync_completed_at"])
    assert last == [iso(START + k * 10 * MIN) for k in (0, 1, 1, 2, 2, 3)]
    counts = Counter(e.code for e in h.delivered)
    assert counts == {
        "ORDER_CREATED": 6,
        "ORDER_UPDATED": 2,
        "PRODUCT_CREATED": 1,
        "PRODUCT_UPDATED": 1,
    }
    created = [e.payload["order"]["id"] for e in h.delivered if e.code == "ORDER_CREATED"]
    assert len(set(created)) == 6
    updated = next(e for e in h.delivered if e.code == "ORDER_UPDATED").payload["order"]
    assert updated["id"] == created[0] and updated["fulfillment_status"] == "fulfilled"


def test_big_clock_jump_fires_each_sync_once_in_time_order() -> None:
    h = harness("batching")
    h.sim.advance(86400)
    codes = connection_codes(h, "acme-batching")
    assert codes == ["INITIAL_UPDATE", "HISTORICAL_UPDATE", "HISTORICAL_UPDATE"]
    ats = [e.at for e in h.delivered]
    assert ats == sorted(ats)
    seqs = [e.seq for e in h.delivered]
    assert seqs == sorted(set(seqs))


def test_needs_update_pauses_sync_and_reconnect_returns_to_the_same_stage() -> None:
    h = harness("batching")
    h.sim.advance(25 * MIN)  # in batch 2
    assert h.sim.get("acme-batching").stage(h.sim.now()) == "HISTORICAL_SYNC"
    [event] = h.sim.needs_update("acme-batching")
    assert event.payload == {
        "type": "CONNECTION",
        "code": "CONNECTION_NEEDS_UPDATE",
        "connection_id": h.sim.get("acme-batching").id,
        "access_token": h.token("acme-batching"),
        "update_url": h.sim.get("acme-batching").link_url,
    }
    s = status(h, "acme-batching")
    assert s["needs_update_status"] == {"needs_update": True}
    assert (
        h.get("/orders", access_token=h.token("acme-batching")).json()["error_code"]
        == "NEEDS_UPDATE"
    )
    h.sim.advance(10 * 3600)  # no progress while paused
    assert status(h, "acme-batching")["historical_sync_status"]["num_batches_completed"] == 1
    [event] = h.sim.reconnect("acme-batching")
    assert event.code == "CONNECTION_UPDATED"
    assert event.payload["store_unique_id"] == h.sim.get("acme-batching").store_unique_id
    assert h.sim.get("acme-batching").stage(h.sim.now()) == "HISTORICAL_SYNC"
    h.sim.advance(10 * MIN)  # the remaining 10 minutes of batch 2
    assert connection_codes(h, "acme-batching")[-1] == "HISTORICAL_UPDATE"
    with pytest.raises(SimError):
        h.sim.reconnect("acme-batching")


@pytest.mark.parametrize("reason", DISABLED_REASONS)
def test_disable_with_every_reason_then_reconnect(reason: str) -> None:
    h = harness("small")
    [event] = h.sim.disable("tiny-shop", reason)
    assert event.code == "CONNECTION_DISABLED"
    s = status(h, "tiny-shop")
    assert s["disabled_status"] == {"is_disabled": True, "disabled_reason": reason}
    response = h.get("/transactions", access_token=h.token("tiny-shop"), force_fetch="true")
    assert response.json()["error_code"] == "CONNECTION_DISABLED"
    h.sim.reconnect("tiny-shop")
    assert h.sim.get("tiny-shop").stage(h.sim.now()) == "ONGOING_SYNC"


def test_unknown_reason_needs_an_explicit_opt_in() -> None:
    h = harness("small")
    with pytest.raises(SimError):
        h.sim.disable("tiny-shop", "SHOP_IS_LOKED")
    h.sim.disable("tiny-shop", "SOME_FUTURE_REASON", allow_unknown=True)
    assert status(h, "tiny-shop")["disabled_status"]["disabled_reason"] == "SOME_FUTURE_REASON"


def test_scripted_events_fire_at_their_simulated_time() -> None:
    h = harness(BUILTINS["needs-update"])
    assert h.sim.get("needs-update-initial").stage(h.sim.now()) == "NEEDS_UPDATE"
    assert h.sim.get("uninstalls-soon").stage(h.sim.now()) == "ONGOING_SYNC"
    h.sim.advance(30 * MIN)
    assert h.sim.get("uninstalls-soon").stage(h.sim.now()) == "NEEDS_UPDATE"
    h.sim.advance(90 * MIN)
    assert h.sim.get("uninstalls-soon").stage(h.sim.now()) == "ONGOING_SYNC"
    assert connection_codes(h, "uninstalls-soon") == [
        "CONNECTION_NEEDS_UPDATE",
        "CONNECTION_UPDATED",
    ]
    # The one paused since before start fired nothing, and reconnecting resumes its initial sync.
    assert connection_codes(h, "needs-update-initial") == []
    h.sim.reconnect("needs-update-initial")
    assert h.sim.get("needs-update-initial").stage(h.sim.now()) == "INITIAL_SYNC"
    h.sim.advance(15 * MIN)  # it had synced 5 of its 20 minutes
    assert connection_codes(h, "needs-update-initial")[-1] == "INITIAL_UPDATE"


def test_scripted_disable_in_a_custom_scenario() -> None:
    spec = ConnectionSpec(
        name="shop",
        batches=ALL_AT_ONCE,
        events=(ScriptedEvent(3600, "disable", "FAILED TO AUTHENTICATE"),),
    )
    h = harness(Scenario("custom", "", (spec,)))
    h.sim.advance(3599)
    assert h.sim.get("shop").stage(h.sim.now()) == "ONGOING_SYNC"
    h.sim.advance(1)
    assert h.sim.get("shop").stage(h.sim.now()) == "DISABLED"
    assert status(h, "shop")["disabled_status"]["disabled_reason"] == "FAILED TO AUTHENTICATE"


def test_connection_added_later_fires_its_initial_update_even_when_instant() -> None:
    h = harness("small")
    h.sim.add(ConnectionSpec(name="late", batches=ALL_AT_ONCE))
    h.sim.tick()
    assert connection_codes(h, "late") == ["INITIAL_UPDATE", "HISTORICAL_UPDATE"]


def test_fleet_has_one_connection_per_stage() -> None:
    h = harness("fleet")
    now = h.sim.now()
    stages = {c.name: c.stage(now) for c in h.sim.connections.values()}
    assert stages == {
        "acme-initial": "INITIAL_SYNC",
        "acme-historical": "HISTORICAL_SYNC",
        "acme-ongoing": "ONGOING_SYNC",
        "acme-needs-update": "NEEDS_UPDATE",
        "acme-disabled": "DISABLED",
    }


def test_disabled_scenario_covers_all_fifteen_reasons() -> None:
    h = harness("disabled")
    reasons = {c.pause.reason for c in h.sim.connections.values() if c.pause}
    assert reasons == set(DISABLED_REASONS) and len(h.sim.connections) == 15
    assert "disabled-failed-to-authenticate" in h.sim.connections


def test_ids_and_tokens_are_deterministic_per_seed() -> None:
    a, b, c = harness("fleet", seed=1), harness("fleet", seed=1), harness("fleet", seed=2)
    tokens = [[x.access_token for x in h.sim.connections.values()] for h in (a, b, c)]
    assert tokens[0] == tokens[1] != tokens[2]
    assert len(set(tokens[0])) == 5


def test_speed_scales_real_time() -> None:
    h = harness("batching")
    h.sim.set_speed(60)
    h.real.t += 20  # 20 real seconds at 60x = 20 simulated minutes
    assert h.sim.now() == pytest.approx(START + 20 * MIN)
    h.sim.tick()
    assert connection_codes(h, "acme-batching") == ["INITIAL_UPDATE"]
