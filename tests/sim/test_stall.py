"""The simulator stalls a connection on purpose: same stage, nothing moves, no webhook; or
fails the batch under way (FAILED in the status document, the sync stopped there)."""

from __future__ import annotations

from typing import Any

import pytest
from rutterctl.sim.scenario_file import SpecError, parse_scenario

from tests.sim.support import Harness, harness
from tests.spec import validate_response


def status(h: Harness, name: str) -> dict[str, Any]:
    doc: dict[str, Any] = h.get("/connections/status", access_token=h.token(name)).json()
    return doc["status"]


def moving_parts(doc: dict[str, Any]) -> Any:
    history = doc["historical_sync_status"]
    return (
        doc["is_ready"],
        doc["last_sync_completed_at"],
        history["num_batches_completed"],
        history["total"],
        history["batches"],
    )


def test_a_stalled_initial_sync_stops_moving_until_resumed() -> None:
    h = harness()
    h.control("POST", "/clock/advance", {"duration": "5m"})
    body = h.control("POST", "/connections/acme-initial/stall").json()
    assert body["events"] == []  # Rutter announces nothing when a sync silently stops
    assert body["connection"]["stalled_since"] == "2026-11-28T12:05:00.000Z"
    frozen = status(h, "acme-initial")
    events = h.control("POST", "/clock/advance", {"duration": "3h"}).json()["events"]
    assert [e for e in events if e["connection"] == "acme-initial"] == []
    assert moving_parts(status(h, "acme-initial")) == moving_parts(frozen)
    assert h.control("GET", "/connections/acme-initial").json()["stage"] == "INITIAL_SYNC"
    # Resumed, it carries on from where it stopped: batch 1 needs its remaining 15 minutes.
    resumed = h.control("POST", "/connections/acme-initial/resume").json()["connection"]
    assert resumed["stalled_since"] is None
    events = h.control("POST", "/clock/advance", {"duration": "16m"}).json()["events"]
    assert "INITIAL_UPDATE" in [e["payload"]["code"] for e in events]


def test_a_stalled_ongoing_connection_stops_syncing() -> None:
    h = harness()
    h.control("POST", "/connections/acme-ongoing/stall")
    before = status(h, "acme-ongoing")["last_sync_completed_at"]
    h.control("POST", "/clock/advance", {"duration": "1h"})
    assert status(h, "acme-ongoing")["last_sync_completed_at"] == before


def test_a_stall_and_a_pause_overlap_without_losing_time() -> None:
    """Disabled while stalled, reconnected, still stalled: the sync clock stays stopped until
    the stall ends too, and then runs again from where it stopped."""
    h = harness()
    h.control("POST", "/connections/acme-initial/stall")
    h.control("POST", "/connections/acme-initial/disable", {"reason": "TUNNEL_ERROR"})
    h.control("POST", "/clock/advance", {"duration": "1h"})
    h.control("POST", "/connections/acme-initial/reconnect")
    h.control("POST", "/clock/advance", {"duration": "1h"})
    assert status(h, "acme-initial")["is_ready"] is False
    h.control("POST", "/connections/acme-initial/resume")
    h.control("POST", "/clock/advance", {"duration": "21m"})
    assert status(h, "acme-initial")["is_ready"] is True


def test_stall_and_resume_are_idempotent() -> None:
    h = harness()
    for _ in range(2):
        assert h.control("POST", "/connections/acme-historical/stall").status_code == 200
    for _ in range(2):
        assert h.control("POST", "/connections/acme-historical/resume").status_code == 200
    assert h.control("POST", "/connections/nobody/stall").status_code == 404


def test_the_stalled_scenario() -> None:
    h = harness("stalled")
    stuck = status(h, "stuck-initial")
    ongoing = status(h, "stuck-ongoing")
    slow = status(h, "slow-initial")
    h.control("POST", "/clock/advance", {"duration": "30m"})
    assert moving_parts(status(h, "stuck-initial")) == moving_parts(stuck)
    assert stuck["historical_sync_status"]["total"]["orders"]["synced_count"] > 0
    # No sync for an hour before the start, and none since.
    assert ongoing["last_sync_completed_at"] <= "2026-11-28T11:00:00.000Z"
    assert status(h, "stuck-ongoing")["last_sync_completed_at"] == ongoing["last_sync_completed_at"]
    moved = status(h, "slow-initial")
    assert moved["is_ready"] is False
    count = moved["historical_sync_status"]["total"]["orders"]["synced_count"]
    assert count > slow["historical_sync_status"]["total"]["orders"]["synced_count"]


