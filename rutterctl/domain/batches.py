"""Batches of the historical sync: their overall status and the webhook each one fires."""

from __future__ import annotations

from typing import NamedTuple

from rutterctl.domain.lifecycle import Stage
from rutterctl.domain.models import NO_TIME, Batch, ConnectionStatus, Priority, Timestamp

NOT_STARTED = "NOT_STARTED"
IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"
FAILED = "FAILED"
KNOWN_STATUSES = (NOT_STARTED, IN_PROGRESS, COMPLETED, FAILED)


def batch_status(batch: Batch) -> str:
    """FAILED if any entity failed, COMPLETED when all are, IN_PROGRESS if any is running or
    some are done while others are not started, NOT_STARTED otherwise.

    An entity status Rutter may add later counts as work under way: it is neither done nor
    failed, and we would rather say "in progress" than claim the batch has not started.
    """
    statuses = [entity.status for entity in batch.progress]
    if not statuses:
        return NOT_STARTED
    if FAILED in statuses:
        return FAILED
    if all(status == COMPLETED for status in statuses):
        return COMPLETED
    if all(status == NOT_STARTED for status in statuses):
        return NOT_STARTED
    return IN_PROGRESS


def batch_webhook(index: int) -> str:
    """The first batch fires INITIAL_UPDATE; each later one HISTORICAL_UPDATE."""
    return "INITIAL_UPDATE" if index == 0 else "HISTORICAL_UPDATE"


def batches_completed(status: ConnectionStatus) -> int:
    """`num_batches_completed` when Rutter gives it, else counted from the batches."""
    if status.num_batches_completed is not None:
        return int(status.num_batches_completed)
    return sum(1 for batch in status.batches if batch_status(batch) == COMPLETED)


ONGOING_WEBHOOKS = ("ORDER_CREATED", "ORDER_UPDATED", "PRODUCT_CREATED", "PRODUCT_UPDATED")
ONGOING_ACTIVE = "active"  # history complete: Rutter polls about every 10 minutes
ONGOING_PENDING = "pending"  # history still syncing: ongoing sync starts after it
ONGOING_PAUSED = "paused"  # disabled or needs update: nothing syncs until the merchant acts


def ongoing_state(stage: Stage, historical_sync_completed: bool) -> str:
    """Where ongoing synchronization stands. A disabled connection, or one that needs an
    update, syncs nothing, whatever its history says: its ongoing sync is paused."""
    if stage in (Stage.DISABLED, Stage.NEEDS_UPDATE):
        return ONGOING_PAUSED
    return ONGOING_ACTIVE if historical_sync_completed else ONGOING_PENDING


class EntityView(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """One entity of a batch: its priority, status and the dates synced."""

    name: str
    priority: Priority
    status: str | None
    oldest: Timestamp
    newest: Timestamp


class BatchView(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """A batch as an operator reads it: its data, each entity's progress, status and webhook."""

    batch_num: int | float | None  # None for the implicit batch of an unbatched connection
    webhook: str
    status: str
    time_frame_months: int | float | None
    entities: tuple[EntityView, ...]

    @property
    def entities_completed(self) -> int:
        return sum(1 for entity in self.entities if entity.status == COMPLETED)


def batching_configured(status: ConnectionStatus) -> bool:
    return any(batch.config is not None for batch in status.batches)


def batch_views(status: ConnectionStatus, *, implicit: bool = True) -> list[BatchView]:
    """The configured batches in order; without batching (no batches, or only `config: null`),
    one implicit batch built from `total` when `implicit` is set."""
    if batching_configured(status) or not implicit:
        # In batch-number order: the webhook follows from the position, and Rutter does not
        # promise the array is sorted (the lowest number is the first batch, INITIAL_UPDATE).
        ordered = sorted(status.batches, key=lambda batch: batch.batch_num)
        return [_view(index, batch) for index, batch in enumerate(ordered)]
    entities = tuple(
        EntityView(e.name, None, COMPLETED if e.ready else IN_PROGRESS, e.oldest, e.newest)
        for e in status.entities
    )
    if not entities:
        overall = NOT_STARTED
    elif all(entity.status == COMPLETED for entity in entities):
        overall = COMPLETED
    else:
        overall = IN_PROGRESS
    return [BatchView(None, batch_webhook(0), overall, None, entities)]


def _view(index: int, batch: Batch) -> BatchView:
    priorities = batch.config.entities if batch.config else {}
    progress = {entity.name: entity for entity in batch.progress}
    names = list(progress) + [name for name in priorities if name not in progress]
    entities = tuple(
        EntityView(
            name,
            priorities.get(name),
            progress[name].status if name in progress else None,
            progress[name].oldest if name in progress else NO_TIME,
            progress[name].newest if name in progress else NO_TIME,
        )
        for name in names
    )
    return BatchView(
        batch.batch_num,
        batch_webhook(index),
        batch_status(batch),
        batch.config.time_frame_months if batch.config else None,
        entities,
    )
