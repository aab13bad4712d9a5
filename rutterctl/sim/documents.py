"""The connection documents: `/connections`, `/connections/status`, `/connections/access_token`.

Each is computed from the state at one instant, so what they say is true at that instant, and
each validates against the 2023-03-14 spec (which forbids keys it does not list).
"""

from __future__ import annotations

from typing import Any

from rutterctl.sim import data
from rutterctl.sim.model import ENTITIES
from rutterctl.sim.state import Connection
from rutterctl.sim.timeline import synced_historical


def _historical_total(conn: Connection, entity: str) -> int:
    spec = conn.spec
    return {"orders": spec.orders, "transactions": spec.orders, "products": spec.products}.get(
        entity, spec.customers
    )


def _ongoing_added(conn: Connection, entity: str, syncs: int) -> int:
    if entity in ("orders", "transactions"):
        return syncs * conn.catalog.per_sync
    return syncs // 3 if entity == "products" else 0


def _created(space: data.OrderSpace, entity: str, i: int) -> float:
    cat = space.catalog
    if entity == "orders":
        return space.order_created(i)
    if entity == "transactions":
        return space.txn_created(i)
    if entity == "products":
        if i < cat.products:
            return data.historical_created(cat, cat.products, i, data.TAG_PRODUCT)
        return space.sync_time(3 * (i - cat.products + 1))
    return data.historical_created(cat, cat.customers, i, data.TAG_CUSTOMER)


def _date(space: data.OrderSpace, entity: str, i: int) -> str:
    return data.iso(_created(space, entity, i))


def _total(conn: Connection, space: data.OrderSpace, entity: str, e: float) -> dict[str, Any]:
    plan = conn.plan
    n = _historical_total(conn, entity)
    covered = plan.coverage(entity, e)
    synced = synced_historical(n, covered, conn.spec.history_months)
    added = _ongoing_added(conn, entity, plan.ongoing_syncs(e))
    count = synced + added
    first = n - synced if synced else n
    return {
        "ready": plan.entity_ready(entity, e),
        "synced_count": None if covered is None and not added else count,
        "oldest_entity_date": _date(space, entity, first) if count else None,
        "newest_entity_date": _date(space, entity, n + added - 1) if count else None,
    }


def _progress(
    conn: Connection, space: data.OrderSpace, i: int, entity: str, e: float
) -> dict[str, Any]:
    plan = conn.plan
    status = plan.batch_status(i, e)
    if conn.failed is not None and conn.failed[0] == i and entity in conn.failed[1]:
        status = "FAILED"
    oldest = newest = None
    if entity in ENTITIES and status != "NOT_STARTED":
        n, months = _historical_total(conn, entity), conn.spec.history_months
        before = synced_historical(n, plan.coverage(entity, e, before=i), months)
        upto = synced_historical(n, plan.coverage(entity, e, before=i + 1), months)
        if upto > before:
            oldest, newest = _date(space, entity, n - upto), _date(space, entity, n - before - 1)
    return {
        "status": status,
        "oldest_batch_entity_date": oldest,
        "newest_batch_entity_date": newest,
    }


def _batches(conn: Connection, space: data.OrderSpace, e: float) -> list[dict[str, Any]]:
    out = []
    for i, batch in enumerate(conn.plan.batches):
        entities = {k: v for k, v in batch.entities.items() if v != "AVOID"}
        config = None
        if batch.show_config and batch.months is not None:
            config = {"timeFrameInMonths": batch.months, "entities": dict(batch.entities)}
        out.append(
            {
                "batch_num": i + 1,
                "progress_info": {name: _progress(conn, space, i, name, e) for name in entities},
                "config": config,
            }
        )
    return out


def _at(conn: Connection, e: float | None) -> str | None:
    if e is None:
        return None
    moment = conn.instant(e)
    return data.iso(moment) if moment is not None else None


def status_document(conn: Connection, now: float, org_id: str) -> dict[str, Any]:
    e = conn.elapsed(now)
    plan, space = conn.plan, conn.order_space(now)
    totals = {entity: _total(conn, space, entity, e) for entity in ENTITIES}
    pause = conn.pause
    show = conn.spec.show_batches
    return {
        "connection": {"id": conn.id, "orgId": org_id, "platform": conn.spec.platform},
        "status": {
            "last_sync_completed_at": _at(conn, plan.last_sync_elapsed(e)),
            "is_ready": plan.is_ready(e),
            "link_url": conn.link_url,
            "platform": conn.spec.platform,
            "needs_update_status": {"needs_update": pause is not None and pause.kind != "disabled"},
            "disabled_status": {
                "is_disabled": pause is not None and pause.kind == "disabled",
                "disabled_reason": pause.reason if pause is not None else None,
            },
            "historical_sync_status": {
                "historical_sync_completed": plan.history_done(e),
                "total": totals,
                "num_batches_completed": plan.batches_completed(e) if show else None,
                "synced_orders_count": totals["orders"]["synced_count"] or 0,
                "synced_transactions_count": totals["transactions"]["synced_count"] or 0,
                "synced_balance_sheets_count": None,
                "synced_cash_flows_count": None,
                "synced_income_statements_count": None,
                "batches": _batches(conn, space, e) if show else [],
            },
            "created_at": data.iso(conn.created_at),
        },
    }


def listed_connection(conn: Connection) -> dict[str, Any]:
    return {
        "id": conn.id,
        "access_token": conn.access_token,
        "link_url": conn.link_url,
        "platform": conn.spec.platform,
        "created_at": data.iso(conn.created_at),
        "updated_at": data.iso(conn.updated_at),
    }


def access_token_document(conn: Connection, now: float) -> dict[str, Any]:
    e = conn.elapsed(now)
    plan, space = conn.plan, conn.order_space(now)
    orders = _total(conn, space, "orders", e)
    if plan.history_done(e):
        started: float | None = plan.sync_elapsed(plan.ongoing_syncs(e))
    else:
        started = plan.starts[min(plan.batches_completed(e), len(plan.starts) - 1)]
    n, months = conn.spec.orders, conn.spec.history_months
    initial = synced_historical(n, plan.coverage("orders", plan.ends[0], before=1), months)
    estimate = None if plan.history_done(e) or conn.pause else _at(conn, plan.history_end)
    return {
        "connection": {
            "id": conn.id,
            "store_unique_id": conn.store_unique_id,
            "store_name": conn.spec.store_name,
            "store_domain": conn.spec.store_domain,
            "platform": conn.spec.platform,
            "disabled": conn.pause is not None and conn.pause.kind == "disabled",
            "needs_update": conn.pause is not None and conn.pause.kind != "disabled",
            "link_url": conn.link_url,
            "created_at": data.iso(conn.created_at),
            "last_sync_completed_at": _at(conn, plan.last_sync_elapsed(e)),
            "last_sync_started_at": _at(conn, started),
            "estimated_completed_at": estimate,
            "oldest_order_date": orders["oldest_entity_date"],
            "newest_order_date": orders["newest_entity_date"],
            "initial_orders_synced_count": initial if plan.is_ready(e) else 0,
        }
    }
