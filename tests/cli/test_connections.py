"""`rutterctl connections list`: the listing, --status, --details, formats and masking."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from datetime import UTC
from typing import Any

import httpx
import pytest

from tests import builders
from tests.fakes import CREDS, FakeClock, invoke

IDS = [f"{n}1111111-2222-4333-8444-555555555555" for n in (1, 2, 3)]
TOKENS = [f"{n}aaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeee{n}{n}" for n in (1, 2, 3)]
KEYS = [
    "id",
    "platform",
    "created_at",
    "updated_at",
    "access_token",
    "link_url",
    "store_name",
    "store_domain",
    "stage",
    "error",
]


class Rutter:
    """Three connections; status and store answers per access token; every request recorded."""

    def __init__(self, answers: dict[str, Any] | None = None) -> None:
        self.answers = answers or {}
        self.requests: list[httpx.Request] = []
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.requests.append(request)
        path = request.url.path.removeprefix("/versioned")
        if path == "/connections":
            return httpx.Response(
                200, json=builders.connections_doc(*zip(IDS, TOKENS, strict=True))
            )
        token = request.url.params["access_token"]
        special = self.answers.get((path, token))
        if special is not None:
            return special(request)  # type: ignore[no-any-return]
        n = TOKENS.index(token) + 1
        if path == "/connections/status":
            return httpx.Response(200, json=builders.status_doc(is_ready=n != 2))
        return httpx.Response(200, json=builders.access_token_doc(f"Store {n}", f"s{n}.example"))

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def calls(self, path: str) -> list[str]:
        return sorted(
            r.url.params["access_token"] for r in self.requests if r.url.path == "/versioned" + path
        )


def run(rutter: Rutter, *args: str, **kwargs: Any) -> Any:
    return invoke(["connections", "list", *args], transport=rutter.transport, **kwargs)


def test_piped_table_is_tsv_with_masked_tokens_and_rfc3339_times() -> None:
    result = run(Rutter())
    assert result.exit_code == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[0] == ["id", "platform", "created_at", "updated_at", "access_token"]
    assert rows[1] == [
        IDS[0],
        "SHOPIFY",
        "2026-11-28T09:00:00Z",
        "2026-11-28T09:00:00Z",
        "****ee11",
    ]
    assert [row[0] for row in rows[1:]] == IDS


def test_every_connection_by_default_and_status_narrows_with_rutters_filter() -> None:
    rutter = Rutter()
    assert run(rutter).exit_code == 0
    # Rutter's own default leaves out needs_reauth and disabled connections: ask for any.
    assert [dict(r.url.params) for r in rutter.requests] == [{"status": "any"}]
    rutter = Rutter()
    result = run(rutter, "--status", "disabled")
    assert result.exit_code == 0
    assert [(r.url.path, dict(r.url.params)) for r in rutter.requests] == [
        ("/versioned/connections", {"status": "disabled"})
    ]


def test_an_api_refusing_status_any_is_asked_without_it() -> None:
    class OldRutter(Rutter):
        def __call__(self, request: httpx.Request) -> httpx.Response:
            if request.url.params.get("status") == "any":
                self.requests.append(request)
                return httpx.Response(400, json=builders.error_body("INVALID_PARAMETER"))
            return super().__call__(request)

    rutter = OldRutter()
    result = run(rutter, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert [dict(r.url.params) for r in rutter.requests] == [{"status": "any"}, {}]
    assert [d["id"] for d in json.loads(result.stdout)] == IDS


def test_details_take_store_names_from_the_cache_while_fresh() -> None:
    clock = FakeClock()
    first = Rutter()
    assert run(first, "--details", "-o", "json", clock=clock).exit_code == 0
    assert len(first.requests) == 7
    second = Rutter()
    result = run(second, "--details", "-o", "json", clock=clock)
    assert result.exit_code == 0, result.stderr
    # One status request per connection; the stores come from the cache.
    assert second.calls("/connections/access_token") == []
    assert second.calls("/connections/status") == sorted(TOKENS)
    assert [d["store_name"] for d in json.loads(result.stdout)] == ["Store 1", "Store 2", "Store 3"]
    clock.elapsed += 25 * 3600  # a day later the stores are read again
    third = Rutter()
    assert run(third, "--details", "-o", "json", clock=clock).exit_code == 0
    assert third.calls("/connections/access_token") == sorted(TOKENS)


def test_an_unknown_status_is_a_usage_error() -> None:
    rutter = Rutter()
    result = run(rutter, "--status", "broken")
    assert result.exit_code == 2
    assert rutter.requests == []


def test_json_is_a_list_with_the_documented_keys() -> None:
    result = run(Rutter(), "-o", "json")
    assert result.exit_code == 0
    docs = json.loads(result.stdout)
    assert [list(doc) for doc in docs] == [KEYS] * 3
    assert docs[0] == {
        "id": IDS[0],
        "platform": "SHOPIFY",
        "created_at": "2026-11-28T09:00:00.000Z",
        "updated_at": "2026-11-28T09:00:00.000Z",
        "access_token": "****ee11",
        "link_url": builders.LINK_URL,
        "store_name": None,
        "store_domain": None,
        "stage": None,
        "error": None,
    }


def test_ndjson_is_one_object_per_line_and_csv_has_a_header() -> None:
    ndjson = run(Rutter(), "-o", "ndjson")
    assert [json.loads(line)["id"] for line in ndjson.stdout.splitlines()] == IDS
    table = list(csv.reader(io.StringIO(run(Rutter(), "-o", "csv").stdout)))
    assert table[0] == KEYS
    assert [row[0] for row in table[1:]] == IDS
    assert table[1][KEYS.index("stage")] == ""


def test_details_sends_one_status_and_one_store_request_per_connection() -> None:
    rutter = Rutter()
    result = run(rutter, "--details", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert rutter.calls("/connections/status") == sorted(TOKENS)
    assert rutter.calls("/connections/access_token") == sorted(TOKENS)
    assert len(rutter.requests) == 7
    docs = json.loads(result.stdout)
    assert [(d["store_name"], d["store_domain"], d["stage"], d["error"]) for d in docs] == [
        ("Store 1", "s1.example", "HISTORICAL_SYNC", None),
        ("Store 2", "s2.example", "INITIAL_SYNC", None),
        ("Store 3", "s3.example", "HISTORICAL_SYNC", None),
    ]


def test_details_are_fetched_concurrently() -> None:
    # Two status requests must be in flight at once, or the barrier breaks (and the test fails).
    barrier = threading.Barrier(2, timeout=10)

    def meet(request: httpx.Request) -> httpx.Response:
        barrier.wait()
        return httpx.Response(200, json=builders.status_doc())

    answers = {("/connections/status", TOKENS[0]): meet, ("/connections/status", TOKENS[1]): meet}
    result = run(Rutter(answers), "--details", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert [d["error"] for d in json.loads(result.stdout)] == [None, None, None]


def test_details_stay_under_the_shared_organisation_budget() -> None:
    # 7 requests at 3 per 10 s: the one pacer shared by the threads must wait two windows.
    clock = FakeClock()
    env = {**CREDS, "RUTTERCTL_RATE_LIMIT": "3/10s"}
    result = run(Rutter(), "--details", env=env, clock=clock)
    assert result.exit_code == 0, result.stderr
    assert clock.elapsed >= 20


def test_one_failing_connection_shows_its_error_and_the_others_are_listed() -> None:
    failing = builders.respond(410, builders.error_body("GONE", error_type="INVALID_REQUEST"))
    answers = {("/connections/status", TOKENS[1]): failing}
    result = run(Rutter(answers), "--details", "-o", "json")
    assert result.exit_code == 0
    docs = json.loads(result.stdout)
    assert [d["stage"] for d in docs] == ["HISTORICAL_SYNC", None, "HISTORICAL_SYNC"]
    assert docs[0]["error"] is None and docs[2]["error"] is None
    assert docs[1]["store_name"] == "Store 2"
    assert docs[1]["error"].startswith("status: ")
    assert "GONE" in docs[1]["error"] and "request id req-0001" in docs[1]["error"]
    assert "details of 1 of 3 connections could not be read" in result.stderr


def test_a_store_endpoint_the_platform_lacks_is_not_an_error() -> None:
    answers = {("/connections/access_token", TOKENS[0]): builders.respond(404, {})}
    docs = json.loads(run(Rutter(answers), "--details", "-o", "json").stdout)
    assert (docs[0]["store_name"], docs[0]["stage"], docs[0]["error"]) == (
        None,
        "HISTORICAL_SYNC",
        None,
    )


def test_piped_details_table_has_store_stage_and_error_columns() -> None:
    result = run(Rutter(), "--details")
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[0][5:] == ["store_name", "stage", "error"]
    assert rows[2][5:] == ["Store 2", "INITIAL_SYNC", "-"]


def test_the_listing_failing_is_an_error_exit() -> None:
    def rejected(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json=builders.error_body("INVALID_CREDENTIALS"))

    result = invoke(["connections", "list"], transport=httpx.MockTransport(rejected))
    assert result.exit_code == 4
    assert result.stdout == ""


@pytest.mark.parametrize("fmt", ["table", "json", "ndjson", "csv"])
@pytest.mark.parametrize("tty", [False, True])
def test_tokens_are_masked_in_every_output_unless_show_token(fmt: str, tty: bool) -> None:
    failing = builders.respond(
        500, builders.error_body("BOOM", f"token {TOKENS[2]} broke", error_type="SERVER")
    )
    answers = {("/connections/status", TOKENS[2]): failing}
    result = run(Rutter(answers), "--details", "-o", fmt, tty=tty)
    assert result.exit_code == 0, result.stderr
    for token in TOKENS:
        assert token not in result.stdout + result.stderr
    shown = run(Rutter(), "-o", fmt, "--show-token", tty=tty)
    assert shown.exit_code == 0
    if fmt != "table" or not tty:  # a terminal table may wrap a long token
        for token in TOKENS:
            assert token in shown.stdout


def test_a_terminal_gets_a_rich_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    result = run(Rutter(), tty=True)
    assert result.exit_code == 0
    assert "\t" not in result.stdout
    assert IDS[0] in result.stdout and "****ee11" in result.stdout
    assert result.stdout.splitlines()[0].startswith("\x1b[2manswered by profile default · sandbox")
    detailed = run(Rutter(), "--details", tty=True)
    assert IDS[0] in detailed.stdout and "Store 1" in detailed.stdout


def test_a_100_column_terminal_keeps_ids_and_stages_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """The details table fits: ages instead of timestamps, no error column without an error,
    and no (masked) token column unless --show-token asks for it."""
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TERM", "xterm-256color")
    result = run(Rutter(), "--details", tty=True)
    assert result.exit_code == 0, result.stderr
    text = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    header = text.splitlines()[1].split()
    assert header == ["id", "platform", "created", "updated", "store", "stage"]
    for cid, stage in zip(IDS, ["HISTORICAL_SYNC", "INITIAL_SYNC", "HISTORICAL_SYNC"], strict=True):
        (row,) = [line for line in text.splitlines() if line.startswith(cid)]
        assert row.split()[-1] == stage
        assert "ago" in row  # created 2026-11-28T09:00Z, answered at 12:00Z: "3h ago"
    assert "****" not in text
    assert max(len(line.rstrip()) for line in text.splitlines()) <= 100
    tokens = run(Rutter(), "--details", "--show-token", tty=True)
    shown = re.sub(r"\x1b\[[0-9;]*m", "", tokens.stdout)
    for token in TOKENS:  # folded onto more lines, never cut: both ends are there
        assert token[:8] in shown and token[-4:] in shown


def test_the_error_column_appears_on_a_terminal_when_a_connection_has_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    failing = builders.respond(500, builders.error_body("BOOM", "down", error_type="SERVER"))
    result = run(Rutter({("/connections/status", TOKENS[0]): failing}), "--details", tty=True)
    header = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout).splitlines()[1].split()
    assert header[-1] == "error"


def test_terminal_ages(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime, timedelta

    from rutterctl.domain.models import Timestamp
    from rutterctl.render.connections_view import _when

    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

    def at(delta: timedelta) -> Timestamp:
        when = now - delta
        return Timestamp(when.isoformat(), when)

    assert _when(at(timedelta(seconds=20)), now) == "just now"
    assert _when(at(timedelta(minutes=5)), now) == "5m ago"
    assert _when(at(timedelta(hours=3, minutes=59)), now) == "3h ago"
    assert _when(at(timedelta(days=29)), now) == "29d ago"
    assert _when(at(timedelta(days=45)), now) == "2026-10-14"
    assert _when(at(timedelta(hours=-2)), now) == "2026-11-28"  # in the future: the day
    assert _when(at(timedelta(days=1)), None) == "2026-11-27T12:00:00Z"  # piped
    assert _when(Timestamp("yesterday", None), now) == "yesterday"
