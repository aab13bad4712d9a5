"""listen's event lines follow the layout rule on a terminal: nothing wider than it, ids whole."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from rutterctl.domain.webhooks import Delivery, ForwardOutcome, parse_event
from rutterctl.render.webhook_view import delivery_line

CONNECTION = "2fee5910-e0c6-410a-a7a2-c58c9b69b0b3"
UPDATE_URL = "https://link.rutter-sim.invalid/connection/" + CONNECTION
BODY = {
    "type": "CONNECTION",
    "code": "CONNECTION_NEEDS_UPDATE",
    "connection_id": CONNECTION,
    "update_url": UPDATE_URL,
    "newer_field": 1,
}


def delivery(**kw: object) -> Delivery:
    event = parse_event(json.dumps(BODY).encode())
    base = dict(received_at=datetime(2026, 12, 1, 13, 4, 2, tzinfo=UTC), status=200)
    return Delivery(digest="d" * 64, event=event, **{**base, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize("width", [80, 100, 140])
def test_a_long_event_keeps_to_the_terminal_and_its_values_whole(width: int) -> None:
    forward = ForwardOutcome("http://127.0.0.1:9/hook", 200)
    text = delivery_line(delivery(store="store-unique-1234567", duplicate=True), forward, width)
    lines = text.split("\n")
    assert all(len(line) < width for line in lines), lines
    words = text.split()
    assert CONNECTION in words and "CONNECTION_NEEDS_UPDATE" in words
    assert any(UPDATE_URL in word for word in words)
    assert "duplicate;" in words or "duplicate" in words
    assert lines[0].startswith("13:04:02Z" if len(lines) > 1 else "2026-12-01T13:04:02Z")


def test_piped_every_event_is_one_line() -> None:
    text = delivery_line(delivery(store="store-unique-1234567"), None, None)
    assert "\n" not in text and len(text) > 80
    assert text.startswith("2026-12-01T13:04:02Z  CONNECTION_NEEDS_UPDATE  " + CONNECTION)


def test_the_ndjson_object_is_the_documented_contract() -> None:
    """README's `listen -o ndjson` keys, exactly (a contract: keys may only be added)."""
    from rutterctl.domain.signature import Kind, Verdict
    from rutterctl.render.webhook_view import delivery_doc

    verdict = Verdict(Kind.HEX, "hex")
    doc = delivery_doc(
        delivery(status=401, verdict=verdict), ForwardOutcome("http://127.0.0.1:9/hook", 204)
    )
    assert list(doc) == [
        "received_at",
        "status",
        "code",
        "type",
        "connection_id",
        "store_unique_id",
        "known_code",
        "duplicate",
        "signature",
        "error",
        "forward",
        "body_sha256",
        "payload",
    ]
    assert doc["signature"] == {
        "valid": False,
        "kind": "hex",
        "message": "hex",
        "matches_body": None,
        "matches_profile": None,
    }
    assert doc["forward"] == {"url": "http://127.0.0.1:9/hook", "status": 204, "error": None}
    assert doc["received_at"] == "2026-12-01T13:04:02Z" and doc["payload"]["newer_field"] == 1
    json.dumps(doc)  # serialisable as it is
