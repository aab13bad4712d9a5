"""Every body the simulator serves validates against the 2023-03-14 spec extract, in every
stage and at every point of the sync (status, connections, access_token, orders, transactions)."""

from __future__ import annotations

import pytest
from rutterctl.sim.model import ConnectionSpec, Scenario
from rutterctl.sim.scenarios import ALL_AT_ONCE, BUILTINS

from tests.sim.support import harness
from tests.spec import validate_response

CHECKPOINTS = [0, 60, 600, 1200, 1500, 2100, 3000, 4500, 4600, 86400]


def check_everything(h) -> set[str]:
    validate_response("/connections", h.get("/connections").json())
    stages = set()
    for conn in list(h.sim.connections.values()):
        stages.add(conn.stage(h.sim.now()))
        token = conn.access_token
        for path in ("/connections/status", "/connections/access_token"):
            response = h.get(path, access_token=token)
            assert response.status_code == 200
            validate_response(path, response.json())
        for path in ("/orders", "/transactions"):
            for params in (
                {"limit": 20},
                {"limit": 3, "force_fetch": "true", "expand": "transactions"},
            ):
                response = h.get(path, access_token=token, **params)
                if response.status_code == 200:
                    validate_response(path, response.json())
                else:
                    assert response.json()["error_code"] in {
                        "PRODUCT_NOT_READY",
                        "NEEDS_UPDATE",
                        "CONNECTION_DISABLED",
                    }
    return stages


@pytest.mark.parametrize("scenario", sorted(set(BUILTINS) - {"disabled"}))
def test_builtin_scenarios_serve_spec_valid_documents_throughout(scenario: str) -> None:
    h = harness(scenario, rate_limit=(1_000_000, 1.0))  # rate-limited's 5/1s is tested elsewhere
    previous = 0
    seen: set[str] = set()
    for at in CHECKPOINTS:
        h.sim.advance(at - previous)
        previous = at
        seen |= check_everything(h)
    if scenario == "fleet":
        assert seen == {
            "INITIAL_SYNC",
            "HISTORICAL_SYNC",
            "ONGOING_SYNC",
            "NEEDS_UPDATE",
            "DISABLED",
        }


def test_every_disabled_reason_validates() -> None:
    assert check_everything(harness("disabled")) == {"DISABLED"}


def test_paused_mid_sync_and_reconnected_validates() -> None:
    h = harness("batching")
    h.sim.advance(1500)
    h.sim.needs_update("acme-batching")
    check_everything(h)
    h.sim.disable("acme-batching", "SHOP_IS_LOCKED")
    check_everything(h)
    h.sim.reconnect("acme-batching")
    assert check_everything(h) == {"HISTORICAL_SYNC"}


def test_no_batching_and_null_config_validate() -> None:
    scenario = Scenario(
        "t",
        "",
        (
            ConnectionSpec(name="no-batches", show_batches=False),
            ConnectionSpec(name="null-config", batches=ALL_AT_ONCE),
        ),
    )
    h = harness(scenario)
    check_everything(h)
    hidden = h.get("/connections/status", access_token=h.token("no-batches")).json()["status"]
    assert hidden["historical_sync_status"]["batches"] == []
    assert hidden["historical_sync_status"]["num_batches_completed"] is None
    shown = h.get("/connections/status", access_token=h.token("null-config")).json()["status"]
    [batch] = shown["historical_sync_status"]["batches"]
    assert batch["config"] is None and batch["progress_info"]["orders"]["status"] == "COMPLETED"
    h.sim.advance(600)
    check_everything(h)
