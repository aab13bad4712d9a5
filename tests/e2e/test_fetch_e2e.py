"""`rutterctl fetch`, installed, against `rutterctl sim serve` over loopback."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import RunningSim

pytestmark = pytest.mark.e2e


def synced(sim: RunningSim, name: str, entity: str) -> int:
    """What the simulator's status document says has been synced for `entity`."""
    response = httpx.get(
        sim.base_url + "/connections/status",
        params={"access_token": sim.token(name)},
        auth=(sim.client_id, sim.client_secret),
        headers={"X-Rutter-Version": "2023-03-14"},
        timeout=10,
    )
    response.raise_for_status()
    count = response.json()["status"]["historical_sync_status"][f"synced_{entity}_count"]
    assert isinstance(count, int)
    return count


def ndjson(text: str) -> list[dict[str, Any]]:
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_all_orders_of_a_ready_connection_as_ndjson(fleet: RunningSim) -> None:
    expected = synced(fleet, "acme-ongoing", "orders")
    token = fleet.token("acme-ongoing")
    result = fleet.run("fetch", "orders", token, "--all", "-o", "ndjson", "--limit", "500")
    assert result.returncode == 0, result.stderr
    records = ndjson(result.stdout)
    assert len(records) == expected > 500  # several pages
    assert len({r["id"] for r in records}) == expected
    assert result.stderr == ""  # not a terminal: no progress


def test_transactions_as_csv(fleet: RunningSim) -> None:
    expected = synced(fleet, "acme-ongoing", "transactions")
    token = fleet.token("acme-ongoing")
    result = fleet.run("fetch", "transactions", token, "--all", "-o", "csv", "--limit", "500")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == expected
    assert list(rows[0])[:3] == ["id", "order_id", "payment_method_type"]


def test_not_ready_without_force_exits_8(fleet: RunningSim) -> None:
    result = fleet.run("fetch", "orders", fleet.token("acme-initial"), "-o", "ndjson")
    assert result.returncode == 8
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: the connection is not ready yet")
    assert "--force" in line and "request id" in line


def test_not_ready_with_force_returns_data_and_warns(fleet: RunningSim) -> None:
    token = fleet.token("acme-initial")
    result = fleet.run("fetch", "orders", token, "--force", "--all", "-o", "json")
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)
    assert result.stderr == (
        "warning: the connection is not ready: with --force the data may be incomplete\n"
    )


def test_a_failure_midway_then_a_resume_into_the_same_file(
    fleet: RunningSim, tmp_path: Path
) -> None:
    name = "acme-ongoing"
    token, expected = fleet.token(name), synced(fleet, name, "orders")
    target = tmp_path / "orders.ndjson"
    base = ["fetch", "orders", token, "--all", "-o", "ndjson", "--limit", "200"]
    first = fleet.run(*base, "--max-records", "400", "--output", str(target))
    assert first.returncode == 0, first.stderr
    assert first.stderr == "note: --max-records reached: continue with --resume\n"
    # Every attempt at the next page fails (Retry-After: 0 keeps the retries quick).
    fault = {"kind": "503", "count": 5, "path": "/orders", "retry_after": 0}
    fleet.control("POST", "/faults", fault)
    failed = fleet.run(*base, "--resume", "--output", str(target))
    assert failed.returncode == 7
    assert failed.stderr.splitlines()[-1].endswith("resume with --resume")
    assert len(ndjson(target.read_text())) == 400  # untouched by the failed resume

    resumed = fleet.run(*base, "--resume", "--output", str(target))
    assert resumed.returncode == 0, resumed.stderr
    records = ndjson(target.read_text())
    assert len(records) == len({r["id"] for r in records}) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.ndjson"]


def test_a_page_failing_midway_in_one_run_keeps_a_valid_array_and_resumes(
    launch: Callable[..., RunningSim],
) -> None:
    # In every 8 API requests the last 5 fail: GET /connections (resolving the token) and two
    # pages succeed, then every attempt at the third page fails. Deterministic, no timing.
    sim = launch("--error-burst", "5/8", "--error-kind", "503")
    name = "acme-ongoing"
    token = sim.token(name)
    base = ["fetch", "orders", token, "--all", "--limit", "200"]
    failed = sim.run(*base, "-o", "json")
    assert failed.returncode == 7, failed.stderr
    first = json.loads(failed.stdout)  # a closed, valid array of the two pages written
    assert len(first) == 400
    last = failed.stderr.splitlines()[-1]
    assert last.startswith("error: Rutter kept failing after retries")
    assert "400 records written; resume with --cursor " in last
    cursor = last.rsplit("--cursor ", 1)[1]

    sim.control("PUT", "/faults", {"burst": None})
    resumed = sim.run(*base, "--cursor", cursor, "-o", "ndjson")
    assert resumed.returncode == 0, resumed.stderr
    ids = [r["id"] for r in first] + [r["id"] for r in ndjson(resumed.stdout)]
    assert len(ids) == len(set(ids)) == synced(sim, name, "orders")
