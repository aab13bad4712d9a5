"""The check's findings, policy and summary, on domain objects and a fixed clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rutterctl.domain.check import (
    DEFAULT_FAIL_ON,
    DEFAULT_WARN_ON,
    Kind,
    Level,
    Summary,
    Thresholds,
    assess,
    findings_of,
    parse_policy,
)
from rutterctl.domain.fleet import DeadlineReached, Target
from rutterctl.domain.models import Batch, EntityProgress, Timestamp
from rutterctl.domain.status import build_report
from rutterctl.errors import ConnectionDisabled, Unavailable, UsageError
from rutterctl.exits import exit_code_for_finding

from tests.domain.support import connection_status
from tests.fakes import FIXED_NOW

LIMITS = Thresholds()
POLICY = parse_policy(None, None)
TARGET = Target("acme", "token-acme", "conn-acme")


def kinds(**overrides: object) -> list[Kind]:
    report = build_report(connection_status(**overrides), None, FIXED_NOW)
    return [f.kind for f in findings_of(report, LIMITS)]


def hours_ago(hours: float) -> Timestamp:
    return Timestamp.parse((FIXED_NOW - timedelta(hours=hours)).isoformat())


def test_a_recent_ongoing_connection_has_no_finding() -> None:
    assert kinds() == []  # last sync 5 minutes before FIXED_NOW


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"is_disabled": True, "disabled_reason": "SHOP_IS_LOCKED"}, [Kind.DISABLED]),
        ({"needs_update": True}, [Kind.NEEDS_UPDATE]),
        ({"is_ready": False, "created_at": hours_ago(7)}, [Kind.NOT_READY]),
        ({"is_ready": False, "created_at": hours_ago(5)}, []),  # within the 6 h default
        ({"last_sync_completed_at": hours_ago(1)}, [Kind.STALE, Kind.STALLED]),
        ({"last_sync_completed_at": Timestamp(None, None)}, [Kind.STALE]),
        ({"last_sync_completed_at": Timestamp("yesterday", None)}, []),  # unreadable: no claim
        ({"historical_sync_completed": False, "last_sync_completed_at": hours_ago(9)}, []),
    ],
)
def test_findings_of_one_status_document(
    overrides: dict[str, object], expected: list[Kind]
) -> None:
    assert kinds(**overrides) == expected


def test_a_failed_batch_names_its_failed_entities() -> None:
    batch = Batch(
        2,
        (
            EntityProgress("orders", "COMPLETED", Timestamp(None, None), Timestamp(None, None)),
            EntityProgress("customers", "FAILED", Timestamp(None, None), Timestamp(None, None)),
        ),
        None,
    )
    report = build_report(connection_status(batches=(batch,)), None, FIXED_NOW)
    [finding] = findings_of(report, LIMITS)
    assert finding.kind is Kind.FAILED_BATCH
    assert finding.message == "batch 2 failed: customers"


def test_default_policy_and_its_overrides() -> None:
    assert POLICY.fail_on == frozenset(DEFAULT_FAIL_ON)
    assert POLICY.warn_on == frozenset(DEFAULT_WARN_ON)
    moved = parse_policy("stale,disabled", None)
    assert moved.level(Kind.STALE) is Level.FAILURE
    assert moved.level(Kind.NEEDS_UPDATE) is Level.IGNORED
    assert moved.level(Kind.NOT_READY) is Level.WARNING
    quiet = parse_policy(None, "none")
    assert quiet.level(Kind.STALE) is Level.IGNORED
    assert quiet.level(Kind.DISABLED) is Level.FAILURE
    with pytest.raises(UsageError, match="both name stale"):
        parse_policy("stale", "stale,not_ready")
    with pytest.raises(UsageError, match="unknown finding 'late'"):
        parse_policy("late", None)


def test_stale_and_stalled_are_one_finding_the_stronger_of_the_two() -> None:
    report = build_report(connection_status(last_sync_completed_at=hours_ago(1)), None, FIXED_NOW)
    result = assess(TARGET, report, None, limits=LIMITS, policy=POLICY, now=FIXED_NOW)
    assert [f.kind for f, _ in result.findings] == [Kind.STALE]
    failing = parse_policy("stalled", None)
    result = assess(TARGET, report, None, limits=LIMITS, policy=failing, now=FIXED_NOW)
    assert [(f.kind, level) for f, level in result.findings] == [(Kind.STALLED, Level.FAILURE)]


def test_errors_become_findings() -> None:
    unreachable = assess(
        TARGET, None, Unavailable("down"), limits=LIMITS, policy=POLICY, now=FIXED_NOW
    )
    assert unreachable.level is Level.FAILURE
    assert unreachable.worst_failure is Kind.UNREACHABLE
    assert unreachable.connection_id == "conn-acme"
    late = assess(TARGET, None, DeadlineReached("not checked"), limits=LIMITS, policy=POLICY,
                  now=FIXED_NOW)  # fmt: skip
    assert late.worst_failure is Kind.UNREACHABLE
    # Rutter may answer the status request itself with CONNECTION_DISABLED.
    off = assess(TARGET, None, ConnectionDisabled("off"), limits=LIMITS, policy=POLICY,
                 now=FIXED_NOW)  # fmt: skip
    assert off.worst_failure is Kind.DISABLED


def test_summary_counts_and_the_worst_failure_decides_the_exit_code() -> None:
    summary = Summary(POLICY, LIMITS)
    statuses = [
        connection_status(),
        connection_status(last_sync_completed_at=hours_ago(2)),
        connection_status(needs_update=True),
        connection_status(is_disabled=True),
    ]
    results = [
        assess(TARGET._replace(name=f"c{n}"), build_report(s, None, FIXED_NOW), None,
               limits=LIMITS, policy=POLICY, now=FIXED_NOW)
        for n, s in enumerate(statuses)
    ]  # fmt: skip
    for result in results:
        summary.add(result)
    assert (summary.checked, summary.healthy, summary.failing, summary.warning) == (4, 1, 2, 1)
    assert summary.worst is Kind.DISABLED


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        (Kind.DISABLED, 6),
        (Kind.NEEDS_UPDATE, 5),
        (Kind.NOT_READY, 8),
        (Kind.UNREACHABLE, 7),
        (Kind.STALLED, 9),
        (Kind.STALE, 10),
        (Kind.FAILED_BATCH, 10),
    ],
)
def test_exit_codes_of_findings(kind: Kind, code: int) -> None:
    assert exit_code_for_finding(kind.value) == code
