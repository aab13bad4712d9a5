"""The installed `rutterctl wait-ready` against `rutterctl sim serve` over loopback.

The simulator's clock stands still (speed 0) and moves only when a test advances it through the
control surface, so nothing here waits for simulated time to pass: the test advances the clock
once the command has shown it is polling, and the command sees the change on its next poll.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

import pytest

from tests.e2e.conftest import RUTTERCTL, RunningSim

pytestmark = pytest.mark.e2e


def test_waits_until_the_initial_sync_ends(launch: Callable[..., RunningSim]) -> None:
    sim = launch()
    token = sim.token("acme-initial")
    process = subprocess.Popen(
        [RUTTERCTL, "wait-ready", token, "--interval", "0.05", "--timeout", "60", "-o", "ndjson"],
        env=sim.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = json.loads(process.stdout.readline())  # blocks until the first poll is done
        assert first["stage"] == "INITIAL_SYNC" and first["satisfied"] is False
        sim.control("POST", "/clock/advance", {"duration": "30m"})  # the first batch takes 20m
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    assert process.returncode == 0, err
    events = [first, *(json.loads(line) for line in out.splitlines())]
    assert events[-1]["event"] == "done" and events[-1]["outcome"] == "ready"
    assert events[-1]["status"]["stage"] == "HISTORICAL_SYNC"
    assert [e["satisfied"] for e in events if e["event"] == "poll"][-1] is True
    assert token not in out + err


@pytest.mark.parametrize(
    ("name", "code", "needle"),
    [
        ("acme-needs-update", 5, "link.rutter-sim.invalid/connection/"),
        ("acme-disabled", 6, "SHOP_PAYMENT_REQUIRED"),
    ],
)
def test_blocked_connections_fail_at_once(
    fleet: RunningSim, name: str, code: int, needle: str
) -> None:
    result = fleet.run("wait-ready", fleet.token(name), "--timeout", "60")
    assert result.returncode == code, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and needle in errors[0]
    assert "Traceback" not in result.stderr


def test_several_connections_end_with_the_worst_outcome(fleet: RunningSim) -> None:
    names = ["acme-ongoing", "acme-historical", "acme-needs-update"]
    result = fleet.run("wait-ready", *(fleet.token(n) for n in names), "-o", "json")
    assert result.returncode == 5, result.stderr
    docs = json.loads(result.stdout)
    assert [d["stage"] for d in docs] == ["ONGOING_SYNC", "HISTORICAL_SYNC", "NEEDS_UPDATE"]


def test_a_retry_after_past_the_deadline_ends_the_wait_at_the_deadline(fleet: RunningSim) -> None:
    # Rutter asks for 30 s more than the whole --timeout: waiting for it would overrun the
    # deadline, so the poll gives up and the command ends (exit 7: Rutter not readable).
    fault = {"kind": "429", "count": 20, "retry_after": 30, "path": "/connections/status"}
    fleet.control("POST", "/faults", fault)
    result = fleet.run("wait-ready", fleet.token("acme-initial"), "--timeout", "2", "-o", "json")
    assert result.returncode == 7, result.stderr
    [error] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert "HTTP 429" in error and "would pass the deadline" in error
    assert json.loads(result.stdout) is None  # no status document could be read
    assert "Traceback" not in result.stderr
