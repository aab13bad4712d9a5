"""Every error path of the CLI: its exit code and its one line on stderr."""

from __future__ import annotations

import io
import json

import httpx
import pytest
from rutterctl.cli.app import app
from rutterctl.cli.deps import Deps
from typer.testing import CliRunner

from tests import builders
from tests.builders import Answer, connect_error, error_body, respond
from tests.fakes import CLIENT_SECRET, CREDS, invoke

ID, TOKEN = builders.CONNECTION_ID, builders.ACCESS_TOKEN
RID = builders.REQUEST_ID
CREDENTIALS_HINT = (
    "`rutterctl auth status` shows which credentials are used and where they come from; "
    "check them, and that the connection belongs to this organisation and environment"
)
SHAPE_HINT = "Rutter may have changed its API; run with --debug and report the request id"


def error_line(stderr: str) -> str:
    """The error: one line, the last one, after nothing but retry announcements."""
    lines = stderr.splitlines()
    assert lines, "nothing on stderr"
    assert stderr.endswith("\n")
    assert all(line.startswith("retrying GET ") for line in lines[:-1]), lines
    assert "Traceback" not in stderr
    return lines[-1]


def run_status(rutter: builders.FakeRutter, *extra: str) -> tuple[int, str, str]:
    result = invoke(["status", ID, *extra], transport=rutter.transport)
    return result.exit_code, result.stdout, result.stderr


CASES: list[tuple[str, dict[str, Answer | list[Answer]], int, str]] = [
    (
        "404",
        {"status": respond(404, error_body("NOT_FOUND", "no such thing", "INVALID_REQUEST"))},
        3,
        "error: not found, or not supported for this platform: Rutter says 'no such thing' "
        f"(NOT_FOUND, HTTP 404, request id {RID})",
    ),
    (
        "unexpected-shape",
        {"status": respond(200, {"connection": {"id": ID}})},
        3,
        "error: unexpected response shape from GET /connections/status: status: Field required "
        f"(HTTP 200, request id {RID}); {SHAPE_HINT}",
    ),
    (
        "product-not-allowed",
        {"status": respond(403, error_body("PRODUCT_NOT_ALLOWED", "no"))},
        3,
        "error: this product is not enabled for the connection or organisation: Rutter says "
        f"'no' (PRODUCT_NOT_ALLOWED, HTTP 403, request id {RID})",
    ),
    (
        "401",
        {"connections": respond(401, {})},
        4,
        f"error: Rutter rejected the credentials (HTTP 401, request id {RID}); {CREDENTIALS_HINT}",
    ),
    (
        "invalid-credentials",
        {"status": respond(400, error_body("INVALID_CREDENTIALS", "bad token"))},
        4,
        "error: Rutter rejected the credentials or the access token: Rutter says 'bad token' "
        f"(INVALID_CREDENTIALS, HTTP 400, request id {RID}); {CREDENTIALS_HINT}",
    ),
    (
        "needs-update",
        {"status": respond(400, error_body("NEEDS_UPDATE", "reconnect"))},
        5,
        "error: the connection needs an update: the merchant must re-authenticate: Rutter says "
        f"'reconnect' (NEEDS_UPDATE, HTTP 400, request id {RID}); send the merchant the "
        f"connection's link_url (`rutterctl status {ID}` shows it)",
    ),
    (
        "disabled",
        {"status": respond(400, error_body("CONNECTION_DISABLED", "contact support"))},
        6,
        "error: the connection is disabled: Rutter says 'contact support' "
        f"(CONNECTION_DISABLED, HTTP 400, request id {RID}); "
        f"`rutterctl reasons {ID}` explains the disabled reason",
    ),
    (
        "unreachable",
        {"connections": connect_error},
        7,
        "error: could not reach Rutter at sandbox.rutterapi.com (ConnectError); "
        "check the network and the base URL, then try again",
    ),
    (
        "503",
        {"status": respond(503, {})},
        7,
        f"error: Rutter kept failing after retries (HTTP 503, request id {RID})",
    ),
    (
        "429",
        {"status": respond(429, {})},
        7,
        f"error: Rutter's rate limit was still exceeded after retries (HTTP 429, request id {RID})",
    ),
    (
        "452",
        {"status": respond(452, {})},
        7,
        "error: the platform's own rate limit was still exceeded after retries "
        f"(HTTP 452, request id {RID})",
    ),
    (
        "html",
        {
            "status": respond(
                200, content=b"<html>oops</html>", headers={"content-type": "text/html"}
            )
        },
        7,
        "error: Rutter answered with a body that is not JSON (text/html, 17 bytes) "
        f"(HTTP 200, request id {RID}); a proxy or an outage may be in the way; try again shortly",
    ),
    (
        "html-502",
        {
            "status": respond(
                502, content=b"<html>bad gateway</html>", headers={"content-type": "text/html"}
            )
        },
        7,
        f"error: Rutter kept failing after retries (HTTP 502, request id {RID})",
    ),
    (
        "truncated",
        {
            "status": respond(
                200, content=b'{"connection": {"id"', headers={"content-type": "application/json"}
            )
        },
        7,
        "error: Rutter answered with a body that is not JSON (application/json, 20 bytes) "
        f"(HTTP 200, request id {RID}); a proxy or an outage may be in the way; try again shortly",
    ),
    (
        "not-ready",
        {"status": respond(409, error_body("PRODUCT_NOT_READY", "initial sync running"))},
        8,
        "error: the connection is not ready yet: its initial sync is still running: Rutter says "
        f"'initial sync running' (PRODUCT_NOT_READY, HTTP 409, request id {RID})",
    ),
    (
        "not-ready-as-500",
        {"status": respond(500, error_body("PRODUCT_NOT_READY", "initial sync running"))},
        8,
        "error: the connection is not ready yet: its initial sync is still running: Rutter says "
        f"'initial sync running' (PRODUCT_NOT_READY, HTTP 500, request id {RID})",
    ),
]


