"""The Rutter simulator: a lifecycle state machine plus a thin WSGI app around it.

In process (fast tests)::

    from rutterctl.sim import build, SimApp
    sim = build("fleet", speed=0)                 # time moves only with sim.advance(...)
    transport = httpx.WSGITransport(app=SimApp(sim))

On loopback (end-to-end tests, a demo)::

    from rutterctl.sim.server import serve_in_thread
    base_url, stop = serve_in_thread(sim)          # http://127.0.0.1:PORT/versioned
    ...
    stop()

See docs/simulator.md for scenarios, the scenario file format and the control surface.
Only the standard library is imported here; httpx and waitress load with `app` and `server`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from rutterctl.sim.clock import SimClock
from rutterctl.sim.faults import FaultPlan
from rutterctl.sim.model import Scenario
from rutterctl.sim.state import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SimEvent, Simulator

if TYPE_CHECKING:
    from rutterctl.sim.app import SimApp


def build(
    scenario: Scenario | str = "fleet",
    *,
    seed: int = 0,
    speed: float = 1.0,
    start: float | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    client_id: str = DEFAULT_CLIENT_ID,
    client_secret: str = DEFAULT_CLIENT_SECRET,
    rate_limit: tuple[int, float] | None = None,
    retry_after: bool = True,
    faults: FaultPlan | None = None,
    on_events: Callable[[list[SimEvent]], None] | None = None,
) -> Simulator:
    """A simulator for a scenario (a built-in name, a file path or a `Scenario`).

    `start` is the simulated Unix time at which it starts (default: now, to the second).
    """
    from rutterctl.sim.scenarios import load

    chosen = load(scenario) if isinstance(scenario, str) else scenario
    clock = SimClock(
        float(int(time.time())) if start is None else start, speed=speed, monotonic=monotonic
    )
    return Simulator(
        chosen.connections,
        clock=clock,
        seed=seed,
        client_id=client_id,
        client_secret=client_secret,
        rate_limit=rate_limit or chosen.rate_limit or (500, 10.0),
        retry_after=retry_after,
        faults=faults or FaultPlan(seed=seed),
        on_events=on_events,
    )


def __getattr__(name: str) -> object:
    if name == "SimApp":
        from rutterctl.sim.app import SimApp

        return SimApp
    raise AttributeError(name)


__all__ = ["SimApp", "SimClock", "SimEvent", "Simulator", "build"]
