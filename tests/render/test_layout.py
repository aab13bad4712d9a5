"""The one layout rule: drop by priority before squeezing, never cut whole values."""

from __future__ import annotations

import io

from rich.console import Console
from rutterctl.render.layout import (
    Column,
    Pair,
    Part,
    fit,
    fit_line,
    footer,
    pair_lines,
    print_table,
    wrap_words,
)

ID = "437b66f4-eba4-4850-90de-3921947b041b"
COLUMNS = [
    Column("id", "id"),
    Column("platform", "platform", priority=2),
    Column("store", "store", priority=1),
    Column("stage", "stage"),
    Column("error", "error", priority=3, whole=False, min_width=20),
]
ROWS = [[ID, "BIG_COMMERCE", "Acme Historical Store", "HISTORICAL_SYNC", "-"]]


def draw(columns: list[Column], rows: list[list[str]], width: int) -> list[str]:
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=False, color_system=None)
    print_table(console, columns, rows)
    return out.getvalue().splitlines()


def test_low_priority_columns_are_dropped_before_anything_is_squeezed() -> None:
    result = fit(COLUMNS, ROWS, 80)
    assert [c.key for c in result.columns] == ["id", "store", "stage"]
    assert [c.key for c in result.dropped] == ["platform", "error"]
    note = footer(result)
    assert note is not None and "platform, error" in note and "-o json" in note


def test_everything_shown_when_it_fits_and_no_footer() -> None:
    result = fit(COLUMNS, ROWS, 140)
    assert len(result.columns) == 5 and footer(result) is None


def test_whole_values_and_headings_are_never_cut_at_any_width() -> None:
    for width in (80, 100, 140):
        lines = draw(COLUMNS, ROWS, width)
        assert all(len(line) <= width for line in lines)
        text = "\n".join(lines)
        assert ID in text and "Acme Historical Store" in text and "HISTORICAL_SYNC" in text


def test_too_narrow_for_the_essentials_stacks_rows_instead_of_cutting() -> None:
    lines = draw(COLUMNS, ROWS, 50)
    assert all(len(line) <= 50 for line in lines)
    assert any(line.startswith("id") and ID in line for line in lines)


def test_wrappable_text_wraps_at_words() -> None:
    assert wrap_words("the initial sync is running", 12) == ["the initial", "sync is", "running"]
    assert wrap_words("https://example.com/a-very-long-path", 10) == [
        "https://example.com/a-very-long-path"
    ]


def test_a_long_url_goes_on_its_own_line_under_its_key() -> None:
    url = "https://link.rutterapi.com/connection/2fee5910-e0c6-410a-a7a2-c58c9b69b0b3"
    lines = pair_lines([("stage", "NEEDS_UPDATE"), ("link_url", url)], 80)
    assert ("", url) in lines
    short = pair_lines([Pair("connection", ID, whole=True)], 80)
    assert short == [("connection  ", ID)]


def test_a_live_line_keeps_its_essentials_and_cuts_the_rest() -> None:
    parts = [
        Part("acme-initial: INITIAL_SYNC"),
        Part("synced orders 1200, transactions 300, products 40", priority=2, cuttable=True),
        Part("batches 0 of 3", short="batches 0/3"),
        Part("elapsed 1m30s", short="1m30s"),
    ]
    full = ", ".join(part.text for part in parts)
    assert fit_line(parts, 120) == full
    assert fit_line(parts, 100) == (
        "acme-initial: INITIAL_SYNC, synced orders 1200, transactions 300, …, "
        "batches 0 of 3, elapsed 1m30s"
    )
    assert fit_line(parts, 80) == "acme-initial: INITIAL_SYNC, …, batches 0 of 3, elapsed 1m30s"
    assert fit_line(parts, 50) == "acme-initial: INITIAL_SYNC, batches 0/3, 1m30s"