@pytest.mark.parametrize(
    ("routes", "code", "line"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_error_paths(routes: dict[str, Answer | list[Answer]], code: int, line: str) -> None:
    rutter = builders.fake_rutter(**routes)
    exit_code, stdout, stderr = run_status(rutter)
    assert exit_code == code, stderr
    assert stdout == ""
    assert error_line(stderr) == line


@pytest.mark.parametrize(
    ("routes", "retries"),
    [
        ({"connections": connect_error}, 4),
        ({"status": respond(503, {})}, 4),
        ({"status": respond(409, error_body("PRODUCT_NOT_READY"))}, 0),
        ({"status": respond(500, error_body("PRODUCT_NOT_READY"))}, 0),
        ({"status": respond(404, {})}, 0),
    ],
)
def test_retries_are_announced_on_stderr(routes: dict[str, Answer], retries: int) -> None:
    result = invoke(["status", ID], transport=builders.fake_rutter(**routes).transport)
    lines = result.stderr.splitlines()
    assert len(lines) == retries + 1
    assert len(result.clock.sleeps) == retries


def test_connection_not_found_exits_3() -> None:
    rutter = builders.fake_rutter(
        respond(401, builders.error_body("INVALID_CREDENTIALS")),
        connections=respond(200, builders.connections_doc(("x", "y" * 36))),
    )
    exit_code, stdout, stderr = run_status(rutter)
    assert exit_code == 3
    assert stdout == ""
    assert error_line(stderr) == (
        f"error: no connection with this id (****{ID[-4:]}) in the organisation (all "
        "connections listed), and Rutter does not accept it as an access token; "
        "check the value, and that RUTTER_BASE_URL / the environment is the one it lives in; "
        "`rutterctl connections find TEXT` searches store names and domains"
    )
    assert rutter.paths() == ["/connections", "/connections/status"]


def test_missing_credentials_exit_4_without_a_request() -> None:
    rutter = builders.fake_rutter()
    result = invoke(["status", ID], transport=rutter.transport, env={})
    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr == (
        "error: no Rutter credentials found; run `rutterctl auth login` or set RUTTER_CLIENT_ID "
        "and RUTTER_CLIENT_SECRET\n"
    )
    assert rutter.requests == []


def test_invalid_rutter_env_exits_2() -> None:
    result = invoke(["status", ID], env={**CREDS, "RUTTER_ENV": "moon"})
    assert result.exit_code == 2
    assert result.stderr == (
        "error: RUTTER_ENV must be one of production, sandbox, not 'moon'; "
        "or set RUTTER_BASE_URL to a custom host\n"
    )


def test_a_bad_output_format_is_a_usage_error() -> None:
    rutter = builders.fake_rutter()
    result = invoke(["status", ID, "-o", "yaml"], transport=rutter.transport)
    assert result.exit_code == 2
    assert "unexpected" not in result.stderr
    assert result.stderr == (
        "error: invalid value for '--output' / '-o': 'yaml' is not one of 'table', 'json'; "
        "`rutterctl status --help` shows the usage\n"
    )
    assert rutter.requests == []


def test_a_missing_argument_is_a_usage_error() -> None:
    result = invoke(["status"])
    assert result.exit_code == 2
    assert "unexpected" not in result.stderr
    assert result.stderr == (
        "error: missing argument 'CONNECTION'; `rutterctl status --help` shows the usage\n"
    )


def test_an_unknown_option_is_a_usage_error() -> None:
    result = invoke(["status", ID, "--frobnicate"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: no such option: --frobnicate; `rutterctl status --help` shows the usage\n"
    )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["fetch", "orders", "x", "--limit", "ten"], "error: invalid value for '--limit'"),
        (["status", "a", "b"], "error: got unexpected extra argument(s) (b); `rutterctl status"),
        (["sim", "serv"], "error: no such command 'serv'; did you mean `serve`?"),
        (["alias", "set"], "error: missing argument 'NAME'; `rutterctl alias set --help`"),
        (["--frobnicate", "status"], "error: no such option: --frobnicate; `rutterctl --help`"),
        (["auth", "login", "--bogus"], "error: no such option: --bogus; `rutterctl auth login"),
        # click gives a missing value no context: the help is still the command's.
        (["status", "x", "-o"], "error: option '-o' requires an argument; `rutterctl status --"),
        (["fetch", "orders", "x", "--limit"], "error: option '--limit' requires an argument; `r"),
    ],
)
def test_every_usage_error_is_one_line_saying_where_the_usage_is(
    args: list[str], line: str
) -> None:
    result = invoke(args)
    assert result.exit_code == 2
    assert result.stderr.startswith(line) and result.stderr.count("\n") == 1, result.stderr
    assert result.stdout == ""


