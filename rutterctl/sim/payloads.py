"""The webhook events the simulator sends, as FACTS.md documents them, and what can be triggered.

Import-light (no httpx): `rutterctl sim events` lists the catalogue without a running simulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# How a delivery is signed: what Rutter does, and the mistakes a receiver must reject.
SIGNATURES = ("valid", "hex", "reserialized", "tampered", "unsigned")
MAX_COPIES = 10


@dataclass(frozen=True)
class EventInfo:
    code: str
    type: str
    action: str | None  # the lifecycle action the trigger performs; None: the webhook only
    description: str


CATALOGUE: tuple[EventInfo, ...] = (
    EventInfo("INITIAL_UPDATE", "CONNECTION", None, "first batch synced: data can be fetched"),
    EventInfo(
        "HISTORICAL_UPDATE",
        "CONNECTION",
        None,
        "a later batch synced (+ entities_included_to_time_range)",
    ),
    EventInfo(
        "CONNECTION_NEEDS_UPDATE",
        "CONNECTION",
        "needs-update",
        "the merchant must re-authenticate (+ update_url); pauses the sync",
    ),
    EventInfo(
        "CONNECTION_UPDATED",
        "CONNECTION",
        "reconnect",
        "the merchant re-authenticated (+ store_unique_id); resumes a paused sync",
    ),
    EventInfo(
        "CONNECTION_DISABLED",
        "CONNECTION",
        "disable",
        "store shut down or subscription ended; pauses the sync",
    ),
    EventInfo("ORDER_CREATED", "ORDER", None, "a data event (shape not published by Rutter)"),
    EventInfo("ORDER_UPDATED", "ORDER", None, "a data event"),
    EventInfo("PRODUCT_CREATED", "PRODUCT", None, "a data event"),
    EventInfo("PRODUCT_UPDATED", "PRODUCT", None, "a data event"),
)
BY_CODE = {info.code: info for info in CATALOGUE}


def entities_to_time_range(
    entities: dict[str, str], months: float | None, history_months: float
) -> list[dict[str, Any]]:
    """HISTORICAL_UPDATE's `entities_included_to_time_range` for one batch: each entity it
    synced, and how many months back (all of the history when the batch has no time frame)."""
    reach = history_months if months is None else min(months, history_months)
    reach_value: float | int = int(reach) if float(reach).is_integer() else reach
    return [
        {"platformEntity": entity, "xMonthsAgo": reach_value}
        for entity, need in entities.items()
        if need != "AVOID"
    ]


def event_type(code: str) -> str:
    """The `type` of a code: the catalogue's, else the prefix of a data code (`ORDER_...`)."""
    info = BY_CODE.get(code)
    if info is not None:
        return info.type
    head = code.split("_", 1)[0]
    return "CONNECTION" if head in ("CONNECTION", "INITIAL", "HISTORICAL") else head
