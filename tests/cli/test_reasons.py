"""`rutterctl reasons`: the catalogue (no credentials, no request) and one connection explained."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rutterctl.domain.reasons import DISCLAIMER

from tests import builders
from tests.builders import CONNECTION_ID, LINK_URL, respond
from tests.domain.test_reason_catalogue import SPEC_REASONS
from tests.fakes import CREDS, SGR, Result, colour_codes, invoke, pin_terminal
from tests.spec import validate_response

LABELS = [*SPEC_REASONS, "(no reason given)", "NEEDS_UPDATE (needs-update state)"]
NOTE = f"note: {DISCLAIMER}"


@pytest.fixture(autouse=True)
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_terminal(monkeypatch, columns=80)


def catalogue(*args: str, tty: bool = False, env: dict[str, str] | None = None) -> Result:
    """The catalogue with no credentials and a Rutter that fails the test on any request."""
    rutter = builders.FakeRutter(routes={})
    result = invoke(["reasons", *args], transport=rutter.transport, tty=tty, env=env or {})
    assert rutter.requests == []
    return result


def explain(
    doc: dict[str, Any], *args: str, spec_valid: bool = True
) -> tuple[Result, builders.FakeRutter]:
    if spec_valid:
        validate_response("/connections/status", doc)
    rutter = builders.fake_rutter(respond(200, doc))
    result = invoke(["reasons", CONNECTION_ID, *args], transport=rutter.transport)
    return result, rutter


def pairs(stdout: str) -> dict[str, str]:
    """`key: value` lines of the connection explanation (the note after a blank line aside)."""
    block = stdout.split("\n\n")[0]
    split = (line.split(":", 1) for line in block.splitlines())
    return {key: value.strip() for key, value in split}


# -- the catalogue --------------------------------------------------------------------------------


def test_catalogue_piped_lists_every_spec_reason_the_null_reason_and_needs_update() -> None:
    result = catalogue()
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert result.stdout.startswith(NOTE + "\n\n")
    blocks = result.stdout.split("\n\n")[1:]
    assert [block.splitlines()[0] for block in blocks] == LABELS
    for block in blocks:
        keys = [line.split(":", 1)[0].strip() for line in block.splitlines()[1:]]
        assert keys == ["meaning", "who acts", "next step", "re-auth helps"], block


def test_catalogue_piped_entry_in_full() -> None:
    blocks = catalogue().stdout.split("\n\n")
    (entry,) = [b for b in blocks if b.startswith("FAILED TO AUTHENTICATE\n")]
    assert entry == (
        "FAILED TO AUTHENTICATE\n"
        "  meaning:       The platform rejected the stored credentials: password changed or "
        "access revoked.\n"
        "  who acts:      merchant\n"
        "  next step:     Send the merchant link_url to sign in again.\n"
        "  re-auth helps: yes"
    )
    (needs_update,) = [b for b in blocks if b.startswith("NEEDS_UPDATE")]
    assert "  re-auth helps: yes" in needs_update
    assert "link_url" in needs_update


def test_catalogue_json() -> None:
    result = catalogue("-o", "json")
    assert result.exit_code == 0, result.stderr
    entries = json.loads(result.stdout)
    assert [entry["reason"] for entry in entries] == [*SPEC_REASONS, None, "NEEDS_UPDATE"]
    for entry in entries:
        assert set(entry) == {"reason", "kind", "meaning", "actor", "action", "reauth_helps"}
        assert entry["meaning"] and entry["action"]
        assert entry["actor"] in {"merchant", "your team", "Rutter support"}
    by_reason = {entry["reason"]: entry for entry in entries}
    assert by_reason["FAILED TO AUTHENTICATE"]["reauth_helps"] is True
    assert by_reason["SHOP_PAYMENT_REQUIRED"]["reauth_helps"] is False
    assert by_reason["UNKNOWN"]["reauth_helps"] is None
    assert (by_reason[None]["kind"], by_reason[None]["reauth_helps"]) == ("disabled", None)
    assert by_reason["NEEDS_UPDATE"]["kind"] == "needs_update"
    assert by_reason["NEEDS_UPDATE"]["reauth_helps"] is True
    assert [e["reason"] for e in entries if e["reauth_helps"]] == [
        "SHOP_API_KEY_EXPIRED",
        "SHOP_ID_IS_INVALID",
        "FAILED TO AUTHENTICATE",
        "NEEDS_REAUTH",
        "NEEDS_UPDATE",
    ]


def test_catalogue_on_an_80_column_terminal_keeps_every_name_whole() -> None:
    result = catalogue(tty=True)
    assert result.exit_code == 0, result.stderr
    assert colour_codes(result.stdout), "expected colour on a terminal"
    lines = [SGR.sub("", line).rstrip() for line in result.stdout.splitlines()]
    assert max(len(line) for line in lines) <= 80
    # Each name is a heading line of its own, never cut with an ellipsis or folded.
    assert [line for line in lines if line in LABELS] == LABELS
    assert "…" not in result.stdout
    text = " ".join(" ".join(lines).split())
    assert "rutterctl's own reading of each name" in text


def test_catalogue_with_no_color_has_no_colour_codes() -> None:
    result = catalogue(tty=True, env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    assert colour_codes(result.stdout) == []
    assert "FAILED TO AUTHENTICATE" in result.stdout


# -- one connection -------------------------------------------------------------------------------


def test_disabled_with_a_known_reason_explains_it_and_links_the_last_step() -> None:
    # Re-authenticating alone does not help, but the next step ends with reconnecting.
    result, rutter = explain(builders.status_doc(disabled=True, reason="SHOP_PAYMENT_REQUIRED"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"connection:      {CONNECTION_ID}\n"
        "answered by:     profile default · sandbox\n"
        "stage:           DISABLED\n"
        "disabled reason: SHOP_PAYMENT_REQUIRED\n"
        "meaning:         The store's platform plan is unpaid.\n"
        "who acts:        merchant\n"
        "next step:       The merchant must pay or renew the platform plan, then reconnect "
        "through link_url.\n"
        "re-auth helps:   no, not on its own\n"
        f"link_url:        {LINK_URL}\n"
        "\n"
        f"{NOTE}\n"
    )
    assert rutter.paths() == ["/connections", "/connections/status"]
    assert rutter.requests[1].url.params["access_token"] == builders.ACCESS_TOKEN


def test_disabled_where_reauthentication_helps_shows_link_url() -> None:
    result, _ = explain(builders.status_doc(disabled=True, reason="FAILED TO AUTHENTICATE"))
    assert result.exit_code == 0, result.stderr
    shown = pairs(result.stdout)
    assert shown["disabled reason"] == "FAILED TO AUTHENTICATE"
    assert shown["next step"] == "Send the merchant link_url to sign in again."
    assert shown["re-auth helps"] == "yes"
    assert shown["link_url"] == LINK_URL


def test_disabled_with_an_unknown_reason_shows_it_with_a_generic_next_step() -> None:
    doc = builders.status_doc(disabled=True, reason="SHOP_ON_FIRE")
    result, _ = explain(doc, spec_valid=False)
    assert result.exit_code == 0, result.stderr
    shown = pairs(result.stdout)
    assert shown["stage"] == "DISABLED"
    assert shown["disabled reason"] == "SHOP_ON_FIRE"
    assert "does not know" in shown["meaning"]
    assert "contact Rutter support" in shown["next step"]
    assert shown["re-auth helps"] == "unknown"
    assert "link_url" not in shown
    got = json.loads(explain(doc, "-o", "json", spec_valid=False)[0].stdout)
    assert got["disabled_reason"] == "SHOP_ON_FIRE"
    assert got["explanation"]["reason"] == "SHOP_ON_FIRE"
    assert got["explanation"]["reauth_helps"] is None
    assert got["link_url"] is None


def test_disabled_without_a_reason() -> None:
    result, _ = explain(builders.status_doc(disabled=True, reason=None))
    assert result.exit_code == 0, result.stderr
    shown = pairs(result.stdout)
    assert shown["disabled reason"] == "(no reason given)"
    assert shown["meaning"] == "The connection is disabled and Rutter gave no reason."
    assert shown["next step"] == "Contact Rutter support with the connection id and a request id."
    got = json.loads(explain(builders.status_doc(disabled=True), "-o", "json")[0].stdout)
    assert got["disabled_reason"] is None
    assert got["explanation"]["reason"] is None
    assert got["explanation"]["kind"] == "disabled"


def test_needs_update_shows_the_reauthentication_link() -> None:
    result, _ = explain(builders.status_doc(needs_update=True))
    assert result.exit_code == 0, result.stderr
    shown = pairs(result.stdout)
    assert shown["stage"] == "NEEDS_UPDATE"
    assert "disabled reason" not in shown
    assert shown["who acts"] == "merchant"
    assert shown["re-auth helps"] == "yes"
    assert shown["link_url"] == LINK_URL
    assert result.stdout.endswith(f"\n\n{NOTE}\n")


def test_disabled_takes_precedence_over_needs_update() -> None:
    doc = builders.status_doc(disabled=True, reason="SHOP_IS_LOCKED", needs_update=True)
    shown = pairs(explain(doc)[0].stdout)
    assert (shown["stage"], shown["disabled reason"]) == ("DISABLED", "SHOP_IS_LOCKED")


@pytest.mark.parametrize(
    ("overrides", "stage"),
    [
        ({"historical": True}, "ONGOING_SYNC"),
        ({}, "HISTORICAL_SYNC"),
        ({"is_ready": False}, "INITIAL_SYNC"),
    ],
)
def test_healthy_connection_says_neither_and_shows_its_stage(
    overrides: dict[str, Any], stage: str
) -> None:
    result, _ = explain(builders.status_doc(**overrides))
    assert result.exit_code == 0, result.stderr
    shown = pairs(result.stdout)
    assert shown["stage"] == stage
    assert shown["reason"] == "none: the connection is neither disabled nor in need of an update"
    assert "link_url" not in shown
    assert "note:" not in result.stdout


def test_connection_json_documents() -> None:
    needs = json.loads(explain(builders.status_doc(needs_update=True), "-o", "json")[0].stdout)
    assert needs == {
        "connection_id": CONNECTION_ID,
        "stage": "NEEDS_UPDATE",
        "is_disabled": False,
        "needs_update": True,
        "disabled_reason": None,
        "explanation": {
            "reason": "NEEDS_UPDATE",
            "kind": "needs_update",
            "meaning": needs["explanation"]["meaning"],
            "actor": "merchant",
            "action": needs["explanation"]["action"],
            "reauth_helps": True,
        },
        "link_url": LINK_URL,
    }
    healthy = json.loads(explain(builders.status_doc(historical=True), "-o", "json")[0].stdout)
    assert healthy == {
        "connection_id": CONNECTION_ID,
        "stage": "ONGOING_SYNC",
        "is_disabled": False,
        "needs_update": False,
        "disabled_reason": None,
        "explanation": None,
        "link_url": None,
    }
    auth = builders.status_doc(disabled=True, reason="FAILED TO AUTHENTICATE")
    assert json.loads(explain(auth, "-o", "json")[0].stdout)["link_url"] == LINK_URL


# -- errors ---------------------------------------------------------------------------------------


def test_rejected_credentials_exit_4() -> None:
    rutter = builders.fake_rutter(respond(401, builders.error_body("INVALID_CREDENTIALS")))
    result = invoke(["reasons", CONNECTION_ID], transport=rutter.transport)
    assert result.exit_code == 4
    assert result.stdout == ""
    assert "INVALID_CREDENTIALS" in result.stderr
    assert builders.REQUEST_ID in result.stderr


def test_a_connection_needs_credentials() -> None:
    rutter = builders.fake_rutter()
    result = invoke(["reasons", CONNECTION_ID], transport=rutter.transport, env={})
    assert result.exit_code == 4
    assert result.stdout == ""
    assert rutter.requests == []
    # The catalogue, by contrast, works with the same empty environment.
    assert catalogue(env={}).exit_code == 0


def test_rutter_unreachable_exits_7_after_retries() -> None:
    rutter = builders.fake_rutter(builders.connect_error)
    result = invoke(["reasons", CONNECTION_ID], transport=rutter.transport, env=CREDS)
    assert result.exit_code == 7
    assert result.stdout == ""
    assert rutter.hits("/connections/status") > 1
    assert result.clock.sleeps  # backed off on the fake clock, costing no real time


def test_disabled_where_reconnecting_is_not_the_fix_shows_no_link_url() -> None:
    result, _ = explain(builders.status_doc(disabled=True, reason="MANUALLY_DISABLED"))
    assert result.exit_code == 0, result.stderr
    shown = pairs(result.stdout)
    assert shown["who acts"] == "your team"
    assert "link_url" not in shown
    doc, _ = explain(builders.status_doc(disabled=True, reason="MANUALLY_DISABLED"), "-o", "json")
    assert json.loads(doc.stdout)["link_url"] is None


def test_one_connection_on_a_terminal_wraps_under_its_column_and_keeps_link_url_whole() -> None:
    doc = builders.status_doc(disabled=True, reason="SHOP_PAYMENT_REQUIRED")
    rutter = builders.fake_rutter(respond(200, doc))
    result = invoke(["reasons", CONNECTION_ID], transport=rutter.transport, tty=True)
    assert result.exit_code == 0, result.stderr
    lines = [line.rstrip() for line in SGR.sub("", result.stdout).splitlines()]
    assert "\t" not in result.stdout
    assert lines[:4] == [
        f"connection       {CONNECTION_ID}",
        "answered by      profile default · sandbox",
        "stage            DISABLED",
        "disabled reason  SHOP_PAYMENT_REQUIRED",
    ]
    # At 80 columns the next step wraps, indented under its own column.
    step = lines.index("next step        The merchant must pay or renew the platform plan, then")
    assert lines[step + 1] == "                 reconnect through link_url."
    # The link on one line, left for the terminal to wrap: rich would split it mid-URL.
    assert f"link_url         {LINK_URL}" in lines
    assert colour_codes(result.stdout), "the disabled stage is coloured"
    assert lines[-3].startswith("note: Rutter publishes the reason names")


def test_a_healthy_connection_on_a_terminal_has_no_note() -> None:
    rutter = builders.fake_rutter(respond(200, builders.status_doc(historical=True)))
    result = invoke(["reasons", CONNECTION_ID], transport=rutter.transport, tty=True)
    text = SGR.sub("", result.stdout)
    assert "stage        ONGOING_SYNC" in text
    assert "note:" not in text
