"""Plain-text building blocks: aligned `key: value` lines, TSV rows, and the escaping of
control characters that every human-readable view applies to data from Rutter."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TextIO

# C0 and C1 control characters and DEL. A store name or a reason is data from the merchant's
# platform: an escape sequence in it must not reach the terminal (nor any ANSI code the piped
# output), so it is shown escaped, as `\x1b`.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# A lone UTF-16 surrogate ("\ud800" alone in Rutter's JSON) survives json.loads but cannot be
# written as UTF-8: it is shown as its escape, which in JSON text reads back as the same value.
_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(text: str) -> str:
    # isascii() is a C-speed check that settles almost every record (fetch calls this per
    # record: the regex alone cost ~1 s per 100,000 records, measured with bench/fetch.py).
    if text.isascii() or _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def printable(text: str) -> str:
    text = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return escape_surrogates(text)


def write_pairs(rows: Sequence[tuple[str, str]], out: TextIO, *, indent: str = "") -> None:
    if not rows:
        return
    width = max(len(key) for key, _ in rows) + 1
    for key, value in rows:
        out.write(f"{indent}{key + ':':<{width}} {printable(value)}\n")


def write_tsv(
    header: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO, *, indent: str = ""
) -> None:
    out.write(indent + "\t".join(header) + "\n")
    for row in rows:
        cells = (printable(cell.replace("\t", " ").replace("\n", " ")) for cell in row)
        out.write(indent + "\t".join(cells) + "\n")
