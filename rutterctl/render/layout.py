"""The one layout rule for every view drawn on a terminal (tables, key/value blocks, live lines).

The rule, everywhere:

1. Every column has a priority: 0 is always shown, higher numbers are dropped first (ties:
   the rightmost first). Headings are never cut.
2. A column is `whole` (ids, URLs, amounts, reasons, store names, stages, dates: shown at
   full width or not at all) or wrappable (prose: wraps at word boundaries, never narrower
   than `min_width`).
3. When the terminal is too narrow, low-priority columns are dropped *before* any wrappable
   column is squeezed below its minimum, and `footer()` says which were dropped and how to
   see them (`-o json`, a wider terminal).
4. If even the priority-0 columns do not fit side by side, each row is shown as a block of
   `heading  value` lines instead (`Fit.stacked`), so nothing whole is ever cut.
5. In key/value blocks (`pair_lines`) values wrap at word boundaries beside their key; a whole
   value (a URL, an id) that does not fit beside its key goes on its own line below it.
6. A live line (`fit_line`) is one terminal row: parts are dropped by priority (a `cuttable`
   part is shortened with "…" first), and parts that must stay whole never are cut.

API (all widths in terminal cells):

    cols = [Column("id", "id"), Column("store", "store", priority=1),
            Column("error", "error", priority=2, whole=False, min_width=20)]
    print_table(console, cols, rows, width=console.width, styles={"stage": {...}})
    # or, step by step:
    f = fit(cols, rows, width)            # which columns, how wide, what was dropped
    renderable = table(f, rows)           # a rich Table (box-less, bold header)
    note = footer(f)                      # "not shown at 80 columns: ...", or None
    lines = plain_lines(f, rows)          # the same table as plain text (sim serve's banner)
    continued(["export", "A=1", "B=2"], 80)  # a command to paste, continued with backslash lines
    for key, line in pair_lines([("stage", text), Pair("link_url", url, whole=True)], 80): ...
    print_pairs(console, pairs, style=lambda key, line: "bold red" if key == "stage" else "")
    fit_line([Part("acme: INITIAL_SYNC"), Part("synced ...", priority=2, cuttable=True),
              Part("elapsed 1m")], 80)

`rows` are sequences of strings in the order of `columns` (dropped columns included: `fit`
decides which cells are shown). rich is imported only inside the functions that draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

GAP = 2  # cells between two table columns (rich: padding (0, 1) without edges)
ELLIPSIS = "…"


class Column(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """One column. `whole`: never cut or wrapped. `min_width`: wrappable columns only."""

    key: str
    heading: str
    priority: int = 0
    whole: bool = True
    min_width: int = 12
    justify: Literal["left", "right"] = "left"
    style: str = ""


class Fit(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """What `fit` decided: the columns shown (in order) and their widths, those dropped."""

    width: int
    columns: tuple[Column, ...]
    widths: tuple[int, ...]
    dropped: tuple[Column, ...] = ()
    stacked: bool = False
    indexes: tuple[int, ...] = ()


def cells(text: str) -> int:
    """Terminal cells `text` takes (wide characters count two)."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def _longest_word(text: str) -> int:
    return max((cells(word) for word in text.split()), default=0)


def _need(column: Column, values: Sequence[str]) -> tuple[int, int]:
    """(minimum, natural) width of a column over its values."""
    natural = max([cells(column.heading)] + [cells(v) for v in values])
    if column.whole:
        return natural, natural
    # Wrapping breaks at spaces only: the longest word is a floor too (an id, a reason name).
    longest = max([0] + [_longest_word(v) for v in values])
    floor = min(natural, max(column.min_width, cells(column.heading), longest))
    return floor, natural


def fit(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    width: int,
    *,
    gap: int = GAP,
    floors: Mapping[str, int] | None = None,
) -> Fit:
    """Choose the columns that fit `width` and their widths (see the module's rule).

    `floors` are widths a column must not go below (a paged table keeps its first page's
    widths so that pages line up)."""
    needs = []
    for index, column in enumerate(columns):
        low, natural = _need(column, [row[index] for row in rows])
        floor = (floors or {}).get(column.key, 0)
        needs.append(
            (max(low, floor if column.whole else min(floor, natural)), max(natural, floor))
        )
    shown = list(range(len(columns)))

    def total(indexes: list[int]) -> int:
        return sum(needs[i][0] for i in indexes) + gap * max(0, len(indexes) - 1)

    droppable = sorted(
        (i for i in shown if columns[i].priority > 0),
        key=lambda i: (columns[i].priority, i),
        reverse=True,
    )
    while total(shown) > width and droppable:
        shown.remove(droppable.pop(0))
    dropped = tuple(columns[i] for i in range(len(columns)) if i not in shown)
    if total(shown) > width:
        return Fit(width, tuple(columns[i] for i in shown), (), dropped, True, tuple(shown))
    widths = {i: needs[i][0] for i in shown}
    spare = width - total(shown)
    # Extra room goes to wrappable columns, most important first, up to their natural width.
    for i in sorted(shown, key=lambda i: (columns[i].priority, i)):
        grow = min(spare, needs[i][1] - widths[i])
        widths[i] += grow
        spare -= grow
    return Fit(
        width,
        tuple(columns[i] for i in shown),
        tuple(widths[i] for i in shown),
        dropped,
        False,
        tuple(shown),
    )


