"""`rutterctl batches` for people: the product description's batching table, live."""

from __future__ import annotations

from typing import TextIO

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
from rutterctl.render.plain import printable, write_pairs, write_tsv

STATUS_STYLE = {
    COMPLETED: "green",
    IN_PROGRESS: "cyan",
    NOT_STARTED: "dim",
    FAILED: "bold red",
}
ENTITY_HEADER = ["entity", "priority", "status", "oldest", "newest"]


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


def _header(report: StatusReport, context: str) -> list[tuple[str, str]]:
    s = report.status
    configured = batching_configured(s)
    return [
        ("connection", s.connection_id),
        ("answered by", context),
        ("stage", _stage(report)),
        (
            "batches",
            f"{report.batches_completed} of {report.batches_total} completed"
            if configured
            else "no batching configured: one implicit batch, readiness from the totals",
        ),
    ]


PAUSED = {
    Stage.DISABLED: "nothing syncs while it is disabled (`rutterctl reasons CONNECTION` says why)",
    Stage.NEEDS_UPDATE: "nothing syncs until the merchant re-authenticates through link_url",
}


def _stage(report: StatusReport) -> str:
    """The stage; for a paused connection, also that nothing syncs, whatever the batches say."""
    paused = PAUSED.get(report.stage)
    return f"{report.stage.value}: {paused}" if paused else report.stage.value


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


def render_plain(report: StatusReport, out: TextIO, *, context: str) -> None:
    write_pairs(_header(report, context), out)
    for view in batch_views(report.status):
        out.write(f"\n{_title(view)}\n")
        if view.entities:
            write_tsv(ENTITY_HEADER, _entity_rows(view), out, indent="  ")
    out.write(f"\n{_ongoing(report)}\n")


def render_rich(report: StatusReport, out: TextIO, *, color: bool, context: str) -> None:
    """A heading with a progress bar per batch, then its entities; dates shortened to days."""
    from rich.progress_bar import ProgressBar
    from rich.table import Table
    from rich.text import Text

    console = term.console(out, color=color)
    header = Table.grid(padding=(0, 2))
    header.add_column(style="bold")
    header.add_column()
    for key, value in _header(report, context):
        header.add_row(key, Text(printable(value)))
    console.print(header)
    for view in batch_views(report.status):
        heading = Table.grid(padding=(0, 1))
        for _ in range(5):
            heading.add_column()
        heading.add_row(
            Text(
                "implicit batch" if view.batch_num is None else f"batch {view.batch_num}",
                style="bold",
            ),
            ProgressBar(
                total=max(1, len(view.entities)), completed=view.entities_completed, width=20
            ),
            # The bar counts completed entities: say so, or a batch whose entities are all
            # running would look as if it had not started.
            Text(f"{view.entities_completed}/{len(view.entities)}"),
            Text(view.status, style=STATUS_STYLE.get(view.status, "yellow")),
            Text(_details(view), style="dim"),
        )
        console.print()
        console.print(heading)
        if not view.entities:
            continue
        table = Table(header_style="bold", box=None, padding=(0, 1), pad_edge=False)
        for name in ENTITY_HEADER:
            table.add_column(name)
        for entity, row in zip(view.entities, _entity_rows(view), strict=True):
            table.add_row(
                Text(printable(row[0])),
                Text(printable(row[1])),
                Text(printable(row[2]), style=STATUS_STYLE.get(row[2], "yellow")),
                Text(printable(_day(entity.oldest, row[3]))),
                Text(printable(_day(entity.newest, row[4]))),
            )
        console.print(table)
    console.print()
    state = _ongoing_state(report)
    style = {ONGOING_ACTIVE: "green", ONGOING_PAUSED: "yellow"}.get(state, "dim")
    console.print(Text(_ongoing(report), style=style))
