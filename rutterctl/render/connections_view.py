"""`connections list` and `alias list`: documents (json/ndjson/csv) and tables.

Access tokens arrive here already masked unless the user asked for them (`--show-token`).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from rutterctl.domain.models import ConnectionSummary, StoreInfo, Timestamp
from rutterctl.render import term, timefmt
from rutterctl.render.jsonout import dumps_line, write_json
from rutterctl.render.layout import Column, print_table
from rutterctl.render.plain import printable, write_tsv

# The `connections list -o json|ndjson|csv` contract, in order (documented in the README).
CONNECTION_KEYS = (
    "id",
    "platform",
    "created_at",
    "updated_at",
    "access_token",
    "link_url",
    "store_name",
    "store_domain",
    "stage",
    "error",
)
# The terminal layout (render/layout.py's rule): ids, stages, store names and tokens are whole;
# when the terminal is narrow the timestamps go first, then the platform, the token, the store.
# An error is prose and wraps. Piped output keeps the keys of the json contract as its header.
TTY_COLUMNS = {
    c.key: c
    for c in (
        Column("id", "id"),
        Column("platform", "platform", priority=3),
        Column("created_at", "created", priority=4),
        Column("updated_at", "updated", priority=4),
        Column("access_token", "token", priority=2),
        # With --details the store is what a support engineer looks for: never dropped (rows
        # become blocks when id, store and stage do not fit side by side).
        Column("store_name", "store"),
        # `connections find` matched it; dropped after the times, before the platform.
        Column("store_domain", "domain", priority=3),
        Column("stage", "stage"),
        Column("error", "error", priority=1, whole=False, min_width=24),
        Column("name", "name"),
        Column("connection_id", "connection"),
        Column("base_url", "base url", priority=1),
    )
}
STAGE_STYLE = {
    "DISABLED": "bold red",
    "NEEDS_UPDATE": "bold yellow",
    "INITIAL_SYNC": "cyan",
    "HISTORICAL_SYNC": "blue",
    "ONGOING_SYNC": "green",
}


@dataclass(frozen=True)
class ConnectionRow:
    """One connection; `token` is what may be shown (masked unless asked otherwise)."""

    summary: ConnectionSummary
    token: str
    store: StoreInfo | None = None
    stage: str | None = None
    error: str | None = None


def connection_document(row: ConnectionRow) -> dict[str, Any]:
    s = row.summary
    return {
        "id": s.id,
        "platform": s.platform,
        "created_at": s.created_at.raw,
        "updated_at": s.updated_at.raw,
        "access_token": row.token,
        "link_url": s.link_url,
        "store_name": row.store.store_name if row.store else None,
        "store_domain": row.store.store_domain if row.store else None,
        "stage": row.stage,
        "error": row.error,
    }


def _when(ts: Timestamp, now: datetime | None) -> str:
    """RFC 3339 when piped (`now` None); on a terminal, where width is scarce, how long ago
    (`3h ago`) within a month, else the UTC day."""
    if now is None or ts.parsed is None:
        return timefmt.plain(ts)
    seconds = (now - ts.parsed).total_seconds()
    if seconds < -60 or seconds >= 30 * 86400:
        return ts.parsed.astimezone(UTC).strftime("%Y-%m-%d")
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit} ago"
    return "just now"


def _table(
    rows: Sequence[ConnectionRow],
    *,
    details: bool,
    now: datetime | None,
    show_token: bool,
    stage: bool = True,
) -> tuple[list[str], list[list[str]]]:
    """Piped (`now` None): every column, the header the json keys. On a terminal, only what
    fits: no error column unless a connection has one, and with --details no (masked) token
    column unless --show-token asked for it, so that id, store and stage stay readable.
    Without `stage` (`connections find` reads none) a terminal shows the store domain in the
    stage's place rather than a column of dashes."""
    tty = now is not None
    domain = tty and details and not stage
    token = not (tty and details) or show_token
    errors = not tty or any(row.error for row in rows)
    header = ["id", "platform", "created_at", "updated_at"] + (["access_token"] if token else [])
    if details:
        header += ["store_name", "store_domain" if domain else "stage"]
        header += ["error"] if errors else []
    body = []
    for row in rows:
        s = row.summary
        cells = [s.id, s.platform or "-", _when(s.created_at, now), _when(s.updated_at, now)]
        cells += [row.token] if token else []
        if details:
            store = row.store.store_name if row.store else None
            where = (row.store.store_domain if row.store else None) if domain else row.stage
            cells += [store or "-", where or "-"] + ([row.error or "-"] if errors else [])
        body.append(cells)
    return header, body


def write_connections(
    rows: Sequence[ConnectionRow],
    out: TextIO,
    fmt: str,
    *,
    details: bool,
    tty: bool,
    color: bool,
    caption: str | None = None,
    now: datetime | None = None,
    show_token: bool = False,
    stage: bool = True,
) -> None:
    """`now` (for "3h ago" on a terminal) defaults to the clock; tests pass their own.
    `stage`: whether the rows carry stages (`connections find` leaves them out)."""
    docs = [connection_document(row) for row in rows]
    if fmt == "json":
        write_json(docs, out)
    elif fmt == "ndjson":
        out.write("".join(dumps_line(doc) for doc in docs))
    elif fmt == "csv":
        write_csv(CONNECTION_KEYS, docs, out)
    else:
        when = (now or datetime.now(UTC)) if tty else None
        header, body = _table(rows, details=details, now=when, show_token=show_token, stage=stage)
        write_table(
            header, body, out, tty=tty, color=color, styles={"stage": STAGE_STYLE}, caption=caption
        )


def write_csv(keys: Sequence[str], docs: Sequence[dict[str, Any]], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(keys)
    writer.writerows([["" if doc[key] is None else str(doc[key]) for key in keys] for doc in docs])


def write_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    out: TextIO,
    *,
    tty: bool,
    color: bool,
    styles: dict[str, dict[str, str]] | None = None,
    caption: str | None = None,
) -> None:
    """A rich table on a terminal, titled with `caption` (who answered); tab-separated lines
    with a header when piped."""
    if not tty:
        write_tsv(header, rows, out)
        return
    console = term.console(out, color=color)
    print_table(
        console,
        [TTY_COLUMNS[name] for name in header],
        [[printable(value) for value in row] for row in rows],
        styles=styles,
        title=f"answered by {caption}" if caption else None,
    )


ALIAS_KEYS = ("name", "connection_id", "access_token", "base_url")


def write_aliases(
    docs: Sequence[dict[str, Any]],
    out: TextIO,
    fmt: str,
    *,
    tty: bool,
    color: bool,
    caption: str | None = None,
) -> None:
    """`alias list`: a list of {name, connection_id, access_token, base_url}, or a table."""
    if fmt == "json":
        write_json(list(docs), out)
        return
    header = ["name", "connection_id", "access_token"]
    rows = [[doc[k] for k in header] for doc in docs]
    write_table(header, rows, out, tty=tty, color=color, caption=caption)
