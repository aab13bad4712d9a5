"""Spec-valid Rutter documents for tests, with overrides for the case at hand."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

CONNECTION_ID = "11111111-2222-4333-8444-555555555555"
ACCESS_TOKEN = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
ORG_ID = "99999999-8888-4777-8666-555555555555"
LINK_URL = "https://link.rutterapi.com/connection/abc"


def status_doc(
    *,
    is_ready: bool = True,
    historical: bool = False,
    needs_update: bool = False,
    disabled: bool = False,
    reason: str | None = None,
    last_sync: str | None = "2026-11-28T11:55:00.000Z",
    batches: list[dict[str, Any]] | None = None,
    num_batches_completed: int | None = 1,
    total: dict[str, Any] | None = None,
    platform: str = "SHOPIFY",
) -> dict[str, Any]:
    return {
        "connection": {"id": CONNECTION_ID, "orgId": ORG_ID, "platform": platform},
        "status": {
            "last_sync_completed_at": last_sync,
            "is_ready": is_ready,
            "link_url": LINK_URL,
            "platform": platform,
            "needs_update_status": {"needs_update": needs_update},
            "disabled_status": {"is_disabled": disabled, "disabled_reason": reason},
            "historical_sync_status": {
                "historical_sync_completed": historical,
                "total": copy.deepcopy(total if total is not None else DEFAULT_TOTAL),
                "num_batches_completed": num_batches_completed,
                "synced_balance_sheets_count": None,
                "synced_cash_flows_count": None,
                "synced_income_statements_count": None,
                "synced_orders_count": 1200,
                "synced_transactions_count": 300,
                "batches": copy.deepcopy(batches if batches is not None else DEFAULT_BATCHES),
            },
            "created_at": "2026-11-28T09:00:00.000Z",
        },
    }


DEFAULT_TOTAL: dict[str, Any] = {
    "orders": {
        "ready": True,
        "synced_count": 1200,
        "oldest_entity_date": "2026-05-28T00:00:00.000Z",
        "newest_entity_date": "2026-11-28T11:50:00.000Z",
    },
    "customers": {
        "ready": False,
        "synced_count": None,
        "oldest_entity_date": None,
        "newest_entity_date": None,
    },
}

DEFAULT_BATCHES: list[dict[str, Any]] = [
    {
        "batch_num": 1,
        "progress_info": {
            "orders": {
                "status": "COMPLETED",
                "oldest_batch_entity_date": "2026-05-28T00:00:00.000Z",
                "newest_batch_entity_date": "2026-11-28T11:50:00.000Z",
            },
            "products": {
                "status": "COMPLETED",
                "oldest_batch_entity_date": "2026-05-30T00:00:00.000Z",
                "newest_batch_entity_date": "2026-11-27T00:00:00.000Z",
            },
        },
        "config": {
            "timeFrameInMonths": 6,
            "entities": {"orders": "REQUIRED", "products": "REQUIRED"},
        },
    },
    {
        "batch_num": 2,
        "progress_info": {
            "customers": {
                "status": "IN_PROGRESS",
                "oldest_batch_entity_date": None,
                "newest_batch_entity_date": None,
            }
        },
        "config": {"timeFrameInMonths": 8, "entities": {"customers": "PREFERRED_BUT_OPTIONAL"}},
    },
]


def connections_doc(*pairs: tuple[str, str]) -> dict[str, Any]:
    pairs = pairs or ((CONNECTION_ID, ACCESS_TOKEN),)
    return {
        "connections": [
            {
                "id": cid,
                "access_token": token,
                "link_url": LINK_URL,
                "platform": "SHOPIFY",
                "created_at": "2026-11-28T09:00:00.000Z",
                "updated_at": "2026-11-28T09:00:00.000Z",
            }
            for cid, token in pairs
        ]
    }


def access_token_doc(
    name: str | None = "Acme Outfitters", domain: str | None = "acme.example"
) -> dict[str, Any]:
    return {
        "connection": {
            "id": CONNECTION_ID,
            "store_unique_id": "acme-1",
            "disabled": False,
            "link_url": LINK_URL,
            "needs_update": False,
            "platform": "SHOPIFY",
            "store_domain": domain,
            "store_name": name,
        }
    }


# -- Data pages (spec-valid), for contract tests ------------------------------------------------


def order(order_id: str = "ord-1", *, total: float = 19.5) -> dict[str, Any]:
    """A minimal spec-valid `Order` (every required key, nullable objects null)."""
    return {
        "id": order_id,
        "platform_id": f"platform-{order_id}",
        "payment_status": "paid",
        "status": "active",
        "total_discount": 0,
        "total_price": total,
        "fulfillment_status": "unfulfilled",
        "iso_currency_code": "USD",
        "total_shipping": 0,
        "total_tax": None,
        "billing_address": None,
        "shipping_address": None,
        "customer": None,
        "fulfillments": [],
        "line_items": [],
        "created_at": "2026-11-27T10:00:00.000Z",
        "updated_at": "2026-11-27T10:00:00.000Z",
    }


def transaction(transaction_id: str = "txn-1", *, amount: float = 19.5) -> dict[str, Any]:
    """A minimal spec-valid `OrderTransaction`."""
    return {
        "id": transaction_id,
        "order_id": "ord-1",
        "payment_method_type": "card",
        "status": "success",
        "type": "sale",
        "amount": amount,
        "gateway": None,
        "iso_currency_code": "USD",
        "created_at": "2026-11-27T10:00:00.000Z",
        "updated_at": "2026-11-27T10:00:00.000Z",
    }


def _data_connection() -> dict[str, Any]:
    return {"id": CONNECTION_ID, "orgId": ORG_ID, "platform": "SHOPIFY"}


def orders_doc(
    orders: list[dict[str, Any]] | None = None, next_cursor: str | None = None
) -> dict[str, Any]:
    return {
        "connection": _data_connection(),
        "orders": orders if orders is not None else [order()],
        "next_cursor": next_cursor,
    }


def transactions_doc(
    transactions: list[dict[str, Any]] | None = None, next_cursor: str | None = None
) -> dict[str, Any]:
    return {
        "connection": _data_connection(),
        "transactions": transactions if transactions is not None else [transaction()],
        "next_cursor": next_cursor,
    }


def error_body(
    code: str, message: str | None = None, error_type: str = "CONNECTION_ERROR"
) -> dict[str, Any]:
    """Rutter's error document: only error_type and error_code are safe to branch on."""
    return {
        "error_type": error_type,
        "error_code": code,
        "error_message": message if message is not None else f"{code} (test)",
    }


