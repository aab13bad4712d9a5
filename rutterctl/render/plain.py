"""Plain-text building blocks for piped output: aligned `key: value` lines and TSV rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO


def write_pairs(rows: Sequence[tuple[str, str]], out: TextIO, *, indent: str = "") -> None:
    if not rows:
        return
    width = max(len(key) for key, _ in rows) + 1
    for key, value in rows:
        out.write(f"{indent}{key + ':':<{width}} {value}\n")


def write_tsv(
    header: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO, *, indent: str = ""
) -> None:
    out.write(indent + "\t".join(header) + "\n")
    for row in rows:
        out.write(
            indent + "\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row) + "\n"
        )
