"""What `rutterctl sim serve` does, without the CLI framework: build, serve, print, wait.

Output contract: the first stdout line is `rutterctl-sim listening on <base URL>`, flushed at
once; then the credentials, an `export` line and the connections. Connection events go to
stderr as they happen. SIGTERM stops cleanly with exit 0, Ctrl-C with 130.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import FrameType
from typing import TextIO

from rutterctl.errors import UsageError
from rutterctl.secrets import mask
from rutterctl.sim.state import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SimEvent, Simulator


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8765
    scenario: str = "fleet"
    speed: float | None = None
    seed: int | None = None
    start: str | None = None
    webhook_url: str | None = None
    rate_limit: str | None = None
    retry_after: bool = True
    latency_ms: float = 0.0
    error_rate: float = 0.0
    error_kind: str = "500"
    error_burst: str | None = None
    fail_first: tuple[str, ...] = ()
    client_id: str | None = None
    client_secret: str | None = None
    allow_remote: bool = False
    width: int | None = None  # the terminal's, when stdout is one: the banner fits it


def _usage(option: str, exc: ValueError) -> UsageError:
    return UsageError(f"{option}: {exc}")


def build_from_options(options: ServeOptions) -> Simulator:
    from rutterctl.sim import build
    from rutterctl.sim.faults import FaultPlan, parse_burst, parse_kind, parse_rate
    from rutterctl.sim.scenarios import load

    scenario = load(options.scenario)
    extra = scenario.extra
    seed = options.seed if options.seed is not None else int(float(extra.get("seed", "0")))
    speed = options.speed if options.speed is not None else float(extra.get("speed", "1"))
    try:
        rate = parse_rate(options.rate_limit) if options.rate_limit else None
    except ValueError as exc:
        raise _usage("--rate-limit", exc) from None
    try:
        error_fault = parse_kind(options.error_kind)
    except ValueError as exc:
        raise _usage("--error-kind", exc) from None
    try:
        burst = parse_burst(options.error_burst) if options.error_burst else None
    except ValueError as exc:
        raise _usage("--error-burst", exc) from None
    faults = FaultPlan(
        seed=seed,
        latency_ms=options.latency_ms,
        error_rate=options.error_rate,
        error_fault=error_fault,
        burst=burst,
    )
    for item in options.fail_first:
        kind, _, count = item.rpartition(":")
        try:
            if not kind or not count.isdigit() or int(count) < 1:
                raise ValueError(f"use KIND:N, e.g. 503:2 or html:5, not {item!r}")
            faults.schedule(parse_kind(kind, retry_after=None), int(count))
        except ValueError as exc:
            raise _usage("--fail-first", exc) from None
    start = None
    if options.start:
        try:
            parsed = datetime.fromisoformat(options.start.replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(f"--start: not an ISO 8601 time: {options.start!r}") from None
        start = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
    return build(
        scenario,
        seed=seed,
        speed=speed,
        start=start,
        client_id=options.client_id or DEFAULT_CLIENT_ID,
        client_secret=options.client_secret or DEFAULT_CLIENT_SECRET,
        rate_limit=rate,
        retry_after=options.retry_after,
        faults=faults,
    )


def run_server(options: ServeOptions, *, out: TextIO, warn: Callable[[str], None]) -> int:
    """Serve until SIGINT/SIGTERM; the exit code (0 after SIGTERM, 130 after Ctrl-C)."""
    from rutterctl.hosts import is_loopback

    if not options.allow_remote and not is_loopback(options.host, resolve=True):
        raise UsageError(
            f"refusing to serve on {options.host}: not a loopback address",
            hint="the simulator accepts made-up credentials; pass --allow-remote if you mean it",
        )
    if options.webhook_url and not options.webhook_url.startswith(("http://", "https://")):
        raise UsageError(f"--webhook-url must be an http(s) URL, not {options.webhook_url!r}")
    sim = build_from_options(options)
    # Signals are caught from before the server binds, so a Ctrl-C at any moment after this
    # point stops it the same clean way (no KeyboardInterrupt racing the shutdown).
    received: list[int] = []
    done = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)
        done.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        _serve(sim, options, out=out, warn=warn, done=done)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    warn("sim: stopped")
    return 130 if received and received[0] == signal.SIGINT else 0


def _serve(
    sim: Simulator,
    options: ServeOptions,
    *,
    out: TextIO,
    warn: Callable[[str], None],
    done: threading.Event,
) -> None:
    """Serve until `done` is set, then stop the server and the webhook sender."""
    from rutterctl.sim.server import serve_in_thread

    dispatcher = None
    if options.webhook_url:
        from rutterctl.sim.webhooks import WebhookDispatcher

        dispatcher = WebhookDispatcher(options.webhook_url, sim.client_secret, log=warn)
        sim.webhook_url = options.webhook_url

    def on_events(events: list[SimEvent]) -> None:
        for event in events:
            if event.payload.get("type") == "CONNECTION":
                warn(f"sim: {_iso(event.at)} {event.connection} {event.code}")
        if dispatcher is not None:
            dispatcher.publish(events)

    sim.on_events = on_events  # before serving: the ticker may fire events at once
    try:
        base_url, stop = serve_in_thread(sim, options.host, options.port)
    except OSError as exc:
        if dispatcher is not None:
            dispatcher.stop()
        raise UsageError(
            f"cannot listen on {options.host}:{options.port}: {exc.strerror or exc}",
            hint="pick another --port, or --port 0 for a free one",
        ) from None
    if dispatcher is not None:
        dispatcher.start()
    try:
        _banner(out, sim, base_url, options)
        while not done.wait(0.5):
            pass
    finally:
        stop()
        if dispatcher is not None:
            dispatcher.stop(timeout=2.0)


def _iso(t: float) -> str:
    from rutterctl.sim.data import iso

    return iso(t)


def _banner(out: TextIO, sim: Simulator, base_url: str, options: ServeOptions) -> None:
    out.write(f"rutterctl-sim listening on {base_url}\n")
    out.flush()
    # The simulator's own made-up secret is printed on purpose; one the user chose is not.
    secret = mask(sim.client_secret) if options.client_secret else sim.client_secret
    shown = "<your secret>" if options.client_secret else sim.client_secret
    control = base_url.rsplit("/versioned", 1)[0] + "/_sim/"
    now = sim.now()
    # Laid out by the one rule (render/layout.py) to the terminal's width; piped, as it was.
    from rutterctl.render.sim_view import banner_lines

    pairs = [
        ("client id:", sim.client_id),
        ("client secret:", secret),
        ("control surface:", f"{control} (same credentials; see docs/simulator.md)"),
        ("simulated time:", f"{_iso(now)} at {sim.clock.speed:g}x; rate limit "
         f"{sim.limiter.describe()}"),
    ]  # fmt: skip
    export = [
        "export",
        f"RUTTER_BASE_URL={base_url}",
        f"RUTTER_CLIENT_ID={sim.client_id}",
        f"RUTTER_CLIENT_SECRET={shown}",
    ]
    rows = [(c.name, c.id, c.access_token, c.stage(now)) for c in sim.connections.values()]
    lines = banner_lines(pairs, export, rows, options.width)
    out.write("\n".join(lines) + "\n")
    out.flush()
