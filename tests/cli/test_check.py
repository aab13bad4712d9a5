"""`rutterctl check` in process: a scripted Rutter per access token, a fake clock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import junitparser
import pytest

from tests import builders
from tests.fakes import CREDS, invoke

HEALTHY = builders.status_doc(historical=True, num_batches_completed=2)
INITIAL = builders.status_doc(is_ready=False, num_batches_completed=0)
STALE = builders.status_doc(historical=True, last_sync="2026-11-28T10:00:00.000Z")
DISABLED = builders.status_doc(disabled=True, reason="SHOP_PAYMENT_REQUIRED")
NEEDS_UPDATE = builders.status_doc(needs_update=True)
FAILED = builders.status_doc(
    batches=[builders.batch_doc(1, {"orders": "COMPLETED", "customers": "FAILED"})]
)
DOWN = httpx.Response(503, text="<html>down</html>")


def ids(n: int) -> tuple[str, str]:
    return f"{n:08d}-0000-4000-8000-000000000000", f"{n:08d}-1111-4111-8111-111111111111"


class Fleet:
    """`GET /connections` lists one connection per scripted document, in order."""

    def __init__(self, *docs: dict[str, Any] | httpx.Response) -> None:
        self.docs = {ids(n)[1]: (ids(n)[0], doc) for n, doc in enumerate(docs, 1)}
        self.listed: list[str | None] = []
        self.status_calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/connections"):
            self.listed.append(request.url.params.get("status"))
            pairs = [(cid, token) for token, (cid, _) in self.docs.items()]
            return httpx.Response(200, json=builders.connections_doc(*pairs))
        self.status_calls += 1
        cid, doc = self.docs[request.url.params["access_token"]]
        if isinstance(doc, httpx.Response):
            return doc
        body = json.loads(json.dumps(doc))
        body["connection"]["id"] = cid
        return httpx.Response(200, json=body, headers={"X-Rutter-Request-ID": "req-1"})


def run(fleet: Fleet, *args: str, env: dict[str, str] | None = None, tty: bool = False) -> Any:
    environ = {**CREDS, **(env or {})}
    return invoke(["check", *args], transport=httpx.MockTransport(fleet), env=environ, tty=tty)


@pytest.mark.parametrize(
    ("docs", "code"),
    [
        ((HEALTHY, HEALTHY), 0),
        ((HEALTHY, INITIAL), 0),  # 3 h into its initial sync: still within the 6 h default
        ((HEALTHY, STALE), 0),  # stale warns by default
        ((STALE, NEEDS_UPDATE), 5),
        ((NEEDS_UPDATE, DISABLED), 6),  # the worst failing finding decides
        ((DOWN, HEALTHY), 7),
        ((FAILED, DOWN), 10),
    ],
)
def test_exit_code_is_the_worst_failing_finding(docs: tuple[Any, ...], code: int) -> None:
    fleet = Fleet(*docs)
    result = run(fleet, "-o", "json")
    assert result.exit_code == code, result.stderr
    assert json.loads(result.stdout)["summary"]["exit_code"] == code
    assert fleet.listed == ["any"]  # every connection, disabled and needs-reauth included
    assert fleet.status_calls >= len(docs)


def test_policy_options_move_findings_between_fail_warn_and_ignored() -> None:
    fleet = Fleet(STALE, INITIAL)
    assert run(fleet, "--fail-on", "stale").exit_code == 10
    assert run(fleet, "--max-initial-sync", "1h", "--fail-on", "not_ready").exit_code == 8
    # A longer sync period makes the 2-hour-old sync stale but not (yet) stalled.
    assert run(fleet, "--sync-period", "1h", "--fail-on", "stalled").exit_code == 0
    assert run(fleet, "--sync-period", "30m", "--fail-on", "stalled").exit_code == 9
    result = run(fleet, "--warn-on", "none", "--fail-on", "none", "-o", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    # Completion order: find the stale connection by its id.
    [stale] = [c["findings"] for c in doc["connections"] if c["connection_id"] == ids(1)[0]]
    assert [(f["kind"], f["level"]) for f in stale] == [("stale", "ignored")]
    assert doc["summary"]["healthy"] == 2


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--fail-on", "stale", "--warn-on", "stale"], "both name stale"),
        (["--fail-on", "slow"], "unknown finding 'slow'"),
        (["--max-sync-age", "soon"], "--max-sync-age"),
        (["--report", "out.txt"], "cannot tell the format"),
        (["-o", "json", "--report", "out.xml"], "names a junit file, but -o says json"),
        (["--status", "any", builders.CONNECTION_ID], "--status filters"),
    ],
)
def test_bad_options_are_usage_errors_before_any_request(args: list[str], needle: str) -> None:
    fleet = Fleet(HEALTHY)
    result = run(fleet, *args)
    assert result.exit_code == 2, result.stderr
    assert needle in result.stderr
    assert fleet.status_calls == 0


def test_json_document_contract() -> None:
    fleet = Fleet(DISABLED, NEEDS_UPDATE, FAILED, HEALTHY)
    doc = json.loads(run(fleet, "-o", "json").stdout)
    assert set(doc) == {"summary", "connections"}
    assert doc["summary"] == {
        "checked": 4,
        "healthy": 1,
        "failing": 3,
        "warning": 0,
        "findings": {
            "disabled": 1,
            "needs_update": 1,
            "not_ready": 0,
            "stale": 0,
            "failed_batch": 1,
            "unreachable": 0,
            "stalled": 0,
        },
        "worst": "disabled",
        "exit_code": 6,
        "fail_on": ["disabled", "failed_batch", "needs_update", "unreachable"],
        "warn_on": ["not_ready", "stale", "stalled"],
        "max_initial_sync_seconds": 21600.0,
        "max_sync_age_seconds": 1800.0,
        "sync_period_seconds": 600.0,
    }
    by_id = {c["connection_id"]: c for c in doc["connections"]}
    disabled = by_id[ids(1)[0]]
    assert disabled["result"] == "failure" and disabled["stage"] == "DISABLED"
    assert disabled["findings"][0]["reason"] == "SHOP_PAYMENT_REQUIRED"
    assert by_id[ids(2)[0]]["findings"][0]["link_url"] == builders.LINK_URL
    failed = by_id[ids(3)[0]]["findings"][0]
    assert (failed["kind"], failed["batch_num"], failed["entities"]) == (
        "failed_batch",
        1,
        ["customers"],
    )
    assert by_id[ids(4)[0]] | {"checked_at": "x"} == {
        "connection": ids(4)[0],
        "connection_id": ids(4)[0],
        "platform": "SHOPIFY",
        "stage": "ONGOING_SYNC",
        "result": "ok",
        "findings": [],
        "disabled_reason": None,
        "link_url": builders.LINK_URL,
        "created_at": "2026-11-28T09:00:00.000Z",
        "last_sync_completed_at": "2026-11-28T11:55:00.000Z",
        "checked_at": "x",
    }


def test_ndjson_is_one_line_per_connection_and_never_shows_a_token() -> None:
    fleet = Fleet(HEALTHY, DOWN, STALE)
    result = run(fleet, "-o", "ndjson")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(line["result"] for line in lines) == ["failure", "ok", "warning"]
    unreachable = next(line for line in lines if line["result"] == "failure")
    assert unreachable["findings"][0]["kind"] == "unreachable"
    assert "HTTP 503" in unreachable["findings"][0]["error"]
    assert all(ids(n)[1] not in result.stdout + result.stderr for n in (1, 2, 3))


def test_junit_loads_in_a_junit_reader_with_one_testcase_per_connection(tmp_path: Path) -> None:
    fleet = Fleet(DISABLED, STALE, HEALTHY, DOWN)
    result = run(fleet, "-o", "junit")
    assert result.exit_code == 6
    path = tmp_path / "check.xml"
    path.write_text(result.stdout)
    xml = junitparser.JUnitXml.fromfile(str(path))
    [suite] = list(xml)
    assert (suite.name, suite.tests, suite.failures, suite.errors) == ("rutterctl check", 4, 1, 1)
    cases = {case.name: case for case in suite}
    assert set(cases) == {ids(n)[0] for n in (1, 2, 3, 4)}
    [failure] = cases[ids(1)[0]].result
    assert isinstance(failure, junitparser.Failure)
    assert failure.type == "disabled" and "SHOP_PAYMENT_REQUIRED" in failure.message
    [error] = cases[ids(4)[0]].result
    assert isinstance(error, junitparser.Error) and error.type == "unreachable"
    assert cases[ids(2)[0]].is_passed and "warning: stale" in (cases[ids(2)[0]].system_out or "")
    assert cases[ids(3)[0]].is_passed and not cases[ids(3)[0]].system_out


def test_report_file_gets_the_format_while_stdout_gets_the_table(tmp_path: Path) -> None:
    fleet = Fleet(NEEDS_UPDATE, HEALTHY)
    report = tmp_path / "out" / "check.xml"
    result = run(fleet, "--report", str(report))
    assert result.exit_code == 5
    assert result.stdout.splitlines()[0].startswith("connection\tconnection_id\t")
    assert len(result.stdout.splitlines()) == 2  # the header and the failing connection
    [suite] = list(junitparser.JUnitXml.fromfile(str(report)))
    assert suite.tests == 2 and suite.failures == 1
    assert [p.name for p in report.parent.iterdir()] == ["check.xml"]  # no temporary left


def test_markdown_summary_lists_failures_and_warnings_worst_first() -> None:
    fleet = Fleet(STALE, HEALTHY, DISABLED)
    out = run(fleet, "-o", "markdown").stdout
    assert out.startswith("## rutterctl check: 3 connections checked: 1 healthy, 1 failing,")
    assert ids(2)[0] not in out  # healthy: counted, not listed
    assert out.index(ids(3)[0]) < out.index(ids(1)[0])
    assert "| disabled | 1 | failure |" in out and "| stale | 1 | warning |" in out


def test_github_actions_annotations_and_step_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    fleet = Fleet(DISABLED, STALE, HEALTHY)
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = run(fleet, "-o", "json", env=env)
    json.loads(result.stdout)  # stdout stays the document
    commands = [line for line in result.stderr.splitlines() if line.startswith("::")]
    assert sorted(commands) == [
        f"::error title=rutterctl check%3A {ids(1)[0]}::disabled: disabled "
        "(SHOP_PAYMENT_REQUIRED): The store's platform plan is unpaid",
        f"::warning title=rutterctl check%3A {ids(2)[0]}::stale: last sync completed "
        "2h00m00s ago (more than --max-sync-age 30m00s)",
    ]
    text = summary.read_text()
    assert text.startswith("# earlier step\n## rutterctl check: 3 connections checked")


def test_workflow_command_escaping() -> None:
    from rutterctl.render.github import escape_data, escape_property

    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a: b, c%\n") == "a%3A b%2C c%25%0A"


def runner_reads(line: str) -> tuple[str, dict[str, str], str]:
    """How actions/runner (ActionCommand.TryParseV2) reads `::command k=v,k=v::data`: the
    first `::` after the command ends the properties, `,` separates them, and the escapes
    are undone in the reverse order of their making."""
    assert line.startswith("::") and line.endswith("\n") and "\n" not in line[:-1]
    head, data = line[2:-1].split("::", 1)
    command, _, props = head.partition(" ")

    def unescape(text: str, property_: bool) -> str:
        text = text.replace("%0D", "\r").replace("%0A", "\n")
        if property_:
            text = text.replace("%3A", ":").replace("%2C", ",")
        return text.replace("%25", "%")

    pairs = dict(p.split("=", 1) for p in props.split(",")) if props else {}
    return command, {k: unescape(v, True) for k, v in pairs.items()}, unescape(data, False)


def test_an_annotation_reads_back_as_written_whatever_the_name() -> None:
    """A name with `::`, `,`, `=`, `%` and a message over lines cannot forge a property or
    end the command early (`%0A` in a name stays text, never a new line)."""
    from rutterctl.domain.check import Kind, Policy, Thresholds, assess
    from rutterctl.domain.fleet import Target
    from rutterctl.errors import Unavailable
    from rutterctl.render.github import annotation

    from tests.fakes import FIXED_NOW

    name = "evil::x,line=1,title=ok 100%0A"
    down = Unavailable("Rutter unavailable: 50% of\nrequests failed", status=503)
    policy = Policy(frozenset({Kind.UNREACHABLE}), frozenset())
    result = assess(
        Target(name, "token"), None, down, limits=Thresholds(), policy=policy, now=FIXED_NOW
    )
    line = annotation(result)
    assert line is not None
    command, props, message = runner_reads(line)
    assert (command, props) == ("error", {"title": f"rutterctl check: {name}"})
    assert message.startswith("unreachable: status could not be read: Rutter unavailable: 50%")


def test_named_connections_from_arguments_and_a_file(tmp_path: Path) -> None:
    fleet = Fleet(HEALTHY, DISABLED, HEALTHY)
    names = tmp_path / "merchants.txt"
    names.write_text(f"# ours\n{ids(1)[0]}\n\n{ids(2)[1]}  # by token\n{ids(1)[0]}\n")
    result = run(fleet, "--from", str(names), "-o", "ndjson")
    assert result.exit_code == 6
    shown = [json.loads(line)["connection"] for line in result.stdout.splitlines()]
    assert sorted(shown) == sorted([ids(1)[0], ids(2)[0]])  # a token is named by its id, once
    assert fleet.status_calls == 2


def test_rejected_credentials_stop_the_check_with_exit_4() -> None:
    rejected = httpx.Response(
        401,
        json=builders.error_body("INVALID_CREDENTIALS", "CONNECTION_ERROR", "bad credentials"),
    )
    result = run(Fleet(rejected, HEALTHY), "-o", "ndjson")
    assert result.exit_code == 4
    assert result.stderr.startswith("error:")


def test_terminal_table_fits_80_columns_and_lists_only_problems(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.fakes import pin_terminal, visible

    pin_terminal(monkeypatch, 80)
    result = run(Fleet(HEALTHY, NEEDS_UPDATE, STALE), tty=True)
    lines = visible(result.stdout).splitlines()
    assert lines[0].startswith("3 connections checked: 1 healthy, 1 failing, 1 warning")
    assert all(len(line) <= 80 for line in lines)
    assert ids(2)[0] in result.stdout and ids(3)[0] in result.stdout
    assert f"{ids(2)[0]}  {builders.LINK_URL}" in lines  # the link_url whole, on its own line
    assert ids(1)[0] not in result.stdout
    assert ids(1)[0] in run(Fleet(HEALTHY, NEEDS_UPDATE), "--all", tty=True).stdout


def test_an_organisation_without_connections_passes_with_a_warning() -> None:
    def empty(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"connections": []})

    result = invoke(["check", "-o", "json"], transport=httpx.MockTransport(empty))
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["connections"] == []
    assert (doc["summary"]["checked"], doc["summary"]["exit_code"]) == (0, 0)
    assert "no connections to check" in result.stderr


def test_progress_on_a_terminal_is_one_live_line_on_stderr() -> None:
    result = run(Fleet(HEALTHY, STALE, DISABLED), "-o", "ndjson", tty=True)
    assert "\r\x1b[2Kchecked 1 of 3: " in result.stderr
    assert result.stderr.endswith("\r\x1b[2K")  # cleared before the command ends
    assert run(Fleet(HEALTHY), "-o", "ndjson").stderr == ""  # none when piped


def test_an_unwritable_report_is_refused_before_any_request(tmp_path: Path) -> None:
    fleet = Fleet(HEALTHY)
    result = run(fleet, "--report", str(tmp_path))
    assert result.exit_code == 2 and "is a directory" in result.stderr
    afile = tmp_path / "notes.txt"
    afile.write_text("")
    result = run(fleet, "--report", str(afile / "deeper" / "check.xml"))
    assert result.exit_code == 2 and "is not a directory" in result.stderr
    assert fleet.status_calls == 0


def test_a_step_summary_that_cannot_be_written_is_a_warning_not_a_failure(
    tmp_path: Path,
) -> None:
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(tmp_path / "no" / "dir" / "x")}
    result = run(Fleet(HEALTHY), env=env)
    assert result.exit_code == 0
    assert "warning: GITHUB_STEP_SUMMARY" in result.stderr


def remember_store(cid: str, name: str, read_at: Any) -> None:
    """The store cache as `connections find` or `list --details` leaves it."""
    import os

    from rutterctl.config.cache import FileStoreCache
    from rutterctl.domain.models import StoreInfo

    from tests.fakes import CLIENT_ID

    sandbox = "https://sandbox.rutterapi.com/versioned"
    cache = Path(os.environ["RUTTERCTL_CACHE_DIR"])
    stores = FileStoreCache.in_dir(cache, sandbox, CLIENT_ID, lambda: read_at)
    stores.update({cid: StoreInfo(name, "acme.example", None)})


def test_a_terminal_shows_fresh_store_names_from_the_cache_and_pipes_keep_ids(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from datetime import timedelta

    from tests.fakes import FIXED_NOW, pin_terminal, visible

    pin_terminal(monkeypatch, 80)
    remember_store(ids(1)[0], "Acme Outfitters", FIXED_NOW)
    remember_store(ids(2)[0], "Globex " + "Corporation " * 5, FIXED_NOW)  # long: capped
    remember_store(ids(3)[0], "Old Name Ltd", FIXED_NOW - timedelta(days=3))  # stale: unused
    fleet = Fleet(NEEDS_UPDATE, DISABLED, STALE)
    lines = visible(run(fleet, tty=True).stdout).splitlines()
    assert any(line.startswith("Acme Outfitters ") for line in lines)
    assert any(line.startswith("Globex Corporation Corporation Cor… ") for line in lines)
    assert f"Acme Outfitters  {builders.LINK_URL}" in lines  # the link_url list names it too
    assert not any("Old Name" in line for line in lines)
    assert any(line.startswith(ids(3)[0]) for line in lines)
    piped = run(fleet)
    assert "Acme" not in piped.stdout and ids(1)[0] in piped.stdout
    doc = json.loads(run(fleet, "-o", "json", tty=True).stdout)
    assert {c["connection"] for c in doc["connections"]} == {ids(n)[0] for n in (1, 2, 3)}
