"""WHEN: ISO dates and date-times, ages before a fixed now, as Unix milliseconds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rutterctl.domain.when import parse_when, time_filters, to_millis
from rutterctl.errors import UsageError

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
NOW_MS = 1_795_867_200_000


def when(text: str) -> int:
    return parse_when(text, NOW, option="--created-since")


def test_now_in_millis_is_exact() -> None:
    assert to_millis(NOW) == NOW_MS
    assert to_millis(datetime(1970, 1, 1, 0, 0, 0, 1000, tzinfo=UTC)) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-31", 1_769_817_600_000),  # a date is midnight UTC
        ("2026-01-31T10:00:00Z", 1_769_853_600_000),
        ("2026-01-31T10:00:00", 1_769_853_600_000),  # no zone: UTC, not local time
        ("2026-01-31T12:00:00+02:00", 1_769_853_600_000),
        ("2026-01-31T05:00:00-05:00", 1_769_853_600_000),
        ("2026-01-31T10:00:00.250Z", 1_769_853_600_250),
        ("2026-01-31 10:00", 1_769_853_600_000),
        (" 2026-01-31 ", 1_769_817_600_000),
    ],
)
def test_iso_dates_and_times(text: str, expected: int) -> None:
    assert when(text) == expected


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30m", 1800), ("12h", 43200), ("7d", 7 * 86400), ("2w", 14 * 86400), ("45s", 45),
     ("0d", 0), ("7D", 7 * 86400)],
)  # fmt: skip
def test_ages_count_back_from_the_injected_now(text: str, seconds: int) -> None:
    assert when(text) == NOW_MS - seconds * 1000


@pytest.mark.parametrize(
    "text", ["", "yesterday", "7", "-7d", "7y", "1.5d", "2026-13-01", "2026-02-30", "20260131",
             "2026-01-31T25:00", "2026-01-31Tnoon"],
)  # fmt: skip
def test_anything_else_is_a_usage_error_saying_what_to_use(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        when(text)
    assert "--created-since" in caught.value.message
    assert caught.value.hint is not None and "7d" in caught.value.hint


def test_time_filters_keep_given_options_only() -> None:
    found = time_filters(
        NOW,
        {
            "created_at_min": ("--created-since", "2026-01-31"),
            "created_at_max": ("--created-until", None),
            "updated_at_min": ("--updated-since", "1d"),
            "updated_at_max": ("--updated-until", "1h"),
        },
    )
    assert found == {
        "created_at_min": 1_769_817_600_000,
        "updated_at_min": NOW_MS - 86_400_000,
        "updated_at_max": NOW_MS - 3_600_000,
    }


def test_since_after_until_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--updated-since is after --updated-until"):
        time_filters(
            NOW,
            {
                "updated_at_min": ("--updated-since", "1h"),
                "updated_at_max": ("--updated-until", "1d"),
            },
        )
