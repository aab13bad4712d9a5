"""fetch --output against file systems that refuse: permission denied, read-only, full.

Real failures, as root too: the permission test runs rutterctl without the capabilities that
let root ignore file modes; the read-only and full-disk tests mount a small private tmpfs in
the test's directory (skipped where mounting is not allowed).
"""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import RUTTERCTL, RunningSim

pytestmark = pytest.mark.e2e
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER = 1, 2, 3


def without_file_capabilities() -> None:
    """In the child before exec: drop what lets root write anywhere (no-op when not root)."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER):
            libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)


def fetch_into(
    sim: RunningSim, target: Path, *extra: str, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    argv = [RUTTERCTL, "fetch", "orders", sim.token("acme-ongoing"), "--all", "-o", "json"]
    return subprocess.run(
        [*argv, "--limit", "50", "--output", str(target), *extra],
        env=sim.env(),
        capture_output=True,
        text=True,
        timeout=60,
        **kwargs,  # type: ignore[call-overload]
    )


def test_permission_denied_is_exit_2_naming_the_file(fleet: RunningSim, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    target = locked / "orders.json"
    result = fetch_into(fleet, target, preexec_fn=without_file_capabilities)
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        f"error: cannot write {target}: Permission denied; "
        "choose a FILE you may write, or change the permissions\n"
    )
    assert os.listdir(locked) == []


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    mountpoint = tmp_path / "small"
    mountpoint.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=400k,mode=0755", "tmpfs", str(mountpoint)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (the injected-ENOSPC test in tests/cli covers it)")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def remount(mountpoint: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(mountpoint)], check=True)


def test_a_full_disk_keeps_valid_json_and_resume_finishes_once_there_is_room(
    fleet: RunningSim, tmpfs: Path
) -> None:
    target = tmpfs / "orders.json"
    full = fetch_into(fleet, target)
    assert full.returncode == 2, full.stderr
    assert full.stderr == (
        f"error: cannot write {target}: No space left on device; free some space; "
        "what was written is valid: then resume with --resume\n"
    )
    kept = json.loads(target.read_text())  # valid: whole pages, the array closed
    assert kept and len(kept) % 50 == 0
    remount(tmpfs, "size=16m")
    resumed = fetch_into(fleet, target, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    records = json.loads(target.read_text())
    assert records[: len(kept)] == kept
    whole = fleet.run("fetch", "orders", fleet.token("acme-ongoing"), "--all", "-o", "json")
    assert records == json.loads(whole.stdout)
    assert os.listdir(tmpfs) == ["orders.json"]


def test_a_read_only_file_system_is_exit_2_naming_the_file(fleet: RunningSim, tmpfs: Path) -> None:
    remount(tmpfs, "ro")
    target = tmpfs / "orders.json"
    result = fetch_into(fleet, target)
    assert result.returncode == 2
    assert result.stderr == (
        f"error: cannot write {target}: Read-only file system; "
        "the file system is read-only: choose a FILE elsewhere\n"
    )
