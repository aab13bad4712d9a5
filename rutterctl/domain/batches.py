"""Batches of the historical sync: their overall status and the webhook each one fires."""

from __future__ import annotations

from rutterctl.domain.models import Batch, ConnectionStatus

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