def test_a_scenario_file_scripts_a_stall_and_its_end() -> None:
    scenario = parse_scenario(
        {
            "connections": [
                {
                    "name": "flaky",
                    "events": [{"at": "10m", "action": "stall"}, {"at": "2h", "action": "resume"}],
                }
            ]
        },
        name="flaky",
    )
    h = harness(scenario)
    h.control("POST", "/clock/advance", {"duration": "1h"})
    assert h.control("GET", "/connections/flaky").json()["stalled_since"] is not None
    assert status(h, "flaky")["is_ready"] is False
    h.control("POST", "/clock/advance", {"duration": "1h11m"})
    assert h.control("GET", "/connections/flaky").json()["stalled_since"] is None
    assert status(h, "flaky")["is_ready"] is True


def batch_statuses(h: Harness, name: str) -> list[dict[str, str]]:
    batches = status(h, name)["historical_sync_status"]["batches"]
    return [{k: v["status"] for k, v in b["progress_info"].items()} for b in batches]


def test_a_failed_batch_shows_failed_stops_the_sync_and_resume_retries_it() -> None:
    h = harness()
    body = h.control("POST", "/connections/acme-historical/fail-batch").json()
    assert body["events"] == []  # no webhook announces it; the status document shows it
    assert body["connection"]["failed_batch"] == {"batch_num": 2, "entities": ["customers"]}
    doc = h.get("/connections/status", access_token=h.token("acme-historical")).json()
    validate_response("/connections/status", doc)  # FAILED is in the spec's enum
    assert batch_statuses(h, "acme-historical")[1] == {"customers": "FAILED"}
    frozen = status(h, "acme-historical")
    h.control("POST", "/clock/advance", {"duration": "2h"})
    assert moving_parts(status(h, "acme-historical")) == moving_parts(frozen)
    resumed = h.control("POST", "/connections/acme-historical/resume").json()["connection"]
    assert (resumed["failed_batch"], resumed["stalled_since"]) == (None, None)
    h.control("POST", "/clock/advance", {"duration": "2h"})
    assert batch_statuses(h, "acme-historical")[1] == {"customers": "COMPLETED"}


def test_one_entity_of_a_batch_fails_and_the_others_keep_their_status() -> None:
    h = harness()
    h.control("POST", "/clock/advance", {"duration": "5m"})
    body = h.control("POST", "/connections/acme-initial/fail-batch", {"entity": "orders"}).json()
    assert body["connection"]["failed_batch"] == {"batch_num": 1, "entities": ["orders"]}
    assert batch_statuses(h, "acme-initial")[0] == {"orders": "FAILED", "products": "IN_PROGRESS"}


def test_a_batch_failure_is_refused_when_there_is_nothing_to_fail() -> None:
    h = harness()
    done = h.control("POST", "/connections/acme-ongoing/fail-batch")
    assert done.status_code == 409
    assert "history is complete" in done.json()["error"]
    unknown = h.control("POST", "/connections/acme-initial/fail-batch", {"entity": "invoices"})
    assert unknown.status_code == 400
    assert "orders, products" in unknown.json()["error"]
    assert h.control("GET", "/connections/acme-initial").json()["failed_batch"] is None


def test_a_scenario_file_scripts_a_failed_batch() -> None:
    scenario = parse_scenario(
        {
            "connections": [
                {
                    "name": "broken",
                    "template": "historical",
                    "events": [{"at": "-1m", "action": "fail_batch", "entity": "customers"}],
                },
                {"name": "late", "events": [{"at": "10m", "action": "fail_batch"}]},
            ]
        },
        name="broken",
    )
    h = harness(scenario)
    assert batch_statuses(h, "broken")[1] == {"customers": "FAILED"}
    assert "FAILED" not in str(batch_statuses(h, "late"))
    h.control("POST", "/clock/advance", {"duration": "11m"})
    assert set(batch_statuses(h, "late")[0].values()) == {"FAILED"}
    with pytest.raises(SpecError, match='only for action = "fail_batch"'):
        parse_scenario(
            {
                "connections": [
                    {"name": "x", "events": [{"at": 0, "action": "stall", "entity": "o"}]}
                ]
            },
            name="x",
        )
