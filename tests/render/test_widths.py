"""Every terminal view at 80, 100 and 140 columns: no line wider than the terminal, and the
values people copy or compare (ids, URLs, amounts, reasons, store names) whole."""

from __future__ import annotations

from typing import Any

import pytest
from rutterctl.render import term

from tests import builders
from tests.builders import CONNECTION_ID, fake_rutter, respond
from tests.fakes import invoke, pin_terminal, visible

WIDTHS = (80, 100, 140)
LINK = "https://link.rutterapi.com/connection/2fee5910-e0c6-410a-a7a2-c58c9b69b0b3"
STORE = "Acme Historical Outfitters"
IDS = [f"{n}1111111-2222-4333-8444-55555555555{n}" for n in range(1, 4)]
TOKENS = [f"{n}aaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeee{n}" for n in range(1, 4)]


def status_doc(**flags: Any) -> dict[str, Any]:
    doc = builders.status_doc(**flags)
    doc["status"]["link_url"] = LINK
    doc["status"]["platform"] = doc["connection"]["platform"] = "BIG_COMMERCE"
    return doc


def shown(args: list[str], width: int, monkeypatch: pytest.MonkeyPatch, **routes: Any) -> str:
    pin_terminal(monkeypatch, width)
    rutter = fake_rutter(
        routes.pop("status", respond(200, status_doc())),
        connections=routes.pop("connections", respond(200, builders.connections_doc())),
        store=respond(200, builders.access_token_doc(name=STORE)),
        **routes,
    )
    result = invoke(args, transport=rutter.transport, tty=True)
    assert result.exit_code in (0, 6), result.stderr
    text = visible(result.stdout)
    too_wide = [line for line in text.splitlines() if len(line) > width]
    assert not too_wide, f"wider than {width}: {too_wide}"
    return text


