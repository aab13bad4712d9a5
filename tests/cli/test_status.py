"""`rutterctl status` end to end through the CLI, with an injected transport and a fake clock."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from tests import builders
from tests.builders import respond
from tests.fakes import CREDS, invoke

ID, TOKEN = builders.CONNECTION_ID, builders.ACCESS_TOKEN
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def serve(doc: dict[str, Any] | None = None, **routes: Any) -> builders.FakeRutter:
    status = respond(200, doc if doc is not None else builders.status_doc())
    return builders.fake_rutter(status=status, **routes)


def pairs(stdout: str) -> dict[str, str]:
    """The `key: value` block of the plain output."""
    block = stdout.split("\n\n", 1)[0]
    out: dict[str, str] = {}
    for line in block.splitlines():
        key, _, value = line.partition(":")
        out[key] = value.strip()
    return out


def tsv(stdout: str) -> list[list[str]]:
    """The tab-separated table after the blank line."""
    _, _, table = stdout.partition("\n\n")
    return [line.split("\t") for line in table.splitlines() if line]


def colour_params(text: str) -> set[str]:
    """SGR parameters that set a colour (foreground/background, basic, bright, 256, rgb)."""
    found = set()
    for match in SGR.finditer(text):
        for param in match.group(1).split(";"):
            if param and (30 <= int(param) <= 49 or 90 <= int(param) <= 107):
                found.add(param)
    return found


def test_piped_output_is_plain_text() -> None:
    result = invoke(["status", ID], transport=serve().transport)
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert result.stderr == ""
    assert pairs(result.stdout) == {
        "connection": ID,
        "answered by": "profile default · sandbox",
        "platform": "SHOPIFY",
        "store": "Acme Outfitters (acme.example)",
        "stage": "HISTORICAL_SYNC: Data can be read; older history is still being synced in "
        "batches.",
        "next step": "Read data now; expect HISTORICAL_UPDATE as each remaining batch completes.",
        "ended by": "HISTORICAL_UPDATE (once per later batch)",
        "ready": "yes",
        "created": "2026-11-28T09:00:00Z (3 hours ago)",
        "last sync": "2026-11-28T11:55:00Z (5 minutes ago)",
        "history": "in progress",
        "batches": "1 of 2 completed",
    }
    assert tsv(result.stdout) == [
        ["entity", "ready", "synced", "oldest", "newest"],
        ["orders", "yes", "1200", "2026-05-28T00:00:00Z", "2026-11-28T11:50:00Z"],
        ["customers", "no", "-", "-", "-"],
    ]


def test_a_terminal_gets_a_rich_coloured_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("COLORTERM", raising=False)
    result = invoke(["status", ID], transport=serve().transport, tty=True)
    assert result.exit_code == 0, result.stderr
    assert "\t" not in result.stdout and "connection: " not in result.stdout  # not piped text
    assert "HISTORICAL_SYNC" in result.stdout
    assert ID in SGR.sub("", result.stdout)
    assert colour_params(result.stdout)


def test_no_color_on_a_terminal_removes_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    env = {**CREDS, "NO_COLOR": "1"}
    result = invoke(["status", ID], transport=serve().transport, tty=True, env=env)
    assert result.exit_code == 0, result.stderr
    assert "\t" not in result.stdout and "HISTORICAL_SYNC" in result.stdout
    assert colour_params(result.stdout) == set()


STATUS_KEYS = {
    "connection_id",
    "org_id",
    "platform",
    "store_name",
    "store_domain",
    "stage",
    "stage_meaning",
    "next_step",
    "is_ready",
    "needs_update",
    "is_disabled",
    "disabled_reason",
    "link_url",
    "created_at",
    "last_sync_completed_at",
    "historical_sync_completed",
    "num_batches_completed",
    "num_batches",
    "entities",
    "batches",
    "warnings",
    "checked_at",
}


def test_json_document() -> None:
    result = invoke(["status", ID, "-o", "json"], transport=serve().transport)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    doc = json.loads(result.stdout)
    assert set(doc) == STATUS_KEYS
    assert {k: v for k, v in doc.items() if k not in ("entities", "batches")} == {
        "connection_id": ID,
        "org_id": builders.ORG_ID,
        "platform": "SHOPIFY",
        "store_name": "Acme Outfitters",
        "store_domain": "acme.example",
        "stage": "HISTORICAL_SYNC",
        "stage_meaning": "Data can be read; older history is still being synced in batches.",
        "next_step": "Read data now; expect HISTORICAL_UPDATE as each remaining batch completes.",
        "is_ready": True,
        "needs_update": False,
        "is_disabled": False,
        "disabled_reason": None,
        "link_url": builders.LINK_URL,
        "created_at": "2026-11-28T09:00:00.000Z",
        "last_sync_completed_at": "2026-11-28T11:55:00.000Z",
        "historical_sync_completed": False,
        "num_batches_completed": 1,
        "num_batches": 2,
        "warnings": [],
        "checked_at": "2026-11-28T12:00:00Z",
    }
    assert doc["entities"] == [
        {
            "name": "orders",
            "ready": True,
            "synced_count": 1200,
            "oldest": "2026-05-28T00:00:00.000Z",
            "newest": "2026-11-28T11:50:00.000Z",
        },
        {"name": "customers", "ready": False, "synced_count": None, "oldest": None, "newest": None},
    ]
    assert [(b["batch_num"], b["webhook"], b["status"]) for b in doc["batches"]] == [
        (1, "INITIAL_UPDATE", "COMPLETED"),
        (2, "HISTORICAL_UPDATE", "IN_PROGRESS"),
    ]


def test_json_for_a_disabled_connection() -> None:
    doc_in = builders.status_doc(disabled=True, reason="SHOP_PAYMENT_REQUIRED", needs_update=True)
    result = invoke(["status", ID, "-o", "json"], transport=serve(doc_in).transport)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["stage"], doc["is_disabled"], doc["needs_update"], doc["disabled_reason"]) == (
        "DISABLED",
        True,
        True,
        "SHOP_PAYMENT_REQUIRED",
    )


STAGE_DOCS: dict[str, tuple[dict[str, Any], int]] = {
    "INITIAL_SYNC": ({"is_ready": False, "last_sync": None}, 8),
    "HISTORICAL_SYNC": ({}, 0),
    "ONGOING_SYNC": ({"historical": True}, 0),
    "NEEDS_UPDATE": ({"needs_update": True}, 5),
    "DISABLED": ({"disabled": True, "reason": "SHOP_IS_LOCKED"}, 6),
}


@pytest.mark.parametrize("stage", STAGE_DOCS)
def test_exit_status_maps_the_stage(stage: str) -> None:
    overrides, code = STAGE_DOCS[stage]
    doc = builders.status_doc(**overrides)
    result = invoke(["status", ID, "--exit-status", "-o", "json"], transport=serve(doc).transport)
    assert result.exit_code == code, result.stderr
    assert json.loads(result.stdout)["stage"] == stage  # the status is still shown


@pytest.mark.parametrize("stage", STAGE_DOCS)
def test_without_exit_status_a_shown_status_exits_0(stage: str) -> None:
    overrides, _ = STAGE_DOCS[stage]
    result = invoke(["status", ID], transport=serve(builders.status_doc(**overrides)).transport)
    assert result.exit_code == 0, result.stderr
    assert pairs(result.stdout)["stage"].startswith(f"{stage}: ")


def test_disabled_and_needs_update_show_reason_and_link() -> None:
    doc = builders.status_doc(disabled=True, reason="SHOP_ON_HOLIDAY")
    shown = pairs(invoke(["status", ID], transport=serve(doc).transport).stdout)
    assert shown["disabled reason"] == "SHOP_ON_HOLIDAY"
    assert shown["link_url"] == builders.LINK_URL
    shown = pairs(
        invoke(
            ["status", ID], transport=serve(builders.status_doc(needs_update=True)).transport
        ).stdout
    )
    assert "disabled reason" not in shown
    assert shown["link_url"] == builders.LINK_URL


def test_unknown_platform_is_shown_as_given() -> None:
    doc = builders.status_doc(platform="SOME_PLATFORM_ADDED_IN_2027")
    result = invoke(["status", ID], transport=serve(doc).transport)
    assert result.exit_code == 0, result.stderr
    assert pairs(result.stdout)["platform"] == "SOME_PLATFORM_ADDED_IN_2027"


def test_store_is_omitted_silently_when_the_endpoint_404s() -> None:
    store = respond(404, builders.error_body("NOT_FOUND", "not supported", "INVALID_REQUEST"))
    rutter = serve(store=store)
    result = invoke(["status", ID], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert "store" not in pairs(result.stdout)
    assert rutter.hits("/connections/access_token") == 1
    doc = json.loads(
        invoke(["status", ID, "-o", "json"], transport=serve(store=store).transport).stdout
    )
    assert (doc["store_name"], doc["store_domain"]) == (None, None)


def test_store_name_without_domain() -> None:
    store = respond(200, builders.access_token_doc(name="Acme", domain=None))
    result = invoke(["status", ID], transport=serve(store=store).transport)
    assert pairs(result.stdout)["store"] == "Acme"


def test_stale_sync_warning_goes_to_stderr() -> None:
    doc = builders.status_doc(historical=True, last_sync="2026-11-28T11:00:00.000Z")
    warning = "warning: last sync completed 60 minutes ago; Rutter syncs about every 10 minutes\n"
    result = invoke(["status", ID], transport=serve(doc).transport)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == warning
    assert "warning" not in result.stdout
    result = invoke(["status", ID, "-o", "json"], transport=serve(doc).transport)
    assert result.stderr == warning
    assert json.loads(result.stdout)["warnings"] == [warning.removeprefix("warning: ").strip()]


def test_a_recent_ongoing_sync_has_no_warning() -> None:
    doc = builders.status_doc(historical=True, last_sync="2026-11-28T11:45:00.000Z")
    result = invoke(["status", ID], transport=serve(doc).transport)
    assert (result.exit_code, result.stderr) == (0, "")


def test_dates_that_do_not_parse_are_shown_as_given() -> None:
    doc = builders.status_doc(historical=True, last_sync="yesterday-ish")
    result = invoke(["status", ID], transport=serve(doc).transport)
    assert result.exit_code == 0, result.stderr
    assert pairs(result.stdout)["last sync"] == "yesterday-ish"
    assert result.stderr == ""
    doc_out = json.loads(
        invoke(["status", ID, "-o", "json"], transport=serve(doc).transport).stdout
    )
    assert doc_out["last_sync_completed_at"] == "yesterday-ish"


@pytest.mark.parametrize("name", [ID, TOKEN])
def test_a_connection_is_named_by_id_or_token(name: str) -> None:
    rutter = serve()
    result = invoke(["status", name, "-o", "json"], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["connection_id"] == ID
    assert rutter.paths() == ["/connections", "/connections/status", "/connections/access_token"]
    assert dict(rutter.requests[1].url.params) == {"access_token": TOKEN}


def test_the_second_lookup_comes_from_the_cache() -> None:
    assert invoke(["status", ID], transport=serve().transport).exit_code == 0
    for name in (ID, TOKEN):
        rutter = serve()
        result = invoke(["status", name], transport=rutter.transport)
        assert result.exit_code == 0, result.stderr
        # The id from the id cache, the store's name and domain from the store cache.
        assert rutter.paths() == ["/connections/status"]
        assert "store:" in result.stdout


def test_the_access_token_never_appears_in_the_output() -> None:
    for args in (["status", TOKEN], ["status", TOKEN, "-o", "json"]):
        result = invoke(args, transport=serve().transport)
        assert result.exit_code == 0, result.stderr
        assert TOKEN not in result.stdout + result.stderr


def test_the_header_names_the_profile_and_environment_that_answered() -> None:
    rutter = serve()
    result = invoke(
        ["status", ID], transport=rutter.transport, env={**CREDS, "RUTTER_ENV": "production"}
    )
    assert result.exit_code == 0, result.stderr
    assert pairs(result.stdout)["answered by"] == "profile default · production"
    assert rutter.requests[0].url.host == "production.rutterapi.com"


@pytest.mark.parametrize(
    ("overrides", "ended_by"),
    [
        ({"is_ready": False, "last_sync": None}, "INITIAL_UPDATE"),
        ({"needs_update": True}, "CONNECTION_UPDATED"),
        ({"historical": True}, "nothing: data webhooks"),
    ],
)
def test_the_table_names_the_webhook_that_ends_the_stage(
    overrides: dict[str, Any], ended_by: str
) -> None:
    result = invoke(["status", ID], transport=serve(builders.status_doc(**overrides)).transport)
    assert result.exit_code == 0, result.stderr
    assert pairs(result.stdout)["ended by"].startswith(ended_by)


HOSTILE = "Acme\x1b[5m\x1b]0;pwned\x07\nfake: line"


def hostile_rutter() -> builders.FakeRutter:
    total = {"ord\x1bers": dict(builders.DEFAULT_TOTAL["orders"], oldest_entity_date="\x9b2J")}
    doc = builders.status_doc(disabled=True, reason="SHOP\x1b[8m", total=total)
    store = respond(200, builders.access_token_doc(name=HOSTILE, domain="acme.example"))
    return serve(doc, store=store)


def test_control_characters_from_rutter_are_shown_escaped_when_piped() -> None:
    result = invoke(["status", ID], transport=hostile_rutter().transport)
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert "\x07" not in result.stdout
    assert "\x9b" not in result.stdout
    shown = pairs(result.stdout)
    assert shown["store"] == r"Acme\x1b[5m\x1b]0;pwned\x07\nfake: line (acme.example)"
    assert shown["disabled reason"] == r"SHOP\x1b[8m"
    assert "fake" not in shown  # a newline in the data cannot forge a line of its own
    assert tsv(result.stdout)[1][:4] == [r"ord\x1bers", "yes", "1200", r"\x9b2J"]


def test_control_characters_from_rutter_never_reach_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    result = invoke(["status", ID], transport=hostile_rutter().transport, tty=True)
    assert result.exit_code == 0, result.stderr
    assert "\x1b]" not in result.stdout  # no OSC sequence (window title and the like)
    assert "\x07" not in result.stdout
    assert "\x1b[5m" not in result.stdout
    assert "\x1b[8m" not in result.stdout
    assert r"Acme\x1b[5m" in SGR.sub("", result.stdout)


def test_json_keeps_the_data_exactly_as_given() -> None:
    result = invoke(["status", ID, "-o", "json"], transport=hostile_rutter().transport)
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout  # JSON escapes control characters itself
    doc = json.loads(result.stdout)
    assert doc["store_name"] == HOSTILE
    assert doc["disabled_reason"] == "SHOP\x1b[8m"
    assert doc["entities"][0]["name"] == "ord\x1bers"


def test_unknown_enum_values_are_shown_as_given() -> None:
    batches = copy.deepcopy(builders.DEFAULT_BATCHES)
    batches[1]["progress_info"]["customers"]["status"] = "PAUSED_BY_PLATFORM"
    doc = builders.status_doc(
        disabled=True,
        reason="SHOP_ON_HOLIDAY",
        platform="SOME_PLATFORM_ADDED_IN_2027",
        batches=batches,
    )
    table = invoke(["status", ID], transport=serve(doc).transport)
    assert table.exit_code == 0, table.stderr
    shown = pairs(table.stdout)
    assert (shown["platform"], shown["disabled reason"]) == (
        "SOME_PLATFORM_ADDED_IN_2027",
        "SHOP_ON_HOLIDAY",
    )
    result = invoke(["status", ID, "-o", "json"], transport=serve(doc).transport)
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["stage"], out["platform"], out["disabled_reason"]) == (
        "DISABLED",
        "SOME_PLATFORM_ADDED_IN_2027",
        "SHOP_ON_HOLIDAY",
    )
    assert out["batches"][1]["entities"][0]["status"] == "PAUSED_BY_PLATFORM"
    assert out["batches"][1]["status"] == "IN_PROGRESS"


def test_nulls_where_the_spec_promises_values_are_tolerated() -> None:
    doc = builders.status_doc(historical=True)
    status = doc["status"]
    status["needs_update_status"]["needs_update"] = None
    status["disabled_status"]["is_disabled"] = None
    history = status["historical_sync_status"]
    history["total"]["customers"] = None
    history["batches"][0]["progress_info"]["orders"]["status"] = None
    history["batches"].append(None)
    result = invoke(["status", ID, "-o", "json"], transport=serve(doc).transport)
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["stage"], out["needs_update"], out["is_disabled"]) == ("ONGOING_SYNC", False, False)
    assert out["entities"][1] == {
        "name": "customers",
        "ready": False,
        "synced_count": None,
        "oldest": None,
        "newest": None,
    }
    assert out["batches"][0]["entities"][0]["status"] == "UNKNOWN"
    assert len(out["batches"]) == 2
