"""The installed rutterctl against `sim serve` on loopback, which lists like Rutter: every
connection by id, token and the name `sim serve` printed; `connections find`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import RunningSim

pytestmark = pytest.mark.e2e
STAGES = {
    "acme-initial": "INITIAL_SYNC",
    "acme-historical": "HISTORICAL_SYNC",
    "acme-ongoing": "ONGOING_SYNC",
    "acme-needs-update": "NEEDS_UPDATE",
    "acme-disabled": "DISABLED",
}


def test_the_default_listing_leaves_out_paused_connections(fleet: RunningSim) -> None:
    listed = httpx.get(
        fleet.base_url + "/connections",
        auth=(fleet.client_id, fleet.client_secret),
        headers={"X-Rutter-Version": "2023-03-14"},
        timeout=10,
    ).json()["connections"]
    ids = {c["id"] for c in listed}
    assert fleet.connections["acme-disabled"]["id"] not in ids
    assert fleet.connections["acme-needs-update"]["id"] not in ids
    assert fleet.connections["acme-initial"]["id"] in ids


@pytest.mark.parametrize("name", sorted(STAGES))
def test_every_stage_by_id_token_and_printed_name(
    fleet: RunningSim, name: str, tmp_path: Path
) -> None:
    conn = fleet.connections[name]
    for i, ref in enumerate((conn["id"], conn["access_token"], name)):
        # A cache of its own each time: every way of naming is resolved from scratch.
        result = fleet.run("status", ref, "-o", "json", RUTTERCTL_CACHE_DIR=str(tmp_path / str(i)))
        assert result.returncode == 0, result.stderr
        doc = json.loads(result.stdout)
        assert (doc["connection_id"], doc["stage"]) == (conn["id"], STAGES[name])


def test_connections_list_and_find_from_the_readme(fleet: RunningSim) -> None:
    listed = fleet.run("connections", "list", "-o", "json")
    assert listed.returncode == 0, listed.stderr
    assert {d["id"] for d in json.loads(listed.stdout)} == {
        c["id"] for c in fleet.connections.values()
    }
    found = fleet.run("connections", "find", "DISABLED", "-o", "json")
    assert found.returncode == 0, found.stderr
    assert [d["store_domain"] for d in json.loads(found.stdout)] == ["acme-disabled.example.com"]
    table = fleet.run("connections", "find", "acme")
    assert table.returncode == 0
    assert len(table.stdout.strip().splitlines()) == 1 + len(STAGES)


def test_find_on_200_connections_costs_one_request_the_second_time(
    launch: Callable[..., RunningSim], tmp_path: Path
) -> None:
    templates = ["initial", "historical", "ongoing", "needs-update", "disabled"]
    fleet = [
        {
            "name": f"shop-{n:03d}",
            "template": templates[n % 5],
            "store_name": f"Shop Number {n}",
            "store_domain": f"shop-{n:03d}.myshopify.com",
        }
        for n in range(200)
    ]
    path = tmp_path / "fleet200.json"
    path.write_text(json.dumps({"connections": fleet}))
    sim = launch("--scenario", str(path), "--rate-limit", "100000/10s")
    env = {"RUTTERCTL_RATE_LIMIT": "100000/10s"}

    def find(text: str) -> tuple[list[dict[str, Any]], int]:
        result = sim.run("--debug", "connections", "find", text, "-o", "json", **env)
        assert result.returncode == 0, result.stderr[-500:]
        return json.loads(result.stdout), result.stderr.count("debug: request GET")

    first, asked = find("number 19")
    assert sorted(d["store_name"] for d in first) == [
        "Shop Number 19",
        "Shop Number 190",
        *[f"Shop Number {n}" for n in range(191, 200)],
    ]
    assert asked == 201
    second, asked = find("SHOP-004.myshopify")  # a needs-update connection, by its domain
    assert [d["id"] for d in second] == [sim.connections["shop-004"]["id"]]
    assert asked == 1
    # A disabled one by its shop handle: the store cache answers, then its status.
    status = sim.run("status", "shop-009", "-o", "json", **env)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["stage"] == "DISABLED"
