"""Wire models -> domain models. The only module that knows both."""

from __future__ import annotations

from rutterctl.api import wire
from rutterctl.domain import models
from rutterctl.domain.models import Timestamp
from rutterctl.secrets import register


def _count(value: int | float | None) -> int | float | None:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _priority(value: object) -> models.Priority:
    if isinstance(value, dict):
        return {str(k): _priority(v) for k, v in value.items()}
    if value is None or isinstance(value, str):
        return value
    return str(value)


def connection_status(doc: wire.StatusResponse) -> models.ConnectionStatus:
    status = doc.status
    history = status.historical_sync_status or wire.HistoricalSyncStatus()
    disabled = status.disabled_status or wire.DisabledStatus()
    needs = status.needs_update_status or wire.NeedsUpdateStatus()
    entities = tuple(
        models.EntityTotal(
            name=name,
            ready=total.ready,
            synced_count=_count(total.synced_count),
            oldest=Timestamp.parse(total.oldest_entity_date),
            newest=Timestamp.parse(total.newest_entity_date),
        )
        for name, total in (history.total or {}).items()
    )
    batches = tuple(_batch(batch, n) for n, batch in enumerate(history.batches or [], 1))
    counts = {
        key: _count(getattr(history, key))
        for key in (
            "synced_orders_count",
            "synced_transactions_count",
            "synced_balance_sheets_count",
            "synced_cash_flows_count",
            "synced_income_statements_count",
        )
    }
    return models.ConnectionStatus(
        connection_id=doc.connection.id,
        org_id=doc.connection.orgId,
        platform=doc.connection.platform or status.platform,
        is_ready=status.is_ready,
        link_url=status.link_url,
        created_at=Timestamp.parse(status.created_at),
        last_sync_completed_at=Timestamp.parse(status.last_sync_completed_at),
        needs_update=needs.needs_update,
        is_disabled=disabled.is_disabled,
        disabled_reason=disabled.disabled_reason,
        historical_sync_completed=history.historical_sync_completed,
        entities=entities,
        num_batches_completed=_count(history.num_batches_completed),
        batches=batches,
        synced_counts=counts,
    )


def _batch(batch: wire.Batch, position: int) -> models.Batch:
    progress = tuple(
        models.EntityProgress(
            name=name,
            status=info.status,
            oldest=Timestamp.parse(info.oldest_batch_entity_date),
            newest=Timestamp.parse(info.newest_batch_entity_date),
        )
        for name, info in (batch.progress_info or {}).items()
    )
    config = None
    if batch.config is not None:
        config = models.BatchConfig(
            time_frame_months=_count(batch.config.timeFrameInMonths),
            entities={name: _priority(value) for name, value in batch.config.entities.items()},
        )
    # A batch without a number keeps its place in Rutter's list (batches are sorted by number).
    num = _count(batch.batch_num)
    return models.Batch(
        batch_num=num if num is not None else position, progress=progress, config=config
    )


def store_info(doc: wire.AccessTokenResponse) -> models.StoreInfo:
    c = doc.connection
    return models.StoreInfo(
        store_name=c.store_name, store_domain=c.store_domain, store_unique_id=c.store_unique_id
    )


def connection_summary(item: wire.ListedConnection) -> models.ConnectionSummary:
    register(item.access_token)
    return models.ConnectionSummary(
        id=item.id,
        access_token=item.access_token,
        link_url=item.link_url,
        platform=item.platform,
        created_at=Timestamp.parse(item.created_at),
        updated_at=Timestamp.parse(item.updated_at),
    )
