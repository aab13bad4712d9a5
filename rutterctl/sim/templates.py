"""Connection templates: a stage to start in, the batching schedules, default store names.

Both the built-in scenarios (`rutterctl.sim.scenarios`) and scenario files and the control
surface (`rutterctl.sim.scenario_file`) start from these; kept apart so neither of those two
modules imports the other.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rutterctl.sim.model import BatchSpec, ConnectionSpec, ScriptedEvent

MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0

# The product description's example: 24 months of history in three batches.
BATCHING = (
    BatchSpec(6, {"orders": "REQUIRED", "products": "REQUIRED"}, 20 * MINUTE),
    BatchSpec(8, {"customers": "PREFERRED_BUT_OPTIONAL"}, 15 * MINUTE),
    BatchSpec(
        24,
        {"orders": "REQUIRED", "products": "REQUIRED", "customers": "PREFERRED_BUT_OPTIONAL"},
        40 * MINUTE,
    ),
)
ALL_AT_ONCE = (
    BatchSpec(None, {"orders": "REQUIRED", "products": "REQUIRED", "customers": "REQUIRED"}, 0.0),
)
LARGE = (
    BatchSpec(3, {"orders": "REQUIRED", "products": "REQUIRED"}, 3 * HOUR),
    BatchSpec(12, {"customers": "PREFERRED_BUT_OPTIONAL"}, 4 * HOUR),
    BatchSpec(
        36, {"orders": "REQUIRED", "products": "REQUIRED", "customers": "REQUIRED"}, 12 * HOUR
    ),
)


def store_defaults(name: str) -> tuple[str, str]:
    """A store name and domain for a connection name: "Acme Initial Store", acme-initial..."""
    words = name.replace("-", " ").title()
    return f"{words} Store", f"{name}.example.com"


def _base(name: str, **kw: Any) -> ConnectionSpec:
    return replace(ConnectionSpec(name=name, batches=BATCHING, orders=1200), **kw)


# Templates: a stage to start in. `age` places the connection on its timeline (the batching
# schedule takes 75 simulated minutes); events at 0 put it in a paused state from the start.
TEMPLATES: dict[str, ConnectionSpec] = {
    "initial": _base("initial"),
    "historical": _base("historical", age=30 * MINUTE, platform="WOO_COMMERCE"),
    "ongoing": _base("ongoing", age=DAY),
    "needs-update": _base("needs-update", age=DAY, events=(ScriptedEvent(0.0, "needs_update"),)),
    "disabled": _base(
        "disabled",
        age=DAY,
        platform="BIG_COMMERCE",
        events=(ScriptedEvent(0.0, "disable", "SHOP_PAYMENT_REQUIRED"),),
    ),
    "small": _base("small", orders=150, customers=40, products=12, batches=ALL_AT_ONCE),
    "large": _base(
        "large",
        orders=1_000_000,
        customers=200_000,
        products=5_000,
        history_months=36,
        orders_per_sync=25,
        batches=LARGE,
    ),
}
