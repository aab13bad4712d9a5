"""One loopback rule (rutterctl.hosts) for the client's plain-http check and for binding."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rutterctl.hosts import is_loopback, literal_host, url_host

# IP literals and localhost without resolving: tests/api/test_client.py::test_is_loopback.


def test_names_are_resolved_only_for_binding(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name that resolves to 127.0.0.1 may be bound as loopback, but credentials never go in
    clear text to it: what DNS says today is not a promise."""

    def resolve(host: str, *_args: Any, **_kwargs: Any) -> list[Any]:
        if host == "nowhere.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        address = "127.0.0.1" if host == "dev.test" else "203.0.113.5"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 0))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    assert is_loopback("dev.test", resolve=True) is True
    assert is_loopback("dev.test") is False
    assert is_loopback("far.test", resolve=True) is False
    assert is_loopback("nowhere.invalid", resolve=True) is False  # cannot be bound either
    assert is_loopback("0.0.0.0", resolve=True) is False and is_loopback("::1", resolve=True)
    assert literal_host("dev.test") == "127.0.0.1" and literal_host("localhost") == "127.0.0.1"
    assert literal_host("[::1]") == "::1" and url_host("::1") == "[::1]"


def test_listen_does_not_load_the_simulator(tmp_path: Path) -> None:
    """listen's server and host rules are its own: a real `rutterctl listen` loads none of the
    simulator (its app, state and data)."""
    probe = (
        "import sys\n"
        "sys.argv = ['rutterctl', 'listen', '--port', '0', '--timeout', '0.01']\n"
        "from rutterctl.__main__ import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    print('exit', exc.code)\n"
        "print(sorted(m for m in sys.modules if m.startswith('rutterctl.sim')))\n"
    )
    env = {
        **os.environ,
        "RUTTER_CLIENT_ID": "id",
        "RUTTER_CLIENT_SECRET": "secret",
        "RUTTERCTL_CONFIG_DIR": str(tmp_path / "config"),
        "RUTTERCTL_CACHE_DIR": str(tmp_path / "cache"),
    }
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    assert run.stdout.splitlines()[1:] == ["exit 124", "[]"], run.stderr
