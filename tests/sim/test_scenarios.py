"""Scenario files: what a user writes, and the errors that point at the file and the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rutterctl.errors import UsageError
from rutterctl.sim.model import DISABLED_REASONS
from rutterctl.sim.scenario_file import parse_duration
from rutterctl.sim.scenarios import BUILTINS, load

from tests.sim.support import harness

GOOD = """
[simulator]
description = "our fleet"
seed = 42
rate_limit = "50/10s"

[[connections]]
name = "acme"
platform = "SHOPIFY"
store_name = "Acme"
orders = 5000
history_months = 24
age = "10m"

[[connections.batches]]
months = 6
duration = "30m"
entities = { orders = "REQUIRED", products = "REQUIRED" }

[[connections.batches]]
duration = "1h"
entities = { orders = "REQUIRED", customers = "PREFERRED_BUT_OPTIONAL" }

[[connections.events]]
at = "2h"
action = "disable"
reason = "FAILED TO AUTHENTICATE"

[[connections]]
name = "steady"
template = "ongoing"
"""


ID = "6f1c0e0a-3b0c-4f4e-9d55-1c2a3b4c5d6e"
TOKEN = "0b6c3c5e-7d1f-4a8e-9f2a-1c2d3e4f5a6b"


def write(tmp_path: Path, text: str, name: str = "scenario.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_toml_file(tmp_path: Path) -> None:
    scenario = load(str(write(tmp_path, GOOD)))
    assert scenario.name == "scenario" and scenario.rate_limit == (50, 10.0)
    assert scenario.extra == {"seed": "42"}
    acme, steady = scenario.connections
    assert acme.age == 600 and acme.orders == 5000
    assert [b.months for b in acme.batches] == [6, None]
    assert acme.batches[1].show_config is False
    assert acme.events[0].reason == "FAILED TO AUTHENTICATE"
    assert steady.age == 86400 and len(steady.batches) == 3
    h = harness(scenario)
    assert h.sim.get("acme").stage(h.sim.now()) == "INITIAL_SYNC"
    h.sim.advance(7200)
    assert h.sim.get("acme").stage(h.sim.now()) == "DISABLED"


def test_a_valid_json_file(tmp_path: Path) -> None:
    doc = {"connections": [{"name": "j", "template": "small", "id": ID, "access_token": TOKEN}]}
    scenario = load(str(write(tmp_path, json.dumps(doc), "fleet.json")))
    [conn] = scenario.connections
    assert (conn.connection_id, conn.access_token, conn.orders) == (ID, TOKEN, 150)


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        (
            '[[connections]]\nname = "a"\n[[connections.batches]]\nmonths = -6\n'
            'entities = {orders="REQUIRED"}',
            "connections[0].batches[0].months: must be a positive number",
        ),
        (
            '[[connections]]\nname = "a"\n[[connections]]\nname = "b"\n'
            '[[connections]]\nname = "c"\n'
            '[[connections.batches]]\nmonths = "six"\nentities = {orders="REQUIRED"}',
            "connections[2].batches[0].months: must be a positive number",
        ),
        (
            '[[connections]]\nname = "a"\norders = -1',
            "connections[0].orders: must be a non-negative whole number",
        ),
        ('[[connections]]\nname = "A b"', "connections[0].name: is required"),
        ('[[connections]]\nname = "a"\nordres = 5', "connections[0].ordres: unknown key"),
        (
            '[[connections]]\nname = "a"\ntemplate = "weird"',
            "connections[0].template: must be one of",
        ),
        ('[[connections]]\nname = "a"\nage = "soon"', "connections[0].age: must be a duration"),
        (
            '[[connections]]\nname = "a"\n[[connections.batches]]\nentities = {orders="MUST"}',
            "connections[0].batches[0].entities.orders: must be one of REQUIRED",
        ),
        (
            '[[connections]]\nname = "a"\n[[connections.batches]]\nentities = {widgets="REQUIRED"}',
            "connections[0].batches[0].entities.widgets: unknown entity",
        ),
        (
            '[[connections]]\nname = "a"\n[[connections.events]]\nat = "1h"\n'
            'action = "disable"\nreason = "FAILED_TO_AUTHENTICATE"',
            "connections[0].events[0].reason: must be one of",
        ),
        (
            '[[connections]]\nname = "a"\n[[connections.events]]\naction = "reconnect"',
            "connections[0].events[0].at: is required",
        ),
        (
            '[[connections]]\nname = "a"\n[[connections]]\nname = "a"',
            "connections[1].name: 'a' is already connections[0]",
        ),
        (
            '[simulator]\nrate_limit = "fast"\n[[connections]]\nname = "a"',
            "simulator.rate_limit: must look like 500/10s",
        ),
        ("connections = []", "connections: must list at least one connection"),
        (
            '[[connections]]\nname = "a"\nplatform = "shopify"',
            "connections[0].platform: must be an upper-case",
        ),
        ("this is = not toml", "not valid TOML"),
        ('[[connections]]\nname = "a"\nid = "my-id"', "connections[0].id: must be a UUID"),
        (
            '[[connections]]\nname = "a"\naccess_token = "tok-1"',
            "connections[0].access_token: must be a UUID",
        ),
    ],
)
def test_errors_name_the_file_and_the_field(tmp_path: Path, snippet: str, message: str) -> None:
    path = write(tmp_path, snippet)
    with pytest.raises(UsageError) as caught:
        load(str(path))
    assert caught.value.message.startswith(f"{path}: ")
    assert message in caught.value.message


def test_missing_file_and_unknown_name(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read the scenario file"):
        load(str(tmp_path / "absent.toml"))
    with pytest.raises(UsageError, match="unknown scenario 'flet'"):
        load("flet")


def test_durations() -> None:
    assert parse_duration("1h30m") == 5400
    assert parse_duration("-2d") == -172800
    assert parse_duration(90) == 90
    assert parse_duration("90") is None and parse_duration(True) is None


def test_builtin_scenarios_and_names() -> None:
    assert {
        "fleet",
        "batching",
        "small",
        "large",
        "disabled",
        "needs-update",
        "rate-limited",
    } <= set(BUILTINS)
    names = [c.name for c in BUILTINS["disabled"].connections]
    assert len(names) == len(DISABLED_REASONS) == 15
    assert BUILTINS["rate-limited"].rate_limit == (5, 1.0)
    [batching] = BUILTINS["batching"].connections
    assert [(b.months, sorted(b.entities)) for b in batching.batches] == [
        (6, ["orders", "products"]),
        (8, ["customers"]),
        (24, ["customers", "orders", "products"]),
    ]
