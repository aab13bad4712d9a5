"""Batches of the historical sync: overall status, webhook, views, implicit batch, priorities."""

from __future__ import annotations

from typing import Any

import pytest
from rutterctl.domain.batches import (
    COMPLETED,
    FAILED,
    IN_PROGRESS,
    NOT_STARTED,
    BatchView,
    EntityView,
    batch_status,
    batch_views,
    batch_webhook,
    batches_completed,
    batching_configured,
    ongoing_state,
)
from rutterctl.domain.lifecycle import Stage
from rutterctl.domain.models import (
    NO_TIME,
    Batch,
    BatchConfig,
    EntityProgress,
    EntityTotal,
    Priority,
    Timestamp,
)
from rutterctl.render.batches_view import format_priority

from tests.domain.support import connection_status

OLD = Timestamp.parse("2026-05-28T00:00:00Z")
NEW = Timestamp.parse("2026-11-28T11:50:00Z")


def batch(
    num: int,
    statuses: dict[str, str],
    *,
    months: int | None = 6,
    priorities: dict[str, Priority] | None = None,
) -> Batch:
    """A batch with the given entity statuses; `months=None` means `config: null`."""
    progress = tuple(EntityProgress(name, status, OLD, NEW) for name, status in statuses.items())
    config = None
    if months is not None:
        entities: dict[str, Priority] = (
            priorities if priorities is not None else dict.fromkeys(statuses, "REQUIRED")
        )
        config = BatchConfig(months, entities)
    return Batch(num, progress, config)


def total(name: str, ready: bool) -> EntityTotal:
    return EntityTotal(name, ready, 10 if ready else None, OLD, NEW)


# -- batch_status -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([COMPLETED], COMPLETED),
        ([COMPLETED, COMPLETED, COMPLETED], COMPLETED),
        ([FAILED], FAILED),
        ([COMPLETED, FAILED], FAILED),
        ([NOT_STARTED, FAILED], FAILED),
        ([IN_PROGRESS, FAILED, COMPLETED, NOT_STARTED], FAILED),
        ([COMPLETED, NOT_STARTED], IN_PROGRESS),
        ([IN_PROGRESS], IN_PROGRESS),
        ([IN_PROGRESS, NOT_STARTED], IN_PROGRESS),
        ([IN_PROGRESS, COMPLETED], IN_PROGRESS),
        ([NOT_STARTED], NOT_STARTED),
        ([NOT_STARTED, NOT_STARTED], NOT_STARTED),
        # An entity status Rutter may add later: neither done nor failed, so work under way.
        (["PAUSED"], IN_PROGRESS),
        (["PAUSED", COMPLETED], IN_PROGRESS),
        (["PAUSED", NOT_STARTED], IN_PROGRESS),
        (["PAUSED", FAILED], FAILED),
    ],
    ids=lambda value: "+".join(value) if isinstance(value, list) else None,
)
def test_batch_status_combinations(statuses: list[str], expected: str) -> None:
    entities = {f"entity{i}": status for i, status in enumerate(statuses)}
    assert batch_status(batch(1, entities)) == expected


def test_batch_without_progress_has_not_started() -> None:
    assert batch_status(batch(1, {})) == NOT_STARTED


@pytest.mark.parametrize(
    ("index", "webhook"),
    [(0, "INITIAL_UPDATE"), (1, "HISTORICAL_UPDATE"), (7, "HISTORICAL_UPDATE")],
)
def test_first_batch_fires_initial_update_later_ones_historical_update(
    index: int, webhook: str
) -> None:
    assert batch_webhook(index) == webhook


# -- batches_completed --------------------------------------------------------------------------


def test_batches_completed_is_rutters_count_when_given() -> None:
    # Rutter's own count wins even where our reading of the statuses would differ.
    status = connection_status(
        batches=(batch(1, {"orders": COMPLETED}), batch(2, {"customers": COMPLETED})),
        num_batches_completed=1,
    )
    assert batches_completed(status) == 1


