"""Building a RutterClient for unit tests: an injected transport, a fake clock, recorded hooks."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from rutterctl.api.client import ClientConfig, Hooks, RutterClient
from rutterctl.api.gateway import HttpGateway
from rutterctl.api.retry import RetryPolicy
from rutterctl.secrets import Secret

from tests.fakes import CLIENT_ID, CLIENT_SECRET, FakeClock

BASE_URL = "https://sandbox.rutterapi.com/versioned"


@dataclass
class Harness:
    client: RutterClient
    clock: FakeClock
    retries: list[str] = field(default_factory=list)
    trace: list[str] = field(default_factory=list)

    @property
    def gateway(self) -> HttpGateway:
        return HttpGateway(self.client)


def make_client(
    handler: Callable[[httpx.Request], httpx.Response],
    *,
    base_url: str = BASE_URL,
    client_id: str | None = CLIENT_ID,
    client_secret: str | None = CLIENT_SECRET,
    api_version: str = "2023-03-14",
    retry: RetryPolicy | None = None,
    rate_limit: int = 500,
    rate_window: float = 10.0,
    seed: int = 7,
    clock: FakeClock | None = None,
) -> Harness:
    clock = clock or FakeClock()
    retries: list[str] = []
    trace: list[str] = []
    config = ClientConfig(
        base_url=base_url,
        api_version=api_version,
        client_id=client_id,
        client_secret=Secret(client_secret) if client_secret is not None else None,
        rate_limit=rate_limit,
        rate_window=rate_window,
        retry=retry or RetryPolicy(),
    )
    hooks = Hooks(
        monotonic=clock.monotonic,
        sleep=clock.sleep,
        now=clock.now,
        rng=random.Random(seed),
        on_retry=retries.append,
        trace=trace.append,
    )
    client = RutterClient(config, transport=httpx.MockTransport(handler), hooks=hooks)
    return Harness(client, clock, retries, trace)
