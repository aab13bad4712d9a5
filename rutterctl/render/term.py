"""The one way render/ draws on a terminal: a rich console with data treated as data, and the
single live status line on stderr that progress displays rewrite in place."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console

CLEAR_LINE = "\r\x1b[2K"


def console(out: TextIO, *, color: bool) -> Console:
    """A console on a terminal the caller has checked. Markup, emoji and highlighting are off:
    text from Rutter is printed as it is (control characters escaped by the caller)."""
    from rich.console import Console

    return Console(
        file=out,
        force_terminal=True,
        no_color=not color,
        highlight=False,
        markup=False,
        emoji=False,
    )


class LiveLine:
    """One line on stderr rewritten in place; `close` ends it with a newline, `clear` erases it
    (for output that must appear on a clean line, such as a warning or a table)."""

    def __init__(self, err: TextIO) -> None:
        self.err = err
        self.shown = False

    def show(self, text: str) -> None:
        from rutterctl.render.plain import printable  # names and stages come from Rutter

        self.err.write(CLEAR_LINE + printable(text))
        self.err.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.err.write(CLEAR_LINE)
            self.err.flush()
            self.shown = False

    def close(self) -> None:
        if self.shown:
            self.err.write("\n")
            self.err.flush()
            self.shown = False


def ticking(
    sleep: Callable[[float], None], tick: Callable[[], None], step: float = 1.0
) -> Callable[[float], None]:
    """`sleep`, in steps of at most `step` seconds with `tick()` after each: a live display's
    ages and elapsed times move while its command waits."""

    def stepped(seconds: float) -> None:
        left = seconds
        while left > 0:
            pause = min(step, left)
            sleep(pause)
            left -= pause
            tick()

    return stepped