def test_a_group_run_bare_still_shows_its_help() -> None:
    result = invoke(["sim"])
    assert result.exit_code == 2
    assert "Commands:" in result.stderr and "serve" in result.stderr


def boom(request: httpx.Request) -> httpx.Response:
    raise RuntimeError("boom in the transport")


def test_an_unexpected_exception_is_one_line_and_exit_1() -> None:
    result = invoke(["status", ID], transport=builders.fake_rutter(connections=boom).transport)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: unexpected RuntimeError: boom in the transport "
        "(run with --debug for a traceback, and report it)\n"
    )


def test_debug_shows_the_traceback_of_an_unexpected_exception() -> None:
    rutter = builders.fake_rutter(connections=boom)
    result = invoke(["--debug", "status", ID], transport=rutter.transport)
    assert result.exit_code == 1
    assert "Traceback (most recent call last):" in result.stderr
    assert "RuntimeError: boom in the transport" in result.stderr
    assert result.stderr.endswith(
        "error: unexpected RuntimeError: boom in the transport "
        "(run with --debug for a traceback, and report it)\n"
    )


def test_debug_shows_the_traceback_of_a_typed_error() -> None:
    rutter = builders.fake_rutter(status=respond(409, error_body("PRODUCT_NOT_READY")))
    result = invoke(["--debug", "status", ID], transport=rutter.transport)
    assert result.exit_code == 8
    assert "Traceback (most recent call last):" in result.stderr
    assert "rutterctl.errors.NotReady" in result.stderr


def test_secrets_echoed_by_rutter_are_masked() -> None:
    echo = f"access_token {TOKEN} with client secret {CLIENT_SECRET} is not valid"
    rutter = builders.fake_rutter(status=respond(401, error_body("INVALID_CREDENTIALS", echo)))
    for args in (["status", ID], ["--debug", "status", ID], ["status", TOKEN, "-o", "json"]):
        result = invoke(args, transport=rutter.transport)
        assert result.exit_code == 4
        assert TOKEN not in result.stdout + result.stderr
        assert CLIENT_SECRET not in result.stdout + result.stderr
        assert "access_token ****eeee with client secret ****mnop is not valid" in result.stderr


def test_secrets_in_an_unexpected_exception_are_masked() -> None:
    def leak(request: httpx.Request) -> httpx.Response:
        raise RuntimeError(f"failed {request.url}")

    rutter = builders.fake_rutter(status=leak)
    for args in (["status", ID], ["--debug", "status", ID]):
        result = invoke(args, transport=rutter.transport)
        assert result.exit_code == 1
        assert TOKEN not in result.stdout + result.stderr
        assert "access_token=****eeee" in result.stderr


OK_STATUS = respond(200, builders.status_doc())


