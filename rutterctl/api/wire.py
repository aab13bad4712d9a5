"""Wire models mirroring Rutter's JSON (2023-03-14), tolerant of what Rutter may add.

Tolerance rules: extra fields are kept, enums are plain strings (unknown platforms, statuses and
reasons are data), most fields may be null or absent, entity maps accept keys of any spelling,
and dates stay strings (the domain parses them and shows unparseable ones as given).

Nulls: a null flag reads as false (a null `is_ready` as "not ready": never claim data can be
read on a guess), a null batch status as UNKNOWN, a null entity entry as an empty one, a null
batch is skipped. A number or boolean where text is expected (a date sent as Unix
milliseconds, say) is kept as its JSON text. Only a missing `connection.id`, `status` or
`status.is_ready` (or an object where a value belongs) is a shape we cannot use.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, JsonValue

Number = int | float


def _flag(value: Any) -> Any:
    return False if value is None else value


def _text(value: Any) -> Any:
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return value


def _entries(value: Any) -> Any:
    """An entity map whose null entries become empty ones (their fields then default)."""
    if isinstance(value, dict):
        return {key: {} if entry is None else entry for key, entry in value.items()}
    return value


def _map(value: Any) -> Any:
    return {} if value is None else value


def _items(value: Any) -> Any:
    if isinstance(value, list):
        return [item for item in value if item is not None]
    return value


def _status(value: Any) -> Any:
    return "UNKNOWN" if value is None else _text(value)


Flag = Annotated[bool, BeforeValidator(_flag)]
Text = Annotated[str | None, BeforeValidator(_text)]
RequiredText = Annotated[str, BeforeValidator(_text)]


class Wire(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class StatusConnection(Wire):
    id: RequiredText
    orgId: Text = None
    platform: Text = None


class NeedsUpdateStatus(Wire):
    needs_update: Flag = False


class DisabledStatus(Wire):
    is_disabled: Flag = False
    disabled_reason: Text = None


class EntityTotal(Wire):
    ready: Flag = False
    synced_count: Number | None = None
    oldest_entity_date: Text = None
    newest_entity_date: Text = None


class EntityProgress(Wire):
    status: Annotated[str, BeforeValidator(_status)] = "UNKNOWN"
    oldest_batch_entity_date: Text = None
    newest_batch_entity_date: Text = None


class BatchConfig(Wire):
    timeFrameInMonths: Number | None = None
    entities: Annotated[dict[str, JsonValue], BeforeValidator(_map)] = Field(default_factory=dict)


class Batch(Wire):
    batch_num: Number | None = None
    progress_info: Annotated[dict[str, EntityProgress] | None, BeforeValidator(_entries)] = None
    config: BatchConfig | None = None


class HistoricalSyncStatus(Wire):
    historical_sync_completed: Flag = False
    total: Annotated[dict[str, EntityTotal] | None, BeforeValidator(_entries)] = None
    num_batches_completed: Number | None = None
    synced_orders_count: Number | None = None
    synced_transactions_count: Number | None = None
    synced_balance_sheets_count: Number | None = None
    synced_cash_flows_count: Number | None = None
    synced_income_statements_count: Number | None = None
    batches: Annotated[list[Batch] | None, BeforeValidator(_items)] = None


class Status(Wire):
    is_ready: Flag
    last_sync_completed_at: Text = None
    link_url: Text = None
    platform: Text = None
    created_at: Text = None
    needs_update_status: NeedsUpdateStatus | None = None
    disabled_status: DisabledStatus | None = None
    historical_sync_status: HistoricalSyncStatus | None = None


class StatusResponse(Wire):
    connection: StatusConnection
    status: Status


class AccessTokenConnection(Wire):
    id: RequiredText
    store_unique_id: Text = None
    store_name: Text = None
    store_domain: Text = None
    platform: Text = None
    disabled: bool | None = None
    needs_update: bool | None = None
    link_url: Text = None


class AccessTokenResponse(Wire):
    connection: AccessTokenConnection


class ListedConnection(Wire):
    id: RequiredText
    access_token: str
    link_url: Text = None
    platform: Text = None
    created_at: Text = None
    updated_at: Text = None


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