def test_batches_completed_is_counted_when_rutter_gives_null() -> None:
    status = connection_status(
        batches=(
            batch(1, {"orders": COMPLETED}),
            batch(2, {"customers": COMPLETED, "orders": NOT_STARTED}),
            batch(3, {"customers": COMPLETED}),
        ),
        num_batches_completed=None,
    )
    assert batches_completed(status) == 2


# -- batch_views: configured batches -------------------------------------------------------------


def product_description_status() -> Any:
    """The product description's example: 6 months of orders and products, 8 of customers,
    then the remaining 18 months of everything."""
    return connection_status(
        historical_sync_completed=False,
        batches=(
            batch(1, {"orders": COMPLETED, "products": COMPLETED}, months=6),
            batch(
                2,
                {"customers": IN_PROGRESS},
                months=8,
                priorities={"customers": "PREFERRED_BUT_OPTIONAL"},
            ),
            batch(
                3,
                {"orders": NOT_STARTED, "products": NOT_STARTED, "customers": NOT_STARTED},
                months=18,
                priorities={"orders": "REQUIRED", "products": "AVOID", "customers": "AVOID"},
            ),
        ),
    )


def test_views_of_the_product_description_example() -> None:
    views = batch_views(product_description_status())
    assert [(v.batch_num, v.webhook, v.status, v.time_frame_months) for v in views] == [
        (1, "INITIAL_UPDATE", COMPLETED, 6),
        (2, "HISTORICAL_UPDATE", IN_PROGRESS, 8),
        (3, "HISTORICAL_UPDATE", NOT_STARTED, 18),
    ]
    assert views[0].entities == (
        EntityView("orders", "REQUIRED", COMPLETED, OLD, NEW),
        EntityView("products", "REQUIRED", COMPLETED, OLD, NEW),
    )
    assert views[1].entities == (
        EntityView("customers", "PREFERRED_BUT_OPTIONAL", IN_PROGRESS, OLD, NEW),
    )
    assert [(e.name, e.priority, e.status) for e in views[2].entities] == [
        ("orders", "REQUIRED", NOT_STARTED),
        ("products", "AVOID", NOT_STARTED),
        ("customers", "AVOID", NOT_STARTED),
    ]
    assert [v.entities_completed for v in views] == [2, 0, 0]


def test_views_follow_batch_numbers_when_rutter_sends_them_out_of_order() -> None:
    status = connection_status(
        batches=(batch(2, {"customers": IN_PROGRESS}), batch(1, {"orders": COMPLETED}))
    )
    views = batch_views(status)
    assert [(v.batch_num, v.webhook) for v in views] == [
        (1, "INITIAL_UPDATE"),
        (2, "HISTORICAL_UPDATE"),
    ]


def test_entity_configured_but_without_progress_is_listed_without_status_or_dates() -> None:
    status = connection_status(
        batches=(
            batch(
                1,
                {"orders": IN_PROGRESS},
                priorities={"orders": "REQUIRED", "customers": "AVOID"},
            ),
        )
    )
    (view,) = batch_views(status)
    assert view.entities == (
        EntityView("orders", "REQUIRED", IN_PROGRESS, OLD, NEW),
        EntityView("customers", "AVOID", None, NO_TIME, NO_TIME),
    )


def test_unknown_status_and_priority_are_kept_as_given() -> None:
    status = connection_status(
        batches=(batch(1, {"orders": "PAUSED"}, priorities={"orders": "MANDATORY"}),)
    )
    (view,) = batch_views(status)
    assert view.status == IN_PROGRESS
    assert view.entities[0].status == "PAUSED"
    assert view.entities[0].priority == "MANDATORY"


