"""`rutterctl wait-ready` through the CLI with an injected transport and a fake clock."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests import builders
from tests.fakes import CLIENT_SECRET, CREDS, FakeClock, invoke

TOKEN_B = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
ID_B = "22222222-2222-4222-8222-222222222222"


class Rutter:
    """A MockTransport handler serving scripted status documents per access token."""

    def __init__(self, scripts: dict[str, list[Any]]) -> None:
        self.scripts = scripts
        self.status_calls: dict[str, int] = dict.fromkeys(scripts, 0)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path.endswith("/connections"):
            return httpx.Response(
                200,
                json=builders.connections_doc(
                    (builders.CONNECTION_ID, builders.ACCESS_TOKEN), (ID_B, TOKEN_B)
                ),
            )
        token = request.url.params["access_token"]
        self.status_calls[token] += 1
        script = self.scripts[token]
        item = script[min(self.status_calls[token] - 1, len(script) - 1)]
        if isinstance(item, httpx.Response):
            return item
        if callable(item):
            result: httpx.Response = item()
            return result
        return httpx.Response(200, json=item, headers={"X-Rutter-Request-ID": "req-1"})


def run(rutter: Rutter, *args: str, tty: bool = False, clock: FakeClock | None = None) -> Any:
    return invoke(
        ["wait-ready", *args], transport=httpx.MockTransport(rutter), tty=tty, clock=clock
    )


INITIAL = builders.status_doc(is_ready=False, num_batches_completed=0)
READY = builders.status_doc()


def test_ready_at_once_exits_0_after_one_status_request() -> None:
    rutter = Rutter({builders.ACCESS_TOKEN: [READY]})
    result = run(rutter, builders.CONNECTION_ID)
    assert result.exit_code == 0, result.stderr
    assert rutter.status_calls[builders.ACCESS_TOKEN] == 1
    assert result.clock.sleeps == []
    header, row = result.stdout.splitlines()
    assert header.split("\t") == ["connection", "outcome", "stage", "polls", "elapsed", "detail"]
    assert row.split("\t")[:4] == [builders.CONNECTION_ID, "ready", "HISTORICAL_SYNC", "1"]


def test_waits_until_ready_and_prints_one_line_per_change_when_piped() -> None:
    rutter = Rutter({builders.ACCESS_TOKEN: [INITIAL, INITIAL, INITIAL, READY]})
    result = run(rutter, builders.ACCESS_TOKEN, "--interval", "10s")
    assert result.exit_code == 0, result.stderr
    assert result.clock.sleeps == [10.0, 15.0, 22.5]
    lines = result.stderr.splitlines()
    # Two changes: the first sight of the connection, then ready. Not one line per poll.
    assert len(lines) == 2
    assert lines[0].startswith(f"{builders.CONNECTION_ID}: INITIAL_SYNC")
    assert "batches 0 of 2" in lines[0]
    assert lines[1].startswith(f"{builders.CONNECTION_ID}: HISTORICAL_SYNC")
    assert builders.ACCESS_TOKEN not in result.stderr + result.stdout


def live_lines(stderr: str) -> list[str]:
    assert stderr.startswith("\r\x1b[2K") and stderr.endswith("\n")
    return stderr[len("\r\x1b[2K") : -1].split("\r\x1b[2K")


def test_live_progress_line_on_a_terminal_ticks_between_polls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    rutter = Rutter({builders.ACCESS_TOKEN: [INITIAL, READY]})
    result = run(rutter, builders.ACCESS_TOKEN, tty=True)
    assert result.exit_code == 0
    # The 15 s between the two polls are slept in 1 s steps, redrawing the elapsed time.
    assert result.clock.sleeps == [1.0] * 15
    lines = live_lines(result.stderr)
    assert len(lines) == 1 + 15 + 1
    assert lines[0].startswith(f"{builders.CONNECTION_ID}: INITIAL_SYNC, synced orders 1200")
    assert [line.rsplit("elapsed ", 1)[1] for line in lines[1:4]] == ["1s", "2s", "3s"]
    assert lines[-1].startswith(f"{builders.CONNECTION_ID}: HISTORICAL_SYNC")
    assert "batches 0 of 2" in lines[0] and lines[-1].endswith("elapsed 15s")


def test_live_line_fits_the_terminal_and_covers_every_connection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "70")
    rutter = Rutter({builders.ACCESS_TOKEN: [INITIAL, READY], TOKEN_B: [INITIAL, INITIAL, READY]})
    result = run(rutter, builders.CONNECTION_ID, ID_B, tty=True)
    assert result.exit_code == 0
    lines = live_lines(result.stderr)
    # A line that wrapped could not be rewritten in place.
    assert all(len(line) <= 69 for line in lines)
    assert any(line.endswith("…") for line in lines)
    wide = Rutter({builders.ACCESS_TOKEN: [INITIAL, READY], TOKEN_B: [INITIAL, INITIAL, READY]})
    monkeypatch.setenv("COLUMNS", "300")
    last = live_lines(run(wide, builders.CONNECTION_ID, ID_B, tty=True).stderr)[-1]
    assert last.startswith("2 of 2 ready, elapsed ")
    assert f"{builders.CONNECTION_ID} ready 1/2 · {ID_B} ready 1/2" in last


def test_needs_update_exits_5_at_once_with_link_url() -> None:
    rutter = Rutter({builders.ACCESS_TOKEN: [builders.status_doc(needs_update=True)]})
    result = run(rutter, builders.ACCESS_TOKEN)
    assert result.exit_code == 5
    assert rutter.status_calls[builders.ACCESS_TOKEN] == 1
    assert result.clock.sleeps == []
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert builders.LINK_URL in errors[0]


def test_disabled_exits_6_with_reason_and_explanation() -> None:
    rutter = Rutter(
        {
            builders.ACCESS_TOKEN: [
                builders.status_doc(disabled=True, reason="SHOP_PAYMENT_REQUIRED")
            ]
        }
    )
    result = run(rutter, builders.ACCESS_TOKEN)
    assert result.exit_code == 6
    [error] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert "SHOP_PAYMENT_REQUIRED" in error
    assert "plan is unpaid; " in error


def test_timeout_exits_124_with_last_stage() -> None:
    rutter = Rutter({builders.ACCESS_TOKEN: [INITIAL]})
    result = run(rutter, builders.ACCESS_TOKEN, "--timeout", "2m")
    assert result.exit_code == 124
    assert sum(result.clock.sleeps) == pytest.approx(120.0)
    assert "timed out waiting for ready; last stage INITIAL_SYNC" in result.stderr
    assert "timed_out\tINITIAL_SYNC" in result.stdout


def test_json_output_is_the_status_document() -> None:
    rutter = Rutter({builders.ACCESS_TOKEN: [INITIAL, READY]})
    waited = run(rutter, builders.ACCESS_TOKEN, "-o", "json")
    status = invoke(
        ["status", builders.ACCESS_TOKEN, "-o", "json"],
        transport=httpx.MockTransport(Rutter({builders.ACCESS_TOKEN: [READY]})),
        clock=waited.clock,
    )
    assert waited.exit_code == 0 and status.exit_code == 0
    doc, expected = json.loads(waited.stdout), json.loads(status.stdout)
    # Same contract; store fields are not fetched while waiting.
    assert set(doc) == set(expected)
    assert doc["stage"] == "HISTORICAL_SYNC" and doc["is_ready"] is True
    assert doc["connection_id"] == builders.CONNECTION_ID


def test_ndjson_prints_one_event_per_poll_and_a_final_event() -> None:
    rutter = Rutter({builders.ACCESS_TOKEN: [INITIAL, INITIAL, READY]})
    result = run(rutter, builders.ACCESS_TOKEN, "-o", "ndjson")
    assert result.exit_code == 0
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["event"] for e in events] == ["poll", "poll", "poll", "done"]
    assert [e["stage"] for e in events[:3]] == ["INITIAL_SYNC", "INITIAL_SYNC", "HISTORICAL_SYNC"]
    assert [e["satisfied"] for e in events[:3]] == [False, False, True]
    assert events[-1]["outcome"] == "ready" and events[-1]["polls"] == 3
    assert events[-1]["status"]["stage"] == "HISTORICAL_SYNC"


def test_several_connections_exit_with_the_worst_outcome() -> None:
    rutter = Rutter(
        {
            builders.ACCESS_TOKEN: [INITIAL, READY],
            TOKEN_B: [builders.status_doc(needs_update=True)],
        }
    )
    result = run(rutter, builders.CONNECTION_ID, ID_B, "-o", "json")
    assert result.exit_code == 5
    docs = json.loads(result.stdout)
    assert [d["stage"] for d in docs] == ["HISTORICAL_SYNC", "NEEDS_UPDATE"]
    assert rutter.status_calls == {builders.ACCESS_TOKEN: 2, TOKEN_B: 1}


def test_429_with_retry_after_is_honoured_while_polling() -> None:
    limited = httpx.Response(
        429,
        json={
            "error_type": "RATE_LIMIT",
            "error_code": "RATE_LIMITED",
            "error_message": "slow down",
        },
        headers={"Retry-After": "7"},
    )
    rutter = Rutter({builders.ACCESS_TOKEN: [limited, READY]})
    result = run(rutter, builders.ACCESS_TOKEN)
    assert result.exit_code == 0, result.stderr
    assert result.clock.sleeps == [7.0]
    assert "Retry-After honoured" in result.stderr


def test_persistent_outage_ends_with_exit_7_at_the_deadline() -> None:
    rutter = Rutter({builders.ACCESS_TOKEN: [httpx.Response(503, text="<html>down</html>")]})
    result = run(rutter, builders.ACCESS_TOKEN, "--timeout", "5m")
    assert result.exit_code == 7
    assert "still waiting" in result.stderr
    assert result.clock.elapsed == pytest.approx(300)
    # The error names the connection (there may be several) and what support asks for.
    [error] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert error.startswith(f"error: {builders.CONNECTION_ID}: ")
    assert "(HTTP 503, request id not given)" in error


def test_ctrl_c_exits_130_without_traceback() -> None:
    clock = FakeClock()

    def interrupt(_seconds: float) -> None:
        raise KeyboardInterrupt

    clock.sleep = interrupt  # type: ignore[method-assign]
    rutter = Rutter({builders.ACCESS_TOKEN: [INITIAL]})
    result = run(rutter, builders.ACCESS_TOKEN, clock=clock)
    assert result.exit_code == 130
    assert result.stderr.splitlines()[-1] == "interrupted"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--timeout", "soon"], "--timeout"),
        (["--interval", "0"], "--interval"),
        (["--timeout", "nan"], "--timeout"),
        (["--timeout", "inf"], "--timeout"),
        (["--until", "everything"], "--until"),
    ],
)
def test_bad_options_are_usage_errors(args: list[str], needle: str) -> None:
    rutter = Rutter({builders.ACCESS_TOKEN: [READY]})
    result = run(rutter, builders.ACCESS_TOKEN, *args)
    assert result.exit_code == 2
    assert needle in result.stderr
    assert rutter.requests == []


def test_until_entity_and_historical() -> None:
    rutter = Rutter({builders.ACCESS_TOKEN: [READY, builders.status_doc(historical=True)]})
    result = run(rutter, builders.ACCESS_TOKEN, "--until", "historical")
    assert result.exit_code == 0
    assert rutter.status_calls[builders.ACCESS_TOKEN] == 2
    entity = Rutter({builders.ACCESS_TOKEN: [READY]})
    assert (
        run(
            entity, builders.ACCESS_TOKEN, "--until", "entity:customers", "--timeout", "30s"
        ).exit_code
        == 124
    )


def test_secrets_never_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    def echo() -> httpx.Response:
        message = f"bad token {builders.ACCESS_TOKEN}"
        return httpx.Response(503, json={"error_code": "X", "error_message": message})

    rutter = Rutter({builders.ACCESS_TOKEN: [echo, READY]})
    result = run(rutter, builders.ACCESS_TOKEN, "--debug")
    everything = result.stdout + result.stderr
    assert builders.ACCESS_TOKEN not in everything
    assert CLIENT_SECRET not in everything


def test_terminal_summary_names_the_profile_and_environment() -> None:
    rutter = Rutter({builders.ACCESS_TOKEN: [READY]})
    result = run(rutter, builders.ACCESS_TOKEN, tty=True)
    assert result.exit_code == 0
    assert "answered by profile default · sandbox" in result.stdout


def test_a_retry_after_past_the_deadline_is_not_waited_for() -> None:
    limited = httpx.Response(
        429,
        json={"error_type": "RATE_LIMIT", "error_code": "RATE_LIMITED", "error_message": "no"},
        headers={"Retry-After": "50"},
    )
    rutter = Rutter({builders.ACCESS_TOKEN: [INITIAL, limited]})
    result = run(rutter, builders.ACCESS_TOKEN, "--timeout", "30s")
    assert result.exit_code == 7
    assert 50.0 not in result.clock.sleeps  # within the client's budget, past ours
    assert result.clock.elapsed == pytest.approx(30.0)
    [error] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    # Rutter's own error is reported, with its code, not a retry that was never made.
    assert "RATE_LIMITED, HTTP 429" in error
    assert "the next retry, in 50s, would pass the deadline" in error
    assert "retrying" not in result.stderr
    assert "Traceback" not in result.stderr


def test_the_deadline_covers_resolving_the_connection() -> None:
    listed = {"calls": 0}
    status = Rutter({builders.ACCESS_TOKEN: [INITIAL]})

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/connections") and listed["calls"] == 0:
            listed["calls"] += 1  # the organisation is busy: come back in 50 s
            return httpx.Response(
                429, json={"error_code": "RATE_LIMITED"}, headers={"Retry-After": "50"}
            )
        return status(request)

    result = invoke(
        ["wait-ready", builders.CONNECTION_ID, "--timeout", "2m"],
        transport=httpx.MockTransport(handler),
    )
    assert result.exit_code == 124, result.stderr
    assert result.clock.sleeps[0] == 50.0
    assert result.clock.elapsed == pytest.approx(120.0)  # not 50 + 120


@pytest.mark.parametrize(("configured", "is_json"), [("json", True), ("csv", False)])
def test_the_configured_output_is_the_default(configured: str, is_json: bool) -> None:
    rutter = Rutter({builders.ACCESS_TOKEN: [READY]})
    env = {**CREDS, "RUTTERCTL_OUTPUT": configured}
    result = invoke(
        ["wait-ready", builders.ACCESS_TOKEN], transport=httpx.MockTransport(rutter), env=env
    )
    assert result.exit_code == 0, result.stderr
    if is_json:  # csv is not a wait-ready format: its own default, the table, applies
        assert json.loads(result.stdout)["stage"] == "HISTORICAL_SYNC"
    else:
        assert result.stdout.startswith("connection\toutcome\t")
    rutter = Rutter({builders.ACCESS_TOKEN: [READY]})
    given = invoke(
        ["wait-ready", builders.ACCESS_TOKEN, "-o", "table"],
        transport=httpx.MockTransport(rutter),
        env=env,
    )
    assert given.stdout.startswith("connection\toutcome\t")


def test_an_entity_missing_from_the_status_is_warned_about_once() -> None:
    rutter = Rutter({builders.ACCESS_TOKEN: [READY]})
    result = run(rutter, builders.ACCESS_TOKEN, "--until", "entity:order", "--timeout", "2m")
    assert result.exit_code == 124
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        f"warning: {builders.CONNECTION_ID}: no entity 'order' in the status document "
        "(it has orders, customers); waiting in case it appears"
    ]
    assert rutter.status_calls[builders.ACCESS_TOKEN] > 1


@pytest.mark.parametrize("value", ["90", "30s", "5m", "2h"])
def test_durations_of_the_issue_are_accepted(value: str) -> None:
    rutter = Rutter({builders.ACCESS_TOKEN: [INITIAL]})
    result = run(rutter, builders.ACCESS_TOKEN, "--timeout", value)
    assert result.exit_code == 124
    expected = {"90": 90, "30s": 30, "5m": 300, "2h": 7200}[value]
    assert result.clock.elapsed == pytest.approx(expected)
    assert min(result.clock.sleeps) > 0 and max(result.clock.sleeps) <= 60
