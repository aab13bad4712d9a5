"""Spec-valid Rutter documents for tests, with overrides for the case at hand."""

from __future__ import annotations

import copy
from typing import Any

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
