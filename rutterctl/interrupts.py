"""SIGINT, SIGTERM and SIGHUP as exceptions, with sections that finish before one is raised.

`timeout`, CI cancellation and `docker stop` send SIGTERM; closing a terminal sends SIGHUP.
Python turns only SIGINT into an exception by default, so without this a SIGTERM ends the
process on the spot: no `finally`, an unclosed JSON array, temporary files left behind.
`install()` (called by the entry point) makes all three raise `Interrupted` (a
KeyboardInterrupt, so every `except KeyboardInterrupt` keeps working), whose exit code is
128 + the signal number. Inside `deferred()` a signal is held until the block ends, so that
a page is written whole, or not at all, and the record of it stays true.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType

NAMES = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM", signal.SIGHUP: "SIGHUP"}


class Interrupted(KeyboardInterrupt):
    """A signal asked the process to stop; `message` (if set) is what the user is told."""

    def __init__(self, signum: int = signal.SIGINT, message: str | None = None) -> None:
        super().__init__(signum)
        self.signum = signum
        self.message = message

    @property
    def name(self) -> str:
        return NAMES.get(signal.Signals(self.signum), f"signal {self.signum}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


_depth = 0
_pending: list[int] = []


def _handler(signum: int, _frame: FrameType | None) -> None:
    if _depth:
        if not _pending:
            _pending.append(signum)
        return
    raise Interrupted(signum)


def install() -> None:
    """Raise `Interrupted` on SIGINT, SIGTERM and SIGHUP; a signal that is ignored (`nohup`,
    a background job's SIGINT) stays ignored."""
    for signum in NAMES:
        with contextlib.suppress(ValueError, OSError):  # not the main thread, or no such signal
            if signal.getsignal(signum) is not signal.SIG_IGN:
                signal.signal(signum, _handler)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM/SIGHUP until the block ends, then raise the first one that came."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if not _depth and _pending:
            raise Interrupted(_pending.pop())


def discard() -> None:
    """Forget a signal held by `deferred()`: the process is stopping already."""
    _pending.clear()
