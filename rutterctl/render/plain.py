"""Plain-text building blocks: aligned `key: value` lines, TSV rows, and THE sanitiser.

`printable` is the one escaping of text from outside (Rutter, a proxy, a file, the
environment) that every human-readable line applies: tables, live lines, error lines and
hints. Import-light (only `re`): the error boundary uses it on every run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TextIO

# C0 and C1 control characters and DEL. A store name, a reason, an error code or a request id
# is text from outside: an escape sequence in it must not reach the terminal (nor the piped
# output), so each control character is shown escaped, as `\x1b`. Escaping the introducer is
# what defuses a whole sequence: ESC (CSI `\x1b[`, OSC `\x1b]` such as OSC 52, which writes
# the clipboard), the C1 forms (CSI `\x9b`, OSC `\x9d`) and BEL/ST terminators all lose their
# meaning once the terminal sees `\x1b` as four printable characters.
# The patterns are compiled by `re` when first needed (0.2 ms in all): the C-speed checks
# before them settle nearly every text.
_CONTROL = r"[\x00-\x1f\x7f-\x9f]"
_CONTROL_BUT_NEWLINE = r"[\x00-\x09\x0b-\x1f\x7f-\x9f]"
# A lone UTF-16 surrogate ("\ud800" alone in Rutter's JSON) survives json.loads but cannot be
# written as UTF-8: it is shown as its escape, which in JSON text reads back as the same value.
_SURROGATE = "[\ud800-\udfff]"


def escape_surrogates(text: str) -> str:
    # isascii() is a C-speed check that settles almost every record (fetch calls this per
    # record: the regex alone cost ~1 s per 100,000 records, measured with bench/fetch.py).
    if text.isascii() or re.search(_SURROGATE, text) is None:
        return text
    return re.sub(_SURROGATE, lambda m: f"\\u{ord(m.group()):04x}", text)


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def printable(text: str) -> str:
    """One line of text from outside, safe for a terminal: control characters escaped."""
    if text.isprintable():  # C-speed: nearly every cell of every table
        return text
    return escape_surrogates(re.sub(_CONTROL, _escape, text))


def printable_lines(text: str) -> str:
    """Like `printable`, keeping line breaks (a message that is meant to span lines, such as
    a traceback under --debug)."""
    return escape_surrogates(re.sub(_CONTROL_BUT_NEWLINE, _escape, text))


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
