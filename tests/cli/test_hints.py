"""Hints and errors say the command the user can copy: the name they typed, the profile when
it is not the default, the real link_url."""

from __future__ import annotations

import re

from tests import builders
from tests.builders import CONNECTION_ID, LINK_URL, error_body, fake_rutter, respond
from tests.fakes import CREDS, invoke


def _alias_acme(rutter: builders.FakeRutter, *profile: str) -> None:
    result = invoke([*profile, "alias", "set", "acme", CONNECTION_ID], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr


def _status(doc: dict[str, object], *args: str) -> str:
    rutter = fake_rutter(respond(200, doc))
    result = invoke(["status", *args], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_next_step_names_the_alias_typed_not_a_placeholder() -> None:
    rutter = fake_rutter(respond(200, builders.status_doc(is_ready=False, last_sync=None)))
    _alias_acme(rutter)
    result = invoke(["status", "acme"], transport=rutter.transport)
    assert "(`rutterctl wait-ready acme`)" in result.stdout
    assert "CONNECTION" not in result.stdout


def test_next_step_names_the_profile_when_it_is_not_the_default() -> None:
    assert invoke(["config", "set", "--profile", "prod", "environment", "sandbox"]).exit_code == 0
    rutter = fake_rutter(respond(200, builders.status_doc(disabled=True, reason="TUNNEL_ERROR")))
    result = invoke(["--profile", "prod", "status", CONNECTION_ID], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    assert f"`rutterctl --profile prod reasons {CONNECTION_ID}`" in result.stdout


def test_missing_credentials_hint_names_the_profile() -> None:
    assert invoke(["config", "set", "--profile", "prod", "environment", "sandbox"]).exit_code == 0
    result = invoke(["--profile", "prod", "status", CONNECTION_ID], env={})
    assert result.exit_code == 4
    assert "`rutterctl --profile prod auth login`" in result.stderr


def test_a_hint_naming_the_profile_already_does_not_get_it_twice() -> None:
    result = invoke(["--profile", "prod", "status", CONNECTION_ID], env={})
    assert result.exit_code == 2
    assert "`rutterctl config set --profile prod environment ENV`" in result.stderr
    assert "`rutterctl auth login --profile prod`" in result.stderr
    assert result.stderr.count("--profile prod") == 2


def test_an_access_token_typed_is_never_echoed_in_a_hint() -> None:
    doc = builders.status_doc(is_ready=False, last_sync=None)
    out = _status(doc, builders.ACCESS_TOKEN)
    assert builders.ACCESS_TOKEN not in out
    assert f"`rutterctl wait-ready {CONNECTION_ID}`" in out


def test_ready_is_no_for_a_disabled_or_needs_update_connection() -> None:
    for flags in ({"disabled": True, "reason": "SHOP_IS_LOCKED"}, {"needs_update": True}):
        out = _status(builders.status_doc(**flags), CONNECTION_ID)  # is_ready stays true
        assert re.search(r"^ready:\s+no: (DISABLED|NEEDS_UPDATE) ", out, flags=re.MULTILINE)
    assert re.search(r"^ready:\s+yes$", _status(builders.status_doc(), CONNECTION_ID), re.M)


def test_a_stale_ongoing_connection_says_what_to_check() -> None:
    doc = builders.status_doc(historical=True, last_sync="2026-11-28T08:40:00.000Z")
    rutter = fake_rutter(respond(200, doc))
    result = invoke(["status", CONNECTION_ID], transport=rutter.transport)
    assert "last sync completed 200 minutes ago" in result.stderr
    assert "Nothing to do" not in result.stdout
    assert "Check the store is online" in result.stdout
    assert f"contact Rutter support with connection id {CONNECTION_ID}" in result.stdout


def test_fetch_needs_update_error_gives_the_real_link_url_and_the_name() -> None:
    rutter = fake_rutter(
        respond(200, builders.status_doc(needs_update=True)),
        orders=respond(400, error_body("NEEDS_UPDATE")),
    )
    _alias_acme(rutter)
    result = invoke(["fetch", "orders", "acme"], transport=rutter.transport)
    assert result.exit_code == 5
    assert f"send the merchant {LINK_URL} (`rutterctl status acme` shows it)" in result.stderr


def test_fetch_not_ready_hint_names_the_connection() -> None:
    rutter = fake_rutter(orders=respond(400, error_body("PRODUCT_NOT_READY")))
    _alias_acme(rutter)
    result = invoke(["fetch", "orders", "acme"], transport=rutter.transport)
    assert result.exit_code == 8
    assert "`rutterctl wait-ready acme`" in result.stderr and "CONNECTION" not in result.stderr


def test_wait_ready_disabled_error_gives_link_url_and_reads_as_one_sentence() -> None:
    doc = builders.status_doc(disabled=True, reason="SHOP_PAYMENT_REQUIRED")
    rutter = fake_rutter(respond(200, doc))
    result = invoke(["wait-ready", CONNECTION_ID], transport=rutter.transport, env=CREDS)
    assert result.exit_code == 6
    [error] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert "plan is unpaid; the merchant must pay" in error
    assert f"then reconnect through {LINK_URL}" in error


def test_the_resume_cursor_is_shell_quoted() -> None:
    page = builders.orders_doc(next_cursor="eu elit aliquip")
    rutter = fake_rutter(orders=respond(200, page))
    result = invoke(["fetch", "orders", CONNECTION_ID, "-o", "ndjson"], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    assert "--cursor 'eu elit aliquip'" in result.stderr


def test_wait_ready_error_hints_name_the_profile() -> None:
    assert invoke(["config", "set", "--profile", "prod", "environment", "sandbox"]).exit_code == 0
    rutter = fake_rutter(respond(401, error_body("INVALID_CREDENTIALS", error_type="AUTH")))
    _alias_acme(rutter, "--profile", "prod")
    result = invoke(["--profile", "prod", "wait-ready", "acme"], transport=rutter.transport)
    assert result.exit_code == 4, result.stderr
    assert "`rutterctl --profile prod auth status`" in result.stderr


def test_not_found_suggests_searching_for_the_name_typed_but_never_a_uuid() -> None:
    rutter = fake_rutter(respond(200, builders.status_doc()))
    result = invoke(["status", "acme shop"], transport=rutter.transport)
    assert result.exit_code == 3
    assert "`rutterctl connections find 'acme shop'`" in result.stderr
    token = "0bad0bad-3b0c-4f4e-9d55-1c2a3b4c5d6e"  # perhaps another environment's token
    rutter = fake_rutter(respond(401, error_body("INVALID_CREDENTIALS")))
    result = invoke(["status", token], transport=rutter.transport)
    assert result.exit_code == 3 and token not in result.stderr


def test_watch_error_hints_name_the_profile() -> None:
    assert invoke(["config", "set", "--profile", "prod", "environment", "sandbox"]).exit_code == 0
    rutter = fake_rutter(respond(200, builders.status_doc(disabled=True, reason="TUNNEL_ERROR")))
    args = ["--profile", "prod", "watch", CONNECTION_ID, "--until", "ready", "-o", "ndjson"]
    result = invoke(args, transport=rutter.transport)
    assert result.exit_code == 6, result.stderr
    assert f"`rutterctl --profile prod reasons {CONNECTION_ID}`" in result.stderr
