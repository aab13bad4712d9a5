"""`config list`: every setting, its effective value and its source; on a terminal laid out by
the one rule (render/layout.py), piped as tab-separated lines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from rutterctl.render.layout import Column, print_table
from rutterctl.render.plain import printable, write_tsv

COLUMNS = (
    Column("key", "key"),
    Column("value", "value"),  # a URL, a path, a masked id: whole
    Column("source", "source", priority=1, whole=False, min_width=12),
)
HOW = "`rutterctl config get KEY` prints one value; a wider terminal shows them"


def write_settings(
    label: str, rows: Sequence[Sequence[str]], out: TextIO, *, tty: bool, color: bool
) -> None:
    """`label` (which profile, which base URL), a blank line, then the settings."""
    out.write(f"{printable(label)}\n\n")
    if not tty:
        write_tsv([c.key for c in COLUMNS], rows, out)
        return
    from rutterctl.render import term

    shown = [[printable(cell) for cell in row] for row in rows]
    print_table(term.console(out, color=color), COLUMNS, shown, how=HOW)
