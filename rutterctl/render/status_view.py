"""`rutterctl status` for people: a rich panel on a terminal, aligned plain text when piped."""

from __future__ import annotations

from typing import TextIO

from rutterctl.domain.lifecycle import Stage
from rutterctl.domain.status import StatusReport
from rutterctl.render import term, timefmt
from rutterctl.render.documents import next_step, readable
from rutterctl.render.layout import Column, Pair, print_pairs, print_table
from rutterctl.render.plain import printable, write_pairs, write_tsv

STAGE_STYLE = {
    Stage.DISABLED: "bold red",
    Stage.NEEDS_UPDATE: "bold yellow",
    Stage.INITIAL_SYNC: "bold cyan",
    Stage.HISTORICAL_SYNC: "bold blue",
    Stage.ONGOING_SYNC: "bold green",
}


def _ready(report: StatusReport) -> str:
    """Whether data can be read now; Rutter's is_ready alone says yes on a paused connection."""
    if readable(report):
        return "yes"
    if report.status.is_ready:
        return f"no: {report.stage.value} (Rutter's is_ready is true, but data cannot be read)"
    return "no"


def summary_rows(
    report: StatusReport, context: str, *, connection: str | None = None, prefix: str = "rutterctl"
) -> list[tuple[str, str]]:
    """`context` names the profile and environment that answered (production vs sandbox);
    `connection` is the name the user typed and `prefix` the command to copy, for the hints."""
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
        ("next step", next_step(report, connection=connection, prefix=prefix, with_link=False)),
        ("ended by", report.info.ends_with),
        ("ready", _ready(report)),
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
ENTITY_COLUMNS = [
    Column("entity", "entity"),
    Column("ready", "ready"),
    Column("synced", "synced", justify="right"),
    Column("oldest", "oldest", priority=1),
    Column("newest", "newest", priority=1),
]
WHOLE = {"connection", "link_url", "store", "platform", "disabled reason"}


def render_plain(
    report: StatusReport,
    out: TextIO,
    *,
    context: str,
    connection: str | None = None,
    prefix: str = "rutterctl",
) -> None:
    """No ANSI, no box drawing: `key: value` lines, then the entities tab-separated."""
    write_pairs(summary_rows(report, context, connection=connection, prefix=prefix), out)
    entities = entity_rows(report)
    if entities:
        out.write("\n")
        write_tsv(ENTITY_HEADER, entities, out)


def render_rich(
    report: StatusReport,
    out: TextIO,
    *,
    color: bool,
    context: str,
    connection: str | None = None,
    prefix: str = "rutterctl",
) -> None:
    """Key/value lines wrapped to the terminal (render/layout.py), link_url whole on its own
    line when it does not fit beside its key; then the entities."""
    from rich.text import Text

    console = term.console(out, color=color)
    rows = summary_rows(report, context, connection=connection, prefix=prefix)
    pairs = [Pair(key, value, whole=key in WHOLE) for key, value in rows]
    stage = STAGE_STYLE[report.stage]
    print_pairs(console, pairs, style=lambda key, _: stage if key == "stage" else "")
    entities = entity_rows(report)
    if entities:
        console.print(Text("entities", style="italic"))
        ready = {"yes": "green", "no": "yellow"}
        print_table(console, ENTITY_COLUMNS, entities, styles={"ready": ready})
