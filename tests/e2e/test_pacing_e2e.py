"""Two fleet commands of one organisation at once stay under its rate limit together.

The simulator's rate limiter counts real time, so this test takes real seconds: 2 x 11
requests at 6 per second, about 3 s. Each process alone paces at 6/s; only the shared
pacing state keeps the two together under it.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable

import pytest

from tests.e2e.conftest import RUTTERCTL, RunningSim

pytestmark = pytest.mark.e2e

RATE = "6/1s"


def test_two_fleet_commands_at_once_get_no_429(launch: Callable[..., RunningSim]) -> None:
    sim = launch("--rate-limit", RATE, "--no-retry-after")
    env = sim.env(RUTTERCTL_RATE_LIMIT=RATE)
    argv = [RUTTERCTL, "--debug", "connections", "list", "--details", "-o", "json"]
    procs = [
        subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [proc.communicate(timeout=60) for proc in procs]
    total = 0
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err[-2000:]
        answered = re.findall(r"^debug: GET \S+ -> (\d+) ", err, re.M)
        # The listing and a status per connection; store names from Rutter or from the store
        # cache, which the other command may have filled meanwhile (one cache dir).
        assert len(answered) >= 1 + len(sim.connections)
        assert "429" not in answered
        assert out.count('"id"') == len(sim.connections)
        total += len(answered)
    assert total > 2 * 6  # more than both could send in their first second without waiting