@pytest.mark.parametrize("width", WIDTHS)
def test_status_of_a_connection_needing_an_update(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = status_doc(needs_update=True)
    text = shown(["status", CONNECTION_ID], width, monkeypatch, status=respond(200, doc))
    assert LINK in text.split() and CONNECTION_ID in text and STORE in text
    assert "BIG_COMMERCE" in text.split()


@pytest.mark.parametrize("width", WIDTHS)
def test_status_of_a_disabled_connection(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = status_doc(disabled=True, reason="SHOP_IS_DISABLED_OR_EXPIRED")
    text = shown(["status", CONNECTION_ID], width, monkeypatch, status=respond(200, doc))
    assert "SHOP_IS_DISABLED_OR_EXPIRED" in text.split() and LINK in text.split()
    assert "2026-05-28T00:00:00Z" in text  # the entities' dates


@pytest.mark.parametrize("width", WIDTHS)
def test_batches(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    batches = [
        builders.batch_doc(1, {"orders": "COMPLETED"}, months=None),
        builders.batch_doc(
            2,
            {"products": "IN_PROGRESS"},
            entities={"products": {"variants": {"inventory": "PREFERRED_BUT_OPTIONAL"}}},
        ),
    ]
    doc = status_doc(batches=batches)
    text = shown(["batches", CONNECTION_ID], width, monkeypatch, status=respond(200, doc))
    assert CONNECTION_ID in text and "PREFERRED_BUT_OPTIONAL" in text
    assert "fires HISTORICAL_UPDATE" in " ".join(text.split())


@pytest.mark.parametrize("width", WIDTHS)
def test_reasons_catalogue_and_one_connection(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    text = shown(["reasons"], width, monkeypatch)
    for reason in (
        "SHOP_IS_DISABLED_OR_EXPIRED",
        "FAILED TO AUTHENTICATE",
        "WEB_SERVICE_IS_DISABLED",
    ):
        assert reason in text
    doc = status_doc(disabled=True, reason="SHOP_PAYMENT_REQUIRED")
    text = shown(["reasons", CONNECTION_ID], width, monkeypatch, status=respond(200, doc))
    assert "SHOP_PAYMENT_REQUIRED" in text.split() and LINK in text.split()


def _fleet() -> dict[str, Any]:
    doc = builders.connections_doc(*zip(IDS, TOKENS, strict=True))
    platforms = ["SHOPIFY", "WOO_COMMERCE", "BIG_COMMERCE"]
    for item, platform in zip(doc["connections"], platforms, strict=True):
        item["platform"] = platform
    return doc


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("details", [False, True])
def test_connections_list(width: int, details: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["connections", "list"] + (["--details"] if details else [])
    text = shown(args, width, monkeypatch, connections=respond(200, _fleet()))
    words = text.split()
    assert all(cid in words for cid in IDS)
    if details:
        assert text.count(STORE) == 3 and words.count("HISTORICAL_SYNC") == 3
        # The case: headings and platforms never squeezed into 2-letter pieces.
        assert "pl" not in words and "SH" not in words
    else:
        assert {"SHOPIFY", "WOO_COMMERCE", "BIG_COMMERCE"} <= set(words)
    if width == 80 and details:
        assert "not shown at 80 columns: platform" in text and "-o json" in text


@pytest.mark.parametrize("width", WIDTHS)
def test_connections_find(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    text = shown(
        ["connections", "find", "acme"], width, monkeypatch, connections=respond(200, _fleet())
    )
    words = text.split()
    assert all(cid in words for cid in IDS) and text.count(STORE) == 3
    # find reads no stage: no column of dashes; what it matched on shows as room allows.
    assert "stage" not in words and "-" not in words
    # Dropped in this order: the times, the domain, and only then the platform.
    assert {"SHOPIFY", "WOO_COMMERCE", "BIG_COMMERCE"} <= set(words)
    assert (words.count("acme.example") == 3) == (width >= 100)
    if width == 80:
        assert "not shown at 80 columns: created, updated, domain" in text


AMOUNTS = ["409.11", "52.3", "100000.99"]
RECORD_IDS = [f"{n}eeeeeee-dddd-4ccc-8bbb-aaaaaaaaaaa{n}" for n in range(3)]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("entity", ["orders", "transactions"])
def test_fetch_never_cuts_money(width: int, entity: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if entity == "orders":
        records = [
            builders.order(i, total=float(a)) for i, a in zip(RECORD_IDS, AMOUNTS, strict=True)
        ]
        page = builders.orders_doc(records)
    else:
        records = [
            builders.transaction(i, amount=float(a))
            for i, a in zip(RECORD_IDS, AMOUNTS, strict=True)
        ]
        for record in records:
            record["order_id"] = CONNECTION_ID  # another 36-character id
        page = builders.transactions_doc(records)
    text = shown(["fetch", entity, CONNECTION_ID], width, monkeypatch,
                 **{entity: respond(200, page)})  # fmt: skip
    words = text.split()
    assert all(amount in words for amount in AMOUNTS) and all(i in words for i in RECORD_IDS)
    assert words.count("USD") == 3  # the currency of every amount
    if width == 80:
        assert "not shown at 80 columns" in text and "-o json" in text
    if width == 140:
        assert "not shown" not in text


@pytest.mark.parametrize("width", WIDTHS)
def test_wait_ready_live_line_keeps_elapsed_and_batches(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["orders", "transactions", "products", "customers", "payouts", "refunds"]
    doc = status_doc(total={n: builders.total_doc(True, count=123456) for n in names})
    pin_terminal(monkeypatch, width)
    rutter = fake_rutter(respond(200, doc))
    result = invoke(["wait-ready", CONNECTION_ID], transport=rutter.transport, tty=True)
    assert result.exit_code == 0, result.stderr
    line = result.stderr.split(term.CLEAR_LINE)[1].splitlines()[0]
    assert len(line) < width
    assert line.startswith(f"{CONNECTION_ID}: HISTORICAL_SYNC")
    # An id typed as the name takes 36 columns: at 80, terser forms of the essentials.
    terse = "batches 1/2, elapsed 0s" if width == 80 else "batches 1 of 2, elapsed 0s"
    assert line.endswith(terse)
    assert ("synced orders 123456" in line) == (width == 140)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_demo_screens(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo on a terminal: every screen (list, status, reasons, batches, fetch, wait)."""
    pin_terminal(monkeypatch, width)
    result = invoke(["demo"], tty=True, env={})
    assert result.exit_code == 0, result.stderr
    text = visible(result.stdout)
    too_wide = [line for line in text.splitlines() if len(line) > width]
    assert not too_wide, f"wider than {width}: {too_wide}"
    words = text.split()
    for store in ("Acme Initial Store", "Acme Historical Store", "Acme Needs Update Store"):
        assert store in text
    assert "SHOP_PAYMENT_REQUIRED" in words and "FAILED TO AUTHENTICATE" in text
    assert any(w.startswith("https://") and "/connection/" in w for w in words)  # link_url whole
