"""Relative times are against this machine's clock; a past event stamped ahead of it is said
as clock skew, never as "in 36 minutes"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rutterctl.render.timefmt import relative

from tests.fakes import FIXED_NOW, FakeClock, invoke
from tests.sim.support import cli_env, harness, transport


def test_past_and_skewed_times() -> None:
    assert relative(FIXED_NOW - timedelta(hours=2), FIXED_NOW) == "2 hours ago"
    assert relative(FIXED_NOW + timedelta(seconds=30), FIXED_NOW) == "just now"
    ahead = relative(FIXED_NOW + timedelta(minutes=36), FIXED_NOW)
    assert ahead == "36 minutes ahead of this machine's clock"


def test_after_the_simulator_clock_is_advanced_no_past_sync_reads_as_future() -> None:
    sim = harness("fleet").sim
    conn = sim.get("acme-ongoing")
    clock = FakeClock(start=datetime.fromtimestamp(sim.now(), UTC))  # this machine's clock
    sim.advance(36 * 60)  # what POST /_sim/clock/advance does
    result = invoke(["status", conn.id], transport=transport(sim), env=cli_env(sim), clock=clock)
    assert result.exit_code == 0, result.stderr
    (last,) = [line for line in result.stdout.splitlines() if line.startswith("last sync:")]
    assert "(in " not in last and "ahead of this machine's clock" in last
