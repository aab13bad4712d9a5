"""What a simulated fleet is made of: connection, batch and scripted-event specifications.

Plain frozen dataclasses, built by `scenarios` (built-in or from a file) and read by `state`.
Durations and offsets are simulated seconds; months are the batch configuration's
`timeFrameInMonths`, measured back from the moment the connection was created.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The 15 standardized reasons of `status.disabled_status.disabled_reason`, exactly as published
# (note the spaces in FAILED TO AUTHENTICATE).
DISABLED_REASONS: tuple[str, ...] = (
    "SHOP_API_KEY_EXPIRED",
    "SHOP_NOT_FOUND",
    "SHOP_ID_IS_INVALID",
    "SHOP_IS_DISABLED_OR_EXPIRED",
    "SHOP_IS_LOCKED",
    "SHOP_PAYMENT_REQUIRED",
    "TUNNEL_ERROR",
    "WEB_SERVICE_IS_DISABLED",
    "SHOP_IS_UNAVAILABLE",
    "CERT_EXPIRED",
    "FAILED TO AUTHENTICATE",
    "NEEDS_REAUTH",
    "REQUEST_TIMEOUT",
    "MANUALLY_DISABLED",
    "UNKNOWN",
)
PRIORITIES = ("REQUIRED", "PREFERRED_BUT_OPTIONAL", "AVOID")
# Entities with a count in the simulation; transactions are one per order and follow orders.
COUNTED_ENTITIES = ("orders", "products", "customers")
ENTITIES = ("orders", "transactions", "products", "customers")
ACTIONS = ("needs_update", "disable", "reconnect", "stall", "resume", "fail_batch")
STAGES = ("INITIAL_SYNC", "HISTORICAL_SYNC", "ONGOING_SYNC", "NEEDS_UPDATE", "DISABLED")

MONTH = 365.25 / 12 * 86400.0  # seconds in an average month
SYNC_INTERVAL = 600.0  # ongoing syncs every 10 simulated minutes


@dataclass(frozen=True)
class BatchSpec:
    """One batch: how far back it reaches, which entities, how long it takes to sync."""

    months: float | None  # None: all of the history (then the status shows `config: null`)
    entities: dict[str, str]  # entity -> REQUIRED | PREFERRED_BUT_OPTIONAL | AVOID
    duration: float  # simulated seconds
    show_config: bool = True  # False: the status document shows `config: null`


@dataclass(frozen=True)
class ScriptedEvent:
    at: float  # simulated seconds after the simulator started; <= 0: already so at start
    action: str  # needs_update | disable | reconnect | stall | resume | fail_batch
    reason: str | None = None  # for disable
    entity: str | None = None  # for fail_batch: the entity that fails (None: all of the batch)


@dataclass(frozen=True)
class ConnectionSpec:
    name: str
    platform: str = "SHOPIFY"
    store_name: str | None = None
    store_domain: str | None = None
    age: float = 0.0  # created this many simulated seconds before the simulator started
    history_months: float = 24.0
    orders: int = 500
    customers: int = 100
    products: int = 40
    orders_per_sync: int = 2  # new orders per ongoing sync
    show_batches: bool = True  # False: `batches: []`, `num_batches_completed: null`
    batches: tuple[BatchSpec, ...] = ()
    events: tuple[ScriptedEvent, ...] = ()
    connection_id: str | None = None  # fixed ids for users' CI; derived from the seed if None
    access_token: str | None = None

    def effective_batches(self) -> tuple[BatchSpec, ...]:
        """No batches given: one sync of the whole history, with every entity, in 5 minutes."""
        if self.batches:
            return self.batches
        everything = dict.fromkeys(COUNTED_ENTITIES, "REQUIRED")
        return (BatchSpec(months=None, entities=everything, duration=300.0, show_config=False),)


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    connections: tuple[ConnectionSpec, ...]
    rate_limit: tuple[int, float] | None = None  # (requests, window seconds); None: default
    extra: dict[str, str] = field(default_factory=dict)
