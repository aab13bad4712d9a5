"""The installed rutterctl against `sim serve` on loopback, which lists like Rutter: every
connection by id, token and the name `sim serve` printed; `connections find`."""

from __future__ import annotations

import json
from pathlib import Path

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
