"""Wire models mirroring Rutter's JSON (2023-03-14), tolerant of what Rutter may add.

Tolerance rules: extra fields are kept, enums are plain strings (unknown platforms, statuses and
reasons are data), most fields may be null or absent, entity maps accept keys of any spelling,
and dates stay strings (the domain parses them and shows unparseable ones as given).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue

Number = int | float


class Wire(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class StatusConnection(Wire):
    id: str
    orgId: str | None = None
    platform: str | None = None


class NeedsUpdateStatus(Wire):
    needs_update: bool = False


class DisabledStatus(Wire):
    is_disabled: bool = False
    disabled_reason: str | None = None


class EntityTotal(Wire):
    ready: bool = False
    synced_count: Number | None = None
    oldest_entity_date: str | None = None
    newest_entity_date: str | None = None


class EntityProgress(Wire):
    status: str = "UNKNOWN"
    oldest_batch_entity_date: str | None = None
    newest_batch_entity_date: str | None = None


class BatchConfig(Wire):
    timeFrameInMonths: Number | None = None
    entities: dict[str, JsonValue] = Field(default_factory=dict)


class Batch(Wire):
    batch_num: Number
    progress_info: dict[str, EntityProgress] | None = None
    config: BatchConfig | None = None


class HistoricalSyncStatus(Wire):
    historical_sync_completed: bool = False
    total: dict[str, EntityTotal] | None = None
    num_batches_completed: Number | None = None
    synced_orders_count: Number | None = None
    synced_transactions_count: Number | None = None
    synced_balance_sheets_count: Number | None = None
    synced_cash_flows_count: Number | None = None
    synced_income_statements_count: Number | None = None
    batches: list[Batch] | None = None


class Status(Wire):
    is_ready: bool
    last_sync_completed_at: str | None = None
    link_url: str | None = None
    platform: str | None = None
    created_at: str | None = None
    needs_update_status: NeedsUpdateStatus | None = None
    disabled_status: DisabledStatus | None = None
    historical_sync_status: HistoricalSyncStatus | None = None


class StatusResponse(Wire):
    connection: StatusConnection
    status: Status


class AccessTokenConnection(Wire):
    id: str
    store_unique_id: str | None = None
    store_name: str | None = None
    store_domain: str | None = None
    platform: str | None = None
    disabled: bool | None = None
    needs_update: bool | None = None
    link_url: str | None = None


class AccessTokenResponse(Wire):
    connection: AccessTokenConnection


class ListedConnection(Wire):
    id: str
    access_token: str
    link_url: str | None = None
    platform: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class ListConnectionsResponse(Wire):
    connections: list[ListedConnection]


class DataConnection(Wire):
    id: str | None = None
    orgId: str | None = None
    platform: str | None = None


class OrdersPage(Wire):
    connection: DataConnection | None = None
    orders: list[dict[str, Any]]
    next_cursor: str | None = None


class TransactionsPage(Wire):
    connection: DataConnection | None = None
    transactions: list[dict[str, Any]]
    next_cursor: str | None = None
