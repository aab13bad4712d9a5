"""`wait-ready --stall-timeout` against the in-process simulator, its clock moved by the
command's own (fake) sleeps: exit 9 when a sync stops moving, 0 when it is slow but moves."""

from __future__ import annotations

import json

import pytest
from rutterctl.sim.state import Simulator

from tests.fakes import Result, invoke
from tests.sim.clocked import clocked
from tests.sim.support import cli_env, transport


def wait(scenario: str, name: str, *args: str) -> tuple[Result, Simulator]:
    sim, clock = clocked(scenario)
    result = invoke(
        ["wait-ready", sim.get(name).id, *args],
        transport=transport(sim),
        env=cli_env(sim),
        clock=clock,
    )
    return result, sim


def test_a_stalled_sync_exits_9_saying_what_stopped_and_since_when() -> None:
    result, _ = wait("stalled", "stuck-initial", "--stall-timeout", "5m", "--timeout", "1h")
    assert result.exit_code == 9, result.stderr
    [error] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert "the sync stalled: no progress for 5m00s (since 2026-11-28T12:00:00Z" in error
    assert "INITIAL_SYNC" in error and "synced orders" in error and "last sync never" in error
    # Found when it became true, not up to four backed-off intervals later.
    assert result.clock.elapsed == pytest.approx(300.0)
    row = result.stdout.splitlines()[1].split("\t")
    assert row[1] == "stalled"


def test_a_slow_sync_that_keeps_moving_is_waited_for() -> None:
    # One 6-hour initial sync: far longer than the stall timeout, but its counts move.
    result, _ = wait(
        "stalled", "slow-initial", "--stall-timeout", "5m", "--interval", "1m", "--timeout", "7h"
    )
    assert result.exit_code == 0, result.stderr
    assert result.clock.elapsed >= 6 * 3600


def test_the_stall_outcome_in_ndjson() -> None:
    result, _ = wait("stalled", "stuck-initial", "--stall-timeout", "90s", "-o", "ndjson")
    assert result.exit_code == 9
    done = json.loads(result.stdout.splitlines()[-1])
    assert done["event"] == "done" and done["outcome"] == "stalled"
    assert done["status"]["stage"] == "INITIAL_SYNC"


def test_without_the_option_a_stall_waits_for_the_deadline() -> None:
    result, _ = wait("stalled", "stuck-initial", "--timeout", "45m")
    assert result.exit_code == 124


def test_the_stall_timeout_is_a_duration() -> None:
    result, _ = wait("stalled", "stuck-initial", "--stall-timeout", "soon")
    assert result.exit_code == 2
    assert "error: --stall-timeout 'soon' is not a duration" in result.stderr
