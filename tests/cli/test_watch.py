"""`rutterctl watch` in process against the simulator, its clock moved by the command's own
(fake) sleeps: one NDJSON line per change, --until, --timeout, and a 1000-connection fleet
polled under the budget with zero 429s."""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any

import httpx
import pytest
from rutterctl.domain.watch import EVENTS
from rutterctl.sim.model import Scenario
from rutterctl.sim.scenarios import from_template
from rutterctl.sim.state import Simulator

from tests.fakes import Result, invoke
from tests.sim.clocked import SimClock, clocked
from tests.sim.support import cli_env, transport

KEYS = ["event", "connection", "connection_id", "at", "from", "to", "stage"]


class Counting(httpx.BaseTransport):
    """The simulator's transport, counting answers by status and status requests by token."""

    def __init__(self, sim: Simulator) -> None:
        self.inner = transport(sim)
        self.lock = threading.Lock()
        self.statuses: Counter[int] = Counter()
        self.polls: Counter[str] = Counter()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        with self.lock:
            self.statuses[response.status_code] += 1
            if request.url.path.endswith("/connections/status"):
                self.polls[request.url.params["access_token"]] += 1
        return response


def watch(sim: Simulator, clock: SimClock, *args: str, counting: Counting | None = None) -> Result:
    return invoke(
        ["watch", *args],
        transport=counting or transport(sim),
        env=cli_env(sim),
        clock=clock,
    )


def lines(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_one_line_per_change_until_ready() -> None:
    sim, clock = clocked("fleet")
    conn = sim.get("acme-initial")
    result = watch(sim, clock, conn.id, "--until", "ready", "--interval", "1m", "-o", "ndjson")
    assert result.exit_code == 0, result.stderr
    events = lines(result)
    assert all(list(e)[:7] == KEYS and e["event"] in EVENTS for e in events)
    assert all(e["connection"] == conn.id == e["connection_id"] for e in events)
    assert events[0] == {
        "event": "stage_changed",
        "connection": conn.id,
        "connection_id": conn.id,
        "at": "2026-11-28T12:00:00Z",
        "from": None,
        "to": "INITIAL_SYNC",
        "stage": "INITIAL_SYNC",
    }
    # Batch 1 takes 20 minutes: 20 polls at 1-minute intervals, each one showing progress.
    progress = [e for e in events if e["event"] == "progress"]
    assert 15 <= len(progress) <= 21
    assert all(e["from"] != e["to"] for e in progress)
    counts = [
        e["to"]["entities"]["orders"]["synced_count"]
        for e in progress
        if "orders" in e["to"]["entities"]
    ]
    assert counts == sorted(counts) and counts[-1] > counts[0]
    last = [e for e in events if e["at"] == "2026-11-28T12:20:00Z"]  # the reading at ready
    assert [(e["event"], e["from"], e["to"]) for e in last if e["event"] != "progress"] == [
        ("stage_changed", "INITIAL_SYNC", "HISTORICAL_SYNC"),
        ("batch_completed", 0, 1),
        ("entity_ready", False, True),
        ("entity_ready", False, True),
        ("entity_ready", False, True),
    ]
    assert [e.get("entity") for e in last[2:5]] == ["orders", "transactions", "products"]
    assert events[-1]["at"] == "2026-11-28T12:20:00Z"
    assert conn.access_token not in result.stdout + result.stderr


def test_until_over_the_fleet_fails_fast_on_blocked_connections() -> None:
    sim, clock = clocked("fleet")
    result = watch(sim, clock, "--until", "ready", "--timeout", "1h", "-o", "ndjson")
    assert result.exit_code == 6, result.stderr  # disabled is worse than needs update (5)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert any("SHOP_PAYMENT_REQUIRED" in line for line in errors)
    assert any("link.rutter-sim.invalid" in line for line in errors)
    assert 20 * 60 <= clock.elapsed < 25 * 60  # it ended when acme-initial became ready


def test_timeout_exits_124_and_a_stall_is_reported_once() -> None:
    sim, clock = clocked("stalled")
    result = watch(sim, clock, "--timeout", "40m", "--interval", "1m", "-o", "ndjson")
    assert result.exit_code == 124
    assert "error: watch: --timeout 40m passed" in result.stderr
    assert result.clock.elapsed == pytest.approx(40 * 60)  # at the deadline, not a poll before
    stalled = [e for e in lines(result) if e["event"] == "stalled"]
    ids = {sim.get(n).id for n in ("stuck-initial", "stuck-ongoing")}
    assert sorted(e["connection"] for e in stalled) == sorted(ids)
    by_id = {e["connection"]: e for e in stalled}
    initial = by_id[sim.get("stuck-initial").id]
    assert (initial["from"], initial["to"]) == ("moving", "stalled")
    assert initial["since"] == "2026-11-28T12:00:00Z" and initial["at"] == "2026-11-28T12:30:00Z"
    ongoing = by_id[sim.get("stuck-ongoing").id]
    assert ongoing["at"] == "2026-11-28T12:00:00Z"  # no completed sync for an hour: at once


def test_status_and_connections_together_are_a_usage_error() -> None:
    sim, clock = clocked("fleet")
    result = watch(sim, clock, sim.get("acme-initial").id, "--status", "active")
    assert result.exit_code == 2
    assert "error: --status filters the organisation's listing; drop CONNECTION" in result.stderr


def test_a_thousand_connections_are_polled_under_the_budget() -> None:
    """The interval adapts to the fleet (1000 × 10 s / (500 × 0.9) = 22.2 s, not the 1 s
    asked) and the client's pacer spreads each round: the simulator answers no 429."""
    fleet = Scenario(
        "thousand",
        "",
        tuple(from_template("initial", f"merchant-{i:04d}") for i in range(1000)),
    )
    sim, clock = clocked(fleet)
    counting = Counting(sim)
    result = watch(
        sim, clock, "--interval", "1s", "--timeout", "30s", "-o", "ndjson", counting=counting
    )
    assert result.exit_code == 124, result.stderr
    assert counting.statuses[429] == 0
    assert "watching 1000 · every 22s" in result.stderr
    assert len(counting.polls) == 1000
    # The first round takes 20 s (the pacer), the second starts 22.2 s after each first poll:
    # two polls at most each, where 1 s would make about 30.
    assert max(counting.polls.values()) <= 2
    assert sum(e["event"] == "stage_changed" for e in lines(result)) == 1000


def test_status_narrows_the_listing() -> None:
    sim, clock = clocked("fleet")
    result = watch(sim, clock, "--status", "not_ready", "--until", "ready", "-o", "ndjson")
    assert result.exit_code == 0, result.stderr
    assert {e["connection"] for e in lines(result)} == {sim.get("acme-initial").id}
    assert "watching 1 · every 10s" in result.stderr
