"""How many status requests `rutterctl wait-ready` makes while an initial sync runs.

A connection in the simulator whose initial sync (first batch) takes exactly one simulated hour;
`rutterctl wait-ready CONNECTION --timeout 2h` with default polling settings (15 s first
interval, backoff while nothing changes) waits for it. The simulator runs in process (httpx
WSGI transport) and its clock moves only when the command sleeps, so an hour of waiting takes
well under a second. Printed next to what fixed polling at the default interval (15 s) and at
1 s would have sent over the same hour.

Run: python bench/wait_ready.py [--minutes 60]. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import httpx
from rutterctl.cli.app import app
from rutterctl.cli.deps import Deps
from rutterctl.sim import build
from rutterctl.sim.app import SimApp
from rutterctl.sim.model import BatchSpec, ConnectionSpec, Scenario
from rutterctl.sim.state import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET


class Counting(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return self.inner.handle_request(request)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=60.0, help="initial sync duration")
    args = parser.parse_args()
    first = BatchSpec(6, {"orders": "REQUIRED", "products": "REQUIRED"}, args.minutes * 60)
    rest = BatchSpec(24, {"orders": "REQUIRED", "customers": "PREFERRED_BUT_OPTIONAL"}, 3600.0)
    spec = ConnectionSpec(name="slow-initial", orders=5000, batches=(first, rest))
    sim = build(Scenario("bench", "one slow initial sync", (spec,)), speed=0)
    conn = next(iter(sim.connections.values()))
    transport = Counting(httpx.WSGITransport(app=SimApp(sim)))
    home = Path(tempfile.mkdtemp(prefix="rutterctl-bench-wait-"))
    deps = Deps(
        environ={
            "RUTTER_BASE_URL": "http://127.0.0.1/versioned",
            "RUTTER_CLIENT_ID": DEFAULT_CLIENT_ID,
            "RUTTER_CLIENT_SECRET": DEFAULT_CLIENT_SECRET,
            "RUTTERCTL_NO_KEYRING": "1",
            "RUTTERCTL_CACHE_DIR": str(home / "cache"),
            "RUTTERCTL_CONFIG_DIR": str(home / "config"),
        },
        transport=transport,
        now=lambda: datetime.fromtimestamp(sim.now(), UTC),
        monotonic=sim.now,
        sleep=lambda seconds: sim.advance(seconds) and None,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
        stdout_tty=False,
        stderr_tty=False,
    )
    started = sim.now()
    # The token form skips nothing: resolution goes through GET /connections once, as a
    # first-time user's would; it is counted separately below.
    code = app(
        ["wait-ready", conn.access_token, "--timeout", "2h"],
        prog_name="rutterctl",
        obj=deps,
        standalone_mode=False,
    )
    waited = sim.now() - started
    shutil.rmtree(home)
    status = transport.paths.count("/versioned/connections/status")
    listing = transport.paths.count("/versioned/connections")
    hour = args.minutes * 60
    print(f"initial sync: {args.minutes:g} simulated minutes; wait-ready exit code {code or 0}")
    print(f"waited (simulated): {waited / 60:.1f} min, {waited - hour:.0f} s after the sync ended")
    print(f"status requests (default settings):        {status}")
    print(f"  + GET /connections to resolve the token:  {listing}")
    print(f"fixed polling every 15 s over the same time: {int(hour // 15) + 1}")
    print(f"fixed polling every 1 s over the same time:  {int(hour) + 1}")


if __name__ == "__main__":
    main()
