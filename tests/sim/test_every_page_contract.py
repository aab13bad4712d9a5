"""Audit (issue 3): every page the simulator serves validates, not only the first one.

The first page of a merchant holds only historical orders; these walk every page, in both
sort orders and under each filter, after ongoing syncs have added orders (some fulfilled by a
later sync), so every kind of record the generator makes is checked against the spec.
"""

from __future__ import annotations

from typing import Any

import pytest
from rutterctl.sim.model import ConnectionSpec, Scenario
from rutterctl.sim.scenarios import ALL_AT_ONCE, BUILTINS

from tests.sim.support import Harness, harness
from tests.spec import validate_response


def every_page(h: Harness, path: str, **params: Any) -> list[dict[str, Any]]:
    kind, records, cursor = path.strip("/"), [], None
    for _ in range(1000):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = h.get(path, **query)
        assert response.status_code == 200, response.text
        body = response.json()
        validate_response(path, body)
        records += body[kind]
        cursor = body.get("next_cursor")
        if not cursor:
            return records
    raise AssertionError("pagination did not end")


def shop_after_ongoing_syncs() -> Harness:
    spec = ConnectionSpec(name="shop", orders=400, orders_per_sync=3, batches=ALL_AT_ONCE)
    h = harness(Scenario("t", "", (spec,)))
    h.sim.advance(2 * 3600)  # 12 ongoing syncs: 36 new orders, 11 of them fulfilled later
    return h


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 500},
        {"limit": 37, "expand": "transactions"},
        {"payment_status": "refunded"},
        {"fulfillment_status": "unfulfilled"},
        {"updated_at_min": 0},
    ],
)
def test_every_order_page_validates(params: dict[str, Any]) -> None:
    h = shop_after_ongoing_syncs()
    orders = every_page(h, "/orders", access_token=h.token("shop"), **params)
    assert orders
    if params == {"limit": 500}:
        assert len(orders) == 436
        assert {o["status"] for o in orders} == {"active", "archived", "cancelled"}
        assert {o["fulfillment_status"] for o in orders[400:]} == {"fulfilled", "unfulfilled"}


@pytest.mark.parametrize("sort", ["asc", "desc"])
def test_every_transaction_page_validates(sort: str) -> None:
    h = shop_after_ongoing_syncs()
    txns = every_page(h, "/transactions", access_token=h.token("shop"), sort=sort, limit=200)
    assert len(txns) == 436
    assert {t["type"] for t in txns} == {"sale", "refund"}


def test_force_fetched_partial_pages_validate_during_the_initial_sync() -> None:
    h = harness("batching")
    token = h.token("acme-batching")
    h.sim.advance(7 * 60)
    for path in ("/orders", "/transactions"):
        assert every_page(h, path, access_token=token, force_fetch="true", limit=50)


def test_the_large_merchants_last_pages_validate() -> None:
    h = harness(BUILTINS["large"])
    h.sim.advance(20 * 3600)  # history done, then ongoing syncs of 25 orders each
    token = h.token("mega-mart")
    newest = h.get("/orders", access_token=token, limit=1, order_number=1000 + 1_000_000).json()
    validate_response("/orders", newest)
    since = newest["orders"][0]["created_at"]
    from datetime import datetime

    ms = int(datetime.fromisoformat(since.replace("Z", "+00:00")).timestamp() * 1000)
    tail = every_page(h, "/orders", access_token=token, created_at_min=ms, limit=100)
    assert len(tail) == 1 + 6 * 25  # the last historical order and six syncs' worth
    assert every_page(h, "/transactions", access_token=token, created_at_min=ms, sort="desc")
