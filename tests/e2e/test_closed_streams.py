"""The installed program started with a stream closed (`>&-`, `2>&-`, as cron and some CI
runners do) or handed bytes that are not UTF-8: one line and exit 2 when the data cannot go
anywhere, a working command when only stderr is gone, never an unexpected error."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.e2e.conftest import RUTTERCTL, RunningSim


def shell(sim: RunningSim, line: str) -> subprocess.CompletedProcess[str]:
    """`line` run by sh, so that its redirections close the streams it names."""
    return subprocess.run(
        ["sh", "-c", line], env=sim.env(), capture_output=True, text=True, timeout=60
    )


def test_data_to_a_closed_stdout_is_a_usage_error(fleet: RunningSim) -> None:
    conn = fleet.connections["acme-ongoing"]["id"]
    for command in (f"status {conn} -o json", "reasons -o json", f"batches {conn}"):
        result = shell(fleet, f"{RUTTERCTL} {command} >&-")
        assert result.returncode == 2, (command, result.stderr)
        assert result.stderr.splitlines()[-1] == (
            "error: standard output is closed; redirect it to a file, or to /dev/null"
        )
        assert "unexpected" not in result.stderr


def test_a_fetch_into_a_file_needs_no_stdout(fleet: RunningSim, tmp_path: Path) -> None:
    conn = fleet.connections["acme-ongoing"]["id"]
    target = tmp_path / "orders.ndjson"
    line = f"{RUTTERCTL} fetch orders {conn} --limit 3 -o ndjson --output {target} >&-"
    result = shell(fleet, line)
    assert result.returncode == 0, result.stderr
    assert len(target.read_text().splitlines()) == 3


def test_a_usage_error_keeps_exit_2_with_stderr_closed(fleet: RunningSim) -> None:
    for command in ("status acme --bogus", "nosuch", "status", "fetch orders x --limit abc"):
        assert shell(fleet, f"{RUTTERCTL} {command} 2>&-").returncode == 2, command


def test_a_closed_stderr_does_not_fail_a_command_that_works(fleet: RunningSim) -> None:
    conn = fleet.connections["acme-ongoing"]["id"]
    result = shell(fleet, f"{RUTTERCTL} status {conn} -o json 2>&-")
    assert result.returncode == 0
    assert json.loads(result.stdout)["connection_id"] == conn
    failed = shell(fleet, f"{RUTTERCTL} status no-such-shop 2>&-")
    assert failed.returncode == 3  # its error had nowhere to go, its exit code still says it


def test_help_and_version_to_a_closed_stdout_end_quietly(fleet: RunningSim) -> None:
    for command in ("--help", "--version", "status --help"):
        result = shell(fleet, f"{RUTTERCTL} {command} >&-")
        assert (result.returncode, result.stderr) == (0, ""), command


def test_a_value_that_is_not_utf8_is_a_usage_error(fleet: RunningSim) -> None:
    conn = fleet.connections["acme-ongoing"]["id"]
    argv = [RUTTERCTL.encode(), b"fetch", b"orders", conn.encode(), b"--cursor", b"\xff"]
    result = subprocess.run(argv, env=fleet.env(), capture_output=True, timeout=60)
    assert result.returncode == 2
    assert (
        result.stderr
        == b"error: the cursor value '\\udcff' is not UTF-8 text; pass it as Rutter gave it\n"
    )


def test_a_variable_that_is_not_utf8_is_named_not_shown(fleet: RunningSim) -> None:
    conn = fleet.connections["acme-ongoing"]["id"]
    env = {os.fsencode(k): os.fsencode(v) for k, v in fleet.env().items()}
    env[b"RUTTER_CLIENT_SECRET"] = b"secret-\xff"
    result = subprocess.run([RUTTERCTL, "status", conn], env=env, capture_output=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == (
        b"error: RUTTER_CLIENT_SECRET is not UTF-8 text; set RUTTER_CLIENT_SECRET again, "
        b"as plain text\n"
    )
