"""`rutterctl demo` end to end: a simulator on loopback, the real commands, no real waiting."""

from __future__ import annotations

import re

from tests.fakes import invoke


def test_demo_shows_every_stage_batches_reasons_and_a_wait() -> None:
    result = invoke(["demo", "--speed", "300"], env={})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert re.match(r"A Rutter simulator is serving http://127\.0\.0\.1:\d+/versioned", out)
    commands = re.findall(r"^\$ rutterctl (\S+)", out, flags=re.MULTILINE)
    assert commands == [
        "status",
        "status",
        "status",
        "status",
        "reasons",
        "batches",
        "fetch",
        "reasons",
        "wait-ready",
        "status",
    ]
    stages = re.findall(r"^stage:\s+(\w+)", out, flags=re.MULTILINE)
    assert stages[:5] == [
        "INITIAL_SYNC",
        "HISTORICAL_SYNC",
        "ONGOING_SYNC",
        "NEEDS_UPDATE",
        "DISABLED",
    ]
    assert "disabled reason: SHOP_PAYMENT_REQUIRED" in out
    assert "batch 1: COMPLETED" in out and "fires HISTORICAL_UPDATE" in out
    assert "FAILED TO AUTHENTICATE" in out  # the catalogue
    # The wait ends ready, and the last status is readable (no "(exit code N)" after it).
    assert re.search(r"\tready\tHISTORICAL_SYNC\t", out)
    assert stages[-1] == "HISTORICAL_SYNC"
    assert "(exit code" not in out
    # Waiting moved the simulator's clock; the demo paused only sleep/speed in real time,
    # and here the injected sleep takes no real time at all.
    assert result.clock.sleeps and all(s <= 60 / 300 for s in result.clock.sleeps)
    # Progress of the wait went to stderr, one line per change.
    assert "INITIAL_SYNC, synced orders" in result.stderr
