"""The `status` use case: read a connection's lifecycle document and explain it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from rutterctl.domain.batches import batches_completed
from rutterctl.domain.lifecycle import STAGES, Stage, StageInfo, stage_of
from rutterctl.domain.models import ConnectionStatus, StoreInfo
from rutterctl.errors import ApiError, CredentialsRejected, Unavailable

if TYPE_CHECKING:  # types only: a Protocol class costs to create
    from rutterctl.domain.ports import Clock, RutterGateway
    from rutterctl.domain.resolve import StoreCache

# Rutter polls the platform about every 10 minutes once history is complete; a gap of three
# cadences means the sync has stalled rather than merely not run yet.
SYNC_CADENCE = timedelta(minutes=10)
STALE_AFTER = 3 * SYNC_CADENCE


class StatusReport(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """A status document explained: the stage, its meaning, batches and warnings."""

    status: ConnectionStatus
    stage: Stage
    info: StageInfo
    store: StoreInfo | None
    batches_completed: int
    batches_total: int
    warnings: tuple[str, ...]
    checked_at: datetime


def build_report(status: ConnectionStatus, store: StoreInfo | None, now: datetime) -> StatusReport:
    stage = stage_of(status)
    return StatusReport(
        status=status,
        stage=stage,
        info=STAGES[stage],
        store=store,
        batches_completed=batches_completed(status),
        batches_total=len(status.batches),
        warnings=tuple(_warnings(status, stage, now)),
        checked_at=now,
    )


def _warnings(status: ConnectionStatus, stage: Stage, now: datetime) -> list[str]:
    if stage is not Stage.ONGOING_SYNC:
        return []
    if not status.last_sync_completed_at.present:
        return ["history is complete but no sync has completed yet"]
    last = status.last_sync_completed_at.parsed
    if last is None:
        # A date we cannot read is shown as given; claiming "never synced" would be false.
        return []
    if now - last > STALE_AFTER:
        minutes = int((now - last).total_seconds() // 60)
        return [f"last sync completed {minutes} minutes ago; Rutter syncs about every 10 minutes"]
    return []


def get_status(
    gateway: RutterGateway,
    access_token: str,
    clock: Clock,
    *,
    with_store: bool = True,
    stores: StoreCache | None = None,
) -> StatusReport:
    """The status document, always read now, and the store's name and domain: from `stores`
    (the store cache of `connections find`) when it holds them fresh, else read and kept
    there."""
    status = gateway.connection_status(access_token)
    store = _store_info(gateway, access_token, status.connection_id, stores) if with_store else None
    return build_report(status, store, clock())


def _store_info(
    gateway: RutterGateway, access_token: str, connection_id: str, stores: StoreCache | None
) -> StoreInfo | None:
    """Store name and domain are a nicety: some platforms do not offer them (404)."""
    from rutterctl.domain.resolve import NO_STORE_ENDPOINT

    if not connection_id:
        stores = None  # nothing to keep it under
    if stores is not None:
        cached = stores.fresh_one(connection_id)
        if cached is not None:
            return cached
    try:
        info = gateway.store_info(access_token)
    except (CredentialsRejected, Unavailable):
        raise
    except ApiError as exc:
        if stores is not None and exc.status in NO_STORE_ENDPOINT:
            stores.update({connection_id: StoreInfo(None, None, None)})
        return None
    if stores is not None and info is not None:
        stores.update({connection_id: info})
    return info
