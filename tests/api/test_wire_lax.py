"""The hand-written readers accept what pydantic's lax mode accepted before them, and no more."""

from __future__ import annotations

from typing import Any

import pytest
from rutterctl.api import convert
from rutterctl.api.gateway import parse
from rutterctl.domain.models import ConnectionStatus
from rutterctl.errors import ApiError

from tests import builders


def _status(mutate: Any) -> ConnectionStatus:
    doc = builders.status_doc()
    mutate(doc)
    return parse(convert.connection_status, doc, "/connections/status")


def _total(doc: dict[str, Any]) -> dict[str, Any]:
    total: dict[str, Any] = doc["status"]["historical_sync_status"]["total"]["orders"]
    return total


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (1, True),
        (1.0, True),
        ("true", True),
        ("Yes", True),
        ("off", False),
        (0, False),
    ],
)
def test_flags_sent_as_numbers_or_words_are_read(value: object, expected: bool) -> None:
    assert _status(lambda d: d["status"].update(is_ready=value)).is_ready is expected


@pytest.mark.parametrize("value", [2, "xyz", [], {}])
def test_a_flag_that_means_nothing_is_an_api_error(value: object) -> None:
    with pytest.raises(ApiError, match=r"status\.is_ready: Input should be a valid boolean"):
        _status(lambda d: d["status"].update(is_ready=value))


@pytest.mark.parametrize(("value", "expected"), [("1200", 1200), ("12.5", 12.5), (1200.0, 1200)])
def test_counts_sent_as_text_are_numbers(value: object, expected: float) -> None:
    s = _status(lambda d: _total(d).update(synced_count=value))
    assert s.entities[0].synced_count == expected
    assert type(s.entities[0].synced_count) is type(expected)


def test_a_count_that_is_not_a_number_names_its_place() -> None:
    where = r"status\.historical_sync_status\.total\.orders\.synced_count: "
    with pytest.raises(ApiError, match=where + "Input should be a valid number"):
        _status(lambda d: _total(d).update(synced_count="many"))


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d["status"].update(needs_update_status="x"), r"status\.needs_update_status: "),
        (
            lambda d: d["status"]["historical_sync_status"].update(total=[]),
            r"status\.historical_sync_status\.total: Input should be a valid object",
        ),
        (
            lambda d: d["status"]["historical_sync_status"].update(batches={}),
            r"status\.historical_sync_status\.batches: Input should be a valid list",
        ),
        (
            lambda d: d["status"]["historical_sync_status"]["batches"][0].update(config="x"),
            r"status\.historical_sync_status\.batches\.0\.config: ",
        ),
        (lambda d: d.pop("connection"), r"connection: Field required"),
    ],
)
def test_objects_and_lists_of_the_wrong_kind_are_api_errors(mutate: Any, where: str) -> None:
    with pytest.raises(ApiError, match=where):
        _status(mutate)


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ([], r"/connections: the document: Input should be a valid object"),
        ({"connections": None}, r"connections: Input should be a valid list"),
        ({"connections": [None]}, r"connections\.0: Input should be a valid object"),
        ({"connections": [{"id": "a", "access_token": 5}]}, r"connections\.0\.access_token: "),
    ],
)
def test_listings_rutterctl_cannot_use_are_api_errors(body: object, where: str) -> None:
    with pytest.raises(ApiError, match=where):
        parse(convert.connection_summaries, body, "/connections")


def test_store_flags_are_checked_even_though_unused() -> None:
    doc = builders.access_token_doc()
    doc["connection"]["disabled"] = {}
    with pytest.raises(ApiError, match=r"connection\.disabled: Input should be a valid boolean"):
        parse(convert.store_info, doc, "/connections/access_token")
