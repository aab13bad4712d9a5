"""Issue 5's "done means": `batches` and `reasons` work on every connection of every built-in
simulator scenario, piped, on a terminal and as JSON, as the simulator's clock moves on.

The real CLI in process against the simulator (httpx.WSGITransport), addressed by id as a
support ticket would be, with the JSON checked against the documented contracts.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from rutterctl.domain.reasons import DISCLAIMER
from rutterctl.sim.scenarios import BUILTINS

from tests.fakes import invoke
from tests.sim.support import Harness, cli_env, harness, transport

BATCH_KEYS = {"batch_num", "webhook", "status", "time_frame_months", "entities"}
ENTITY_KEYS = {"name", "priority", "status", "oldest", "newest"}
REASON_KEYS = {"reason", "kind", "meaning", "actor", "action", "reauth_helps"}
# Moments of each scenario: at start, mid-way through the batching templates, after them.
MOMENTS = [0, 35 * 60, 4 * 3600]


@pytest.fixture(autouse=True)
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "100")


def run(h: Harness, *args: str, tty: bool = False) -> Any:
    # Each command starts in a fresh rate-limit window (`rate-limited` allows 5 per second;
    # the simulator's real-time clock moves only by hand here).
    h.real.t += 2.0
    result = invoke(list(args), transport=transport(h.sim), env=cli_env(h.sim), tty=tty)
    assert result.exit_code == 0, (args, result.stderr)
    assert result.stderr == "", (args, result.stderr)
    assert "Traceback" not in result.stdout
    return result


def check_batches_json(doc: dict[str, Any], connection_id: str) -> None:
    assert doc["connection_id"] == connection_id
    assert doc["stage"] in {
        "DISABLED",
        "NEEDS_UPDATE",
        "INITIAL_SYNC",
        "HISTORICAL_SYNC",
        "ONGOING_SYNC",
    }
    assert isinstance(doc["num_batches_completed"], int)
    assert doc["batches"], "always at least one batch (the implicit one without batching)"
    for index, batch in enumerate(doc["batches"]):
        assert set(batch) == BATCH_KEYS
        assert batch["webhook"] == ("INITIAL_UPDATE" if index == 0 else "HISTORICAL_UPDATE")
        assert batch["status"] in {"NOT_STARTED", "IN_PROGRESS", "COMPLETED", "FAILED"}
        for entity in batch["entities"]:
            assert set(entity) == ENTITY_KEYS
    assert doc["ongoing"]["webhooks"] == [
        "ORDER_CREATED",
        "ORDER_UPDATED",
        "PRODUCT_CREATED",
        "PRODUCT_UPDATED",
    ]
    if doc["stage"] == "ONGOING_SYNC":
        assert doc["ongoing"]["active"] is True
    if doc["stage"] in ("INITIAL_SYNC", "HISTORICAL_SYNC"):
        assert doc["ongoing"]["active"] is False


def check_reasons_json(doc: dict[str, Any], connection_id: str) -> None:
    assert doc["connection_id"] == connection_id
    stage = doc["stage"]
    if stage == "DISABLED":
        assert doc["explanation"]["reason"] == doc["disabled_reason"]
        assert doc["explanation"]["kind"] == "disabled"
    elif stage == "NEEDS_UPDATE":
        assert doc["explanation"]["kind"] == "needs_update"
        assert doc["link_url"], "re-authentication is the fix: link_url is shown"
    else:
        assert doc["explanation"] is None and doc["link_url"] is None
    if doc["explanation"] is not None:
        assert set(doc["explanation"]) == REASON_KEYS


@pytest.mark.parametrize("scenario", sorted(BUILTINS))
def test_batches_and_reasons_on_every_connection_of_every_builtin_scenario(
    scenario: str,
) -> None:
    h = harness(scenario)
    sim = h.sim
    assert sim.connections, f"scenario {scenario} has connections"
    stages_seen: set[str] = set()
    for moment in MOMENTS:
        sim.advance(moment - (sim.now() - sim.started))
        for conn in sim.connections.values():
            plain = run(h, "batches", conn.id).stdout
            assert plain.startswith(f"connection:  {conn.id}\n")
            assert "answered by: profile default · http://127.0.0.1/versioned\n" in plain
            assert plain.rstrip("\n").splitlines()[-1].startswith("ongoing sync: ")
            tty = run(h, "batches", conn.id, tty=True).stdout
            assert conn.id in tty and "\t" not in tty
            doc = json.loads(run(h, "batches", conn.id, "-o", "json").stdout)
            check_batches_json(doc, conn.id)
            stages_seen.add(doc["stage"])

            explained = run(h, "reasons", conn.id).stdout
            assert "stage:" in explained and conn.id in explained
            assert conn.id in run(h, "reasons", conn.id, tty=True).stdout
            check_reasons_json(json.loads(run(h, "reasons", conn.id, "-o", "json").stdout), conn.id)
            if doc["stage"] in ("DISABLED", "NEEDS_UPDATE"):
                assert DISCLAIMER.split(";")[0] in explained.replace("\n", " ")
    assert stages_seen


def test_every_reason_of_the_disabled_scenario_is_explained_by_name() -> None:
    h = harness("disabled")
    sim = h.sim
    seen = set()
    for conn in sim.connections.values():
        doc = json.loads(run(h, "reasons", conn.id, "-o", "json").stdout)
        assert doc["stage"] == "DISABLED"
        assert "does not know" not in doc["explanation"]["meaning"]
        seen.add(doc["disabled_reason"])
    assert len(seen) == 15 and "FAILED TO AUTHENTICATE" in seen


def test_a_made_up_reason_and_a_null_reason_from_the_simulator() -> None:
    h = harness("fleet")
    sim = h.sim
    conn = sim.get("acme-ongoing")
    sim.disable("acme-ongoing", "SHOP_ON_FIRE", allow_unknown=True)
    doc = json.loads(run(h, "reasons", conn.id, "-o", "json").stdout)
    assert (doc["disabled_reason"], doc["explanation"]["reauth_helps"]) == ("SHOP_ON_FIRE", None)
    assert "SHOP_ON_FIRE" in run(h, "reasons", conn.id).stdout
    assert "paused" in run(h, "batches", conn.id).stdout.splitlines()[-1]


def test_the_catalogue_needs_no_simulator_and_lists_17_entries() -> None:
    result = invoke(["reasons", "-o", "json"], env={})
    assert result.exit_code == 0, result.stderr
    entries = json.loads(result.stdout)
    assert len(entries) == 17 and all(set(e) == REASON_KEYS for e in entries)
