"""`rutterctl demo | head -1`: once the reader has gone, the demo stops instead of running
every remaining step (and the wait) into the void."""

from __future__ import annotations

import io
import os

from rutterctl.cli.app import app
from rutterctl.cli.deps import Deps

from tests.fakes import FakeClock


class ReaderGoesAway(io.StringIO):
    """A pipe whose reader leaves once the first command starts printing: the next write
    fails with EPIPE, and later ones vanish, as after the command points stdout at /dev/null."""

    def __init__(self) -> None:
        super().__init__()
        self.failed = False

    def write(self, text: str) -> int:
        if "$ rutterctl connections list" in self.getvalue():
            if not self.failed:
                self.failed = True
                raise BrokenPipeError(32, "Broken pipe")
            return len(text)
        return super().write(text)


def test_a_closed_pipe_stops_the_demo() -> None:
    clock = FakeClock()
    out = ReaderGoesAway()
    deps = Deps(
        environ={k: v for k, v in os.environ.items() if k.startswith("RUTTERCTL_")},
        stdout=out,
        stderr=io.StringIO(),
        stdout_tty=False,
        stderr_tty=False,
        now=clock.now,
        monotonic=clock.monotonic,
        sleep=clock.sleep,
    )
    code = app(["demo"], prog_name="rutterctl", obj=deps, standalone_mode=False)
    assert code in (0, None)
    assert out.failed
    assert clock.sleeps == []  # the wait step, and everything after the pipe closed, never ran
