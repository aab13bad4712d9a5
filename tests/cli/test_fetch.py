"""`rutterctl fetch`: requests sent, every format parsed back, every exit path, files, resume."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from rutterctl.cli.app import app
from rutterctl.cli.deps import Deps
from rutterctl.render.records import CSV_LEADING
from typer.testing import CliRunner

from tests import builders
from tests.builders import Answer, error_body, respond
from tests.fakes import CREDS, FIXED_NOW, FakeClock, invoke
from tests.spec import validate_query, validate_response

TOKEN = builders.ACCESS_TOKEN
FIXED_NOW_MS = 1_795_867_200_000


def make_order(i: int) -> dict[str, Any]:
    return {**builders.order(f"ord-{i:03d}", total=10.0 + i), "order_number": str(1000 + i)}


def make_transaction(i: int) -> dict[str, Any]:
    return builders.transaction(f"txn-{i:03d}", amount=1.5 * i)


def paged(
    entity: str = "orders",
    total: int = 7,
    page_size: int = 3,
    fail: dict[str | None, Answer] | None = None,
    records: list[dict[str, Any]] | None = None,
) -> Answer:
    """A paging endpoint: cursors `cur-<offset>`, `limit` honoured, every query spec-checked."""
    make = make_order if entity == "orders" else make_transaction
    data = records if records is not None else [make(i) for i in range(total)]
    doc = builders.orders_doc if entity == "orders" else builders.transactions_doc

    def answer(request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        validate_query(f"/{entity}", params)
        cursor = params.get("cursor")
        if fail and cursor in fail:
            return fail[cursor](request)
        start = int(cursor.removeprefix("cur-")) if cursor else 0
        end = min(len(data), start + int(params.get("limit", page_size)))
        body = doc(data[start:end], f"cur-{end}" if end < len(data) else None)
        return httpx.Response(200, json=body, headers={"X-Rutter-Request-ID": f"req-{start}"})

    return answer


def rutter_with(answer: Answer, entity: str = "orders", **routes: Any) -> builders.FakeRutter:
    return builders.fake_rutter(**{entity: answer}, **routes)


def data_requests(rutter: builders.FakeRutter, entity: str = "orders") -> list[dict[str, str]]:
    return [dict(r.url.params) for r in rutter.requests if rutter.relative(r) == f"/{entity}"]


def ids(records: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in records]


def ndjson(text: str) -> list[dict[str, Any]]:
    assert text == "" or text.endswith("\n"), "the last line is incomplete"
    return [json.loads(line) for line in text.splitlines()]


def order_ids(*numbers: int) -> list[str]:
    return [f"ord-{i:03d}" for i in numbers]


FAIL_503 = respond(503, error_body("INTERNAL", "down", "SERVER_ERROR"))


# -- pages and requests --------------------------------------------------------------------------


def test_one_page_by_default_and_stderr_names_the_next_cursor() -> None:
    rutter = rutter_with(paged())
    result = invoke(["fetch", "orders", TOKEN, "-o", "ndjson"], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    assert ids(ndjson(result.stdout)) == order_ids(0, 1, 2)
    assert data_requests(rutter) == [{"access_token": TOKEN}]  # no force_fetch, no cursor
    assert result.stderr == "note: more records: continue with --cursor cur-3\n"


def test_all_follows_next_cursor_to_the_end() -> None:
    rutter = rutter_with(paged(total=7))
    result = invoke(["fetch", "orders", TOKEN, "--all", "-o", "ndjson"], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    records = ndjson(result.stdout)
    assert records == [make_order(i) for i in range(7)]  # every key, as Rutter sent it
    assert [p.get("cursor") for p in data_requests(rutter)] == [None, "cur-3", "cur-6"]
    assert result.stderr == ""  # not a terminal: no progress, nothing to say


def test_limit_is_sent_on_every_page() -> None:
    rutter = rutter_with(paged(total=5))
    args = ["fetch", "orders", TOKEN, "--all", "--limit", "2", "-o", "ndjson"]
    result = invoke(args, transport=rutter.transport)
    assert len(ndjson(result.stdout)) == 5
    assert [(p.get("cursor"), p["limit"]) for p in data_requests(rutter)] == [
        (None, "2"),
        ("cur-2", "2"),
        ("cur-4", "2"),
    ]


def test_transactions_use_their_endpoint() -> None:
    rutter = rutter_with(paged("transactions", total=4), "transactions")
    args = ["fetch", "transactions", TOKEN, "--all", "-o", "ndjson"]
    result = invoke(args, transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    assert ids(ndjson(result.stdout)) == [f"txn-{i:03d}" for i in range(4)]


def test_max_records_stops_and_names_the_cursor_that_continues_exactly() -> None:
    rutter = rutter_with(paged(total=10))
    args = ["fetch", "orders", TOKEN, "--all", "--limit", "3", "--max-records", "5", "-o", "ndjson"]
    result = invoke(args, transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    assert ids(ndjson(result.stdout)) == order_ids(0, 1, 2, 3, 4)
    assert [p["limit"] for p in data_requests(rutter)] == ["3", "2"]
    assert result.stderr == "note: --max-records reached: continue with --cursor cur-5\n"


def test_max_records_when_the_server_sends_more_than_asked() -> None:
    def ignore_limit(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=builders.orders_doc([make_order(i) for i in range(4)], "x"))

    rutter = rutter_with(ignore_limit)
    args = ["fetch", "orders", TOKEN, "--max-records", "2", "-o", "ndjson"]
    result = invoke(args, transport=rutter.transport)
    assert ids(ndjson(result.stdout)) == order_ids(0, 1)
    assert data_requests(rutter)[0]["limit"] == "2"
    # the page came from the start: there is no cursor that continues after record 2
    assert result.stderr == (
        "note: --max-records reached within a page longer than asked for; "
        "for the rest, run again with a larger --max-records\n"
    )


def test_max_records_cut_in_a_later_page_resumes_from_that_page() -> None:
    def ignore_limit(request: httpx.Request) -> httpx.Response:
        start = 4 if request.url.params.get("cursor") else 0
        page = [make_order(i) for i in range(start, start + 4)]
        return httpx.Response(200, json=builders.orders_doc(page, f"cur-{start + 4}"))

    rutter = rutter_with(ignore_limit)
    args = ["fetch", "orders", TOKEN, "--all", "--max-records", "6", "-o", "ndjson"]
    result = invoke(args, transport=rutter.transport)
    assert ids(ndjson(result.stdout)) == order_ids(*range(6))
    assert [p.get("limit") for p in data_requests(rutter)] == ["6", "2"]
    assert result.stderr == (
        "note: --max-records reached: continue with --cursor cur-4; its first 2 records repeat\n"
    )


def test_cursor_resumes_from_the_given_cursor() -> None:
    rutter = rutter_with(paged(total=7))
    args = ["fetch", "orders", TOKEN, "--all", "--cursor", "cur-5", "-o", "ndjson"]
    result = invoke(args, transport=rutter.transport)
    assert ids(ndjson(result.stdout)) == order_ids(5, 6)
    assert data_requests(rutter)[0]["cursor"] == "cur-5"


def test_time_filters_are_sent_in_unix_milliseconds() -> None:
    rutter = rutter_with(paged(total=1))
    args = [
        "fetch", "orders", TOKEN, "-o", "ndjson",
        "--created-since", "2026-01-31", "--created-until", "2026-02-01T12:00:00+01:00",
        "--updated-since", "7d", "--updated-until", "30m",
    ]  # fmt: skip
    result = invoke(args, transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    (params,) = data_requests(rutter)
    assert params == {
        "access_token": TOKEN,
        "created_at_min": "1769817600000",
        "created_at_max": "1769943600000",
        "updated_at_min": str(FIXED_NOW_MS - 7 * 86_400_000),
        "updated_at_max": str(FIXED_NOW_MS - 30 * 60_000),
    }
    assert FIXED_NOW.year == 2026  # the fake clock's now anchors the ages


# -- formats -------------------------------------------------------------------------------------


def test_the_configured_output_is_the_default_and_o_wins() -> None:
    rutter = rutter_with(paged(total=2))
    env = {**CREDS, "RUTTERCTL_OUTPUT": "ndjson"}
    result = invoke(["fetch", "orders", TOKEN], transport=rutter.transport, env=env)
    assert ids(ndjson(result.stdout)) == order_ids(0, 1)
    result = invoke(["fetch", "orders", TOKEN, "-o", "json"], transport=rutter.transport, env=env)
    assert ids(json.loads(result.stdout)) == order_ids(0, 1)


def test_json_is_one_array_of_every_record() -> None:
    rutter = rutter_with(paged(total=7))
    result = invoke(["fetch", "orders", TOKEN, "--all", "-o", "json"], transport=rutter.transport)
    assert json.loads(result.stdout) == [make_order(i) for i in range(7)]


def test_json_of_no_records_is_an_empty_array() -> None:
    rutter = rutter_with(paged(total=0))
    result = invoke(["fetch", "orders", TOKEN, "-o", "json"], transport=rutter.transport)
    assert result.exit_code == 0 and json.loads(result.stdout) == []


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("json", "[\n]\n"),
        ("ndjson", ""),
        ("csv", ",".join(CSV_LEADING["orders"]) + "\n"),
        ("table", "id\torder_number\tcreated_at\tstatus\tpayment_status\tfulfillment_status"
                  "\ttotal_price\tiso_currency_code\n"),
    ],
)  # fmt: skip
def test_no_records_is_a_complete_empty_document(fmt: str, expected: str) -> None:
    rutter = rutter_with(paged(total=0))
    result = invoke(["fetch", "orders", TOKEN, "-o", fmt], transport=rutter.transport)
    assert result.exit_code == 0 and result.stdout == expected


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv", "table"])
@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (respond(409, error_body("PRODUCT_NOT_READY")), 8),
        (respond(400, error_body("NEEDS_UPDATE")), 5),
        (respond(400, error_body("CONNECTION_DISABLED")), 6),
        (FAIL_503, 7),
    ],
)
def test_a_fetch_failing_before_its_first_page_prints_no_data(
    fmt: str, answer: Answer, code: int
) -> None:
    # Not even a header or an empty array, which a script could take for "no records".
    rutter = rutter_with(answer)
    result = invoke(["fetch", "orders", TOKEN, "--all", "-o", fmt], transport=rutter.transport)
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith("error: ")


def test_pages_are_valid_documents_for_the_spec() -> None:
    answer = paged(total=2)
    rutter = rutter_with(answer)
    invoke(["fetch", "orders", TOKEN, "-o", "json"], transport=rutter.transport)
    validate_response("/orders", answer(rutter.requests[-1]).json())


def test_csv_columns_required_fields_first_then_the_rest_alphabetically() -> None:
    rutter = rutter_with(paged(total=5))
    result = invoke(["fetch", "orders", TOKEN, "--all", "-o", "csv"], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    header = result.stdout.splitlines()[0].split(",")
    assert header[:3] == ["id", "payment_status", "status"]
    assert header[-3:] == ["updated_at", "order_number", "platform_id"]
    assert [row["id"] for row in rows] == order_ids(0, 1, 2, 3, 4)
    first = rows[0]
    assert first["total_price"] == "10.0" and first["order_number"] == "1000"
    assert first["total_tax"] == "" and first["customer"] == ""  # null is empty
    assert first["fulfillments"] == "[]"  # nested values are JSON text
    assert result.stdout.count("\n") == 6  # header + 5 rows, one line each


def test_csv_nested_values_are_json_text_and_later_keys_are_reported() -> None:
    first = {**make_order(0), "customer": {"email": "a@b.c", "tags": ["x, y"]}}
    later = {**make_order(1), "surprise": 1}
    rutter = rutter_with(paged(records=[first, later], page_size=1))
    result = invoke(["fetch", "orders", TOKEN, "--all", "-o", "csv"], transport=rutter.transport)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert json.loads(rows[0]["customer"]) == first["customer"]
    assert "surprise" not in rows[1]
    assert result.stderr.count("warning:") == 1 and "surprise" in result.stderr


def test_table_piped_is_tab_separated_with_a_header() -> None:
    rutter = rutter_with(paged(total=4))
    result = invoke(["fetch", "orders", TOKEN, "--all"], transport=rutter.transport)
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert lines[0] == [
        "id", "order_number", "created_at", "status", "payment_status", "fulfillment_status",
        "total_price", "iso_currency_code",
    ]  # fmt: skip
    assert lines[1] == [
        "ord-000", "1000", "2026-11-27T10:00:00.000Z", "active", "paid", "unfulfilled", "10.0",
        "USD",
    ]  # fmt: skip
    assert len(lines) == 5


def test_table_on_a_terminal_prints_data_literally_and_progress_on_stderr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    marked = {**make_order(0), "order_number": "[red]x[/]"}
    rutter = rutter_with(paged(records=[marked, make_order(1)], page_size=1))
    result = invoke(["fetch", "orders", TOKEN, "--all"], transport=rutter.transport, tty=True)
    assert result.exit_code == 0, result.stderr
    assert "[red]x[/]" in result.stdout  # not interpreted as markup
    assert "2026-11-27 10:00:00" in result.stdout  # times shortened for people
    assert "ord-001" in result.stdout and "number" in result.stdout
    assert result.stdout.count("number") == 1  # one header for all pages
    assert "\r\x1b[2K2 records, 2 pages" in result.stderr
    assert result.stderr.endswith("2 records, 2 pages\n")  # the final count, once


# -- exit paths ----------------------------------------------------------------------------------


def test_not_ready_without_force_exits_8_with_a_hint_about_force() -> None:
    rutter = rutter_with(respond(400, error_body("PRODUCT_NOT_READY")))
    result = invoke(["fetch", "orders", TOKEN, "-o", "ndjson"], transport=rutter.transport)
    assert result.exit_code == 8
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: the connection is not ready yet")
    assert "--force" in line and "resume" not in line
    assert rutter.hits("/connections/status") == 0  # no extra request without --force


def test_force_on_a_connection_not_ready_returns_data_with_a_warning() -> None:
    rutter = rutter_with(paged(total=2), status=respond(200, builders.status_doc(is_ready=False)))
    result = invoke(
        ["fetch", "orders", TOKEN, "--force", "-o", "ndjson"], transport=rutter.transport
    )
    assert result.exit_code == 0, result.stderr
    assert ids(ndjson(result.stdout)) == order_ids(0, 1)
    assert result.stderr == (
        "warning: the connection is not ready: with --force the data may be incomplete\n"
    )
    assert data_requests(rutter)[0]["force_fetch"] == "true"
    assert rutter.hits("/connections/status") == 1


def test_force_on_a_ready_connection_warns_nothing() -> None:
    rutter = rutter_with(paged(total=2))
    result = invoke(
        ["fetch", "orders", TOKEN, "--force", "-o", "ndjson"], transport=rutter.transport
    )
    assert result.exit_code == 0 and result.stderr == ""
    assert all(p["force_fetch"] == "true" for p in data_requests(rutter))


@pytest.mark.parametrize(
    ("code", "status", "exit_code"),
    [
        ("NEEDS_UPDATE", 400, 5),
        ("CONNECTION_DISABLED", 400, 6),
        ("INVALID_CREDENTIALS", 401, 4),
        ("PRODUCT_NOT_ALLOWED", 403, 3),
    ],
)
def test_connection_errors_exit_with_their_code(code: str, status: int, exit_code: int) -> None:
    rutter = rutter_with(respond(status, error_body(code)))
    result = invoke(["fetch", "orders", TOKEN, "-o", "ndjson"], transport=rutter.transport)
    assert result.exit_code == exit_code
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and code in line and "request id req-0001" in line
    assert TOKEN not in result.stderr


def test_force_surfaces_a_disabled_connection_from_the_status_check() -> None:
    rutter = rutter_with(paged(), status=respond(400, error_body("CONNECTION_DISABLED")))
    result = invoke(["fetch", "orders", TOKEN, "--force"], transport=rutter.transport)
    assert result.exit_code == 6 and rutter.hits("/orders") == 0


def test_missing_credentials_exit_4_before_any_request() -> None:
    rutter = rutter_with(paged())
    result = invoke(["fetch", "orders", TOKEN], transport=rutter.transport, env={})
    assert result.exit_code == 4 and rutter.requests == []


def test_an_unusable_page_is_an_api_error_with_its_request_id() -> None:
    rutter = rutter_with(respond(200, {"orders": "nope"}, request_id="req-bad"))
    result = invoke(["fetch", "orders", TOKEN], transport=rutter.transport)
    assert result.exit_code == 3
    assert "orders is a string, not a list" in result.stderr and "req-bad" in result.stderr


def test_a_page_failing_midway_keeps_complete_lines_and_names_the_resume_cursor() -> None:
    rutter = rutter_with(paged(total=9, fail={"cur-6": FAIL_503}))
    result = invoke(["fetch", "orders", TOKEN, "--all", "-o", "ndjson"], transport=rutter.transport)
    assert result.exit_code == 7
    assert ids(ndjson(result.stdout)) == order_ids(*range(6))
    lines = result.stderr.splitlines()
    assert all(line.startswith("retrying GET /orders") for line in lines[:-1])
    assert lines[-1].startswith("error: Rutter kept failing after retries")
    assert lines[-1].endswith("; 6 records written; resume with --cursor cur-6")
    assert sum(result.clock.sleeps) > 0  # the retries waited on the fake clock only


def test_a_page_failing_midway_still_closes_the_json_array() -> None:
    rutter = rutter_with(paged(total=9, fail={"cur-3": FAIL_503}))
    result = invoke(["fetch", "orders", TOKEN, "--all", "-o", "json"], transport=rutter.transport)
    assert result.exit_code == 7
    assert ids(json.loads(result.stdout)) == order_ids(0, 1, 2)
    assert "resume with --cursor cur-3" in result.stderr


def test_a_resumed_fetch_failing_at_once_names_its_own_cursor() -> None:
    rutter = rutter_with(paged(total=9, fail={"cur-3": FAIL_503}))
    args = ["fetch", "orders", TOKEN, "--all", "--cursor", "cur-3", "-o", "ndjson"]
    result = invoke(args, transport=rutter.transport)
    assert result.exit_code == 7
    assert result.stderr.splitlines()[-1].endswith("0 records written; resume with --cursor cur-3")


def test_a_connection_error_midway_keeps_its_exit_code_and_gets_the_resume_cursor() -> None:
    fail = {"cur-3": respond(400, error_body("NEEDS_UPDATE"))}
    rutter = rutter_with(paged(total=9, fail=fail))
    result = invoke(["fetch", "orders", TOKEN, "--all", "-o", "csv"], transport=rutter.transport)
    assert result.exit_code == 5
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 3
    (line,) = result.stderr.splitlines()
    assert builders.LINK_URL in line and line.endswith("resume with --cursor cur-3")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fetch", "products", TOKEN], "fetch reads orders or transactions, not 'products'"),
        (["fetch", "orders", TOKEN, "--limit", "0"], "--limit must be at least 1, not 0"),
        (["fetch", "orders", TOKEN, "--max-records", "-5"], "--max-records must be at least 1"),
        (["fetch", "orders", TOKEN, "--created-since", "last week"], "--created-since"),
        (
            ["fetch", "orders", TOKEN, "--created-since", "1d", "--created-until", "2d"],
            "--created-since is after --created-until",
        ),
        (["fetch", "orders", TOKEN, "--output", "/nonexistent/dir/x"], "existing directory"),
        (["fetch", "orders", TOKEN, "--output", "json"], "for the json format use -o json"),
    ],
)
def test_usage_errors_exit_2_with_one_line_before_any_request(
    args: list[str], message: str
) -> None:
    rutter = rutter_with(paged())
    result = invoke(args, transport=rutter.transport)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and message in line
    assert rutter.requests == []


def test_a_same_cursor_loop_is_stopped() -> None:
    rutter = rutter_with(respond(200, builders.orders_doc([make_order(0)], "again")))
    args = ["fetch", "orders", TOKEN, "--all", "--cursor", "again", "-o", "ndjson"]
    result = invoke(args, transport=rutter.transport)
    assert result.exit_code == 3 and "same page forever" in result.stderr
    assert "resume with" not in result.stderr  # that cursor would only loop again
    assert len(ndjson(result.stdout)) == 1


# -- --output ------------------------------------------------------------------------------------


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_output_writes_the_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "orders.ndjson"
    rutter = rutter_with(paged(total=7))
    args = ["fetch", "orders", TOKEN, "--all", "-o", "ndjson", "--output", str(target)]
    result = invoke(args, transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert ids(ndjson(target.read_text())) == order_ids(*range(7))
    assert leftovers(tmp_path) == []


def test_output_after_a_midway_failure_holds_the_valid_records_so_far(tmp_path: Path) -> None:
    target = tmp_path / "orders.json"
    target.write_text("old\n")
    rutter = rutter_with(paged(total=9, fail={"cur-6": FAIL_503}))
    args = ["fetch", "orders", TOKEN, "--all", "-o", "json", "--output", str(target)]
    result = invoke(args, transport=rutter.transport)
    assert result.exit_code == 7
    assert ids(json.loads(target.read_text())) == order_ids(*range(6))
    assert "6 records written; resume with --resume" in result.stderr
    assert leftovers(tmp_path) == []


def test_output_is_untouched_when_nothing_could_be_fetched(tmp_path: Path) -> None:
    target = tmp_path / "orders.ndjson"
    target.write_text('{"id":"kept"}\n')
    rutter = rutter_with(respond(400, error_body("PRODUCT_NOT_READY")))
    args = ["fetch", "orders", TOKEN, "-o", "ndjson", "--output", str(target)]
    assert invoke(args, transport=rutter.transport).exit_code == 8
    assert target.read_text() == '{"id":"kept"}\n'
    assert leftovers(tmp_path) == []


def test_an_interrupted_fetch_keeps_its_whole_pages_and_resume_goes_on(tmp_path: Path) -> None:
    def interrupt(request: httpx.Request) -> httpx.Response:
        raise KeyboardInterrupt

    target = tmp_path / "orders.ndjson"
    target.write_text('{"id":"old"}\n')
    rutter = rutter_with(paged(total=9, fail={"cur-3": interrupt}))
    args = ["fetch", "orders", TOKEN, "--all", "-o", "ndjson", "--output", str(target)]
    result = invoke(args, transport=rutter.transport)
    assert result.exit_code == 130
    assert result.stderr == (
        f"interrupted by SIGINT: 3 records in {target}; run the same command with --resume\n"
    )
    assert ids(ndjson(target.read_text())) == order_ids(0, 1, 2)
    assert leftovers(tmp_path) == []
    assert (tmp_path / ".orders.ndjson.checkpoint").exists()
    again = invoke([*args, "--resume"], transport=rutter_with(paged(total=9)).transport)
    assert again.exit_code == 0, again.stderr
    assert ids(ndjson(target.read_text())) == order_ids(*range(9))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "orders.ndjson"]


def test_output_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "orders.csv"
    target.write_text("x\n")
    target.chmod(0o640)
    rutter = rutter_with(paged(total=2))
    args = ["fetch", "orders", TOKEN, "-o", "csv", "--output", str(target)]
    assert invoke(args, transport=rutter.transport).exit_code == 0
    assert target.stat().st_mode & 0o777 == 0o640


def test_resuming_into_an_existing_ndjson_file_appends(tmp_path: Path) -> None:
    target = tmp_path / "orders.ndjson"
    rutter = rutter_with(paged(total=9, fail={"cur-6": FAIL_503}))
    base = ["fetch", "orders", TOKEN, "--all", "-o", "ndjson", "--output", str(target)]
    first = invoke(base, transport=rutter.transport)
    assert first.exit_code == 7 and "6 records written; resume with --resume" in first.stderr

    rutter = rutter_with(paged(total=9))
    second = invoke([*base, "--cursor", "cur-6"], transport=rutter.transport)
    assert second.exit_code == 0, second.stderr
    assert ids(ndjson(target.read_text())) == order_ids(*range(9))
    assert leftovers(tmp_path) == []


def test_resuming_into_an_existing_csv_appends_rows_without_a_second_header(
    tmp_path: Path,
) -> None:
    target = tmp_path / "orders.csv"
    base = ["fetch", "orders", TOKEN, "--all", "-o", "csv", "--output", str(target)]
    rutter = rutter_with(paged(total=9))
    assert invoke([*base, "--max-records", "4"], transport=rutter.transport).exit_code == 0
    second = invoke([*base, "--cursor", "cur-4"], transport=rutter.transport)
    assert second.exit_code == 0, second.stderr
    text = target.read_text()
    assert text.count("id,payment_status") == 1
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["id"] for row in rows] == order_ids(*range(9))


def test_an_interrupted_append_keeps_whole_pages_and_resume_goes_on(tmp_path: Path) -> None:
    def interrupt(request: httpx.Request) -> httpx.Response:
        raise KeyboardInterrupt

    target = tmp_path / "orders.ndjson"
    target.write_text('{"id":"ord-000"}\n')
    rutter = rutter_with(paged(total=9, fail={"cur-4": interrupt}))
    args = ["fetch", "orders", TOKEN, "--all", "-o", "ndjson", "--output", str(target)]
    result = invoke([*args, "--cursor", "cur-1"], transport=rutter.transport)
    assert result.exit_code == 130
    assert ids(ndjson(target.read_text())) == order_ids(0, 1, 2, 3)
    again = invoke([*args, "--resume"], transport=rutter_with(paged(total=9)).transport)
    assert again.exit_code == 0, again.stderr
    assert ids(ndjson(target.read_text())) == order_ids(*range(9))


@pytest.mark.parametrize(("fmt", "content"), [("json", "[]\n"), ("ndjson", '{"id":1}')])
def test_a_file_that_cannot_be_appended_to_is_a_usage_error(
    tmp_path: Path, fmt: str, content: str
) -> None:
    target = tmp_path / "out"
    target.write_text(content)
    rutter = rutter_with(paged())
    args = ["fetch", "orders", TOKEN, "-o", fmt, "--output", str(target), "--cursor", "cur-3"]
    result = invoke(args, transport=rutter.transport)
    assert result.exit_code == 2 and rutter.requests == []
    assert target.read_text() == content


# -- a reader that goes away ---------------------------------------------------------------------


class ClosedPipe(io.StringIO):
    """stdout whose reader left after the first page (`| head`)."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        if self.writes > 1:
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text)


