"""The simulator's own views: `sim serve`'s banner, `sim scenarios` and `sim events`, laid out
by the one rule (render/layout.py) on a terminal, and as they always were when piped.

The banner is plain text (the simulator writes it to a stream, not through rich); its first
line is a contract and is written by the simulator before anything here runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from rutterctl.render.layout import (
    Column,
    continued,
    fit,
    footer,
    pair_lines,
    plain_lines,
    print_pairs,
    print_table,
    wrap_words,
)
from rutterctl.render.plain import printable

NO_WIDTH = 10**6  # piped: nothing is wrapped or dropped

BANNER_COLUMNS = (
    Column("name", "NAME"),
    Column("id", "ID"),
    Column("token", "ACCESS TOKEN", priority=1),
    Column("stage", "STAGE"),
)
BANNER_HOW = "names work as CONNECTION; GET /_sim/state lists the tokens"


def banner_lines(
    pairs: Sequence[tuple[str, str]],
    export: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int | None,
) -> list[str]:
    """The lines after `listening on`: credentials, the export line (continued with ` \\` on
    a narrow terminal, so it still pastes), then the connections table."""
    room = width or NO_WIDTH
    lines = [key + value for key, value in pair_lines(pairs, room, gap=1)]
    lines += ["", continued(export, width), ""]
    layout = fit(BANNER_COLUMNS, rows, room)
    lines += plain_lines(layout, rows)
    note = footer(layout, BANNER_HOW)
    return [*lines, *wrap_words(note, room)] if note else lines


def write_scenarios(
    scenarios: Sequence[tuple[str, str, Sequence[str]]], out: TextIO, *, tty: bool, color: bool
) -> None:
    """Each scenario: its name, what it shows, its connections' names."""
    if not tty:
        for name, description, names in scenarios:
            out.write(f"{name}\t{description}\n  connections: {', '.join(names)}\n")
        return
    from rutterctl.render import term

    console = term.console(out, color=color)
    rows: list[tuple[str, str]] = []
    for name, description, names in scenarios:
        rows += [(name, printable(description)), ("", "connections: " + ", ".join(names))]
    print_pairs(console, rows)


EVENT_COLUMNS = (
    Column("code", "code"),
    Column("type", "type", priority=2),
    Column("effect", "effect", priority=1),
    Column("description", "what it means", whole=False, min_width=20),
)


def write_events(
    rows: Sequence[Sequence[str]], signatures: Sequence[str], out: TextIO, *, tty: bool, color: bool
) -> None:
    """The webhook events `sim trigger` fires, then the signature kinds."""
    last = f"signatures (--signature): {', '.join(signatures)}"
    if not tty:
        width = max(len(r[0]) for r in rows)
        for code, kind, how, text in rows:
            out.write(f"{code:<{width}}  {kind:<10}  {how:<12}  {text}\n")
        out.write(f"\n{last}\n")
        return
    from rutterctl.render import term

    console = term.console(out, color=color)
    print_table(console, EVENT_COLUMNS, rows, how="a wider terminal shows them")
    console.print()
    print_pairs(console, [("signatures", f"(--signature) {', '.join(signatures)}")])
