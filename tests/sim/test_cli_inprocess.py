"""The real CLI against the simulator in process (httpx.WSGITransport): status in every stage."""

from __future__ import annotations

import json

import pytest

from tests.fakes import invoke
from tests.sim.support import cli_env, harness, transport

STAGES = [
    ("acme-initial", "INITIAL_SYNC", 8),
    ("acme-historical", "HISTORICAL_SYNC", 0),
    ("acme-ongoing", "ONGOING_SYNC", 0),
    ("acme-needs-update", "NEEDS_UPDATE", 5),
    ("acme-disabled", "DISABLED", 6),
]


@pytest.mark.parametrize(("name", "stage", "code"), STAGES)
def test_status_in_every_stage(name: str, stage: str, code: int) -> None:
    sim = harness("fleet").sim
    conn = sim.get(name)
    for ref in (conn.access_token, conn.id):
        result = invoke(
            ["status", ref, "-o", "json", "--exit-status"],
            transport=transport(sim),
            env=cli_env(sim),
        )
        assert result.exit_code == code, result.stderr
        doc = json.loads(result.stdout)
        assert doc["stage"] == stage
        assert doc["connection_id"] == conn.id
        assert doc["store_name"] == conn.spec.store_name


def test_status_follows_the_simulated_clock() -> None:
    sim = harness("batching").sim
    token = sim.get("acme-batching").access_token

    def run() -> tuple[int, dict]:
        result = invoke(
            ["status", token, "-o", "json", "--exit-status"],
            transport=transport(sim),
            env=cli_env(sim),
        )
        return result.exit_code, json.loads(result.stdout)

    code, doc = run()
    assert (code, doc["stage"], doc["num_batches_completed"]) == (8, "INITIAL_SYNC", 0)
    sim.advance(20 * 60)
    code, doc = run()
    assert (code, doc["stage"], doc["num_batches_completed"]) == (0, "HISTORICAL_SYNC", 1)
    sim.advance(55 * 60)
    code, doc = run()
    assert (code, doc["stage"], doc["num_batches_completed"]) == (0, "ONGOING_SYNC", 3)
    assert doc["warnings"] == []


def test_unknown_connection_and_bad_secret() -> None:
    sim = harness("fleet").sim
    env = cli_env(sim)
    result = invoke(
        ["status", "00000000-0000-4000-8000-000000000000"], transport=transport(sim), env=env
    )
    assert result.exit_code == 3, result.stderr  # not in the organisation's listing
    result = invoke(
        ["status", sim.get("acme-ongoing").access_token],
        transport=transport(sim),
        env={**env, "RUTTER_CLIENT_SECRET": "wrong-secret-123456"},
    )
    assert result.exit_code == 4
    assert "INVALID_CREDENTIALS" in result.stderr and "Traceback" not in result.stderr


def test_retries_through_scheduled_faults() -> None:
    from rutterctl.sim.faults import Fault

    sim = harness("fleet").sim
    sim.faults.schedule(Fault("status", 503), 2)
    result = invoke(
        ["status", sim.get("acme-ongoing").access_token], transport=transport(sim), env=cli_env(sim)
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("retrying") == 2


def test_sim_scenarios_lists_the_builtins() -> None:
    result = invoke(["sim", "scenarios"])
    assert result.exit_code == 0
    for name in ("fleet", "batching", "small", "large", "disabled", "needs-update", "rate-limited"):
        assert f"{name}\t" in result.stdout
    assert "acme-initial" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "0.0.0.0"], "refusing to serve on 0.0.0.0"),
        (["--rate-limit", "fast"], "--rate-limit: a rate must look like 500/10s"),
        (["--error-kind", "boom"], "--error-kind: unknown fault kind"),
        (["--error-burst", "5/5"], "--error-burst"),
        (["--fail-first", "503"], "--fail-first: use KIND:N"),
        (["--scenario", "nope"], "unknown scenario 'nope'"),
        (["--start", "yesterday"], "--start: not an ISO 8601 time"),
        (["--webhook-url", "ftp://x"], "--webhook-url must be an http(s) URL"),
    ],
)
def test_serve_rejects_bad_options_before_listening(args: list[str], message: str) -> None:
    result = invoke(["sim", "serve", "--port", "0", *args])
    assert result.exit_code == 2, result.stdout + result.stderr
    assert message in result.stderr and "listening" not in result.stdout