SEE_ALL = "-o json shows every field; so does a wider terminal"


def footer(result: Fit, how: str = SEE_ALL) -> str | None:
    """Which columns were left out and `how` to see them; None when nothing was."""
    if not result.dropped:
        return None
    names = ", ".join(c.heading for c in result.dropped)
    return f"not shown at {result.width} columns: {names} ({how})"


def plain_lines(result: Fit, rows: Sequence[Sequence[str]]) -> list[str]:
    """The table `fit` chose as plain text lines (no rich: for output written as text, like
    `sim serve`'s banner): whole cells padded, wrappable ones wrapped at words."""
    if result.stacked:
        return [key + value for key, value in stacked_lines(result, rows)]
    lines = []
    for row in [
        [c.heading for c in result.columns],
        *([row[i] for i in result.indexes] for row in rows),
    ]:
        wrapped = [
            [v] if c.whole else wrap_words(v, w)
            for v, c, w in zip(row, result.columns, result.widths, strict=True)
        ]
        for n in range(max(len(w) for w in wrapped)):
            texts = [w[n] if n < len(w) else "" for w in wrapped]
            pads = [" " * (w - cells(t)) for t, w in zip(texts, result.widths, strict=True)]
            padded = [
                p + t if c.justify == "right" else t + p
                for t, p, c in zip(texts, pads, result.columns, strict=True)
            ]
            lines.append((" " * GAP).join(padded).rstrip())
    return lines


def continued(words: Sequence[str], width: int | None, *, indent: str = "    ") -> str:
    """A shell command (already quoted words) within `width`: broken between words with ` \\`
    continuation lines, so it still pastes as one command. None: one line."""
    if width is None:
        return " ".join(words)
    lines, line = [], ""
    for word in words:
        if line and cells(line) + 1 + cells(word) + 2 > width:
            lines.append(line + " \\")
            line = indent + word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


