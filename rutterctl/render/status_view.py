"""`rutterctl status` for people: a rich panel on a terminal, aligned plain text when piped."""

from __future__ import annotations

from typing import TextIO

from rutterctl.domain.lifecycle import Stage
from rutterctl.domain.status import StatusReport
from rutterctl.render import term, timefmt
from rutterctl.render.plain import printable, write_pairs, write_tsv

STAGE_STYLE = {
    Stage.DISABLED: "bold red",
    Stage.NEEDS_UPDATE: "bold yellow",
    Stage.INITIAL_SYNC: "bold cyan",
    Stage.HISTORICAL_SYNC: "bold blue",
    Stage.ONGOING_SYNC: "bold green",
}


def summary_rows(report: StatusReport, context: str) -> list[tuple[str, str]]:
    """`context` names the profile and environment that answered (production vs sandbox)."""
    s = report.status
    now = report.checked_at
    rows = [
        ("connection", s.connection_id),
        ("answered by", context),
        ("platform", s.platform or "unknown"),
    ]
    if report.store and (report.store.store_name or report.store.store_domain):
        name, domain = report.store.store_name, report.store.store_domain
        rows.append(("store", f"{name} ({domain})" if name and domain else (name or domain or "")))
    rows += [
        ("stage", f"{report.stage.value}: {report.info.meaning}"),
        ("next step", report.info.next_step),
        ("ended by", report.info.ends_with),
        ("ready", "yes" if s.is_ready else "no"),
        ("created", timefmt.show(s.created_at, now, never="unknown")),
        ("last sync", timefmt.show(s.last_sync_completed_at, now)),
        ("history", "complete" if s.historical_sync_completed else "in progress"),
        (
            "batches",
            f"{report.batches_completed} of {report.batches_total} completed"
            if report.batches_total
            else "no batching configured",
        ),
    ]
    if report.stage is Stage.DISABLED:
        rows.append(("disabled reason", s.disabled_reason or "not given by Rutter"))
    if report.stage in (Stage.DISABLED, Stage.NEEDS_UPDATE):
        rows.append(("link_url", s.link_url or "not given by Rutter"))
    return [(key, printable(value)) for key, value in rows]


def entity_rows(report: StatusReport) -> list[list[str]]:
    return [
        [
            printable(e.name),
            "yes" if e.ready else "no",
            "-" if e.synced_count is None else str(e.synced_count),
            printable(timefmt.plain(e.oldest)),
            printable(timefmt.plain(e.newest)),
        ]
        for e in report.status.entities
    ]


ENTITY_HEADER = ["entity", "ready", "synced", "oldest", "newest"]


def render_plain(report: StatusReport, out: TextIO, *, context: str) -> None:
    """No ANSI, no box drawing: `key: value` lines, then the entities tab-separated."""
    write_pairs(summary_rows(report, context), out)
    entities = entity_rows(report)
    if entities:
        out.write("\n")
        write_tsv(ENTITY_HEADER, entities, out)


def render_rich(report: StatusReport, out: TextIO, *, color: bool, context: str) -> None:
    from rich.table import Table
    from rich.text import Text

    console = term.console(out, color=color)
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column()
    for key, value in summary_rows(report, context):
        style = STAGE_STYLE[report.stage] if key == "stage" else ""
        summary.add_row(key, Text(value, style=style))
    console.print(summary)
    entities = entity_rows(report)
    if entities:
        table = Table(title="entities", title_justify="left", header_style="bold")
        for name in ENTITY_HEADER:
            table.add_column(name, justify="right" if name == "synced" else "left")
        for row in entities:
            ready_style = "green" if row[1] == "yes" else "yellow"
            table.add_row(Text(row[0]), Text(row[1], style=ready_style), *map(Text, row[2:]))
        console.print(table)
