"""The installed `rutterctl check` against `rutterctl sim serve` over loopback.

`check` measures ages against the real clock, so these simulators start at the real now (the
harness's fixed start is overridden) with their clock frozen: what they serve stays put.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import junitparser
import pytest

from tests.e2e.conftest import RunningSim

pytestmark = pytest.mark.e2e


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def scenario(path: Path, count: int) -> Counter[str]:
    """`count` connections: mostly healthy, and a few of every finding the simulator can make
    (a stall an hour before start is a stale ongoing sync; a 12-hour first batch begun 7 hours
    ago is an initial sync past the 6-hour default; a scripted `fail_batch` fails the batch
    under way)."""
    kinds: Counter[str] = Counter()
    connections: list[dict[str, Any]] = []
    for n in range(count):
        name = f"shop-{n:04d}"
        spec: dict[str, Any]
        if n % 100 == 1:
            kind, spec = "disabled", {"template": "disabled"}
        elif n % 100 == 2:
            kind, spec = "needs_update", {"template": "needs-update"}
        elif n % 100 == 3:
            stall = [{"at": "-1h", "action": "stall"}]
            kind, spec = "stale", {"template": "ongoing", "events": stall}
        elif n % 100 == 4:
            first = [{"months": 6, "duration": "12h", "entities": {"orders": "REQUIRED"}}]
            kind, spec = "not_ready", {"template": "initial", "age": "7h", "batches": first}
        elif n % 100 == 5:
            failure = [{"at": "-1m", "action": "fail_batch", "entity": "customers"}]
            kind, spec = "failed_batch", {"template": "historical", "events": failure}
        else:
            kind, spec = "ok", {"template": "ongoing" if n % 2 else "historical"}
        kinds[kind] += 1
        connections.append({"name": name, **spec})
    path.write_text(json.dumps({"connections": connections}))
    return kinds


def test_fleet_scenario_policy_formats_and_annotations(
    launch: Callable[..., RunningSim], tmp_path: Path
) -> None:
    sim = launch("--start", now())
    result = sim.run("check", "-o", "json")
    assert result.returncode == 6, result.stderr  # disabled is the worst failure
    doc = json.loads(result.stdout)
    by_name = {
        name: c
        for c in doc["connections"]
        for name, meta in sim.connections.items()
        if meta["id"] == c["connection_id"]
    }
    assert {n: c["result"] for n, c in by_name.items()} == {
        "acme-initial": "ok",  # minutes into its initial sync
        "acme-historical": "ok",
        "acme-ongoing": "ok",
        "acme-needs-update": "failure",
        "acme-disabled": "failure",
    }
    assert by_name["acme-disabled"]["findings"][0]["reason"] == "SHOP_PAYMENT_REQUIRED"
    assert doc["summary"]["worst"] == "disabled"

    named = sim.run("check", "acme-needs-update", "acme-ongoing", "--all")
    assert named.returncode == 5  # names of the simulator are store domains' handles here
    assert sim.run("check", "acme-ongoing", "acme-historical").returncode == 0

    report = tmp_path / "check.xml"
    summary = tmp_path / "summary.md"
    gha = sim.run(
        "check",
        "--fail-on",
        "disabled",
        "--warn-on",
        "needs_update",
        "--report",
        str(report),
        GITHUB_ACTIONS="true",
        GITHUB_STEP_SUMMARY=str(summary),
    )
    assert gha.returncode == 6
    [suite] = list(junitparser.JUnitXml.fromfile(str(report)))
    assert (suite.tests, suite.failures, suite.errors) == (5, 1, 0)
    commands = [line for line in gha.stderr.splitlines() if line.startswith("::")]
    assert [c.split(" ", 1)[0] for c in sorted(commands)] == ["::error", "::warning"]
    assert "needs_update" in next(c for c in commands if c.startswith("::warning"))
    assert summary.read_text().startswith("## rutterctl check: 5 connections checked")
    assert all(
        meta["access_token"] not in gha.stdout + gha.stderr for meta in sim.connections.values()
    )


def test_a_thousand_connections(launch: Callable[..., RunningSim], tmp_path: Path) -> None:
    path = tmp_path / "fleet1000.json"
    expected = scenario(path, 1000)
    sim = launch("--start", now(), "--scenario", str(path), "--rate-limit", "100000/10s")
    report = tmp_path / "check.xml"
    # One run, every writer at once: the table on stdout, JUnit in the report, annotations.
    result = sim.run(
        "check", "--report", str(report), GITHUB_ACTIONS="true", RUTTERCTL_RATE_LIMIT="100000/10s"
    )
    assert result.returncode == 6, result.stderr[-500:]
    header, *rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert header[4:6] == ["result", "finding"]
    assert Counter(row[5] for row in rows) == {k: v for k, v in expected.items() if k != "ok"}
    commands = Counter(line.split(" ", 1)[0] for line in result.stderr.splitlines() if "::" in line)
    assert commands == {
        "::error": expected["disabled"] + expected["needs_update"] + expected["failed_batch"],
        "::warning": expected["stale"] + expected["not_ready"],
    }
    assert result.stderr.splitlines()[-1] == (
        "1000 connections checked: 950 healthy, 30 failing, 20 warnings"
    )
    [suite] = list(junitparser.JUnitXml.fromfile(str(report)))
    assert (suite.tests, suite.failures, suite.errors) == (1000, 30, 0)


def test_the_simulator_job_of_docs_ci_is_green(
    launch: Callable[..., RunningSim], tmp_path: Path
) -> None:
    sim = launch("--start", now(), "--scenario", "small")  # as docs/ci.md starts it
    report = tmp_path / "rutter-check.xml"
    result = sim.run("check", "--report", str(report))
    assert result.returncode == 0, result.stderr
    [suite] = list(junitparser.JUnitXml.fromfile(str(report)))
    assert (suite.tests, suite.failures, suite.errors) == (1, 0, 0)


def test_exit_codes_of_the_other_findings(
    launch: Callable[..., RunningSim], tmp_path: Path
) -> None:
    path = tmp_path / "fleet.json"
    scenario(path, 6)  # shop-0001 disabled, -0002 needs update, -0003 stale, -0004 not ready,
    # -0005 a failed batch (scripted)
    sim = launch("--start", now(), "--scenario", str(path))
    failed = sim.run("check", sim.connections["shop-0005"]["id"], "-o", "json")
    assert failed.returncode == 10, failed.stderr
    [finding] = json.loads(failed.stdout)["connections"][0]["findings"]
    assert (finding["kind"], finding["batch_num"], finding["entities"]) == (
        "failed_batch",
        2,
        ["customers"],
    )
    # The control surface fails one on demand; `resume` (Rutter retrying it) clears it.
    healthy = sim.connections["shop-0000"]["id"]
    sim.control("POST", f"/connections/{healthy}/fail-batch")
    junit = sim.run("check", healthy, "-o", "junit")
    assert junit.returncode == 10
    [suite] = list(junitparser.JUnitXml.fromstring(junit.stdout.encode()))
    [case] = list(suite)
    assert [r.type for r in case.result] == ["failed_batch"]
    sim.control("POST", f"/connections/{healthy}/resume")
    assert sim.run("check", healthy).returncode == 0
    stale, initial = sim.connections["shop-0003"]["id"], sim.connections["shop-0004"]["id"]
    assert sim.run("check", stale, initial).returncode == 0  # both only warn by default
    assert sim.run("check", stale, "--fail-on", "stale").returncode == 10
    assert sim.run("check", initial, "--fail-on", "not_ready").returncode == 8
    sim.control("POST", "/faults", {"kind": "503", "count": 20, "retry_after": 0})
    down = sim.run("check", sim.connections["shop-0000"]["id"], "-o", "ndjson")
    assert down.returncode == 7, down.stderr
    [line] = [json.loads(text) for text in down.stdout.splitlines()]
    assert line["findings"][0]["kind"] == "unreachable"
