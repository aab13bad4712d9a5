"""The installed `rutterctl` against `rutterctl sim serve` over loopback, as users run it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import signal
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.conftest import RunningSim, status_json, wait_until

pytestmark = pytest.mark.e2e

STAGES = {
    "acme-initial": ("INITIAL_SYNC", 8),
    "acme-historical": ("HISTORICAL_SYNC", 0),
    "acme-ongoing": ("ONGOING_SYNC", 0),
    "acme-needs-update": ("NEEDS_UPDATE", 5),
    "acme-disabled": ("DISABLED", 6),
}


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def test_banner_is_machine_readable(fleet: RunningSim) -> None:
    assert fleet.base_url.startswith("http://127.0.0.1:")
    assert fleet.base_url.endswith("/versioned")
    assert set(fleet.connections) == set(STAGES)


def test_status_of_every_stage(fleet: RunningSim) -> None:
    with ThreadPoolExecutor(len(STAGES)) as pool:
        runs = pool.map(
            lambda name: fleet.run("status", fleet.token(name), "-o", "json", "--exit-status"),
            STAGES,
        )
    for (name, (stage, code)), result in zip(STAGES.items(), runs, strict=True):
        assert result.returncode == code, result.stderr
        doc = status_json(result)
        assert doc["stage"] == stage
        assert doc["connection_id"] == fleet.connections[name]["id"]
        assert "Traceback" not in result.stderr


def test_time_moves_only_through_the_control_surface(launch: Callable[..., RunningSim]) -> None:
    fleet = launch()
    token = fleet.token("acme-initial")
    assert fleet.run("status", token, "--exit-status").returncode == 8
    events = fleet.control("POST", "/clock/advance", {"duration": "20m"})["events"]
    assert ("acme-initial", "INITIAL_UPDATE") in [
        (e["connection"], e["payload"]["code"]) for e in events
    ]
    result = fleet.run("status", token, "-o", "json", "--exit-status")
    assert result.returncode == 0 and status_json(result)["stage"] == "HISTORICAL_SYNC"
    fleet.control("POST", "/connections/acme-initial/disable", {"reason": "SHOP_IS_LOCKED"})
    assert fleet.run("status", token, "--exit-status").returncode == 6


def test_unknown_connection_and_bad_secret(fleet: RunningSim) -> None:
    unknown = fleet.run("status", "00000000-0000-4000-8000-000000000000")
    # Not in the organisation's listing: rutterctl says so (ConnectionNotFound, exit 3).
    assert unknown.returncode == 3, unknown.stderr
    assert len(error_lines(unknown.stderr)) == 1 and "Traceback" not in unknown.stderr
    bad = fleet.run(
        "status", fleet.token("acme-ongoing"), RUTTER_CLIENT_SECRET="not-the-secret-at-all"
    )
    assert bad.returncode == 4, bad.stderr
    [line] = error_lines(bad.stderr)
    assert "INVALID_CREDENTIALS" in line and "request id" in line
    assert "not-the-secret-at-all" not in bad.stderr


def test_retries_after_scheduled_429_5xx_and_a_dropped_connection(fleet: RunningSim) -> None:
    fleet.control("POST", "/faults", {"kind": "429", "count": 2, "retry_after": 0})
    fleet.control("POST", "/faults", {"kind": "503", "retry_after": 0})
    fleet.control("POST", "/faults", {"kind": "drop"})  # no Retry-After: jittered backoff <= 0.5 s
    result = fleet.run("status", fleet.token("acme-ongoing"), "-o", "json")
    assert result.returncode == 0, result.stderr
    retries = [line for line in result.stderr.splitlines() if "retrying" in line]
    assert len(retries) == 4, result.stderr  # the client's limit: 5 attempts per request
    assert sum("HTTP 429" in line for line in retries) == 2
    assert sum("HTTP 503" in line for line in retries) == 1
    assert sum("RemoteProtocolError" in line for line in retries) == 1
    assert status_json(result)["stage"] == "ONGOING_SYNC"
    assert fleet.control("GET", "/faults")["scheduled"] == []


@pytest.mark.parametrize("kind", ["html", "truncated"])
def test_persistent_unreadable_answers_exit_7_with_one_clear_line(
    fleet: RunningSim, kind: str
) -> None:
    fleet.control("POST", "/faults", {"kind": kind, "count": 50, "retry_after": 0})
    result = fleet.run("status", fleet.token("acme-ongoing"))
    assert result.returncode == 7, result.stderr
    [line] = error_lines(result.stderr)
    assert "request id" in line
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_signed_webhooks_are_delivered(
    launch: Callable[..., RunningSim], listener: tuple[str, list[tuple[bytes, str]]]
) -> None:
    url, received = listener
    sim = launch("--scenario", "batching", "--webhook-url", url)
    sim.control("POST", "/clock/advance", {"duration": "20m"})
    wait_until(lambda: len(received) >= 1)
    body, signature = received[0]
    digest = hmac.new(sim.client_secret.encode(), body, hashlib.sha256).digest()
    assert hmac.compare_digest(signature, "sha256=" + base64.b64encode(digest).decode())
    assert json.loads(body)["code"] == "INITIAL_UPDATE"


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 0), (signal.SIGINT, 130)])
def test_stops_cleanly(launch: Callable[..., RunningSim], sig: int, code: int) -> None:
    sim = launch("--scenario", "small")
    assert sim.stop(sig) == code
    assert "Traceback" not in sim.stderr()
    assert "sim: stopped" in sim.stderr()


def test_refuses_a_non_loopback_host(launch: Callable[..., RunningSim]) -> None:
    import subprocess

    from tests.e2e.conftest import RUTTERCTL

    result = subprocess.run(
        [RUTTERCTL, "sim", "serve", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "refusing to serve on 0.0.0.0" in result.stderr
