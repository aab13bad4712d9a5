"""Helpers for the simulator tests: a frozen-clock simulator and an in-process HTTP client."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from rutterctl.sim import build
from rutterctl.sim.app import SimApp
from rutterctl.sim.model import Scenario
from rutterctl.sim.state import SimEvent, Simulator

from tests.fakes import FIXED_NOW

START = FIXED_NOW.timestamp()
BASE_URL = "http://sim.test/versioned"
# The client sends credentials over plain http only to loopback; the transport ignores the host.
CLI_BASE_URL = "http://127.0.0.1/versioned"
VERSION = {"X-Rutter-Version": "2023-03-14"}


@dataclass
class Monotonic:
    """Real time for the rate limiter and webhook retries, moved by hand."""

    t: float = 1000.0

    def __call__(self) -> float:
        return self.t


@dataclass
class Harness:
    sim: Simulator
    app: SimApp
    http: httpx.Client
    real: Monotonic
    sleeps: list[float]
    delivered: list[SimEvent] = field(default_factory=list)

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(path, params={k: str(v) for k, v in params.items()})

    def control(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return self.http.request(method, f"http://sim.test/_sim{path}", json=body)

    def token(self, name: str) -> str:
        return self.sim.get(name).access_token


def harness(scenario: Scenario | str = "fleet", **kw: Any) -> Harness:
    real = Monotonic()
    delivered: list[SimEvent] = []
    sim = build(scenario, speed=0, start=START, monotonic=real, on_events=delivered.extend, **kw)
    sleeps: list[float] = []
    app = SimApp(sim, sleep=sleeps.append)
    http = httpx.Client(
        transport=httpx.WSGITransport(app=app),
        base_url=BASE_URL,
        auth=(sim.client_id, sim.client_secret),
        headers=VERSION,
    )
    return Harness(sim, app, http, real, sleeps, delivered)


def transport(sim: Simulator) -> httpx.WSGITransport:
    return httpx.WSGITransport(app=SimApp(sim, sleep=lambda _: None))


def cli_env(sim: Simulator) -> dict[str, str]:
    return {
        "RUTTER_BASE_URL": CLI_BASE_URL,
        "RUTTER_CLIENT_ID": sim.client_id,
        "RUTTER_CLIENT_SECRET": sim.client_secret,
    }
