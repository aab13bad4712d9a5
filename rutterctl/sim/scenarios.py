"""Built-in scenarios (the connection templates they start from are in `sim.templates`).

Every connection has a human name (`acme-initial`) that the control surface accepts wherever
it accepts an id or an access token. See docs/simulator.md for what each one shows.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from rutterctl.sim.model import (
    DISABLED_REASONS,
    BatchSpec,
    ConnectionSpec,
    Scenario,
    ScriptedEvent,
)
from rutterctl.sim.scenario_file import load_file
from rutterctl.sim.templates import (  # re-exported: scenarios and tests name them from here
    ALL_AT_ONCE,
    BATCHING,
    DAY,
    HOUR,
    LARGE,
    MINUTE,
    TEMPLATES,
    store_defaults,
)


def from_template(template: str, name: str, **overrides: Any) -> ConnectionSpec:
    store_name, store_domain = store_defaults(name)
    spec = replace(TEMPLATES[template], name=name, store_name=store_name, store_domain=store_domain)
    return replace(spec, **overrides) if overrides else spec


def _slug(reason: str) -> str:
    return reason.lower().replace("_", "-").replace(" ", "-")


def _fleet() -> Scenario:
    return Scenario(
        "fleet",
        "One connection in each stage: initial sync, historical sync, ongoing, needs update, "
        "disabled.",
        tuple(
            from_template(stage, f"acme-{stage}")
            for stage in ("initial", "historical", "ongoing", "needs-update", "disabled")
        ),
    )


def _disabled() -> Scenario:
    return Scenario(
        "disabled",
        "One disabled connection per standardized disabled reason (all 15).",
        tuple(
            from_template(
                "ongoing",
                f"disabled-{_slug(reason)}",
                events=(ScriptedEvent(0.0, "disable", reason),),
            )
            for reason in DISABLED_REASONS
        ),
    )


def _needs_update() -> Scenario:
    paused = (ScriptedEvent(0.0, "needs_update"),)
    later = (ScriptedEvent(30 * MINUTE, "needs_update"), ScriptedEvent(2 * HOUR, "reconnect"))
    return Scenario(
        "needs-update",
        "Connections waiting for the merchant to re-authenticate, from different stages, and "
        "one that loses its authorisation after 30 minutes and reconnects after 2 hours.",
        (
            from_template("ongoing", "needs-update-ongoing", events=paused),
            from_template("initial", "needs-update-initial", age=5 * MINUTE, events=paused),
            from_template("ongoing", "uninstalls-soon", events=later),
        ),
    )


def _stalled() -> Scenario:
    # A slow sync is not a stalled one: its counts keep moving for six hours.
    slow = (
        BatchSpec(None, dict.fromkeys(("orders", "products", "customers"), "REQUIRED"), 6 * HOUR),
    )
    return Scenario(
        "stalled",
        "Syncs that stop moving with no webhook: an initial sync frozen since a minute before "
        "the start, an ongoing connection with no sync for an hour, and a slow initial sync "
        "(6 hours) that keeps moving.",
        (
            from_template(
                "initial",
                "stuck-initial",
                age=5 * MINUTE,
                events=(ScriptedEvent(-MINUTE, "stall"),),
            ),
            from_template("ongoing", "stuck-ongoing", events=(ScriptedEvent(-HOUR, "stall"),)),
            from_template("initial", "slow-initial", batches=slow),
        ),
    )


def _builtins() -> dict[str, Scenario]:
    return {
        s.name: s
        for s in (
            _fleet(),
            Scenario(
                "batching",
                "The 24-month batching example: 6 months of orders and products "
                "(INITIAL_UPDATE), 8 months of customers (HISTORICAL_UPDATE), the remaining "
                "18 and 16 months (HISTORICAL_UPDATE), then ongoing syncs.",
                (from_template("initial", "acme-batching"),),
            ),
            Scenario(
                "small",
                "A small merchant whose one sync is instant: ready at once.",
                (from_template("small", "tiny-shop"),),
            ),
            Scenario(
                "large",
                "A million orders over 36 months; the initial sync takes 3 simulated hours, "
                "history 19.",
                (from_template("large", "mega-mart"),),
            ),
            _disabled(),
            _needs_update(),
            _stalled(),
            Scenario(
                "rate-limited",
                "Two ongoing connections behind a tight organisation rate limit (5/1s).",
                (from_template("ongoing", "busy-1"), from_template("ongoing", "busy-2")),
                rate_limit=(5, 1.0),
            ),
        )
    }


BUILTINS = _builtins()
DEFAULT_SCENARIO = "fleet"


def load(name_or_path: str) -> Scenario:
    """A built-in scenario by name, or a scenario file (.toml or .json)."""
    if name_or_path in BUILTINS:
        return BUILTINS[name_or_path]
    path = Path(name_or_path)
    if path.suffix.lower() not in (".toml", ".json") and not path.exists():
        from rutterctl.errors import UsageError

        raise UsageError(
            f"unknown scenario {name_or_path!r}",
            hint=f"use one of {', '.join(BUILTINS)}, or a .toml/.json scenario file",
        )
    return load_file(path)


__all__ = [
    "ALL_AT_ONCE",
    "BATCHING",
    "BUILTINS",
    "DAY",
    "DEFAULT_SCENARIO",
    "HOUR",
    "LARGE",
    "MINUTE",
    "TEMPLATES",
    "from_template",
    "load",
    "store_defaults",
]
