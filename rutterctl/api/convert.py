"""Rutter's documents -> domain models, read with the tolerant readers of `wire`.

The only module that knows both the wire shapes and the domain models. Each reader takes the
parsed JSON body and raises `wire.ShapeError` for a shape it cannot use.
"""

from __future__ import annotations

from typing import Any

from rutterctl.api.wire import Number, Obj
from rutterctl.domain import models
from rutterctl.domain.models import Timestamp
from rutterctl.secrets import register

SYNCED_COUNTS = (
    "synced_orders_count",
    "synced_transactions_count",
    "synced_balance_sheets_count",
    "synced_cash_flows_count",
    "synced_income_statements_count",
)


def _count(value: Number | None) -> Number | None:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _priority(value: object) -> models.Priority:
    if isinstance(value, dict):
        return {str(k): _priority(v) for k, v in value.items()}
    if value is None or isinstance(value, str):
        return value
    return str(value)


def connection_status(body: Any) -> models.ConnectionStatus:
    """`GET /connections/status`."""
    doc = Obj(body)
    connection = doc.obj("connection", required=True)
    status = doc.obj("status", required=True)
    assert connection is not None and status is not None
    is_ready = status.flag("is_ready", required=True)
    history = status.obj("historical_sync_status") or Obj({})
    disabled = status.obj("disabled_status") or Obj({})
    needs = status.obj("needs_update_status") or Obj({})
    entities = tuple(
        models.EntityTotal(
            name=name,
            ready=total.flag("ready"),
            synced_count=_count(total.number("synced_count")),
            oldest=Timestamp.parse(total.text("oldest_entity_date")),
            newest=Timestamp.parse(total.text("newest_entity_date")),
        )
        for name, total in history.entries("total")
    )
    batches = tuple(_batch(batch, n) for n, batch in enumerate(history.items("batches"), 1))
    return models.ConnectionStatus(
        connection_id=connection.required_text("id"),
        org_id=connection.text("orgId"),
        platform=connection.text("platform") or status.text("platform"),
        is_ready=is_ready,
        link_url=status.text("link_url"),
        created_at=Timestamp.parse(status.text("created_at")),
        last_sync_completed_at=Timestamp.parse(status.text("last_sync_completed_at")),
        needs_update=needs.flag("needs_update"),
        is_disabled=disabled.flag("is_disabled"),
        disabled_reason=disabled.text("disabled_reason"),
        historical_sync_completed=history.flag("historical_sync_completed"),
        entities=entities,
        num_batches_completed=_count(history.number("num_batches_completed")),
        batches=batches,
        synced_counts={key: _count(history.number(key)) for key in SYNCED_COUNTS},
    )


def _batch(batch: Obj, position: int) -> models.Batch:
    progress = tuple(
        models.EntityProgress(
            name=name,
            status=info.text("status", default="UNKNOWN") or "",  # null: UNKNOWN; "" stays
            oldest=Timestamp.parse(info.text("oldest_batch_entity_date")),
            newest=Timestamp.parse(info.text("newest_batch_entity_date")),
        )
        for name, info in batch.entries("progress_info")
    )
    config = None
    raw_config = batch.obj("config")
    if raw_config is not None:
        config = models.BatchConfig(
            time_frame_months=_count(raw_config.number("timeFrameInMonths")),
            entities={
                name: _priority(value) for name, value in raw_config.json_map("entities").items()
            },
        )
    # A batch without a number keeps its place in Rutter's list (batches are sorted by number).
    num = _count(batch.number("batch_num"))
    return models.Batch(
        batch_num=num if num is not None else position, progress=progress, config=config
    )


def store_info(body: Any) -> models.StoreInfo:
    """`GET /connections/access_token`: the merchant's store."""
    c = Obj(body).obj("connection", required=True)
    assert c is not None
    c.required_text("id")
    # Read (and so checked) though unused: a shape Rutter changed should fail here, loudly.
    c.maybe_bool("disabled")
    c.maybe_bool("needs_update")
    return models.StoreInfo(
        store_name=c.text("store_name"),
        store_domain=c.text("store_domain"),
        store_unique_id=c.text("store_unique_id"),
    )


def connection_summaries(body: Any) -> list[models.ConnectionSummary]:
    """`GET /connections`: every listed access token is registered as a secret to mask."""
    summaries = []
    for item in Obj(body).items("connections", required=True, skip_null=False):
        summary = models.ConnectionSummary(
            id=item.required_text("id"),
            access_token=item.string("access_token"),
            link_url=item.text("link_url"),
            platform=item.text("platform"),
            created_at=Timestamp.parse(item.text("created_at")),
            updated_at=Timestamp.parse(item.text("updated_at")),
        )
        summaries.append(summary)
    for summary in summaries:  # only once the whole document is known to be usable
        register(summary.access_token)
    return summaries