def table(
    result: Fit,
    rows: Sequence[Sequence[str]],
    *,
    styles: Mapping[str, Mapping[str, str]] | None = None,
    show_header: bool = True,
) -> Table:
    """A box-less rich table of the shown columns at the widths `fit` chose. `styles` maps a
    column key to {cell value: style} (e.g. the stage colours)."""
    from rich.table import Table
    from rich.text import Text

    grid = Table(
        box=None,
        padding=(0, GAP // 2),
        pad_edge=False,
        show_header=show_header,
        header_style="bold",
        show_edge=False,
    )
    for column, width in zip(result.columns, result.widths, strict=True):
        grid.add_column(
            column.heading,
            width=width,
            no_wrap=column.whole,
            overflow="fold",
            justify=column.justify,
        )
    by_column = styles or {}
    for row in rows:
        grid.add_row(
            *(
                Text(row[i], style=by_column.get(c.key, {}).get(row[i], c.style))
                for i, c in zip(result.indexes, result.columns, strict=True)
            )
        )
    return grid


def stacked_lines(result: Fit, rows: Sequence[Sequence[str]]) -> list[tuple[str, str]]:
    """Rows as blocks of (heading, value) lines, a blank pair between rows: the layout when
    even the essential columns do not fit side by side."""
    lines: list[tuple[str, str]] = []
    for number, row in enumerate(rows):
        if number:
            lines.append(("", ""))
        # A whole value (an id, a path) too long to sit beside its heading goes below it.
        pairs = [
            Pair(c.heading, row[i], whole=c.whole)
            for i, c in zip(result.indexes, result.columns, strict=True)
        ]
        lines += pair_lines(pairs, result.width)
    return lines


def print_table(
    console: Console,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    width: int | None = None,
    styles: Mapping[str, Mapping[str, str]] | None = None,
    title: str | None = None,
    how: str = SEE_ALL,
) -> Fit:
    """Fit, draw and footnote a table on `console` (its width unless `width` is given);
    `how` says how to see dropped columns."""
    from rich.text import Text

    result = fit(columns, rows, width or console.width)
    if title:
        console.print(Text(title, style="dim"), soft_wrap=True)
    if result.stacked:
        for key, value in stacked_lines(result, rows):
            console.print(Text.assemble((key, "bold"), value), soft_wrap=True)
    else:
        console.print(table(result, rows, styles=styles))
    note = footer(result, how)
    if note:
        console.print(Text(note, style="dim"))
    return result


# -- key/value blocks -------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """A key/value row; `whole` values (URLs, ids) are never wrapped: they move below the key
    when they do not fit beside it. Plain `(key, value)` tuples wrap, except URLs."""

    key: str
    value: str
    whole: bool = False


def wrap_words(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` cells, broken at spaces only (a longer word stays
    whole on its own line: it is an id or a URL someone copies)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and cells(candidate) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def _is_whole(pair: Pair | tuple[str, str]) -> bool:
    value = pair.value if isinstance(pair, Pair) else pair[1]
    is_url = "://" in value and " " not in value
    return is_url or (isinstance(pair, Pair) and pair.whole)


def pair_lines(
    rows: Sequence[Pair | tuple[str, str]], width: int, *, gap: int = GAP
) -> list[tuple[str, str]]:
    """(key cell, value line) pairs: keys padded to one column, values wrapped beside them;
    a whole value too long for its place on its own line under the key, flush left."""
    keyed = [(r.key, r.value) if isinstance(r, Pair) else r for r in rows]
    if not keyed:
        return []
    key_width = max(cells(key) for key, _ in keyed)
    room = max(width - key_width - gap, 10)
    lead = " " * (key_width + gap)
    out: list[tuple[str, str]] = []
    for row, (key, value) in zip(rows, keyed, strict=True):
        label = key + " " * (key_width + gap - cells(key))
        if _is_whole(row):
            if cells(value) <= room:
                out.append((label, value))
            else:
                out += [(key, ""), ("", value)]
            continue
        for number, line in enumerate(wrap_words(value, room)):
            out.append((label if number == 0 else lead, line))
    return out


def print_pairs(
    console: Console,
    rows: Sequence[Pair | tuple[str, str]],
    *,
    width: int | None = None,
    indent: str = "",
    style: Callable[[str, str], str] | None = None,
) -> None:
    """`pair_lines` drawn on `console`: keys bold, each value line styled by
    `style(key, line)` (e.g. the stage's colour), nothing rewrapped by rich."""
    from rich.text import Text

    key = ""
    room = (width or console.width) - cells(indent)
    for label, line in pair_lines(rows, room):
        key = label.strip() or key  # continuation lines carry no key
        shown = (line, style(key, line) if style else "")
        console.print(Text.assemble(indent, (label, "bold"), shown), soft_wrap=True)


# -- one-line displays ------------------------------------------------------------------------


class Part(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """A piece of a one-line display. Priority 0 is kept; others are dropped (highest first),
    a `cuttable` one first shortened at a `boundary` with "…" (never mid-value). `short` is
    a terser form of a kept part, used only when the kept parts alone do not fit."""

    text: str
    priority: int = 0
    cuttable: bool = False
    short: str | None = None
    boundary: str = ", "  # where a cuttable part may be cut


def _cut(part: Part, room: int) -> str | None:
    """The part cut at its last boundary that leaves room for "…", or None if none does."""
    text, mark = part.text, part.boundary
    if cells(text) <= room:
        return text
    at = text[: max(0, room - 1)].rfind(mark)
    return text[:at] + mark + ELLIPSIS if at > 0 else None


def fit_line(parts: Sequence[Part], width: int, *, sep: str = ", ") -> str:
    """The parts joined by `sep`, in order, within `width - 1` cells (a live line that wraps
    can no longer be rewritten in place)."""
    room = max(width - 1, 10)
    texts = {i: p.text for i, p in enumerate(parts)}

    def length() -> int:
        return sum(cells(t) for t in texts.values()) + cells(sep) * max(0, len(texts) - 1)

    order = sorted(
        (i for i, p in enumerate(parts) if p.priority > 0),
        key=lambda i: (parts[i].priority, i),
        reverse=True,
    )
    for i in order:
        over = length() - room
        if over <= 0:
            break
        cut = _cut(parts[i], cells(parts[i].text) - over) if parts[i].cuttable else None
        if cut is not None:
            texts[i] = cut
            continue
        # Not even one piece fits: "…" says something was left out, if there is room for it.
        texts[i] = ELLIPSIS
        if not parts[i].cuttable or length() > room:
            del texts[i]
    for i in sorted(texts):
        if length() <= room:
            break
        if parts[i].short is not None:
            texts[i] = parts[i].short or ""
    line = sep.join(texts[i] for i in sorted(texts) if texts[i])
    # Only when even the terse essentials are wider than the terminal: one row, whatever it costs.
    return line if cells(line) <= room else line[: room - 1] + ELLIPSIS
