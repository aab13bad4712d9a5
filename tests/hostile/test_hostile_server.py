"""Every misbehaviour of the issue, from a real server on 127.0.0.1: each case ends with its
documented exit code and one error line, no traceback, no raw control character, no secret.

In process (the fake clock skips the retry back-off) over real sockets; the cases that are
about real time (a trickle against a deadline) run the installed program. Peak memory is
measured by bench/hostile.py, not here.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import builders
from tests.fakes import CLIENT_ID, CLIENT_SECRET, CREDS, Result, invoke
from tests.hostile import server as hostile
from tests.hostile.server import HostileServer

RUTTERCTL = str(Path(sys.executable).parent / "rutterctl")
CONTROL = ("\x1b", "\x9b", "\x07", "\x9d")
PAIR = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()


@pytest.fixture(scope="module")
def served() -> Iterator[HostileServer]:
    with hostile.running() as server:
        yield server


@pytest.fixture
def rutter(served: HostileServer) -> HostileServer:
    served.serve("/none", hostile.gzip_bomb)  # every path healthy unless the test says
    return served


def run(server: HostileServer, *args: str, **env: str) -> Result:
    return invoke(list(args), env={**CREDS, "RUTTER_BASE_URL": server.base_url, **env})


def error_line(result: Result) -> str:
    """The one error line: exactly one, nothing after it, no traceback, nothing raw."""
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert result.stderr.rstrip("\n").endswith(errors[0])
    assert not any(c in result.stderr for c in CONTROL), repr(result.stderr)
    return errors[0]


def test_a_gzip_bomb_is_cut_at_the_body_limit(rutter: HostileServer) -> None:
    rutter.serve("/connections/status", hostile.gzip_bomb)
    # The default (32 MiB) is measured by bench/hostile.py; a smaller limit keeps this fast.
    result = run(rutter, "status", builders.CONNECTION_ID, RUTTERCTL_MAX_BODY="4MiB")
    assert result.exit_code == 7
    assert "larger than the 4 MiB limit (max_body)" in error_line(result)
    assert result.stderr.count("retrying GET /connections/status") == 4  # the usual retries


def test_a_huge_junk_body_is_cut_at_a_configured_limit(rutter: HostileServer) -> None:
    rutter.serve("/connections/status", hostile.junk)
    result = run(rutter, "status", builders.CONNECTION_ID, RUTTERCTL_MAX_BODY="1MiB")
    assert result.exit_code == 7
    assert "larger than the 1 MiB limit (max_body)" in error_line(result)


def test_headers_trickled_a_byte_at_a_time_end_at_the_request_timeout(
    rutter: HostileServer,
) -> None:
    rutter.serve("/connections/status", hostile.trickle_headers)
    result = run(rutter, "status", builders.CONNECTION_ID, RUTTERCTL_REQUEST_TIMEOUT="1")
    assert result.exit_code == 7
    assert "took longer than the 1s request timeout (request_timeout)" in error_line(result)


def test_wait_ready_against_a_trickling_body_ends_at_its_deadline(
    rutter: HostileServer, tmp_path: Path
) -> None:
    """The installed program with real time: one deadline for the whole command."""
    rutter.serve("/connections/status", hostile.trickle)
    env = {
        **os.environ,
        **CREDS,
        "RUTTER_BASE_URL": rutter.base_url,
        "RUTTERCTL_CACHE_DIR": str(tmp_path / "cache"),
    }
    # The timeout is the case's bound with room for a loaded machine; before the fix the
    # command ran for minutes (the read timeout restarted on every byte).
    done = subprocess.run(
        [RUTTERCTL, "wait-ready", builders.CONNECTION_ID, "--timeout", "2s"],
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert done.returncode == 7, done.stderr
    result = Result(done.returncode, done.stdout, done.stderr, None)  # type: ignore[arg-type]
    line = error_line(result)
    assert "had not arrived when the command's deadline passed" in line
    assert "the next retry" not in line  # no retry is due after the deadline: nothing to add


def test_an_error_that_echoes_the_authorization_header_is_masked(rutter: HostileServer) -> None:
    rutter.serve("/connections/status", hostile.echo_authorization)
    result = run(rutter, "status", builders.CONNECTION_ID)
    assert result.exit_code == 4
    line = error_line(result)
    assert PAIR not in line and CLIENT_SECRET not in line
    assert "Basic ****" in line


def test_connections_details_json_masks_an_echoed_credential(rutter: HostileServer) -> None:
    rutter.serve("/connections/status", hostile.echo_authorization)
    result = run(rutter, "connections", "list", "--details", "-o", "json")
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert "Basic ****" in row["error"]
    assert PAIR not in result.stdout and PAIR[:-4] not in result.stdout
    assert CLIENT_SECRET not in result.stdout + result.stderr


def test_control_sequences_in_error_code_message_and_request_id_are_escaped(
    rutter: HostileServer,
) -> None:
    rutter.serve("/connections/status", hostile.control_sequences)
    result = run(rutter, "status", builders.CONNECTION_ID)
    assert result.exit_code == 3
    line = error_line(result)
    assert "BAD\\x1b]52;c;cHduZWQ=\\x07" in line  # the error code, shown escaped
    assert "request id req\\x9b2J" in line  # a C1 CSI in the X-Rutter-Request-ID header
    assert "oops\\x1b[2J" in line


def test_the_wait_ready_disabled_reason_line_is_escaped(rutter: HostileServer) -> None:
    rutter.serve("/connections/status", hostile.disabled_with_control_sequences)
    result = run(rutter, "wait-ready", builders.CONNECTION_ID)
    assert result.exit_code == 6
    assert "SHOP\\x1b]52;c;cHduZWQ=\\x07\\x1b[2J" in error_line(result)
    assert not any(c in result.stdout for c in CONTROL)


@pytest.mark.parametrize("tty", [False, True])
def test_the_fetch_table_escapes_control_sequences(rutter: HostileServer, tty: bool) -> None:
    rutter.serve("/orders", hostile.orders_with_control_sequences)
    env = {**CREDS, "RUTTER_BASE_URL": rutter.base_url}
    result = invoke(["fetch", "orders", builders.CONNECTION_ID, "-o", "table"], env=env, tty=tty)
    assert result.exit_code == 0, result.stderr
    assert "ord-1\\x1b]52;c;cHduZWQ=\\x07" in result.stdout.replace("\n", "")
    assert "\x07" not in result.stdout and "]52;" not in result.stdout.replace("\\x1b]52;", "")


@pytest.mark.parametrize(
    ("behaviour", "why"),
    [
        (hostile.deep_json, "JSON nested more than 64 levels deep"),
        (hostile.many_objects, "JSON with more than 200,000 objects and arrays"),
        (hostile.too_many_values, "JSON with more than 1,000,000 values"),
    ],
)
def test_json_too_deep_or_too_big_is_an_unreadable_body(
    rutter: HostileServer, behaviour: hostile.Behaviour, why: str
) -> None:
    rutter.serve("/connections/status", behaviour)
    result = run(rutter, "status", builders.CONNECTION_ID)
    assert result.exit_code == 7
    assert f"a body that is {why}" in error_line(result)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("RUTTERCTL_TIMEOUT", "1e308", "RUTTERCTL_TIMEOUT must be at most 3600 seconds"),
        ("RUTTERCTL_REQUEST_TIMEOUT", "inf", "RUTTERCTL_REQUEST_TIMEOUT must be a positive"),
        ("RUTTERCTL_RATE_LIMIT", "1/999999999s", "RUTTERCTL_RATE_LIMIT must be 1 to 100000"),
        ("RUTTERCTL_RATE_LIMIT", "1/3000s", "fewer than one request a minute"),
        ("RUTTERCTL_MAX_BODY", "1e9G", "RUTTERCTL_MAX_BODY must be a size from 64 KiB to 1 GiB"),
        ("RUTTER_API_VERSION", "2023-03-14\r\nX-Evil: 1", "RUTTER_API_VERSION holds control"),
    ],
)
def test_out_of_range_settings_and_header_values_are_usage_errors_before_any_request(
    rutter: HostileServer, variable: str, value: str, message: str
) -> None:
    result = run(rutter, "status", builders.CONNECTION_ID, **{variable: value})
    assert result.exit_code == 2
    assert message in error_line(result)
    assert hostile.Handler.seen == []  # nothing was sent, so nothing was retried


def test_a_line_break_from_the_server_cannot_forge_a_second_line(rutter: HostileServer) -> None:
    """An error_code of "X\\nerror: ..." would print a line of the server's choosing."""

    def forged(h: hostile.Handler) -> None:
        h.json(400, {"error_type": "API_ERROR", "error_code": "BAD\nall good: exit 0\r"})

    rutter.serve("/connections/status", forged)
    result = run(rutter, "status", builders.CONNECTION_ID)
    assert result.exit_code == 3
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "BAD\\nall good: exit 0\\r" in error_line(result)
