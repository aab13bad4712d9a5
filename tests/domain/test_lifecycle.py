"""Lifecycle stages: precedence over every combination of flags, and what each stage means."""

from __future__ import annotations

import itertools

import pytest
from rutterctl.domain.lifecycle import STAGES, Stage, stage_of

from tests.domain.support import connection_status

FLAGS = list(itertools.product([False, True], repeat=4))


def expected_stage(disabled: bool, needs_update: bool, ready: bool, history: bool) -> Stage:
    # DISABLED > NEEDS_UPDATE > INITIAL_SYNC > HISTORICAL_SYNC > ONGOING_SYNC
    if disabled:
        return Stage.DISABLED
    if needs_update:
        return Stage.NEEDS_UPDATE
    if not ready:
        return Stage.INITIAL_SYNC
    return Stage.ONGOING_SYNC if history else Stage.HISTORICAL_SYNC


@pytest.mark.parametrize(("disabled", "needs_update", "ready", "history"), FLAGS)
def test_stage_precedence(disabled: bool, needs_update: bool, ready: bool, history: bool) -> None:
    status = connection_status(
        is_disabled=disabled,
        needs_update=needs_update,
        is_ready=ready,
        historical_sync_completed=history,
    )
    assert stage_of(status) is expected_stage(disabled, needs_update, ready, history)


def test_every_stage_is_reachable() -> None:
    reached = {
        stage_of(
            connection_status(
                is_disabled=d, needs_update=n, is_ready=r, historical_sync_completed=h
            )
        )
        for d, n, r, h in FLAGS
    }
    assert reached == set(Stage)


def test_precedence_examples() -> None:
    # A disabled connection that also needs an update is disabled: re-auth alone won't fix it.
    assert stage_of(connection_status(is_disabled=True, needs_update=True)) is Stage.DISABLED
    # History marked complete while not ready is still the initial sync: data is not readable.
    assert (
        stage_of(connection_status(is_ready=False, historical_sync_completed=True))
        is Stage.INITIAL_SYNC
    )


@pytest.mark.parametrize("stage", list(Stage))
def test_every_stage_has_meaning_end_and_next_step(stage: Stage) -> None:
    info = STAGES[stage]
    assert info.stage is stage
    assert info.meaning.strip()
    assert info.ends_with.strip()
    assert info.next_step.strip()


def test_stage_texts_name_the_webhooks_that_end_them() -> None:
    assert STAGES[Stage.INITIAL_SYNC].ends_with == "INITIAL_UPDATE"
    assert STAGES[Stage.NEEDS_UPDATE].ends_with == "CONNECTION_UPDATED"
    assert STAGES[Stage.HISTORICAL_SYNC].ends_with.startswith("HISTORICAL_UPDATE")
    assert "link_url" in STAGES[Stage.NEEDS_UPDATE].next_step
    assert "PRODUCT_NOT_READY" in STAGES[Stage.INITIAL_SYNC].meaning
    assert set(STAGES) == set(Stage)
