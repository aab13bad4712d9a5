"""`rutterctl batches` for people: the product description's batching table, live."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from rutterctl.domain.batches import (
    COMPLETED,
    FAILED,
    IN_PROGRESS,
    NOT_STARTED,
    ONGOING_ACTIVE,
    ONGOING_PAUSED,
    ONGOING_WEBHOOKS,
    BatchView,
    batch_views,
    batching_configured,
    ongoing_state,
)
from rutterctl.domain.lifecycle import Stage
from rutterctl.domain.models import Priority, Timestamp
from rutterctl.domain.status import StatusReport
from rutterctl.render import term, timefmt
from rutterctl.render.documents import command
from rutterctl.render.layout import Column, Pair, cells, print_pairs, print_table
from rutterctl.render.plain import printable, write_pairs, write_tsv

if TYPE_CHECKING:
    from rich.console import Console, ConsoleRenderable

STATUS_STYLE = {
    COMPLETED: "green",
    IN_PROGRESS: "cyan",
    NOT_STARTED: "dim",
    FAILED: "bold red",
}
ENTITY_HEADER = ["entity", "priority", "status", "oldest", "newest"]
ENTITY_COLUMNS = [
    Column("entity", "entity"),
    Column("priority", "priority", whole=False, min_width=12),
    Column("status", "status"),
    Column("oldest", "oldest", priority=1),
    Column("newest", "newest", priority=1),
]


def format_priority(priority: Priority) -> str:
    """REQUIRED, or for a nested config `line_items: REQUIRED, variants.inventory: AVOID`."""
    if priority is None:
        return "-"
    if isinstance(priority, str):
        return priority
    # An empty map (`variants: {}`) names no field: "-" rather than a blank cell.
    return ", ".join(f"{path}: {value}" for path, value in _flatten(priority, "")) or "-"


def _flatten(priority: dict[str, Priority], prefix: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in priority.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            pairs += _flatten(value, f"{path}.")
        else:
            pairs.append((path, "-" if value is None else value))
    return pairs


def _details(view: BatchView) -> str:
    months = (
        f"last {view.time_frame_months} months"
        if view.time_frame_months is not None
        else "time frame not given"
    )
    return f"{months}, fires {view.webhook}"


def _done(view: BatchView) -> str:
    return f"{view.entities_completed} of {len(view.entities)} entities completed"


def _title(view: BatchView) -> str:
    name = "implicit batch" if view.batch_num is None else f"batch {view.batch_num}"
    return f"{name}: {view.status} ({_done(view)}), {_details(view)}"


def _entity_rows(view: BatchView) -> list[list[str]]:
    return [
        [
            e.name,
            format_priority(e.priority),
            e.status or "-",
            timefmt.plain(e.oldest),
            timefmt.plain(e.newest),
        ]
        for e in view.entities
    ]


def _header(
    report: StatusReport, context: str, connection: str | None, prefix: str
) -> list[tuple[str, str]]:
    s = report.status
    configured = batching_configured(s)
    return [
        ("connection", s.connection_id),
        ("answered by", context),
        ("stage", _stage(report, connection or s.connection_id, prefix)),
        (
            "batches",
            f"{report.batches_completed} of {report.batches_total} completed"
            if configured
            else "no batching configured: one implicit batch, readiness from the totals",
        ),
    ]


def _stage(report: StatusReport, connection: str, prefix: str) -> str:
    """The stage; for a paused connection, also that nothing syncs, whatever the batches say."""
    if report.stage is Stage.DISABLED:
        why = command("reasons CONNECTION", connection=connection, prefix=prefix)
        return f"{report.stage.value}: nothing syncs while it is disabled (`{why}` says why)"
    if report.stage is Stage.NEEDS_UPDATE:
        link = report.status.link_url or "link_url (not given by Rutter)"
        return (
            f"{report.stage.value}: nothing syncs until the merchant re-authenticates "
            f"through {link}"
        )
    return report.stage.value


def _ongoing_state(report: StatusReport) -> str:
    return ongoing_state(report.stage, report.status.historical_sync_completed)


def _ongoing(report: StatusReport) -> str:
    state = _ongoing_state(report)
    if state == ONGOING_PAUSED:
        shown = "paused until the merchant reconnects (CONNECTION_UPDATED); then"
    elif state == ONGOING_ACTIVE:
        shown = "active"
    else:
        shown = "after history completes"
    return f"ongoing sync: {shown}, every ~10 minutes, fires {', '.join(ONGOING_WEBHOOKS)}"


def _day(ts: Timestamp, shown: str) -> str:
    """The UTC day of a date that parses; one that does not is shown whole, as given."""
    return shown[:10] if ts.parsed is not None else shown


def render_plain(
    report: StatusReport,
    out: TextIO,
    *,
    context: str,
    connection: str | None = None,
    prefix: str = "rutterctl",
) -> None:
    write_pairs(_header(report, context, connection, prefix), out)
    for view in batch_views(report.status):
        out.write(f"\n{_title(view)}\n")
        if view.entities:
            write_tsv(ENTITY_HEADER, _entity_rows(view), out, indent="  ")
    out.write(f"\n{_ongoing(report)}\n")


def render_rich(
    report: StatusReport,
    out: TextIO,
    *,
    color: bool,
    context: str,
    connection: str | None = None,
    prefix: str = "rutterctl",
) -> None:
    """A heading with a progress bar per batch, then its entities; dates shortened to days.
    Laid out by render/layout.py: nothing whole is cut at any width."""
    from rich.text import Text

    console = term.console(out, color=color)
    width = console.width
    header = [
        Pair(key, printable(value), whole=key == "connection")
        for key, value in _header(report, context, connection, prefix)
    ]
    print_pairs(console, header, width=width)
    for view in batch_views(report.status):
        console.print()
        _batch_heading(console, view, width)
        if not view.entities:
            continue
        rows = [
            [printable(row[0]), printable(row[1]), printable(row[2]),
             printable(_day(entity.oldest, row[3])), printable(_day(entity.newest, row[4]))]
            for entity, row in zip(view.entities, _entity_rows(view), strict=True)
        ]  # fmt: skip
        styles = {"status": {row[2]: STATUS_STYLE.get(row[2], "yellow") for row in rows}}
        print_table(console, ENTITY_COLUMNS, rows, width=width, styles=styles)
    console.print()
    state = _ongoing_state(report)
    style = {ONGOING_ACTIVE: "green", ONGOING_PAUSED: "yellow"}.get(state, "dim")
    for line in _wrapped(_ongoing(report), width):
        console.print(Text(line, style=style), soft_wrap=True)


def _wrapped(text: str, width: int) -> list[str]:
    from rutterctl.render.layout import wrap_words

    return wrap_words(text, width)


def _batch_heading(console: Console, view: BatchView, width: int) -> None:
    """`batch 1 ━━━━━━━━ 2/2 COMPLETED last 6 months, fires INITIAL_UPDATE`: the details go on
    their own line when the terminal has no room for them beside the bar."""
    from rich.progress_bar import ProgressBar
    from rich.table import Table
    from rich.text import Text

    name = "implicit batch" if view.batch_num is None else f"batch {view.batch_num}"
    # The bar counts completed entities: say so, or a batch whose entities are all running
    # would look as if it had not started.
    count = f"{view.entities_completed}/{len(view.entities)}"
    details = _details(view)
    bar = 20
    fixed = cells(name) + bar + cells(count) + cells(view.status) + 3
    beside = fixed + 1 + cells(details) <= width
    heading = Table.grid(padding=(0, 1))
    for _ in range(5 if beside else 4):
        heading.add_column(no_wrap=True)
    cells_: list[ConsoleRenderable] = [
        Text(name, style="bold"),
        ProgressBar(total=max(1, len(view.entities)), completed=view.entities_completed, width=bar),
        Text(count),
        Text(view.status, style=STATUS_STYLE.get(view.status, "yellow")),
    ]
    heading.add_row(*cells_, *([Text(details, style="dim")] if beside else []))
    console.print(heading)
    if not beside:
        for line in _wrapped(details, width - 2):
            console.print(Text("  " + line, style="dim"), soft_wrap=True)
