"""Global options: --version, --help, --debug and RUTTERCTL_DEBUG."""

from __future__ import annotations

import base64
import sys

import pytest
from rutterctl import __main__, __version__

from tests import builders
from tests.builders import respond
from tests.fakes import CLIENT_ID, CLIENT_SECRET, CREDS, invoke

ID, TOKEN = builders.CONNECTION_ID, builders.ACCESS_TOKEN
RAW_SECRETS = [
    CLIENT_SECRET,
    TOKEN,
    base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode(),
]


def test_version() -> None:
    result = invoke(["--version"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"rutterctl {__version__}\n", "")


def test_version_fast_path_of_the_console_script(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["rutterctl", "--version"])
    __main__.main()
    assert capsys.readouterr().out == f"rutterctl {__version__}\n"


def test_help_lists_the_status_command() -> None:
    result = invoke(["--help"])
    assert result.exit_code == 0
    assert "status" in result.stdout
    assert "--debug" in result.stdout


def debug_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("debug: ")]


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--debug", "status", ID], CREDS),
        (["status", ID], {**CREDS, "RUTTERCTL_DEBUG": "1"}),
    ],
    ids=["--debug", "RUTTERCTL_DEBUG=1"],
)
def test_debug_prints_a_masked_trace(args: list[str], env: dict[str, str]) -> None:
    rutter = builders.fake_rutter()
    result = invoke(args, transport=rutter.transport, env=env)
    assert result.exit_code == 0, result.stderr
    lines = debug_lines(result.stderr)
    assert lines == result.stderr.splitlines()  # nothing but the trace on stderr
    assert len(lines) == 6  # request and response for each of the three calls
    assert lines[0] == (
        "debug: request GET /versioned/connections?status=any headers: Authorization: Basic ****, "
        "X-Rutter-Version: 2023-03-14 (client id ****6789, secret ****mnop)"
    )
    assert lines[3] == (
        "debug: GET /versioned/connections/status?access_token=****eeee -> 200 in 0 ms "
        f"(request id {builders.REQUEST_ID})"
    )
    for secret in RAW_SECRETS:
        assert secret not in result.stdout
        assert secret not in result.stderr
    assert "debug" not in result.stdout


def test_no_trace_without_debug() -> None:
    result = invoke(["status", ID], transport=builders.fake_rutter().transport)
    assert result.exit_code == 0
    assert debug_lines(result.stderr) == []


def test_debug_trace_of_a_failing_call_is_masked_too() -> None:
    echo = f"token {TOKEN} rejected"
    rutter = builders.fake_rutter(
        status=respond(401, builders.error_body("INVALID_CREDENTIALS", echo))
    )
    result = invoke(["--debug", "status", TOKEN], transport=rutter.transport)
    assert result.exit_code == 4
    assert "debug: GET /versioned/connections/status?access_token=****eeee -> 401" in result.stderr
    for secret in RAW_SECRETS:
        assert secret not in result.stdout + result.stderr
