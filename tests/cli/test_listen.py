"""`rutterctl listen` in process: an alias as --connection, table lines, forward failures shown,
usage errors. (The loop with the installed programs is in tests/e2e/test_listen_e2e.py.)"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from rutterctl.domain.signature import sign
from rutterctl.sim.app import SimApp
from rutterctl.sim.state import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

from tests.fakes import CLIENT_SECRET, FakeClock, invoke
from tests.sim.support import CLI_BASE_URL, harness


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def when_up(port: int, action: Callable[[str], None]) -> threading.Thread:
    """Run `action(url)` once the listener accepts connections (a bounded wait for the socket)."""

    def run() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.02)
        action(f"http://127.0.0.1:{port}/webhooks")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def deliver(url: str, doc: dict[str, Any], secret: str = CLIENT_SECRET) -> int:
    raw = json.dumps(doc, separators=(",", ":")).encode()
    answer = httpx.post(url, content=raw, headers={"X-Rutter-Signature": sign(raw, secret)})
    return answer.status_code


def test_until_an_event_for_an_aliased_connection() -> None:
    h = harness()
    env = {
        "RUTTER_BASE_URL": CLI_BASE_URL,
        "RUTTER_CLIENT_ID": DEFAULT_CLIENT_ID,
        "RUTTER_CLIENT_SECRET": DEFAULT_CLIENT_SECRET,
    }
    transport = httpx.WSGITransport(app=SimApp(h.sim))
    conn = h.sim.get("acme-initial")
    alias = invoke(["alias", "set", "shop", conn.id], env=env, transport=transport)
    assert alias.exit_code == 0, alias.stderr
    port = free_port()
    answers: list[int] = []

    def send(url: str) -> None:
        other = {"type": "CONNECTION", "code": "INITIAL_UPDATE", "connection_id": "someone-else"}
        answers.append(deliver(url, other, DEFAULT_CLIENT_SECRET))
        # Only the access token names it here: the alias resolved to both id and token.
        mine = {"type": "CONNECTION", "code": "INITIAL_UPDATE", "access_token": conn.access_token}
        answers.append(deliver(url, mine, DEFAULT_CLIENT_SECRET))

    sender = when_up(port, send)
    args = ["listen", "--port", str(port), "--until", "INITIAL_UPDATE", "--connection", "shop"]
    result = invoke([*args, "--timeout", "1m"], env=env, transport=transport)
    sender.join(10)
    assert result.exit_code == 0, result.stderr
    assert answers == [200, 200]
    lines = result.stdout.splitlines()
    assert lines[0] == f"rutterctl-listen listening on http://127.0.0.1:{port}/webhooks"
    assert len(lines) == 2 and "  INITIAL_UPDATE  -  -  200" in lines[1]
    assert conn.access_token not in result.stdout


def test_a_forward_target_that_is_down_is_shown_not_fatal() -> None:
    port, dead = free_port(), free_port()
    answers: list[int] = []
    doc = {"type": "CONNECTION", "code": "CONNECTION_DISABLED", "connection_id": "c-9"}
    sender = when_up(port, lambda url: answers.append(deliver(url, doc)))
    result = invoke(
        [
            "listen",
            "--port",
            str(port),
            "--forward-to",
            f"http://127.0.0.1:{dead}/hooks",
            "--until",
            "CONNECTION_DISABLED",
        ]
    )
    sender.join(10)
    assert result.exit_code == 0, result.stderr
    assert answers == [200]
    assert "  CONNECTION_DISABLED  c-9  -  200  -> ConnectError: " in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--path", "hooks"], "--path must start with '/'"),
        (["--forward-to", "ftp://x"], "--forward-to must be an http(s) URL"),
        (["--timeout", "soon"], "--timeout 'soon' is not a duration"),
        (["--host", "192.0.2.1"], "not a loopback address"),
    ],
)
def test_usage_errors(args: list[str], message: str) -> None:
    result = invoke(["listen", "--port", "0", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and message in result.stderr


def test_a_host_that_does_not_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    def nxdomain(*_args: Any, **_kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", nxdomain)  # no DNS asked in a test
    result = invoke(["listen", "--host", "hooks.example", "--allow-remote", "--port", "0"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: cannot resolve --host hooks.example: Name or service not known; "
        "give an IP address, or a name this machine resolves\n"
    )


def test_no_secret_no_listening() -> None:
    result = invoke(["listen", "--port", "0"], env={})
    assert result.exit_code == 4 and "to verify webhook signatures" in result.stderr


def test_a_port_in_use() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke(["listen", "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}: ")
    assert "--port 0 for a free one" in result.stderr


class RunningClock(FakeClock):
    """Each reading is a minute later: listen's --timeout passes after its first real check."""

    def monotonic(self) -> float:
        self.elapsed += 60
        return super().monotonic()


def test_allow_remote_binds_every_address_and_timeout_exits_124() -> None:
    result = invoke(
        ["listen", "--host", "0.0.0.0", "--allow-remote", "--port", "0", "--timeout", "5m"],
        clock=RunningClock(),
    )
    assert result.exit_code == 124
    banner = r"rutterctl-listen listening on http://0\.0\.0\.0:\d+/webhooks\n"
    assert re.match(banner, result.stdout)
    assert result.stderr == "error: --timeout 5m reached\n"


def test_a_mistyped_event_code_is_noted_with_the_close_match() -> None:
    args = ["listen", "--port", "0", "--timeout", "5m", "--events", "INITIAL_UPDAT,NEW_CODE"]
    result = invoke([*args, "--until", "historical_updte"], clock=RunningClock())
    assert result.exit_code == 124
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert notes == [
        "note: --events INITIAL_UPDAT is not a code Rutter documents; did you mean "
        "INITIAL_UPDATE? (listening for it as given)",
        "note: --until HISTORICAL_UPDTE is not a code Rutter documents; did you mean "
        "HISTORICAL_UPDATE? (listening for it as given)",
    ]  # a code close to none (a newer one) is taken as it is
