"""The status use case: the report, its stale-sync warning and the optional store info."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from rutterctl.config.cache import FileStoreCache
from rutterctl.domain.lifecycle import STAGES, Stage
from rutterctl.domain.models import StoreInfo, Timestamp
from rutterctl.domain.status import build_report, get_status
from rutterctl.errors import (
    ApiError,
    ConnectionDisabled,
    CredentialsRejected,
    NotReady,
    Unavailable,
)

from tests import builders
from tests.domain.support import FakeGateway, connection_status
from tests.fakes import FIXED_NOW

NOW = FIXED_NOW


def at(minutes_ago: float) -> Timestamp:
    when = NOW - timedelta(minutes=minutes_ago)
    return Timestamp(when.isoformat(), when)


@pytest.mark.parametrize("minutes", [31, 45, 600])
def test_ongoing_without_a_sync_for_over_30_minutes_warns(minutes: int) -> None:
    report = build_report(connection_status(last_sync_completed_at=at(minutes)), None, NOW)
    assert report.stage is Stage.ONGOING_SYNC
    assert report.warnings == (
        f"last sync completed {minutes} minutes ago; Rutter syncs about every 10 minutes",
    )


@pytest.mark.parametrize("minutes", [0, 5, 29.9, 30])
def test_ongoing_with_a_recent_sync_does_not_warn(minutes: float) -> None:
    report = build_report(connection_status(last_sync_completed_at=at(minutes)), None, NOW)
    assert report.warnings == ()


def test_ongoing_that_never_synced_warns() -> None:
    report = build_report(
        connection_status(last_sync_completed_at=Timestamp(None, None)), None, NOW
    )
    assert report.warnings == ("history is complete but no sync has completed yet",)


def test_ongoing_with_an_unreadable_sync_date_does_not_claim_it_never_synced() -> None:
    status = connection_status(last_sync_completed_at=Timestamp("yesterday-ish", None))
    assert build_report(status, None, NOW).warnings == ()


@pytest.mark.parametrize(
    "overrides",
    [
        {"historical_sync_completed": False},
        {"is_ready": False},
        {"needs_update": True},
        {"is_disabled": True},
    ],
    ids=["historical", "initial", "needs-update", "disabled"],
)
def test_other_stages_never_warn_about_stale_syncs(overrides: dict[str, bool]) -> None:
    status = connection_status(last_sync_completed_at=at(600), **overrides)
    report = build_report(status, None, NOW)
    assert report.stage is not Stage.ONGOING_SYNC
    assert report.warnings == ()


def test_report_carries_stage_info_store_and_time() -> None:
    store = StoreInfo("Acme", "acme.example", "acme-1")
    status = connection_status(is_ready=False)
    report = build_report(status, store, NOW)
    assert report.stage is Stage.INITIAL_SYNC
    assert report.info == STAGES[Stage.INITIAL_SYNC]
    assert report.store == store
    assert report.checked_at == NOW
    assert (report.batches_completed, report.batches_total) == (0, 0)


def test_get_status_asks_for_status_then_store_with_the_token() -> None:
    store = StoreInfo("Acme", "acme.example", "acme-1")
    gateway = FakeGateway(store=store)
    report = get_status(gateway, builders.ACCESS_TOKEN, lambda: NOW)
    assert gateway.calls == [
        ("connection_status", builders.ACCESS_TOKEN),
        ("store_info", builders.ACCESS_TOKEN),
    ]
    assert report.store == store
    assert report.checked_at == NOW


def test_get_status_without_store() -> None:
    gateway = FakeGateway()
    report = get_status(gateway, builders.ACCESS_TOKEN, lambda: NOW, with_store=False)
    assert gateway.calls == [("connection_status", builders.ACCESS_TOKEN)]
    assert report.store is None


@pytest.mark.parametrize(
    "error",
    [
        ApiError("not supported for this platform", status=404),
        NotReady("not ready", error_code="PRODUCT_NOT_READY"),
        ConnectionDisabled("disabled", error_code="CONNECTION_DISABLED"),
    ],
)
def test_store_info_errors_only_hide_the_store(error: ApiError) -> None:
    report = get_status(FakeGateway(store=error), builders.ACCESS_TOKEN, lambda: NOW)
    assert report.store is None
    assert report.stage is Stage.ONGOING_SYNC


@pytest.mark.parametrize(
    "error",
    [CredentialsRejected("rejected", status=401), Unavailable("down", status=503)],
)
def test_store_info_credential_and_outage_errors_propagate(error: ApiError) -> None:
    with pytest.raises(type(error)):
        get_status(FakeGateway(store=error), builders.ACCESS_TOKEN, lambda: NOW)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def store_cache(tmp_path: Path, clock: Clock) -> FileStoreCache:
    return FileStoreCache.in_dir(tmp_path, "http://127.0.0.1:1/versioned", "client", clock)


def test_a_fresh_store_cache_saves_the_store_request(tmp_path: Path) -> None:
    """`status` reads the status document every time, the store only when the store cache
    (24 h, filled by `connections find` and `--details` too) holds no fresh entry."""
    clock = Clock()
    stores = store_cache(tmp_path, clock)
    acme = StoreInfo("Acme", "acme.example", "acme-1")
    stores.update({builders.CONNECTION_ID: acme})
    clock.now += timedelta(hours=23)
    gateway = FakeGateway(store=StoreInfo("Renamed", "renamed.example", "acme-1"))
    report = get_status(gateway, builders.ACCESS_TOKEN, clock, stores=stores)
    assert gateway.calls == [("connection_status", builders.ACCESS_TOKEN)]
    assert report.store == acme


def test_a_stale_or_missing_entry_is_read_and_kept_for_the_next_status(tmp_path: Path) -> None:
    clock = Clock()
    stores = store_cache(tmp_path, clock)
    stores.update({builders.CONNECTION_ID: StoreInfo("Acme", "acme.example", "acme-1")})
    clock.now += timedelta(hours=25)
    renamed = StoreInfo("Renamed", "renamed.example", "acme-1")
    gateway = FakeGateway(store=renamed)
    both = [("connection_status", builders.ACCESS_TOKEN), ("store_info", builders.ACCESS_TOKEN)]
    assert get_status(gateway, builders.ACCESS_TOKEN, clock, stores=stores).store == renamed
    assert gateway.calls == both
    assert stores.fresh() == {builders.CONNECTION_ID: renamed}

    other = store_cache(tmp_path / "empty", clock)
    gateway = FakeGateway(store=renamed)
    assert get_status(gateway, builders.ACCESS_TOKEN, clock, stores=other).store == renamed
    assert gateway.calls == both
    gateway.calls.clear()
    assert get_status(gateway, builders.ACCESS_TOKEN, clock, stores=other).store == renamed
    assert gateway.calls == both[:1]


def test_without_a_store_cache_the_store_is_read_every_time() -> None:
    gateway = FakeGateway(store=StoreInfo("Acme", "acme.example", "acme-1"))
    for _ in range(2):
        get_status(gateway, builders.ACCESS_TOKEN, lambda: NOW)
    assert [call for call, _ in gateway.calls] == ["connection_status", "store_info"] * 2


@pytest.mark.parametrize(
    ("error", "cached"),
    [
        # No store endpoint on this platform: remembered as no store, like `connections find`.
        (ApiError("not supported for this platform", status=404), StoreInfo(None, None, None)),
        # Any other refusal may pass: asked again next time.
        (NotReady("not ready", error_code="PRODUCT_NOT_READY"), None),
    ],
)
def test_a_store_that_cannot_be_read_is_cached_only_when_there_is_none(
    tmp_path: Path, error: ApiError, cached: StoreInfo | None
) -> None:
    clock = Clock()
    stores = store_cache(tmp_path, clock)
    report = get_status(FakeGateway(store=error), builders.ACCESS_TOKEN, clock, stores=stores)
    assert report.store is None
    assert stores.fresh_one(builders.CONNECTION_ID) == cached
