"""TAB completes every closed set (entities, --until forms, config keys and values, profile
names, scenario names) instead of falling back to file names, importing nothing heavy."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_completions import complete
from tests.test_startup_imports import heavy_modules


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("rutterctl fetch ", ["orders", "transactions"]),
        ("rutterctl fetch t", ["transactions"]),
        (
            "rutterctl wait-ready acme --until ",
            ["ready", "historical", "entity:orders", "entity:transactions", "entity:products",
             "entity:customers"],
        ),
        ("rutterctl wait-ready acme --until entity:o", ["entity:orders"]),
        ("rutterctl config set ou", ["output"]),
        ("rutterctl config set output ", ["table", "json", "ndjson", "csv"]),
        ("rutterctl config set environment ", ["production", "sandbox"]),
        ("rutterctl config set api_version 2024", ["2024-08-31", "2024-04-30"]),
        ("rutterctl config set rate_limit ", []),  # an open set: nothing to offer
        ("rutterctl sim serve --scenario ne", ["needs-update"]),
        ("rutterctl check --warn-on st", ["stale", "stalled"]),
        ("rutterctl check --fail-on disabled,st", ["disabled,stale", "disabled,stalled"]),
        ("rutterctl check --fail-on n", ["needs_update", "not_ready", "none"]),
        ("rutterctl check -o j", ["json", "junit"]),
        ("rutterctl listen --events INITIAL_UPDATE,CONNECTION_U",
         ["INITIAL_UPDATE,CONNECTION_UPDATED"]),
        ("rutterctl listen --until HIST", ["HISTORICAL_UPDATE"]),
        ("rutterctl listen -o ", ["table", "ndjson"]),
        ("rutterctl sim trigger acme-initial INITIAL", ["INITIAL_UPDATE"]),
        ("rutterctl sim trigger acme-ongoing CONNECTION_DISABLED --reason SHOP_IS_L",
         ["SHOP_IS_LOCKED"]),
    ],
)  # fmt: skip
def test_closed_sets_complete(words: str, expected: list[str]) -> None:
    assert complete(words) == expected


def test_config_keys_are_all_offered() -> None:
    keys = complete("rutterctl config set ")
    assert {"environment", "api_version", "output", "rate_limit"} <= set(keys)


def test_profile_names_come_from_config_and_stored_credentials(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text('[profiles.prod]\nenvironment = "production"\n')
    env = {"RUTTERCTL_CONFIG_DIR": str(config)}
    assert complete("rutterctl --profile ", env) == ["default", "prod"]
    assert complete("rutterctl auth login --profile p", env) == ["prod"]
    assert complete("rutterctl config set --profile pr", env) == ["prod"]
    (config / "config.toml").write_text("[[[ not toml")
    assert complete("rutterctl --profile ", env) == ["default"]  # and no error on screen


@pytest.mark.parametrize(
    "words",
    ["rutterctl fetch ", "rutterctl wait-ready x --until ", "rutterctl config set output ",
     "rutterctl --profile ", "rutterctl sim serve --scenario ", "rutterctl check --fail-on ",
     "rutterctl listen --events ", "rutterctl sim trigger x CONNECTION_DISABLED --reason "],
)  # fmt: skip
def test_completing_a_closed_set_imports_nothing_heavy(words: str) -> None:
    env = {
        "_RUTTERCTL_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split())),
    }
    heavy, out = heavy_modules([], env)
    assert heavy == [] and out.split()
