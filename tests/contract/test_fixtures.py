"""The builders' documents are valid against Rutter's OpenAPI extract, and the models accept them.

If a builder drifts from the spec, every test built on it stops meaning anything.
"""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest
from rutterctl.api import convert
from rutterctl.api.client import Reply
from rutterctl.api.gateway import parse
from rutterctl.api.pages import parse_page

from tests import builders, spec

DISABLED_REASONS = [
    "SHOP_API_KEY_EXPIRED",
    "SHOP_NOT_FOUND",
    "SHOP_ID_IS_INVALID",
    "SHOP_IS_DISABLED_OR_EXPIRED",
    "SHOP_IS_LOCKED",
    "SHOP_PAYMENT_REQUIRED",
    "TUNNEL_ERROR",
    "WEB_SERVICE_IS_DISABLED",
    "SHOP_IS_UNAVAILABLE",
    "CERT_EXPIRED",
    "FAILED TO AUTHENTICATE",
    "NEEDS_REAUTH",
    "REQUEST_TIMEOUT",
    "MANUALLY_DISABLED",
    "UNKNOWN",
]

STATUS_VARIANTS: dict[str, dict[str, Any]] = {
    "initial": {"is_ready": False, "last_sync": None, "num_batches_completed": 0},
    "historical": {},
    "ongoing": {"historical": True},
    "needs-update": {"needs_update": True},
    "disabled-no-reason": {"disabled": True},
    "no-batching": {"batches": [], "num_batches_completed": None},
    "no-totals": {"total": {}},
}


@pytest.mark.parametrize("overrides", STATUS_VARIANTS.values(), ids=STATUS_VARIANTS.keys())
def test_status_documents_are_spec_valid_and_parse(overrides: dict[str, Any]) -> None:
    doc = builders.status_doc(**overrides)
    spec.validate_response("/connections/status", doc)
    parse(convert.connection_status, doc, "/connections/status")


def test_the_reason_list_is_the_specs() -> None:
    schema = spec.spec()["components"]["schemas"]["GetConnectionStatusResponse"]
    disabled = schema["properties"]["status"]["properties"]["disabled_status"]
    assert disabled["properties"]["disabled_reason"]["enum"] == DISABLED_REASONS


@pytest.mark.parametrize("reason", DISABLED_REASONS)
def test_disabled_documents_with_every_published_reason_are_spec_valid(reason: str) -> None:
    spec.validate_response("/connections/status", builders.status_doc(disabled=True, reason=reason))


def test_nested_priority_configs_are_spec_valid() -> None:
    batches = copy.deepcopy(builders.DEFAULT_BATCHES)
    batches[0]["config"]["entities"] = {
        "orders": {"line_items": "REQUIRED", "customer": "AVOID"},
        "products": {"variants": {"inventory": "PREFERRED_BUT_OPTIONAL"}},
    }
    spec.validate_response("/connections/status", builders.status_doc(batches=batches))


def test_connections_document_is_spec_valid() -> None:
    spec.validate_response("/connections", builders.connections_doc())
    spec.validate_response(
        "/connections", builders.connections_doc(("id-1", "token-1"), ("id-2", "token-2"))
    )


@pytest.mark.parametrize(("name", "domain"), [("Acme Outfitters", "acme.example"), (None, None)])
def test_access_token_document_is_spec_valid(name: str | None, domain: str | None) -> None:
    spec.validate_response("/connections/access_token", builders.access_token_doc(name, domain))


def test_orders_and_transactions_pages_are_spec_valid() -> None:
    spec.validate_response("/orders", builders.orders_doc())
    spec.validate_response("/orders", builders.orders_doc([], next_cursor="c2"))
    spec.validate_response(
        "/orders", builders.orders_doc([builders.order("a"), builders.order("b")])
    )
    spec.validate_response("/transactions", builders.transactions_doc())
    spec.validate_response("/transactions", builders.transactions_doc([], next_cursor=None))
    parse_page(Reply(builders.orders_doc(), 200, None), "orders", "/orders")
    parse_page(Reply(builders.transactions_doc(), 200, None), "transactions", "/transactions")


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d["connection"].update(platform="SOME_PLATFORM_ADDED_IN_2027"),
        lambda d: d["status"]["disabled_status"].update(disabled_reason="SHOP_ON_HOLIDAY"),
        lambda d: d["status"].update(extra_field=True),
        lambda d: d["status"]["historical_sync_status"]["batches"][0]["progress_info"][
            "orders"
        ].update(status="PAUSED"),
        lambda d: d["status"]["historical_sync_status"]["batches"][0].pop("progress_info"),
        lambda d: d["status"]["needs_update_status"].update(needs_update=None),
        lambda d: d["status"]["disabled_status"].update(is_disabled=None),
        lambda d: d["status"].update(is_ready=None),
        lambda d: d["status"]["historical_sync_status"].update(historical_sync_completed=None),
        lambda d: d["status"]["historical_sync_status"]["total"].update(orders=None),
        lambda d: d["status"]["historical_sync_status"]["batches"][0]["progress_info"][
            "orders"
        ].update(status=None),
        lambda d: d["status"]["historical_sync_status"]["batches"][0].update(batch_num=None),
        lambda d: d["status"]["historical_sync_status"]["batches"].append(None),
        lambda d: d["status"].update(last_sync_completed_at=1764331200000),
    ],
    ids=[
        "platform",
        "reason",
        "extra-field",
        "batch-status",
        "missing-progress",
        "null-needs-update",
        "null-is-disabled",
        "null-is-ready",
        "null-history-completed",
        "null-total-entry",
        "null-batch-status",
        "null-batch-num",
        "null-batch",
        "numeric-date",
    ],
)
def test_models_accept_more_than_the_spec(mutate: Any) -> None:
    """The tolerance cases really are outside the 2023-03-14 spec, and still parse."""
    doc = builders.status_doc()
    mutate(doc)
    with pytest.raises(jsonschema.ValidationError):
        spec.validate_response("/connections/status", doc)
    parse(convert.connection_status, doc, "/connections/status")
