"""A fake clock that drives the simulator: the command's own sleeps move simulated time."""

from __future__ import annotations

from dataclasses import dataclass, field

from rutterctl.sim.state import Simulator

from tests.fakes import FakeClock
from tests.sim.support import harness


@dataclass
class SimClock(FakeClock):
    """Starts where the test simulator starts (FIXED_NOW); each sleep advances both."""

    sims: list[Simulator] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds)
        for sim in self.sims:
            sim.advance(max(0.0, seconds))


def clocked(scenario: str = "fleet") -> tuple[Simulator, SimClock]:
    sim = harness(scenario).sim
    return sim, SimClock(sims=[sim])
