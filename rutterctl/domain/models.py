"""Domain models of a Rutter connection, independent of the wire format and of rendering.

Immutable records as NamedTuples rather than frozen dataclasses: every one-connection command
defines these classes at start-up, and on Python 3.11 a frozen dataclass costs ~300 us to
create (it compiles six methods one by one) where a NamedTuple costs ~80 us (~2 ms of a
`status` run's ~20 ms of its own; bench/startup.py). Being tuples, they compare and unpack as
tuples; nothing here relies on more than their fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import NamedTuple, TypeAlias

# A priority is REQUIRED / PREFERRED_BUT_OPTIONAL / AVOID, or (for orders and products) a nested
# map of field -> priority. Unknown values are kept as given.
Priority: TypeAlias = "str | dict[str, Priority] | None"


class Timestamp(NamedTuple):
    """A date as Rutter sent it, and its parsed value when it parses (shown as given otherwise)."""

    raw: str | None
    parsed: datetime | None

    @classmethod
    def parse(cls, raw: str | None) -> Timestamp:
        if raw is None or raw == "":
            return cls(raw=None, parsed=None)
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            return cls(raw=raw, parsed=None)
        if value.tzinfo is None:
            # Rutter's dates are UTC; a naive one is read as UTC rather than as local time.
            value = value.replace(tzinfo=UTC)
        return cls(raw=raw, parsed=value)

    @property
    def present(self) -> bool:
        return self.raw is not None


NO_TIME = Timestamp(raw=None, parsed=None)


class EntityTotal(NamedTuple):
    """One entity's row of `historical_sync_status.total`."""

    name: str
    ready: bool
    synced_count: int | float | None
    oldest: Timestamp
    newest: Timestamp


class EntityProgress(NamedTuple):
    """One entity's progress within a batch (`progress_info`)."""

    name: str
    status: str
    oldest: Timestamp
    newest: Timestamp


class BatchConfig(NamedTuple):
    """A batch's configuration: its time frame and each entity's priority."""

    time_frame_months: int | float | None
    entities: dict[str, Priority]


class Batch(NamedTuple):
    """One batch of the historical sync (`historical_sync_status.batches`)."""

    batch_num: int | float
    progress: tuple[EntityProgress, ...]
    config: BatchConfig | None


class ConnectionStatus(NamedTuple):
    """The lifecycle document of `GET /connections/status`."""

    connection_id: str
    org_id: str | None
    platform: str | None
    is_ready: bool
    link_url: str | None
    created_at: Timestamp
    last_sync_completed_at: Timestamp
    needs_update: bool
    is_disabled: bool
    disabled_reason: str | None
    historical_sync_completed: bool
    entities: tuple[EntityTotal, ...] = ()
    num_batches_completed: int | float | None = None
    batches: tuple[Batch, ...] = ()
    synced_counts: Mapping[str, int | float | None] = MappingProxyType({})


class StoreInfo(NamedTuple):
    """What `GET /connections/access_token` says about the merchant's store."""

    store_name: str | None
    store_domain: str | None
    store_unique_id: str | None


class ConnectionSummary(NamedTuple):
    """One row of `GET /connections`. `access_token` is a secret: never print it unmasked."""

    id: str
    access_token: str
    link_url: str | None
    platform: str | None
    created_at: Timestamp
    updated_at: Timestamp
