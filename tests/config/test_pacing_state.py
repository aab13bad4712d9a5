"""The pacing slots shared by the rutterctl processes of one organisation, in a file."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from rutterctl.api.pacing import Pacer
from rutterctl.config.pacing_state import FileSlots

from tests.fakes import FakeClock


def pacer(clock: FakeClock, slots: FileSlots, limit: int = 3) -> Pacer:
    return Pacer(limit, 10.0, monotonic=clock.monotonic, sleep=clock.sleep, shared=slots)


def test_one_file_per_organisation_under_the_cache_dir(tmp_path: Path) -> None:
    a = FileSlots.for_organisation(tmp_path, "https://sandbox.rutterapi.com/versioned", "id-1")
    b = FileSlots.for_organisation(tmp_path, "https://sandbox.rutterapi.com/versioned", "id-2")
    c = FileSlots.for_organisation(tmp_path, "https://production.rutterapi.com/versioned", "id-1")
    assert len({a.path, b.path, c.path}) == 3
    assert a.path.parent == tmp_path / "pacing"
    assert "id-1" not in a.path.name and "sandbox" not in a.path.name


def test_slots_taken_by_one_pacer_are_seen_by_the_next(tmp_path: Path) -> None:
    clock = FakeClock()
    path = tmp_path / "pacing" / "org.json"
    first = pacer(clock, FileSlots(path))
    for _ in range(3):
        with first.request():
            pass
    second = pacer(clock, FileSlots(path))  # another command, later, same organisation
    with second.request() as ticket:
        assert ticket.waited == pytest.approx(10.05)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = json.loads(path.read_text())
    assert doc == {"version": 1, "slots": [[1010.05, 0, 0]]}  # the first three have expired


def test_slots_of_another_process_count(tmp_path: Path) -> None:
    """A real second process records a slot in flight; this one sees it and waits."""
    clock = FakeClock()
    path = tmp_path / "org.json"
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from rutterctl.api.pacing import Pacer\n"
        "from rutterctl.config.pacing_state import FileSlots\n"
        "p = Pacer(1, 10.0, monotonic=lambda: 1000.0, sleep=time.sleep,\n"
        "          shared=FileSlots(Path(sys.argv[1])))\n"
        "p.acquire()\n"
        "print('taken', flush=True)\n"
        "sys.stdin.read()\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "taken\n"
        p = pacer(clock, FileSlots(path), limit=1)
        waits: list[float] = []

        def sleep(seconds: float) -> None:
            waits.append(seconds)
            clock.elapsed += seconds
            if len(waits) == 2:  # the other process ends with its request in flight
                assert child.stdin is not None
                child.stdin.close()
                child.wait(timeout=30)

        p._sleep = sleep
        p.acquire()
        assert waits[:2] == [0.05, 0.05]  # its request was in flight: polled
        assert sum(waits[2:]) == pytest.approx(10.05)  # then counted as answered when it ended
    finally:
        child.kill()
        child.wait(timeout=30)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b'{"version": 99, "slots": []}',
        b"[]",
        b"[" * 100_000 + b"]" * 100_000,  # a RecursionError in json.loads
        # A slot of this (live) process that is never answered: NaN never ages out.
        b'{"version": 1, "slots": [[NaN, %d, 1]]}' % os.getpid(),
    ],
)
def test_a_file_cut_short_or_not_ours_reads_as_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "org.json"
    path.write_bytes(content)
    with pacer(FakeClock(), FileSlots(path), limit=1).request() as ticket:
        assert ticket.waited == 0.0
    assert json.loads(path.read_text())["version"] == 1


def test_a_cache_path_that_is_a_file_paces_this_process_alone(tmp_path: Path) -> None:
    (tmp_path / "pacing").write_text("not a directory")
    traced: list[str] = []
    slots = FileSlots(tmp_path / "pacing" / "org.json", trace=traced.append)
    clock = FakeClock()
    p = pacer(clock, slots, limit=1)
    with p.request():
        pass
    with p.request() as ticket:
        assert ticket.waited == pytest.approx(10.05)
    assert len(traced) == 1 and "pacing shared with no other process" in traced[0]
