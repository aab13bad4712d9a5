"""The lifecycle stages of a connection, their precedence and what each means to an operator."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from rutterctl.domain.models import ConnectionStatus


class Stage(StrEnum):
    DISABLED = "DISABLED"
    NEEDS_UPDATE = "NEEDS_UPDATE"
    INITIAL_SYNC = "INITIAL_SYNC"
    HISTORICAL_SYNC = "HISTORICAL_SYNC"
    ONGOING_SYNC = "ONGOING_SYNC"


class StageInfo(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """What a stage means to an operator, what ends it, and what to do."""

    stage: Stage
    meaning: str
    ends_with: str
    next_step: str


STAGES: dict[Stage, StageInfo] = {
    info.stage: info
    for info in (
        StageInfo(
            Stage.DISABLED,
            meaning="Rutter has disabled the connection; no data is synced.",
            ends_with="CONNECTION_UPDATED (after the cause is fixed and the merchant reconnects)",
            next_step="Look up the disabled reason (`rutterctl reasons CONNECTION`); the merchant "
            "usually has to fix the store or plan first, then reconnect through link_url.",
        ),
        StageInfo(
            Stage.NEEDS_UPDATE,
            meaning="The merchant must re-authenticate; syncing is paused until they do.",
            ends_with="CONNECTION_UPDATED",
            next_step="Send the merchant the link_url to reconnect their store.",
        ),
        StageInfo(
            Stage.INITIAL_SYNC,
            meaning="The initial sync is running; data endpoints answer PRODUCT_NOT_READY "
            "(orders and transactions can be force-fetched, possibly incomplete).",
            ends_with="INITIAL_UPDATE",
            next_step="Wait for INITIAL_UPDATE (`rutterctl wait-ready CONNECTION`).",
        ),
        StageInfo(
            Stage.HISTORICAL_SYNC,
            meaning="Data can be read; older history is still being synced in batches.",
            ends_with="HISTORICAL_UPDATE (once per later batch)",
            next_step="Read data now; expect HISTORICAL_UPDATE as each remaining batch completes.",
        ),
        StageInfo(
            Stage.ONGOING_SYNC,
            meaning="History is complete; Rutter polls the platform about every 10 minutes.",
            ends_with="nothing: data webhooks (ORDER_CREATED/UPDATED, PRODUCT_CREATED/UPDATED) "
            "follow each sync",
            next_step="Nothing to do.",
        ),
    )
}


def stage_of(status: ConnectionStatus) -> Stage:
    """The stage by precedence: disabled > needs update > initial > historical > ongoing."""
    if status.is_disabled:
        return Stage.DISABLED
    if status.needs_update:
        return Stage.NEEDS_UPDATE
    if not status.is_ready:
        return Stage.INITIAL_SYNC
    if not status.historical_sync_completed:
        return Stage.HISTORICAL_SYNC
    return Stage.ONGOING_SYNC
