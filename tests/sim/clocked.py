"""A fake clock that drives the simulator: the command's own sleeps move simulated time."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from rutterctl.sim import build
from rutterctl.sim.model import Scenario
from rutterctl.sim.state import Simulator

from tests.fakes import FakeClock
from tests.sim.support import START


@dataclass
class SimClock(FakeClock):
    """Starts where the test simulator starts (FIXED_NOW); each sleep advances both. Safe to
    sleep from the fleet's worker threads (the client's pacer sleeps there)."""

    sims: list[Simulator] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def sleep(self, seconds: float) -> None:
        with self.lock:
            super().sleep(seconds)
            for sim in self.sims:
                sim.advance(max(0.0, seconds))


def clocked(scenario: Scenario | str = "fleet") -> tuple[Simulator, SimClock]:
    """A frozen simulator whose rate limit, too, runs on the fake clock."""
    clock = SimClock()
    sim = build(scenario, speed=0, start=START, monotonic=clock.monotonic)
    clock.sims.append(sim)
    return sim, clock
