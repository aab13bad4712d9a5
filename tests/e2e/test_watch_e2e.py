"""The installed `rutterctl watch` (and `wait-ready --stall-timeout`) against `rutterctl sim
serve` over loopback: in a real pseudo-terminal at 80 and 140 columns, read back through a
VT100 screen (pyte) as a user would see it, and piped as NDJSON.

The simulator's clock stands still (speed 0) unless a test advances it or sets a speed, so a
stall is real (nothing moves) and the thresholds are a second or two of real time.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable

import pyte
import pytest

from tests.e2e.conftest import RUTTERCTL, RunningSim

pytestmark = pytest.mark.e2e


class Terminal:
    """`rutterctl ARGS` on a pty of `columns` × `rows`, its output fed to a VT100 screen."""

    def __init__(self, sim: RunningSim, args: list[str], columns: int, rows: int = 24) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = {k: v for k, v in sim.env().items() if k not in ("COLUMNS", "LINES")}
        env["TERM"] = "xterm-256color"
        self.process = subprocess.Popen(
            [RUTTERCTL, *args], stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True
        )
        os.close(slave)
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = b""

    def pump(self, until: Callable[[], bool], timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not until():
            assert time.monotonic() < deadline, "\n".join(self.screen.display)
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the slave side closed: the program has exited
                    chunk = b""
                self.raw += chunk
                self.stream.feed(chunk)
                if not chunk and self.process.poll() is not None:
                    return
            elif self.process.poll() is not None and not ready:
                return

    def shows(self, text: str) -> bool:
        return any(text in line for line in self.screen.display)

    def finish(self) -> int:
        self.pump(lambda: False)
        code = self.process.wait(timeout=20)
        os.close(self.master)
        return code

    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display if line.strip()]


@pytest.mark.parametrize("columns", [80, 140])
def test_the_live_table_in_a_terminal(launch: Callable[..., RunningSim], columns: int) -> None:
    sim = launch("--scenario", "stalled")
    term = Terminal(
        sim, ["watch", "--stall-after", "1", "--interval", "0.3", "--timeout", "2.5"], columns
    )
    code = term.finish()
    assert code == 124, term.raw.decode(errors="replace")
    lines = term.lines()
    text = "\n".join(lines)
    assert lines[0].startswith("watching 3 · every 0.3s · ")  # the title
    header = next(line for line in lines if line.startswith("connection"))
    ids = tuple(c["id"] for c in sim.connections.values())
    rows = [line for line in lines if line.startswith(ids)]
    assert len(rows) == 3 and all("STALLED" in row for row in rows)
    assert all(len(line) <= columns for line in term.screen.display)
    if columns == 80:
        assert "synced" not in header and "not shown at 80 columns: last sync, synced" in text
    else:
        assert header.split() == ["connection", "stage", "alert", "batches", "moved", "last",
                                  "sync", "synced"]  # fmt: skip
        assert "not shown" not in text and "orders" in text
    assert "recent changes" in text and "STALLED: no " in text
    assert "error: watch: --timeout 2.5 passed" in text
    assert term.raw.rstrip().endswith(b"\x1b[?25h") or b"\x1b[?25h" in term.raw  # cursor back
    assert "Traceback" not in text


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_restores_the_terminal(
    launch: Callable[..., RunningSim], signum: int, code: int
) -> None:
    sim = launch()
    assert sim.run("connections", "list", "--details").returncode == 0  # fills the store cache
    term = Terminal(sim, ["watch", "--interval", "0.5"], 100)
    term.pump(lambda: term.shows("connection"))
    # Rows named by the stores the cache holds fresh, instead of ids (no request for them).
    assert any(line.startswith("Acme Disabled Store ") for line in term.lines())
    term.process.send_signal(signum)
    assert term.finish() == code
    tail = term.raw[term.raw.rindex(b"connection") :]
    assert b"\x1b[?25h" in tail  # the cursor rich hid is shown again
    assert "Traceback" not in term.raw.decode(errors="replace")


def test_piped_it_prints_one_line_per_change(launch: Callable[..., RunningSim]) -> None:
    sim = launch()
    conn = sim.connections["acme-initial"]
    process = subprocess.Popen(
        [
            RUTTERCTL,
            "watch",
            conn["id"],
            "--until",
            "ready",
            "--interval",
            "0.1",
            "--timeout",
            "60",
        ],
        env=sim.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = json.loads(process.stdout.readline())  # no -o: stdout is not a terminal
        assert (first["event"], first["from"], first["to"]) == (
            "stage_changed",
            None,
            "INITIAL_SYNC",
        )
        time.sleep(0.5)  # several polls of a frozen simulator: no line for any of them
        sim.control("POST", "/clock/advance", {"duration": "30m"})
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    assert process.returncode == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["event"] for e in events if e["event"] != "progress"] == [
        "stage_changed",
        "batch_completed",
        "entity_ready",
        "entity_ready",
        "entity_ready",
    ]
    assert len(events) <= 6  # one reading after the jump: changes, never polls
    assert "one JSON line per change" in err and conn["access_token"] not in out + err


def test_wait_ready_exits_9_on_a_stalled_connection(launch: Callable[..., RunningSim]) -> None:
    sim = launch("--scenario", "stalled")
    name = sim.connections["stuck-initial"]["id"]
    result = sim.run("wait-ready", name, "--stall-timeout", "1", "--interval", "0.1")
    assert result.returncode == 9, result.stderr
    [error] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert "the sync stalled: no progress for 1s" in error and "INITIAL_SYNC" in error


def test_wait_ready_waits_for_a_slow_sync_that_moves(launch: Callable[..., RunningSim]) -> None:
    sim = launch("--scenario", "stalled")
    slow = {"name": "slowpoke", "batches": [{"duration": "2h", "entities": {"orders": "REQUIRED"}}]}
    [made] = sim.control("POST", "/connections", slow)["connections"]
    sim.control("POST", "/clock/speed", {"speed": 3600})  # 2 simulated hours in 2 seconds
    result = sim.run("wait-ready", made["id"], "--stall-timeout", "1", "--interval", "0.1")
    assert result.returncode == 0, result.stderr