# -- A fake Rutter for httpx.MockTransport --------------------------------------------------------

REQUEST_ID = "req-0001"
Answer = Callable[[httpx.Request], httpx.Response]


def respond(
    status: int = 200,
    json: Any = None,
    *,
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
    request_id: str | None = REQUEST_ID,
) -> Answer:
    """An answer building a fresh response each time (a response object cannot be reused)."""

    def answer(request: httpx.Request) -> httpx.Response:
        merged = dict(headers or {})
        if request_id is not None:
            merged.setdefault("X-Rutter-Request-ID", request_id)
        if content is not None:
            return httpx.Response(status, content=content, headers=merged)
        return httpx.Response(status, json=json, headers=merged)

    return answer


def connect_error(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


@dataclass
class FakeRutter:
    """A MockTransport handler answering by endpoint (the path below `/versioned`) and recording
    every request. Each route is a list of answers used in turn; the last one repeats. A request
    to a path without a route fails the test loudly."""

    routes: dict[str, list[Answer]]
    requests: list[httpx.Request] = field(default_factory=list)
    prefix: str = "/versioned"

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = self.relative(request)
        answers = self.routes.get(path)
        if not answers:
            raise AssertionError(f"unexpected request to {request.url}")
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        return answer(request)

    def relative(self, request: httpx.Request) -> str:
        path = request.url.path
        assert path.startswith(self.prefix + "/"), path
        return path[len(self.prefix) :]

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def paths(self) -> list[str]:
        return [self.relative(request) for request in self.requests]

    def hits(self, path: str) -> int:
        return self.paths().count(path)


def _answers(value: Answer | list[Answer] | None, default: Answer) -> list[Answer]:
    if value is None:
        return [default]
    return list(value) if isinstance(value, list) else [value]


def fake_rutter(
    status: Answer | list[Answer] | None = None,
    *,
    connections: Answer | list[Answer] | None = None,
    store: Answer | list[Answer] | None = None,
    **extra: Answer | list[Answer],
) -> FakeRutter:
    """Rutter answering the connection endpoints with the builders' documents by default.

    `extra` adds routes by name: `orders=...` serves `/orders`.
    """
    routes = {
        "/connections": _answers(connections, respond(200, connections_doc())),
        "/connections/status": _answers(status, respond(200, status_doc())),
        "/connections/access_token": _answers(store, respond(200, access_token_doc())),
    }
    for name, value in extra.items():
        routes["/" + name] = _answers(value, respond(404))
    return FakeRutter(routes)


# -- Batches of the historical sync, for the `batches` and `reasons` tests ----------------------


def progress_doc(
    status: str, oldest: str | None = None, newest: str | None = None
) -> dict[str, Any]:
    """One entity's `progress_info` entry within a batch."""
    return {
        "status": status,
        "oldest_batch_entity_date": oldest,
        "newest_batch_entity_date": newest,
    }


def batch_doc(
    batch_num: int,
    statuses: dict[str, str],
    *,
    months: int | None = 6,
    entities: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A batch whose entities have the given statuses; `months=None` gives `config: null`.

    The config's entities default to REQUIRED for every entity in `statuses`.
    """
    config = None
    if months is not None:
        priorities = entities if entities is not None else dict.fromkeys(statuses, "REQUIRED")
        config = {"timeFrameInMonths": months, "entities": priorities}
    return {
        "batch_num": batch_num,
        "progress_info": {name: progress_doc(status) for name, status in statuses.items()},
        "config": config,
    }


def total_doc(
    ready: bool, oldest: str | None = None, newest: str | None = None, count: int | None = None
) -> dict[str, Any]:
    """One entity's `historical_sync_status.total` entry."""
    return {
        "ready": ready,
        "synced_count": count,
        "oldest_entity_date": oldest,
        "newest_entity_date": newest,
    }
