"""Audit (issue 3): `rutterctl sim serve` as a user's CI runs it, over loopback.

A scenario file of the user's own (fixed ids for their scripts, the simulator section), a bad
one (one line naming the file and the field), the rate-limited organisation answered with 429
that rutterctl rides out, and every connection webhook signed exactly as FACTS.md says.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import RUTTERCTL, RunningSim, status_json, wait_until

pytestmark = pytest.mark.e2e

FLEET = """
[simulator]
description = "our CI fleet"
seed = 7
rate_limit = "50/10s"

[[connections]]
name = "shop-a"
template = "ongoing"
platform = "WOO_COMMERCE"
store_name = "Shop A"
id = "11111111-1111-4111-8111-111111111111"
access_token = "22222222-2222-4222-8222-222222222222"

[[connections]]
name = "shop-b"
age = "5m"
orders = 300

[[connections.batches]]
months = 6
duration = "10m"
entities = { orders = "REQUIRED" }

[[connections.events]]
at = "1h"
action = "disable"
reason = "FAILED TO AUTHENTICATE"
"""


def test_a_scenario_file_with_fixed_ids_for_the_users_scripts(
    launch: Callable[..., RunningSim], tmp_path: Path
) -> None:
    path = tmp_path / "ci-fleet.toml"
    path.write_text(FLEET, encoding="utf-8")
    sim = launch("--scenario", str(path))
    assert list(sim.connections) == ["shop-a", "shop-b"]
    state = sim.control("GET", "/state")
    assert state["rate_limit"] == "50/10s"  # from the file's [simulator] section
    result = sim.run("status", "22222222-2222-4222-8222-222222222222", "-o", "json")
    assert result.returncode == 0, result.stderr
    doc = status_json(result)
    assert (doc["connection_id"], doc["stage"]) == (
        "11111111-1111-4111-8111-111111111111",
        "ONGOING_SYNC",
    )
    assert doc["platform"] == "WOO_COMMERCE" and doc["store_name"] == "Shop A"
    b = sim.token("shop-b")
    assert sim.run("status", b, "--exit-status").returncode == 8  # 5 of its 10 minutes done
    sim.control("POST", "/clock/advance", {"duration": "5m"})
    assert sim.run("status", b, "--exit-status").returncode == 0
    sim.control("POST", "/clock/advance", {"duration": "55m"})  # the scripted disable
    disabled = sim.run("status", b, "-o", "json", "--exit-status")
    assert disabled.returncode == 6
    assert status_json(disabled)["disabled_reason"] == "FAILED TO AUTHENTICATE"


def test_a_bad_scenario_file_is_one_line_naming_the_file_and_the_field(tmp_path: Path) -> None:
    path = tmp_path / "fleet.toml"
    path.write_text(FLEET.replace("months = 6", 'months = "six"'), encoding="utf-8")
    result = subprocess.run(
        [RUTTERCTL, "sim", "serve", "--port", "0", "--scenario", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == (
        f"error: {path}: connections[1].batches[0].months: must be a positive number"
    )
    assert "Traceback" not in result.stderr


def test_the_rate_limited_organisation_answers_429_and_rutterctl_rides_it_out(
    launch: Callable[..., RunningSim],
) -> None:
    sim = launch("--scenario", "rate-limited")
    assert sim.control("GET", "/state")["rate_limit"] == "5/1s"
    auth = (sim.client_id, sim.client_secret)
    headers = {"X-Rutter-Version": "2023-03-14"}
    with httpx.Client(auth=auth, headers=headers, timeout=10) as http:
        codes = [http.get(sim.base_url + "/connections") for _ in range(6)]
    assert [r.status_code for r in codes] == [200] * 5 + [429]
    assert codes[-1].json()["error_code"] == "RATE_LIMIT_EXCEEDED"
    assert codes[-1].headers["Retry-After"] == "1"
    # Five requests a second for the whole organisation: listing the connections with their
    # details needs five, so running it twice meets 429s, which rutterctl retries.
    for _ in range(2):
        result = sim.run("connections", "list", "--details", "-o", "json")
        assert result.returncode == 0, result.stderr
        rows = json.loads(result.stdout)
        assert sorted(r["stage"] for r in rows) == ["ONGOING_SYNC", "ONGOING_SYNC"]
        assert "Traceback" not in result.stderr


def signed_ok(secret: str, body: bytes, header: str) -> bool:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return hmac.compare_digest(header, "sha256=" + base64.b64encode(digest).decode())


def test_every_connection_webhook_is_signed_with_the_client_secret(
    launch: Callable[..., RunningSim], listener: tuple[str, list[tuple[bytes, str]]]
) -> None:
    url, received = listener
    sim = launch("--scenario", "batching", "--webhook-url", url)
    ref = "acme-batching"
    sim.control("POST", "/clock/advance", {"duration": "20m"})  # batch 1: INITIAL_UPDATE
    sim.control("POST", f"/connections/{ref}/needs-update")
    sim.control("POST", f"/connections/{ref}/reconnect")
    sim.control("POST", f"/connections/{ref}/disable", {"reason": "SHOP_IS_LOCKED"})
    sim.control("POST", f"/connections/{ref}/reconnect")
    sim.control("POST", "/clock/advance", {"duration": "65m"})  # batches 2, 3, one ongoing sync
    wait_until(lambda: len(received) >= 10)
    payloads = [json.loads(body) for body, _ in received]
    assert len(payloads) == 10
    assert all(signed_ok(sim.client_secret, body, sig) for body, sig in received)
    assert not any(signed_ok("another-secret", body, sig) for body, sig in received)
    codes = [p["code"] for p in payloads if p["type"] == "CONNECTION"]
    assert codes == [
        "INITIAL_UPDATE",
        "CONNECTION_NEEDS_UPDATE",
        "CONNECTION_UPDATED",
        "CONNECTION_DISABLED",
        "CONNECTION_UPDATED",
        "HISTORICAL_UPDATE",
        "HISTORICAL_UPDATE",
    ]
    by_code = {p["code"]: p for p in payloads}
    conn = sim.connections[ref]
    assert by_code["CONNECTION_NEEDS_UPDATE"]["update_url"] == conn["link_url"]
    assert by_code["CONNECTION_UPDATED"]["store_unique_id"]
    assert {p["connection_id"] for p in payloads} == {conn["id"]}
    data = sorted({p["code"] for p in payloads if p["type"] != "CONNECTION"})
    assert data == ["ORDER_CREATED", "PRODUCT_UPDATED"]


def test_the_installed_demo_runs_piped_and_leaves_nothing_behind(tmp_path: Path) -> None:
    config, cache = tmp_path / "config", tmp_path / "cache"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "RUTTERCTL_CONFIG_DIR": str(config),
        "RUTTERCTL_CACHE_DIR": str(cache),
    }
    # --speed 100000: the 20 simulated minutes of the wait pass in a few real milliseconds.
    result = subprocess.run(
        [RUTTERCTL, "demo", "--speed", "100000"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("A Rutter simulator is serving http://127.0.0.1:")
    assert "\x1b[" not in result.stdout  # piped: no colour, no live line
    assert "(exit code" not in result.stdout and "Traceback" not in result.stderr
    assert "$ rutterctl wait-ready acme-initial --timeout 1h\n" in result.stdout
    assert not config.exists() and not cache.exists()  # the user's own dirs stay untouched
