"""The one layout rule on the views added this wave, at 80, 100 and 140 columns: no line wider
than the terminal, and the values people copy (ids, URLs, codes, names, durations) whole."""

from __future__ import annotations

import io
import re
import shlex
from datetime import timedelta
from pathlib import Path

import pytest
from rich.console import Console
from rutterctl.domain.watch import Change
from rutterctl.render.layout import Column, continued, fit, plain_lines
from rutterctl.render.sim_view import banner_lines
from rutterctl.render.watch_view import frame

from tests.builders import respond
from tests.fakes import FIXED_NOW, invoke, pin_terminal, visible
from tests.render.test_watch_view import ID, fleet

WIDTHS = (80, 100, 140)
BASE = "http://127.0.0.1:43761/versioned"
SECRET = "sim-secret-not-a-real-rutter-secret"
IDS = [f"{n}1111111-2222-4333-8444-55555555555{n}" for n in range(3)]
TOKENS = [f"{n}aaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeee{n}" for n in range(3)]


def fits(text: str, width: int) -> list[str]:
    lines = visible(text).splitlines()
    assert [line for line in lines if len(line) > width] == []
    return lines


def banner(width: int | None) -> list[str]:
    pairs = [
        ("client id:", "rutterctl-sim"),
        ("control surface:", f"{BASE[:-10]}/_sim/ (same credentials; see docs/simulator.md)"),
    ]
    export = ["export", f"RUTTER_BASE_URL={BASE}", "RUTTER_CLIENT_ID=rutterctl-sim",
              f"RUTTER_CLIENT_SECRET={SECRET}"]  # fmt: skip
    rows = [(f"acme-{n}-needs-update", IDS[n], TOKENS[n], "NEEDS_UPDATE") for n in range(3)]
    return banner_lines(pairs, export, rows, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_sim_serve_banner_fits_and_its_export_line_still_pastes(width: int) -> None:
    lines = fits("\n".join(banner(width)), width)
    text = "\n".join(lines)
    assert all(i in text.split() for i in IDS) and "NEEDS_UPDATE" in text
    # The export line, continued with ` \`, is the same shell words as the one-line form.
    start = next(i for i, line in enumerate(lines) if line.startswith("export "))
    end = next(i for i in range(start, len(lines)) if not lines[i].endswith("\\"))
    command = " ".join(line.removesuffix("\\").strip() for line in lines[start : end + 1])
    assert shlex.split(command) == shlex.split(banner(None)[3])
    if width == 80:  # the tokens go first; the footer says where they are
        assert TOKENS[0] not in text and "not shown at 80 columns: ACCESS TOKEN" in text
    if width == 140:
        assert all(t in text.split() for t in TOKENS)


def test_the_banner_piped_is_as_it_always_was() -> None:
    lines = banner(None)
    assert lines[0] == f"client id:       rutterctl-sim"  # noqa: F541 - the exact padding
    assert lines[3] == (
        f"export RUTTER_BASE_URL={BASE} RUTTER_CLIENT_ID=rutterctl-sim "
        f"RUTTER_CLIENT_SECRET={SECRET}"
    )
    assert lines[5].split() == ["NAME", "ID", "ACCESS", "TOKEN", "STAGE"]
    assert lines[6] == f"acme-0-needs-update  {IDS[0]}  {TOKENS[0]}  NEEDS_UPDATE"


def test_plain_lines_wrap_prose_at_words_and_pad_whole_cells() -> None:
    columns = [Column("id", "id"), Column("note", "note", whole=False, min_width=10)]
    rows = [[IDS[0], "a reason that is long enough to wrap twice here"]]
    lines = plain_lines(fit(columns, rows, 60), rows)
    assert all(len(line) <= 60 for line in lines)
    assert lines[1].startswith(IDS[0] + "  a reason")
    assert lines[2].startswith(" " * 38) and "twice" in " ".join(lines)


def test_a_continued_command_breaks_between_words_only() -> None:
    words = ["rutterctl", "fetch", "orders", IDS[0], "--created-since", "7d", "--all"]
    text = continued(words, 50)
    assert all(len(line) <= 50 for line in text.splitlines()) and text.count("\n") == 2
    assert text.replace(" \\\n    ", " ") == " ".join(words)
    assert continued(words, None) == " ".join(words)


@pytest.mark.parametrize("width", WIDTHS)
def test_sim_scenarios_and_events_on_a_terminal(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin_terminal(monkeypatch, width)
    result = invoke(["sim", "scenarios"], tty=True)
    assert result.exit_code == 0, result.stderr
    text = " ".join(fits(result.stdout, width))
    assert "disabled-shop-is-disabled-or-expired," in text.split() and "(INITIAL_UPDATE)," in text
    result = invoke(["sim", "events"], tty=True)
    assert result.exit_code == 0, result.stderr
    words = " ".join(fits(result.stdout, width)).split()
    assert {"CONNECTION_NEEDS_UPDATE", "entities_included_to_time_range)", "tampered,"} <= set(
        words
    )


def test_sim_scenarios_and_events_piped_stay_one_line_each() -> None:
    out = invoke(["sim", "scenarios"]).stdout
    assert re.search(r"^stalled\tSyncs that stop moving.*keeps moving\.$", out, re.M)
    out = invoke(["sim", "events"]).stdout
    assert re.search(
        r"^CONNECTION_UPDATED +CONNECTION +state change +the merchant .*sync$", out, re.M
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_webhooks_verify_report_wraps_beside_its_keys(
    width: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pin_terminal(monkeypatch, width)
    body = tmp_path / "body.json"
    body.write_text(f'{{"type":"CONNECTION","code":"INITIAL_UPDATE","connection_id":"{ID}"}}')
    result = invoke(["webhooks", "verify", str(body), "--signature", "A" * 60], tty=True)
    assert result.exit_code == 11
    lines = fits(result.stdout, width)
    assert ID in " ".join(lines).split() and "X-Rutter-Signature:" in " ".join(lines)
    assert lines[0].startswith("event") and "INITIAL_UPDATE" in lines[0]


@pytest.mark.parametrize("width", WIDTHS)
def test_watch_keeps_the_stall_count_and_cuts_a_change_between_words(width: int) -> None:
    watched, _ = fleet(n_ongoing=1)
    message = "no completed sync for 1h05m25s (since 2026-11-28T10:54:35Z; stall threshold 30m00s)"
    stall = Change("stalled", "stuck", ID, FIXED_NOW, None, None, "INITIAL_SYNC",
                   (("message", message),))  # fmt: skip
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=False, color_system=None)
    header = f"watching 4 · every 10s · profile production · {BASE}"
    now = FIXED_NOW + timedelta(minutes=11)
    console.print(frame(watched, [stall], now, width=width, height=40, header=header))
    lines = fits(out.getvalue(), width)
    assert "1 stalled" in lines[0] and BASE in lines[0].split()
    last = lines[-1]
    assert last.startswith("12:00:00 stuck STALLED:")
    shown = last.removesuffix("…").split()
    assert shown == (f"12:00:00 stuck STALLED: {message}".split())[: len(shown)]


def test_watch_says_a_last_sync_ahead_of_this_clock_is_ahead_not_0s() -> None:
    from rutterctl.render.watch_view import row

    watched, _ = fleet(n_ongoing=1)
    ongoing = watched[3]  # its last sync: 2026-11-28T11:55:00Z
    assert row(ongoing, FIXED_NOW - timedelta(hours=1))[5] == "55m ahead"
    assert row(ongoing, FIXED_NOW)[5] == "5m"


CA = "/very/long/path/to/a/private/certificate/authority/bundle/for/proxy.pem"


@pytest.mark.parametrize("width", WIDTHS)
def test_config_list_keeps_a_long_value_whole(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    pin_terminal(monkeypatch, width)
    result = invoke(["config", "list"], tty=True, env={"RUTTERCTL_CA_BUNDLE": CA})
    assert result.exit_code == 0, result.stderr
    lines = fits(result.stdout, width)
    assert CA in [word for line in lines for word in line.split()]
    if width == 140:
        assert any(line.split()[:3] == ["ca_bundle", CA, "environment"] for line in lines)


def test_config_list_piped_is_tab_separated() -> None:
    out = invoke(["config", "list"], env={"RUTTERCTL_CA_BUNDLE": CA}).stdout.splitlines()
    assert out[2] == "key\tvalue\tsource"
    assert f"ca_bundle\t{CA}\tenvironment (RUTTERCTL_CA_BUNDLE)" in out[3:]


@pytest.mark.parametrize("width", WIDTHS)
def test_check_and_connections_find(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.render.test_widths import IDS as FLEET_IDS
    from tests.render.test_widths import STORE, _fleet, shown, status_doc

    listing = respond(200, _fleet())
    needs = respond(200, status_doc(disabled=True, reason="SHOP_IS_LOCKED"))
    text = shown(["check"], width, monkeypatch, connections=listing, status=needs)
    words = text.split()
    assert all(i in words for i in FLEET_IDS) and "SHOP_IS_LOCKED" in text
    text = shown(["connections", "find", "acme"], width, monkeypatch, connections=listing)
    assert all(i in text.split() for i in FLEET_IDS) and text.count(STORE) == 3


@pytest.mark.parametrize("width", WIDTHS)
def test_alias_list_and_auth_status(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.builders import CONNECTION_ID, connections_doc, fake_rutter, status_doc

    pin_terminal(monkeypatch, width)
    rutter = fake_rutter(respond(200, status_doc()), connections=respond(200, connections_doc()))
    name = "acme-historical-outfitters-eu-west"
    assert invoke(["alias", "set", name, CONNECTION_ID], transport=rutter.transport).exit_code == 0
    result = invoke(["alias", "list"], transport=rutter.transport, tty=True)
    assert result.exit_code == 0, result.stderr
    words = " ".join(fits(result.stdout, width)).split()
    assert name in words and CONNECTION_ID in words
    result = invoke(["auth", "status"], transport=rutter.transport, tty=True)
    assert result.exit_code == 0, result.stderr
    assert "accepted by Rutter" in " ".join(fits(result.stdout, width))


def test_plain_lines_pad_wide_characters_by_their_cells() -> None:
    columns = [Column("name", "name"), Column("stage", "stage")]
    rows = [["東京ストア", "DISABLED"], ["acme", "ONGOING_SYNC"]]
    lines = plain_lines(fit(columns, rows, 80), rows)
    assert lines[1].index("DISABLED") + 5 == lines[2].index("ONGOING_SYNC")  # 5 wide: 10 cells
