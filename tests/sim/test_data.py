"""Orders and transactions: lazy, deterministic, paginated exactly once, filtered, capped."""

from __future__ import annotations

import tracemalloc

import pytest
from rutterctl.sim.model import ConnectionSpec, Scenario
from rutterctl.sim.paging import DEFAULT_LIMIT, MAX_LIMIT
from rutterctl.sim.scenarios import ALL_AT_ONCE

from tests.sim.support import harness


def fetch_all(h, path: str, **params) -> list[dict]:
    kind = path.strip("/")
    out, cursor = [], None
    for _ in range(10_000):
        query = dict(params)
        if cursor:
            query["cursor"] = cursor
        response = h.get(path, **query)
        assert response.status_code == 200, response.text
        body = response.json()
        out += body[kind]
        cursor = body["next_cursor"]
        if not cursor:
            return out
    raise AssertionError("pagination did not end")


def one_shop(orders: int = 1000, **kw) -> Scenario:
    return Scenario(
        "t", "", (ConnectionSpec(name="shop", orders=orders, batches=ALL_AT_ONCE, **kw),)
    )


@pytest.mark.parametrize("path", ["/orders", "/transactions"])
@pytest.mark.parametrize("limit", [1, 7, 50, 500])
def test_cursor_pagination_covers_every_record_exactly_once(path: str, limit: int) -> None:
    h = harness(one_shop(orders=333))
    records = fetch_all(h, path, access_token=h.token("shop"), limit=limit)
    ids = [r["id"] for r in records]
    assert len(ids) == 333 and len(set(ids)) == 333
    times = [r["created_at"] for r in records]
    assert times == sorted(times)


def test_transactions_sort_desc_and_asc_cover_the_same_records() -> None:
    h = harness(one_shop(orders=120))
    token = h.token("shop")
    asc = fetch_all(h, "/transactions", access_token=token, limit=25, sort="asc")
    desc = fetch_all(h, "/transactions", access_token=token, limit=25, sort="desc")
    assert [t["id"] for t in desc] == [t["id"] for t in reversed(asc)]
    assert {t["order_id"] for t in asc} == {
        o["id"] for o in fetch_all(h, "/orders", access_token=token)
    }


def test_data_is_deterministic() -> None:
    a, b = harness(one_shop(), seed=3), harness(one_shop(), seed=3)
    assert (
        a.get("/orders", access_token=a.token("shop")).json()
        == b.get("/orders", access_token=b.token("shop")).json()
    )


def test_limit_default_and_cap() -> None:
    h = harness(one_shop(orders=2000))
    token = h.token("shop")
    assert len(h.get("/orders", access_token=token).json()["orders"]) == DEFAULT_LIMIT
    assert len(h.get("/orders", access_token=token, limit=5000).json()["orders"]) == MAX_LIMIT
    bad = h.get("/orders", access_token=token, limit=0)
    assert bad.status_code == 400 and bad.json()["error_code"] == "INVALID_PARAMETER"
    assert h.get("/orders", access_token=token, limit="x").status_code == 400
    assert h.get("/orders", access_token=token, cursor="nonsense").status_code == 400
    assert h.get("/transactions", access_token=token, sort="up").status_code == 400


def _ms(iso: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


def test_created_and_updated_filters_in_unix_ms() -> None:
    h = harness(one_shop(orders=600))
    token = h.token("shop")
    everything = fetch_all(h, "/orders", access_token=token, limit=500)
    lo, hi = _ms(everything[100]["created_at"]), _ms(everything[199]["created_at"])
    some = fetch_all(h, "/orders", access_token=token, created_at_min=lo, created_at_max=hi)
    assert [o["id"] for o in some] == [o["id"] for o in everything[100:200]]
    umin, umax = _ms(everything[300]["updated_at"]), _ms(everything[300]["updated_at"]) + 86_400_000
    updated = fetch_all(h, "/orders", access_token=token, updated_at_min=umin, updated_at_max=umax)
    expected = [o["id"] for o in everything if umin <= _ms(o["updated_at"]) <= umax]
    assert [o["id"] for o in updated] == expected and expected
    txns = fetch_all(h, "/transactions", access_token=token, created_at_min=lo, limit=500)
    assert all(_ms(t["created_at"]) >= lo for t in txns) and len(txns) == 500


def test_status_and_number_filters() -> None:
    h = harness(one_shop(orders=400))
    token = h.token("shop")
    everything = fetch_all(h, "/orders", access_token=token, limit=500)
    for field, value in (("payment_status", "refunded"), ("fulfillment_status", "partial")):
        got = fetch_all(h, "/orders", access_token=token, **{field: value})
        assert [o["id"] for o in got] == [o["id"] for o in everything if o[field] == value]
        assert got
    [order] = h.get("/orders", access_token=token, order_number=1011).json()["orders"]
    assert order["order_number"] == "1011"
    assert h.get("/orders", access_token=token, payment_status="maybe").status_code == 400


def test_a_million_orders_cost_no_more_memory_than_ten() -> None:
    def peak(orders: int) -> int:
        tracemalloc.start()
        h = harness(one_shop(orders=orders))
        token = h.token("shop")
        body = h.get("/orders", access_token=token, limit=50, created_at_min=0).json()
        assert len(body["orders"]) == 10 if orders == 10 else 50
        h.get("/connections/status", access_token=token)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, huge = peak(10), peak(1_000_000)
    assert huge < small * 1.5 + 2_000_000


def test_last_page_of_a_huge_merchant_is_reached_by_date() -> None:
    h = harness("large")
    h.sim.advance(19 * 3600)  # the whole history synced
    token = h.token("mega-mart")
    since = _ms("2026-11-28T11:00:00Z")  # the hour before the connection was created
    last_hour = fetch_all(h, "/orders", access_token=token, created_at_min=since, limit=10)
    assert 20 < len(last_hour) < 60  # a million orders over 36 months: ~38 an hour
    assert last_hour[-1]["order_number"] == str(1000 + 1_000_000)
    assert all(_ms(o["created_at"]) >= since for o in last_hour)


def test_force_fetch_returns_what_has_synced_so_far() -> None:
    h = harness("batching")
    token = h.token("acme-batching")
    refused = h.get("/orders", access_token=token)
    assert refused.status_code == 409 and refused.json()["error_code"] == "PRODUCT_NOT_READY"
    assert h.get("/orders", access_token=token, force_fetch="false").status_code == 409
    counts = []
    for _ in range(4):
        counts.append(
            len(fetch_all(h, "/orders", access_token=token, force_fetch="true", limit=500))
        )
        h.sim.advance(5 * 60)
    # 1200 orders over 24 months; batch 1 syncs the newest 6 months (300) in 20 minutes.
    assert counts == [0, 75, 150, 225]
    status = h.get("/connections/status", access_token=token).json()["status"]
    assert status["historical_sync_status"]["synced_orders_count"] == 300
    assert len(fetch_all(h, "/orders", access_token=token, limit=500)) == 300


def test_new_orders_appear_with_each_ongoing_sync() -> None:
    h = harness(one_shop(orders=10, orders_per_sync=3))
    token = h.token("shop")
    assert len(fetch_all(h, "/orders", access_token=token)) == 10
    h.sim.advance(25 * 60)
    orders = fetch_all(h, "/orders", access_token=token)
    assert len(orders) == 16
    assert orders[-1]["order_number"] == "1016"
    fulfilled = [o for o in orders[10:] if o["updated_at"] != o["created_at"]]
    assert [o["order_number"] for o in fulfilled] == ["1011"]  # updated by the second sync
