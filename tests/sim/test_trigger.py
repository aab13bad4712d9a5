"""`POST /_sim/connections/{ref}/webhooks` and `rutterctl sim trigger|events`: payloads as
documented, state changes for lifecycle codes, and the delivery variants a receiver must face."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from rutterctl.domain.signature import Kind, verify
from rutterctl.sim.app import SimApp
from rutterctl.sim.state import DEFAULT_CLIENT_SECRET
from rutterctl.sim.webhooks import SIGNATURE_HEADER, WebhookDispatcher

from tests.fakes import invoke
from tests.sim.support import CLI_BASE_URL, harness

SIM_CREDS = {
    "RUTTER_BASE_URL": CLI_BASE_URL,
    "RUTTER_CLIENT_ID": "rutterctl-sim",
    "RUTTER_CLIENT_SECRET": DEFAULT_CLIENT_SECRET,
}


def _trigger(h: Any, ref: str, **body: Any) -> httpx.Response:
    response: httpx.Response = h.control("POST", f"/connections/{ref}/webhooks", body)
    return response


def test_documented_payloads() -> None:
    h = harness("batching")
    # The real thing: batch 2 (8 months of customers) completes after 35 simulated minutes.
    events = h.control("POST", "/clock/advance", {"duration": "35m"}).json()["events"]
    historical = [e["payload"] for e in events if e["payload"]["code"] == "HISTORICAL_UPDATE"]
    assert historical[0]["entities_included_to_time_range"] == [
        {"platformEntity": "customers", "xMonthsAgo": 8}
    ]
    needs = _trigger(h, "acme-batching", code="CONNECTION_NEEDS_UPDATE").json()["events"][0]
    assert needs["payload"]["update_url"].startswith("https://link.rutter-sim.invalid/")
    assert h.sim.get("acme-batching").stage(h.sim.now()) == "NEEDS_UPDATE"  # a state change
    updated = _trigger(h, "acme-batching", code="CONNECTION_UPDATED").json()["events"][0]
    assert updated["payload"]["store_unique_id"] == h.sim.get("acme-batching").store_unique_id
    assert [e.code for e in h.delivered][-2:] == ["CONNECTION_NEEDS_UPDATE", "CONNECTION_UPDATED"]


def test_webhook_only_codes_leave_the_stage_alone() -> None:
    h = harness()
    before = h.sim.get("acme-initial").stage(h.sim.now())
    doc = _trigger(h, "acme-initial", code="INITIAL_UPDATE").json()
    assert doc["events"][0]["payload"]["code"] == "INITIAL_UPDATE"
    assert h.sim.get("acme-initial").stage(h.sim.now()) == before == "INITIAL_SYNC"
    odd = _trigger(h, "acme-ongoing", code="WIDGET_SPUN", fields={"colour": "red"}).json()
    assert odd["events"][0]["payload"]["type"] == "WIDGET"
    assert odd["events"][0]["payload"]["colour"] == "red"
    order = _trigger(h, "acme-ongoing", code="ORDER_CREATED").json()["events"][0]["payload"]
    assert order["type"] == "ORDER" and "id" in order["order"]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"code": "lower"}, 400, "upper case"),
        ({"code": "ORDER_CREATED", "signature": "rot13"}, 400, "signature must be one of"),
        ({"code": "ORDER_CREATED", "copies": 0}, 400, "copies must be"),
        ({"code": "CONNECTION_UPDATED"}, 409, "neither disabled nor waiting"),
        ({"code": "CONNECTION_DISABLED", "fields": {"x": 1}}, 400, "state change"),
    ],
)
def test_bad_triggers(body: dict[str, Any], status: int, message: str) -> None:
    response = _trigger(harness(), "acme-ongoing", **body)
    assert response.status_code == status and message in response.json()["error"]


def test_delivery_variants_and_copies() -> None:
    h = harness()
    seen: list[httpx.Request] = []

    def receive(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    hooks = WebhookDispatcher(
        "http://hooks.test/", DEFAULT_CLIENT_SECRET, transport=httpx.MockTransport(receive)
    )
    h.sim.on_events = hooks.publish
    expected = {
        "valid": Kind.VALID,
        "hex": Kind.HEX,
        "reserialized": Kind.RESERIALIZED,
        "tampered": Kind.MISMATCH,
        "unsigned": Kind.MISSING,
    }
    for how in expected:
        _trigger(h, "acme-ongoing", code="ORDER_UPDATED", signature=how)
    _trigger(h, "acme-ongoing", code="PRODUCT_CREATED", copies=3)
    hooks.run_pending()
    kinds = [
        verify(r.content, r.headers.get(SIGNATURE_HEADER), DEFAULT_CLIENT_SECRET).kind for r in seen
    ]
    assert kinds == [*expected.values(), Kind.VALID, Kind.VALID, Kind.VALID]
    assert len({r.content for r in seen[-3:]}) == 1  # the same delivery, three times
    assert json.loads(seen[3].content)["tampered"] is True


def test_cli_trigger_and_events() -> None:
    h = harness()
    transport = httpx.WSGITransport(app=SimApp(h.sim))
    result = invoke(
        ["sim", "trigger", "acme-ongoing", "order_created", "--signature", "hex", "--copies", "2"],
        env=SIM_CREDS,
        transport=transport,
    )
    assert result.exit_code == 0, result.stderr
    assert "this simulator has no --webhook-url, so the webhook went nowhere" in result.stderr
    assert result.stdout.startswith("fired ORDER_CREATED for acme-ongoing (event ")
    assert result.stdout.endswith(", hex signature, 2 copies)\n")
    assert h.delivered[-1].delivery == {"signature": "hex", "copies": 2}
    h.sim.webhook_url = "http://127.0.0.1:9/webhooks"
    disabled = invoke(
        ["sim", "trigger", "acme-ongoing", "CONNECTION_DISABLED", "--reason", "SHOP_IS_LOCKED"],
        env=SIM_CREDS,
        transport=transport,
    )
    assert disabled.exit_code == 0
    assert disabled.stderr == ""  # sent somewhere: nothing to warn of
    assert h.sim.get("acme-ongoing").pause is not None
    typo = invoke(["sim", "trigger", "acme-ongoing", "ORDER_CRATED"], env=SIM_CREDS,
                  transport=transport)  # fmt: skip
    assert typo.exit_code == 0 and typo.stdout.startswith("fired ORDER_CRATED")
    assert typo.stderr == (
        "note: EVENT ORDER_CRATED is not a code Rutter documents; did you mean ORDER_CREATED? "
        "(sent as given)\n"
    )
    refused = invoke(["sim", "trigger", "nobody", "X"], env=SIM_CREDS, transport=transport)
    assert refused.exit_code == 3  # a CONNECTION not found, as for every command
    assert refused.stderr.startswith("error: no connection with name, id or access token")
    listing = invoke(["sim", "events"], env={})
    assert listing.exit_code == 0
    assert "CONNECTION_NEEDS_UPDATE" in listing.stdout and "state change" in listing.stdout


def test_cli_trigger_without_a_simulator() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    result = invoke(
        ["sim", "trigger", "a", "INITIAL_UPDATE"],
        env=SIM_CREDS,
        transport=httpx.MockTransport(down),
    )
    assert result.exit_code == 7
    assert "cannot reach the simulator" in result.stderr and "sim serve" in result.stderr


def test_tab_completes_event_codes_and_signatures() -> None:
    from rutterctl.cli.sim_trigger import _codes, _signatures

    assert _codes("connection_") == [
        "CONNECTION_NEEDS_UPDATE",
        "CONNECTION_UPDATED",
        "CONNECTION_DISABLED",
    ]
    assert _signatures("") == ["valid", "hex", "reserialized", "tampered", "unsigned"]
