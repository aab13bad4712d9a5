"""Data from Rutter never drives the terminal: control characters in it are shown escaped."""

from __future__ import annotations

import json

import pytest

from tests import builders
from tests.builders import respond
from tests.fakes import invoke

ESC = "\x1b]0;pwned\x07\x1b[31m"  # retitle the terminal, then turn text red
SHOWN = "\\x1b]0;pwned\\x07\\x1b[31m"


def hostile() -> builders.FakeRutter:
    doc = builders.status_doc(disabled=True, reason=f"SHOP{ESC}")
    history = doc["status"]["historical_sync_status"]
    history["total"][f"orders{ESC}"] = history["total"].pop("orders")
    history["batches"][0]["progress_info"][f"orders{ESC}"] = history["batches"][0][
        "progress_info"
    ].pop("orders")
    store = builders.access_token_doc(name=f"Acme{ESC}", domain="acme.example")
    return builders.fake_rutter(respond(200, doc), store=respond(200, store))


@pytest.mark.parametrize("command", ["status", "batches", "reasons"])
@pytest.mark.parametrize("tty", [False, True])
def test_control_characters_in_rutter_data_are_escaped(command: str, tty: bool) -> None:
    result = invoke([command, builders.CONNECTION_ID], transport=hostile().transport, tty=tty)
    assert result.exit_code == 0, result.stderr
    assert "\x07" not in result.stdout and "]0;pwned" not in result.stdout.replace(SHOWN, "")
    assert SHOWN in result.stdout
    if not tty:
        assert "\x1b" not in result.stdout


def test_json_keeps_the_data_as_given() -> None:
    result = invoke(["status", builders.CONNECTION_ID, "-o", "json"], transport=hostile().transport)
    assert json.loads(result.stdout)["disabled_reason"] == f"SHOP{ESC}"


@pytest.mark.parametrize("args", [[], ["-o", "json"]])
def test_a_lone_surrogate_in_rutter_data_is_shown_escaped_not_a_crash(args: list[str]) -> None:
    store = json.dumps(builders.access_token_doc(name="Acme \ud800", domain="acme.example"))
    rutter = builders.fake_rutter(store=respond(200, content=store.encode()))
    result = invoke(["status", builders.CONNECTION_ID, *args], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    if args:
        assert json.loads(result.stdout)["store_name"] == "Acme \ud800"  # the same value back
    else:
        assert "Acme \\ud800 (acme.example)" in result.stdout