def test_nested_priority_map_is_kept_in_the_view() -> None:
    nested: dict[str, Priority] = {"line_items": "REQUIRED", "variants": {"inventory": "AVOID"}}
    status = connection_status(
        batches=(batch(1, {"orders": COMPLETED}, priorities={"orders": nested}),)
    )
    assert batch_views(status)[0].entities[0].priority == nested


# -- batch_views: no batching configured -> one implicit batch from `total` ---------------------


@pytest.mark.parametrize(
    "batches",
    [(), (batch(1, {"orders": COMPLETED}, months=None),)],
    ids=["no-batches", "config-null"],
)
def test_without_batching_one_implicit_batch_from_totals(batches: tuple[Batch, ...]) -> None:
    status = connection_status(
        batches=batches, entities=(total("orders", True), total("customers", False))
    )
    assert not batching_configured(status)
    assert batch_views(status) == [
        BatchView(
            batch_num=None,
            webhook="INITIAL_UPDATE",
            status=IN_PROGRESS,
            time_frame_months=None,
            entities=(
                EntityView("orders", None, COMPLETED, OLD, NEW),
                EntityView("customers", None, IN_PROGRESS, OLD, NEW),
            ),
        )
    ]


def test_implicit_batch_is_completed_when_every_entity_is_ready() -> None:
    status = connection_status(entities=(total("orders", True), total("products", True)))
    (view,) = batch_views(status)
    assert view.status == COMPLETED
    assert view.entities_completed == 2


def test_implicit_batch_without_totals_has_not_started() -> None:
    (view,) = batch_views(connection_status())
    assert (view.batch_num, view.status, view.entities) == (None, NOT_STARTED, ())


def test_without_the_implicit_batch_config_null_batches_are_shown_as_sent() -> None:
    # `status -o json` shows only what Rutter sent: no invented batch.
    status = connection_status(
        batches=(batch(1, {"orders": COMPLETED}, months=None),),
        entities=(total("orders", True),),
    )
    assert batch_views(connection_status(), implicit=False) == []
    (view,) = batch_views(status, implicit=False)
    assert (view.batch_num, view.status, view.time_frame_months) == (1, COMPLETED, None)
    assert view.entities == (EntityView("orders", None, COMPLETED, OLD, NEW),)


def test_one_configured_batch_among_null_configs_means_batching_is_configured() -> None:
    status = connection_status(
        batches=(batch(1, {"orders": COMPLETED}), batch(2, {"customers": NOT_STARTED}, months=None))
    )
    assert batching_configured(status)
    assert [v.batch_num for v in batch_views(status)] == [1, 2]


# -- priorities as people read them ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("priority", "shown"),
    [
        ("REQUIRED", "REQUIRED"),
        ("PREFERRED_BUT_OPTIONAL", "PREFERRED_BUT_OPTIONAL"),
        ("AVOID", "AVOID"),
        ("MANDATORY", "MANDATORY"),
        (None, "-"),
        (
            {"line_items": "REQUIRED", "variants": {"inventory": "AVOID"}},
            "line_items: REQUIRED, variants.inventory: AVOID",
        ),
        ({"a": {"b": {"c": "REQUIRED"}}, "d": None}, "a.b.c: REQUIRED, d: -"),
        ({"variants": {}}, "-"),
    ],
)
def test_format_priority(priority: Priority, shown: str) -> None:
    assert format_priority(priority) == shown


@pytest.mark.parametrize(
    ("stage", "historical", "state"),
    [
        (Stage.INITIAL_SYNC, False, "pending"),
        (Stage.HISTORICAL_SYNC, False, "pending"),
        (Stage.ONGOING_SYNC, True, "active"),
        (Stage.DISABLED, True, "paused"),
        (Stage.DISABLED, False, "paused"),
        (Stage.NEEDS_UPDATE, True, "paused"),
    ],
)
def test_ongoing_state_is_paused_while_disabled_or_needing_an_update(
    stage: Stage, historical: bool, state: str
) -> None:
    assert ongoing_state(stage, historical) == state
