"""watch's live frame: attention first, the layout rule at 80 and 140 columns, the height kept."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from rich.console import Console
from rutterctl.domain.fleet import Target
from rutterctl.domain.models import EntityTotal, Timestamp
from rutterctl.domain.stall import StallPolicy
from rutterctl.domain.status import build_report
from rutterctl.domain.watch import Watched, Watcher
from rutterctl.errors import Unavailable
from rutterctl.render.watch_view import age, bar, compact, frame

from tests.domain.support import connection_status
from tests.fakes import FIXED_NOW, FakeClock

ID = "437b66f4-eba4-4850-90de-3921947b041b"


def fleet(n_ongoing: int = 2) -> tuple[list[Watched], Watcher]:
    clock = FakeClock()
    watcher = Watcher(
        fetch=lambda _t: None,  # type: ignore[arg-type,return-value]
        monotonic=clock.monotonic,
        now=clock.now,
        policy=StallPolicy(stall_after=600.0),
    )
    names = ["stuck", "failing", "syncing"] + [f"ongoing-{i}" for i in range(n_ongoing)]
    watched = watcher.targets([Target(name, f"token-{name}-0123456789", ID) for name in names])
    entities = (
        EntityTotal("orders", False, 1200, Timestamp.parse(None), Timestamp.parse(None)),
        EntityTotal("customers", False, 40, Timestamp.parse(None), Timestamp.parse(None)),
    )
    initial = connection_status(is_ready=False, historical_sync_completed=False, entities=entities)
    for w in watched:
        status = initial if w.target.name in ("stuck", "syncing") else connection_status()
        watcher.absorb(w, build_report(status, None, FIXED_NOW), None)
    later = FIXED_NOW + timedelta(minutes=11)
    watcher.absorb(watched[0], build_report(initial, None, later), None)  # frozen: stalled
    watcher.absorb(watched[1], None, Unavailable("Rutter unavailable", status=503))
    return watched, watcher


def draw(watched: list[Watched], width: int, height: int = 40) -> list[str]:
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=False, color_system=None)
    now = FIXED_NOW + timedelta(minutes=11)
    console.print(frame(watched, [], now, width=width, height=height, header="watching"))
    return out.getvalue().splitlines()


@pytest.mark.parametrize("width", [80, 140])
def test_the_frame_fits_and_shows_what_needs_attention_first(width: int) -> None:
    watched, _ = fleet()
    lines = draw(watched, width)
    assert all(len(line) <= width for line in lines)
    rows = [line for line in lines if line.startswith(("stuck", "failing", "syncing", "ongoing"))]
    assert [row.split()[0] for row in rows] == [
        "stuck",
        "failing",
        "syncing",
        "ongoing-0",
        "ongoing-1",
    ]
    assert "STALLED" in rows[0] and "ERROR" in rows[1]
    assert "INITIAL_SYNC" in rows[0]


def test_narrow_terminals_drop_columns_by_priority_and_say_so() -> None:
    watched, _ = fleet()
    narrow = "\n".join(draw(watched, 60))
    assert "not shown at 60 columns:" in narrow and "synced" in narrow.split("not shown")[1]
    wide = "\n".join(draw(watched, 140))
    assert "not shown" not in wide
    assert "orders 1.2k, customers 40" in wide


def test_a_large_fleet_keeps_to_the_terminal_height() -> None:
    watched, _ = fleet(n_ongoing=1000)
    lines = draw(watched, 80, height=24)
    assert len(lines) <= 24
    assert lines[1].startswith("connection")
    assert lines[2].startswith("stuck")  # the stalled one is never scrolled away
    assert any(line.startswith("… ") and "more" in line for line in lines)


def test_compact_forms() -> None:
    assert [age(s) for s in (5, 125, 3900, 90000)] == ["5s", "2m", "1h05m", "1d01h"]
    assert [compact(n) for n in (40, 1200, 2_500_000)] == ["40", "1.2k", "2.5M"]
    assert bar(0, 0) == "-" and bar(3, 3) == "3/3 ██████" and bar(1, 3) == "1/3 ██░░░░"


def test_stages_are_coloured_and_a_stall_stands_out() -> None:
    watched, _ = fleet(n_ongoing=1)
    out = io.StringIO()
    console = Console(file=out, width=140, force_terminal=True, color_system="standard")
    now = FIXED_NOW + timedelta(minutes=11)
    console.print(frame(watched, [], now, width=140, height=40, header="watching"))
    text = out.getvalue()
    assert "\x1b[1;7;31mSTALLED" in text  # bold, reverse, red
    assert "\x1b[36mINITIAL_SYNC" in text and "\x1b[32mONGOING_SYNC" in text


def test_a_row_is_one_line_the_counts_shortened_instead_of_wrapped() -> None:
    watched, _ = fleet()
    lines = draw(watched, 80)
    assert "orders 1.2k, …" in lines[2]  # the rest of the counts: -o ndjson, a wider terminal
    assert len(lines) == 2 + len(watched)  # title, header, one line per connection


def test_a_store_name_from_the_cache_stands_for_the_id_in_rows_and_log() -> None:
    from rutterctl.domain.watch import Change

    watched, _ = fleet(n_ongoing=1)
    target = watched[3].target
    watched[3].target = Target(target.name, target.access_token, ID, store_name="Acme Outfitters")
    change = Change("stage_changed", target.name, ID, FIXED_NOW, None, "ONGOING_SYNC", None)
    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=False, color_system=None)
    now = FIXED_NOW + timedelta(minutes=11)
    console.print(frame(watched, [change], now, width=80, height=40, header="watching"))
    lines = out.getvalue().splitlines()
    assert any(line.startswith("Acme Outfitters ") and "ONGOING_SYNC" in line for line in lines)
    assert lines[-1].endswith("Acme Outfitters first seen → ONGOING_SYNC")
    assert not any(line.startswith("ongoing-0") for line in lines)


def test_a_failed_batch_is_marked_and_comes_first() -> None:
    from rutterctl.domain.models import Batch, EntityProgress

    watched, watcher = fleet(n_ongoing=2)
    never = Timestamp.parse(None)
    failed = Batch(1, (EntityProgress("customers", "FAILED", never, never),), None)
    status = connection_status(is_ready=True, historical_sync_completed=False, batches=(failed,))
    watcher.absorb(watched[4], build_report(status, None, FIXED_NOW), None)  # ongoing-1
    names = ("stuck", "failing", "syncing", "ongoing")
    rows = [line for line in draw(watched, 80) if line.startswith(names)]
    # With the stalled one (by name within), before the failing and the syncing ones.
    assert [r.split()[0] for r in rows[:3]] == ["ongoing-1", "stuck", "failing"]
    assert "FAILED" in rows[0] and "STALLED" not in rows[0]