def test_429_with_retry_after_then_success() -> None:
    rutter = builders.fake_rutter(
        status=[respond(429, {}, headers={"Retry-After": "7"}), OK_STATUS]
    )
    result = invoke(["status", ID, "-o", "json"], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "retrying GET /connections/status in 7.0s (HTTP 429; Retry-After honoured; "
        "attempt 2 of 5)\n"
    )
    assert result.clock.sleeps == [7.0]
    assert rutter.hits("/connections/status") == 2
    assert json.loads(result.stdout)["stage"] == "HISTORICAL_SYNC"


def test_429_without_retry_after_then_success_backs_off_with_jitter() -> None:
    rutter = builders.fake_rutter(status=[respond(429, {}), OK_STATUS])
    result = invoke(["status", ID, "-o", "json"], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    (sleep,) = result.clock.sleeps
    assert 0 <= sleep <= 0.5  # full jitter under the first ceiling
    assert result.stderr == (
        f"retrying GET /connections/status in {sleep:.1f}s (HTTP 429; attempt 2 of 5)\n"
    )
    assert json.loads(result.stdout)["stage"] == "HISTORICAL_SYNC"


def test_5xx_then_success() -> None:
    rutter = builders.fake_rutter(status=[respond(503, {}), respond(502, {}), OK_STATUS])
    result = invoke(["status", ID, "-o", "json"], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert [line.split(" (")[1] for line in lines] == [
        "HTTP 503; attempt 2 of 5)",
        "HTTP 502; attempt 3 of 5)",
    ]
    assert len(result.clock.sleeps) == 2
    assert json.loads(result.stdout)["connection_id"] == ID


def test_a_retry_after_beyond_the_budget_gives_up_at_once_and_says_why() -> None:
    rutter = builders.fake_rutter(status=respond(429, {}, headers={"Retry-After": "120"}))
    exit_code, stdout, stderr = run_status(rutter)
    assert exit_code == 7
    assert stdout == ""
    assert error_line(stderr) == (
        "error: Rutter's rate limit was still exceeded after retries "
        f"(HTTP 429, request id {RID}); Rutter asked to wait 120s before retrying, more than "
        "the 60s retry budget allows; try again later"
    )
    assert rutter.hits("/connections/status") == 1


@pytest.mark.parametrize("status", [400, 403, 404, 422, 429, 503])
def test_product_not_ready_is_exit_8_under_any_status_without_retries(status: int) -> None:
    rutter = builders.fake_rutter(status=respond(status, error_body("PRODUCT_NOT_READY", "wait")))
    result = invoke(["status", ID], transport=rutter.transport)
    assert result.exit_code == 8
    assert result.stdout == ""
    assert result.stderr == (
        "error: the connection is not ready yet: its initial sync is still running: Rutter says "
        f"'wait' (PRODUCT_NOT_READY, HTTP {status}, request id {RID})\n"
    )
    assert rutter.hits("/connections/status") == 1


def broken_gzip(request: httpx.Request) -> httpx.Response:
    """A body that claims gzip but is not. A stream, as on the wire: httpx decodes it only
    when it is read, so the failure happens in the client, not in the test's handler."""
    return httpx.Response(
        200,
        headers={
            "content-type": "application/json",
            "content-encoding": "gzip",
            "X-Rutter-Request-ID": RID,
        },
        stream=httpx.ByteStream(b"not gzip at all"),
    )


def test_a_body_whose_content_encoding_cannot_be_undone_is_unavailable() -> None:
    rutter = builders.fake_rutter(status=broken_gzip)
    exit_code, stdout, stderr = run_status(rutter)
    assert exit_code == 7
    assert stdout == ""
    assert error_line(stderr) == (
        "error: Rutter answered with a body that is not JSON (application/json; its gzip "
        f"content encoding could not be decoded) (HTTP 200, request id {RID}); "
        "a proxy or an outage may be in the way; try again shortly"
    )
    assert rutter.hits("/connections/status") == 5


class ClosedPipe(io.StringIO):
    """Stdout whose reader has gone away, as with `rutterctl status X | head -1`."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_pipe_on_stdout_ends_quietly_with_exit_0() -> None:
    rutter = builders.fake_rutter()
    deps = Deps(environ=dict(CREDS), transport=rutter.transport, stdout=ClosedPipe())
    err = io.StringIO()
    deps.stderr = err
    result = CliRunner().invoke(app, ["reasons"], obj=deps)
    assert result.exit_code == 0
    assert err.getvalue() == ""  # no "unexpected BrokenPipeError", no traceback
