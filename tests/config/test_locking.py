"""The one lock helper: exclusive across processes, bounded wait, re-entrant in one process."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from rutterctl.config.files import lock_path, locked, write_atomic
from rutterctl.errors import UsageError

HOLDER = """
import sys, time
from pathlib import Path
from rutterctl.config.files import locked
with locked(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_a_lock_held_by_another_process_is_a_usage_error_naming_the_file(tmp_path: Path) -> None:
    target = tmp_path / "aliases.toml"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(target)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(UsageError) as caught, locked(target, timeout=0.2):
            pass
        assert caught.value.message == f"{target} is locked by another rutterctl; try again"
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(10)
    with locked(target, timeout=0.2):  # released when the holder ended
        write_atomic(target, "x\n")
    assert target.read_text() == "x\n"


def test_the_lock_file_is_private_and_nesting_does_not_wait_on_itself(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "config.toml"
    with locked(target, timeout=0.1), locked(target, timeout=0.1):
        pass
    mode = stat.S_IMODE(os.stat(lock_path(target)).st_mode)
    assert mode == 0o600
    assert lock_path(target).name == ".config.toml.lock"