def test_a_reader_going_away_stops_the_fetch_quietly() -> None:
    rutter = rutter_with(paged(total=30))
    clock = FakeClock()
    stdout, stderr = ClosedPipe(), io.StringIO()
    environ = {k: v for k, v in os.environ.items() if k.startswith("RUTTERCTL_")}
    deps = Deps(
        environ={**environ, **CREDS},
        transport=rutter.transport,
        stdout=stdout,
        stderr=stderr,
        now=clock.now,
        monotonic=clock.monotonic,
        sleep=clock.sleep,
    )
    args = ["fetch", "orders", TOKEN, "--all", "-o", "ndjson"]
    result = CliRunner().invoke(app, args, obj=deps)
    assert result.exit_code == 0
    assert stderr.getvalue() == ""
    assert ids(ndjson(stdout.getvalue())) == order_ids(0, 1, 2)
    # No more pages fetched for nobody: the one asked for ahead (while page 2 was written)
    # may or may not have reached Rutter when the command returns.
    assert len(data_requests(rutter)) in (2, 3)


@pytest.mark.parametrize("fmt", ["ndjson", "json", "csv", "table"])
def test_a_lone_surrogate_in_rutter_data_is_written_escaped_not_a_crash(fmt: str) -> None:
    # JSON may carry "\ud800" alone; json.loads keeps it, but UTF-8 cannot encode it.
    order = {**make_order(1), "name": "bad \ud800 name", "order_number": "10\udc01"}
    body = json.dumps(builders.orders_doc([order], None)).encode()  # "\ud800", as Rutter sends it
    rutter = rutter_with(respond(200, content=body))
    result = invoke(["fetch", "orders", TOKEN, "-o", fmt], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    if fmt == "ndjson":
        assert ndjson(result.stdout)[0]["name"] == "bad \ud800 name"  # the same value back
    elif fmt == "json":
        assert json.loads(result.stdout)[0]["name"] == "bad \ud800 name"
    elif fmt == "csv":
        assert "bad \\ud800 name" in result.stdout
    else:  # the table shows order_number, not name
        assert "10\\udc01" in result.stdout
