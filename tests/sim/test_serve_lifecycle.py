"""Audit (issue 3): `sim serve` failures are one line with exit 2, and leave nothing running."""

from __future__ import annotations

import socket
import threading

from tests.fakes import invoke


def test_a_port_in_use_is_one_line_and_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        before = {t.name for t in threading.enumerate()}
        result = invoke(
            ["sim", "serve", "--port", str(port), "--webhook-url", "http://127.0.0.1:9/hooks"]
        )
    assert result.exit_code == 2, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use; "
        "pick another --port, or --port 0 for a free one"
    ]
    assert "listening" not in result.stdout and "Traceback" not in result.stderr
    # Neither the server, its ticker nor the webhook sender was left behind.
    leftover = {t.name for t in threading.enumerate()} - before
    assert not leftover & {"sim-http", "sim-ticker", "sim-webhooks"}
