"""Wire models and their conversion: tolerant of whatever Rutter adds or leaves out."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from rutterctl.api import convert
from rutterctl.api.gateway import parse
from rutterctl.domain.models import ConnectionStatus, Timestamp
from rutterctl.errors import ApiError
from rutterctl.secrets import redact

from tests import builders


def convert_status(doc: dict[str, Any]) -> ConnectionStatus:
    return parse(convert.connection_status, doc, "/connections/status")


def test_a_spec_document_converts_field_by_field() -> None:
    s = convert_status(builders.status_doc(historical=False))
    assert s.connection_id == builders.CONNECTION_ID
    assert s.org_id == builders.ORG_ID
    assert s.platform == "SHOPIFY"
    assert s.is_ready is True
    assert s.link_url == builders.LINK_URL
    assert s.created_at == Timestamp(
        "2026-11-28T09:00:00.000Z", datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    )
    assert s.last_sync_completed_at.parsed == datetime(2026, 11, 28, 11, 55, tzinfo=UTC)
    assert (s.needs_update, s.is_disabled, s.disabled_reason) == (False, False, None)
    assert s.historical_sync_completed is False
    assert [(e.name, e.ready, e.synced_count) for e in s.entities] == [
        ("orders", True, 1200),
        ("customers", False, None),
    ]
    assert s.num_batches_completed == 1
    assert [b.batch_num for b in s.batches] == [1, 2]
    first = s.batches[0]
    assert [(p.name, p.status) for p in first.progress] == [
        ("orders", "COMPLETED"),
        ("products", "COMPLETED"),
    ]
    assert first.config is not None
    assert first.config.time_frame_months == 6
    assert first.config.entities == {"orders": "REQUIRED", "products": "REQUIRED"}
    assert s.synced_counts == {
        "synced_orders_count": 1200,
        "synced_transactions_count": 300,
        "synced_balance_sheets_count": None,
        "synced_cash_flows_count": None,
        "synced_income_statements_count": None,
    }


def test_unknown_platform_is_data() -> None:
    s = convert_status(builders.status_doc(platform="SOME_PLATFORM_ADDED_IN_2027"))
    assert s.platform == "SOME_PLATFORM_ADDED_IN_2027"


def test_status_platform_is_used_when_the_connection_has_none() -> None:
    doc = builders.status_doc()
    doc["connection"]["platform"] = None
    doc["status"]["platform"] = "WOO_COMMERCE"
    assert convert_status(doc).platform == "WOO_COMMERCE"


def test_unknown_batch_status_is_kept() -> None:
    doc = builders.status_doc()
    doc["status"]["historical_sync_status"]["batches"][1]["progress_info"]["customers"][
        "status"
    ] = "PAUSED_BY_PLATFORM"
    s = convert_status(doc)
    assert s.batches[1].progress[0].status == "PAUSED_BY_PLATFORM"


@pytest.mark.parametrize("reason", ["SHOP_ON_HOLIDAY", "FAILED TO AUTHENTICATE", "UNKNOWN"])
def test_any_disabled_reason_is_kept_as_given(reason: str) -> None:
    s = convert_status(builders.status_doc(disabled=True, reason=reason))
    assert (s.is_disabled, s.disabled_reason) == (True, reason)


def _with_extras(node: Any) -> Any:
    """The same document with an unknown field added to every object at every level."""
    if isinstance(node, list):
        return [_with_extras(item) for item in node]
    if isinstance(node, dict):
        out = {key: _with_extras(value) for key, value in node.items()}
        out["added_by_rutter_later"] = {"nested": [1, "two", None]}
        return out
    return node


def test_extra_fields_at_every_level_are_ignored() -> None:
    doc = builders.status_doc()
    noisy = _with_extras(doc)
    # Entity maps are keyed by name: there an extra key is one more entity, not an extra field.
    history = noisy["status"]["historical_sync_status"]
    history["total"].pop("added_by_rutter_later")
    for batch in history["batches"]:
        batch["progress_info"].pop("added_by_rutter_later")
        batch["config"]["entities"].pop("added_by_rutter_later")
    assert convert_status(noisy) == convert_status(doc)


def test_extra_fields_on_listed_connections_and_store_are_ignored() -> None:
    listed = _with_extras(builders.connections_doc())
    summaries = parse(convert.connection_summaries, listed, "/connections")
    assert [c.id for c in summaries] == [builders.CONNECTION_ID]
    store = parse(convert.store_info, _with_extras(builders.access_token_doc()), "/connections/x")
    assert store.store_name == "Acme Outfitters"


def test_nulls_and_missing_sections_are_tolerated() -> None:
    doc: dict[str, Any] = {
        "connection": {"id": builders.CONNECTION_ID, "orgId": None, "platform": None},
        "status": {
            "is_ready": False,
            "last_sync_completed_at": None,
            "link_url": None,
            "platform": None,
            "created_at": None,
            "needs_update_status": None,
            "disabled_status": {"is_disabled": False, "disabled_reason": None},
            "historical_sync_status": {
                "historical_sync_completed": False,
                "total": None,
                "num_batches_completed": None,
                "batches": [{"batch_num": 1, "progress_info": None, "config": None}],
            },
        },
    }
    s = convert_status(doc)
    assert (s.org_id, s.platform, s.link_url) == (None, None, None)
    assert s.created_at == Timestamp(None, None)
    assert s.last_sync_completed_at.present is False
    assert (s.needs_update, s.is_disabled) == (False, False)
    assert s.entities == ()
    assert s.num_batches_completed is None
    assert len(s.batches) == 1
    assert (s.batches[0].progress, s.batches[0].config) == ((), None)

    bare = {"connection": {"id": "c"}, "status": {"is_ready": True}}
    s = convert_status(bare)
    assert (s.historical_sync_completed, s.batches, s.entities) == (False, (), ())


def test_entity_keys_of_any_spelling_are_kept_in_order() -> None:
    total = {
        name: {
            "ready": True,
            "synced_count": 3,
            "oldest_entity_date": None,
            "newest_entity_date": None,
        }
        for name in ("balanceSheets", "purchase_orders", "Orders", "incomeStatements")
    }
    s = convert_status(builders.status_doc(total=total))
    assert [e.name for e in s.entities] == [
        "balanceSheets",
        "purchase_orders",
        "Orders",
        "incomeStatements",
    ]


def test_nested_entity_priority_configs_are_kept() -> None:
    batches = copy.deepcopy(builders.DEFAULT_BATCHES)
    batches[0]["config"]["entities"] = {
        "orders": {"line_items": "REQUIRED", "customer": "AVOID"},
        "products": {"variants": {"inventory": "PREFERRED_BUT_OPTIONAL"}},
        "balanceSheets": "AVOID",
        "somethingNew": 3,
    }
    s = convert_status(builders.status_doc(batches=batches))
    config = s.batches[0].config
    assert config is not None
    assert config.entities == {
        "orders": {"line_items": "REQUIRED", "customer": "AVOID"},
        "products": {"variants": {"inventory": "PREFERRED_BUT_OPTIONAL"}},
        "balanceSheets": "AVOID",
        "somethingNew": "3",
    }


def test_dates_that_do_not_parse_are_kept_raw() -> None:
    doc = builders.status_doc(last_sync="last Tuesday, around noon")
    doc["status"]["created_at"] = "28/11/2026"
    doc["status"]["historical_sync_status"]["total"]["orders"]["oldest_entity_date"] = "0000-00"
    s = convert_status(doc)
    assert s.last_sync_completed_at == Timestamp("last Tuesday, around noon", None)
    assert s.created_at == Timestamp("28/11/2026", None)
    assert s.entities[0].oldest == Timestamp("0000-00", None)


def test_naive_dates_are_read_as_utc() -> None:
    assert Timestamp.parse("2026-11-28T10:00:00") == Timestamp(
        "2026-11-28T10:00:00", datetime(2026, 11, 28, 10, tzinfo=UTC)
    )
    assert Timestamp.parse("") == Timestamp(None, None)


def test_whole_floats_become_ints() -> None:
    batches = copy.deepcopy(builders.DEFAULT_BATCHES)
    batches[0]["batch_num"] = 1.0
    batches[0]["config"]["timeFrameInMonths"] = 6.0
    batches[1]["batch_num"] = 2.5
    total = copy.deepcopy(builders.DEFAULT_TOTAL)
    total["orders"]["synced_count"] = 1200.0
    s = convert_status(builders.status_doc(batches=batches, total=total))
    first, second = s.batches
    assert first.batch_num == 1 and type(first.batch_num) is int
    assert first.config is not None and type(first.config.time_frame_months) is int
    assert second.batch_num == 2.5
    assert s.entities[0].synced_count == 1200 and type(s.entities[0].synced_count) is int


def test_a_missing_required_field_is_an_api_error() -> None:
    doc = builders.status_doc()
    del doc["status"]["is_ready"]
    with pytest.raises(ApiError, match=r"GET /connections/status: status\.is_ready: "):
        convert_status(doc)


def test_listed_access_tokens_are_registered_as_secrets() -> None:
    token = "5a5a5a5a-6b6b-4c7c-8d8d-9e9e9e9e9e9e"
    (summary,) = parse(
        convert.connection_summaries, builders.connections_doc(("conn-1", token)), "/connections"
    )
    assert summary.access_token == token
    assert redact(f"token={token}") == "token=****9e9e"


def test_store_info_converts() -> None:
    info = parse(convert.store_info, builders.access_token_doc(), "/connections/access_token")
    assert (info.store_name, info.store_domain, info.store_unique_id) == (
        "Acme Outfitters",
        "acme.example",
        "acme-1",
    )


def _history(doc: dict[str, Any]) -> dict[str, Any]:
    history: dict[str, Any] = doc["status"]["historical_sync_status"]
    return history


def test_null_flags_read_as_false() -> None:
    doc = builders.status_doc(historical=True)
    doc["status"]["needs_update_status"]["needs_update"] = None
    doc["status"]["disabled_status"]["is_disabled"] = None
    _history(doc)["total"]["orders"]["ready"] = None
    s = convert_status(doc)
    assert (s.needs_update, s.is_disabled, s.entities[0].ready) == (False, False, False)


def test_a_null_is_ready_is_not_ready() -> None:
    doc = builders.status_doc()
    doc["status"]["is_ready"] = None
    assert convert_status(doc).is_ready is False  # never claim data can be read on a guess


def test_a_null_history_flag_means_history_not_complete() -> None:
    doc = builders.status_doc(historical=True)
    _history(doc)["historical_sync_completed"] = None
    assert convert_status(doc).historical_sync_completed is False


def test_null_entity_entries_are_kept_empty() -> None:
    doc = builders.status_doc()
    _history(doc)["total"]["orders"] = None
    _history(doc)["batches"][0]["progress_info"]["orders"] = None
    _history(doc)["batches"][0]["config"]["entities"] = None
    s = convert_status(doc)
    assert (s.entities[0].name, s.entities[0].ready, s.entities[0].synced_count) == (
        "orders",
        False,
        None,
    )
    first = s.batches[0]
    assert [(p.name, p.status) for p in first.progress] == [
        ("orders", "UNKNOWN"),
        ("products", "COMPLETED"),
    ]
    assert first.config is not None and first.config.entities == {}


def test_a_null_batch_status_is_unknown() -> None:
    doc = builders.status_doc()
    _history(doc)["batches"][1]["progress_info"]["customers"]["status"] = None
    assert convert_status(doc).batches[1].progress[0].status == "UNKNOWN"


def test_null_batches_are_skipped_and_a_null_number_keeps_its_place() -> None:
    batches = copy.deepcopy(builders.DEFAULT_BATCHES)
    batches[1]["batch_num"] = None
    doc = builders.status_doc(batches=[*batches, None])
    s = convert_status(doc)
    assert [b.batch_num for b in s.batches] == [1, 2]


def test_numbers_where_text_belongs_are_kept_as_their_json_text() -> None:
    doc = builders.status_doc()
    doc["status"]["last_sync_completed_at"] = 1764331200000
    doc["status"]["disabled_status"]["disabled_reason"] = 42
    doc["connection"]["platform"] = True
    s = convert_status(doc)
    assert s.last_sync_completed_at == Timestamp("1764331200000", None)
    assert (s.disabled_reason, s.platform) == ("42", "true")


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d["status"].pop("is_ready"), r"status\.is_ready: Field required"),
        (lambda d: d["status"].update(is_ready={}), r"status\.is_ready: "),
        (lambda d: d["connection"].update(id=None), r"connection\.id: "),
        (
            lambda d: d["status"]["disabled_status"].update(disabled_reason=["x"]),
            r"status\.disabled_status\.disabled_reason: ",
        ),
    ],
    ids=["is_ready-missing", "is_ready-object", "id-null", "reason-list"],
)
def test_what_cannot_be_used_is_still_an_api_error(mutate: Any, where: str) -> None:
    doc = builders.status_doc()
    mutate(doc)
    with pytest.raises(ApiError, match=where):
        convert_status(doc)
