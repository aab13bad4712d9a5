"""`rutterctl demo` end to end: a simulator on loopback, the real commands, no real waiting."""

from __future__ import annotations

import re
from pathlib import Path

from tests.fakes import invoke


def test_demo_shows_every_stage_batches_reasons_and_a_wait() -> None:
    result = invoke(["demo", "--speed", "300"], env={})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert re.match(r"A Rutter simulator is serving http://127\.0\.0\.1:\d+/versioned", out)
    commands = re.findall(r"^\$ rutterctl (\S+)", out, flags=re.MULTILINE)
    assert commands == [
        "connections",
        *["alias"] * 5,
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
        "listen",
        "sim",
    ]
    # The webhook loop: listen hears the signed CONNECTION_UPDATED that `sim trigger` caused.
    assert re.search(r"^rutterctl-listen listening on http://127\.0\.0\.1:\d+/webhooks$", out, re.M)
    assert re.search(r"  CONNECTION_UPDATED  \S+  acme-needs-update-\d+  200$", out, re.M)
    # The overview lists one connection in each stage; aliases name them from then on.
    listed = re.findall(r"\t(\w+_\w+|DISABLED)\t-$", out, flags=re.MULTILINE)
    assert sorted(listed) == sorted(
        ["INITIAL_SYNC", "HISTORICAL_SYNC", "ONGOING_SYNC", "NEEDS_UPDATE", "DISABLED"]
    )
    assert "$ rutterctl status acme-initial\n" in out
    assert "$ rutterctl wait-ready acme-initial --timeout 1h\n" in out
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
    assert re.search(r"^acme-initial\tready\tHISTORICAL_SYNC\t", out, flags=re.MULTILINE)
    assert stages[-1] == "HISTORICAL_SYNC"
    assert "(exit code" not in out
    # Waiting moved the simulator's clock; the demo paused only sleep/speed in real time,
    # and here the injected sleep takes no real time at all.
    assert result.clock.sleeps and all(s <= 60 / 300 for s in result.clock.sleeps)
    # Progress of the wait went to stderr, one line per change.
    assert "INITIAL_SYNC, synced orders" in result.stderr
    assert "alias acme-disabled saved" in result.stderr


def test_demo_leaves_the_users_config_and_cache_alone(tmp_path: Path) -> None:
    config, cache = tmp_path / "config", tmp_path / "cache"
    result = invoke(
        ["demo"], env={"RUTTERCTL_CONFIG_DIR": str(config), "RUTTERCTL_CACHE_DIR": str(cache)}
    )
    assert result.exit_code == 0, result.stderr
    assert not config.exists() and not cache.exists()
