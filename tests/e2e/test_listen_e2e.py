"""The local webhook loop over loopback, installed programs only: `rutterctl sim serve
--webhook-url` -> `rutterctl listen --forward-to` -> a forward target (a stdlib HTTP server
here), driven by `rutterctl sim trigger`; and what bad input does to the listener (nothing)."""

from __future__ import annotations

import hashlib
import json
import os
import queue
import selectors
import signal
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from rutterctl.domain.signature import sign
from rutterctl.sim.state import derived_uuid

from tests.e2e.conftest import RUTTERCTL, RunningSim

pytestmark = pytest.mark.e2e
SECRET = "sim-secret-not-a-real-rutter-secret"
BANNER = "rutterctl-listen listening on "


@dataclass
class Listener:
    process: subprocess.Popen[str]
    url: str
    _lines: queue.Queue[str | None] = field(default_factory=queue.Queue)
    _reader: threading.Thread | None = None

    def read(self, count: int, timeout: float = 15.0) -> list[dict[str, Any]]:
        """The next `count` NDJSON objects (a reader thread waits on the pipe; no sleeping)."""
        assert self.process.stdout is not None
        if self._reader is None:
            self._reader = threading.Thread(target=self._pump, daemon=True)
            self._reader.start()
        got: list[dict[str, Any]] = []
        while len(got) < count:
            try:
                line = self._lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"listen printed {got} then nothing") from None
            assert line is not None, f"listen ended (exit {self.process.wait(5)}) after {got}"
            got.append(json.loads(line))
        return got

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def rest(self) -> list[dict[str, Any]]:
        """Every object printed until the process ended."""
        self.read(0)
        assert self._reader is not None
        self._reader.join(10)
        lines = []
        while (line := self._lines.get_nowait()) is not None:
            lines.append(json.loads(line))
        return lines

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(10)
        if self._reader is None and self.process.stdout is not None:
            self.process.stdout.close()  # else the reader thread reads it to its end
        if self.process.stderr is not None:
            self.process.stderr.close()
        return code


def _env(workdir: Path, base_url: str = "http://127.0.0.1:9/versioned") -> dict[str, str]:
    return {
        **os.environ,
        "RUTTER_BASE_URL": base_url,
        "RUTTER_CLIENT_ID": "rutterctl-sim",
        "RUTTER_CLIENT_SECRET": SECRET,
        "RUTTERCTL_CONFIG_DIR": str(workdir / "config"),
        "RUTTERCTL_CACHE_DIR": str(workdir / "cache"),
        "RUTTERCTL_NO_KEYRING": "1",
        "NO_COLOR": "1",
    }


def start_listen(workdir: Path, *args: str) -> Listener:
    process = subprocess.Popen(
        [RUTTERCTL, "listen", "--port", "0", "-o", "ndjson", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(workdir),
    )
    assert process.stderr is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stderr, selectors.EVENT_READ)
        if not selector.select(20):
            process.kill()
            raise AssertionError("rutterctl listen printed nothing")
    first = process.stderr.readline()
    assert first.startswith(BANNER), first
    return Listener(process, first[len(BANNER) :].strip())


@pytest.fixture
def loop(
    tmp_path: Path, launch: Callable[..., RunningSim], listener: tuple[str, list[Any]]
) -> Iterator[tuple[Listener, RunningSim, list[tuple[bytes, str]]]]:
    """sim serve -> listen -> the developer's own receiver (conftest's `listener`)."""
    url, received = listener
    listening = start_listen(tmp_path, "--forward-to", url)
    try:
        sim = launch("--webhook-url", listening.url)
        yield listening, sim, received
    finally:
        listening.stop()


def test_the_local_loop(loop: Any) -> None:
    listener, sim, forwarded = loop

    def trigger(*args: str) -> None:
        result = sim.run("sim", "trigger", *args)
        assert result.returncode == 0, result.stderr

    initial = sim.connections["acme-initial"]["id"]
    trigger("acme-initial", "INITIAL_UPDATE")
    trigger("acme-ongoing", "ORDER_CREATED", "--signature", "tampered")
    trigger("acme-ongoing", "ORDER_CREATED", "--signature", "hex")
    trigger("acme-ongoing", "ORDER_CREATED", "--signature", "reserialized")
    trigger("acme-ongoing", "CONNECTION_NEEDS_UPDATE", "--copies", "2")
    trigger("acme-ongoing", "FUTURE_EVENT", "--field", 'shiny={"new": true}')
    seen = listener.read(7)
    assert [(d["code"], d["status"], d["duplicate"]) for d in seen] == [
        ("INITIAL_UPDATE", 200, False),
        ("ORDER_CREATED", 401, False),
        ("ORDER_CREATED", 401, False),
        ("ORDER_CREATED", 401, False),
        ("CONNECTION_NEEDS_UPDATE", 200, False),
        ("CONNECTION_NEEDS_UPDATE", 200, True),
        ("FUTURE_EVENT", 200, False),
    ]
    assert seen[0]["connection_id"] == initial
    assert [d["signature"]["kind"] for d in seen[1:4]] == ["mismatch", "hex", "reserialized"]
    assert "JSON.stringify" in seen[3]["signature"]["message"]
    assert seen[4]["payload"]["update_url"].startswith("https://link.rutter-sim.invalid/")
    assert seen[4]["payload"]["access_token"].startswith("****")  # a secret, masked
    assert seen[6]["known_code"] is False and seen[6]["payload"]["shiny"] == {"new": True}
    # Each accepted event forwarded once, the duplicate not again, the answer code shown.
    assert [d["forward"] and d["forward"]["status"] for d in seen] == [
        204,
        None,
        None,
        None,
        204,
        None,
        204,
    ]
    assert len(forwarded) == 3
    for (body, signature), shown in zip(forwarded, [seen[0], seen[4], seen[6]], strict=True):
        # Untouched: the receiver verifies exactly what the simulator signed.
        assert signature == sign(body, SECRET)
        assert hashlib.sha256(body).hexdigest() == shown["body_sha256"]
        assert json.loads(body)["code"] == shown["code"]
    assert listener.process.poll() is None


def _raw(url: str, data: bytes) -> bytes:
    parts = httpx.URL(url)
    with socket.create_connection((parts.host, parts.port), timeout=10) as conn:
        conn.sendall(data)
        return conn.recv(4096)


def test_bad_input_never_stops_the_listener(loop: Any) -> None:
    listener, sim, forwarded = loop
    parts = httpx.URL(listener.url)
    # Slow clients: half a request line, and headers promising more body than ever comes;
    # more of them than waitress's default limit of open connections (100), which would make
    # it stop accepting until they are cut off for idling.
    slow = [socket.create_connection((parts.host, parts.port)) for _ in range(300)]
    for i, conn in enumerate(slow):
        conn.sendall(b"POST /webhooks HT" if i % 2 else b"POST /webhooks HTTP/1.1\r\n")
    stuck = socket.create_connection((parts.host, parts.port))
    stuck.sendall(b"POST /webhooks HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    try:
        huge = _raw(
            listener.url,
            b"POST /webhooks HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n",
        )
        assert huge.startswith(b"HTTP/1.1 413")
        big = httpx.post(listener.url, content=b"[" + b"1," * 600_000 + b"1]", timeout=10)
        assert big.status_code == 413
        for bad in (b"{not json", b"", b"\xff\xfe", b"[1, 2]"):
            signed = {"X-Rutter-Signature": sign(bad, SECRET)}
            answer = httpx.post(listener.url, content=bad, headers=signed, timeout=10)
            assert answer.status_code == 400, bad
        assert httpx.post(listener.url, content=b"{not json", timeout=10).status_code == 401
        assert httpx.get(listener.url, timeout=10).status_code == 405
        assert httpx.post(listener.url + "/x", content=b"{}").status_code == 404
        # While all of that hangs around, a real delivery is received and forwarded.
        result = sim.run("sim", "trigger", "acme-ongoing", "PRODUCT_UPDATED")
        assert result.returncode == 0, result.stderr
        seen = listener.read(6)
    finally:
        for conn in [*slow, stuck]:
            conn.close()
    assert [d["status"] for d in seen] == [400, 400, 400, 400, 401, 200]
    assert "not JSON" in seen[0]["error"] and "not an object" in seen[3]["error"]
    assert seen[4]["signature"]["kind"] == "missing" and seen[4]["code"] is None
    assert seen[5]["code"] == "PRODUCT_UPDATED" and len(forwarded) == 1
    assert listener.process.poll() is None


def test_until_exits_0_when_the_event_arrives_for_that_connection(
    tmp_path: Path, launch: Callable[..., RunningSim]
) -> None:
    initial = derived_uuid(0, "id:acme-initial")  # the fleet's ids follow from its seed
    listener = start_listen(
        tmp_path, "--until", "INITIAL_UPDATE", "--connection", initial, "--timeout", "60"
    )
    try:
        sim = launch("--webhook-url", listener.url)
        assert sim.connections["acme-initial"]["id"] == initial
        # Another connection's INITIAL_UPDATE (delivered first: one sender, in order) neither
        # ends the wait nor is shown...
        assert sim.run("sim", "trigger", "acme-ongoing", "INITIAL_UPDATE").returncode == 0
        # ...the simulated clock reaching acme-initial's first batch does, with exit 0.
        sim.control("POST", "/clock/advance", {"duration": "20m"})
        assert listener.process.wait(20) == 0
        shown = listener.rest()
    finally:
        listener.stop()
    assert [(d["code"], d["connection_id"]) for d in shown] == [("INITIAL_UPDATE", initial)]


def test_timeout_exits_124(tmp_path: Path) -> None:
    listener = start_listen(tmp_path, "--until", "INITIAL_UPDATE", "--timeout", "0.3")
    assert listener.process.wait(20) == 124
    assert listener.process.stderr is not None
    assert "error: no INITIAL_UPDATE event within 0.3" in listener.process.stderr.read()
    listener.stop()


def test_table_output_and_loopback_only(tmp_path: Path) -> None:
    env = _env(tmp_path)
    refused = subprocess.run(
        [RUTTERCTL, "listen", "--host", "0.0.0.0"], env=env, capture_output=True, text=True
    )
    assert refused.returncode == 2 and "not a loopback address" in refused.stderr
    process = subprocess.Popen(
        [RUTTERCTL, "listen", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    table = Listener(process, "")
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith(BANNER) and first.endswith("/webhooks\n")
    body = (
        b'{"type":"CONNECTION","code":"CONNECTION_UPDATED","connection_id":"c-1",'
        b'"store_unique_id":"shop-42"}'
    )
    url = first[len(BANNER) :].strip()
    answer = httpx.post(url, content=body, headers={"X-Rutter-Signature": sign(body, SECRET)})
    assert answer.status_code == 200
    line = process.stdout.readline()
    assert line.rstrip("\n").split("  ")[1:] == ["CONNECTION_UPDATED", "c-1", "shop-42", "200"]
    assert table.stop() == 143  # SIGTERM


def test_a_closed_stdout_ends_listen_quietly(tmp_path: Path) -> None:
    """`rutterctl listen | head -1`: the reader went away; the next event ends it with 0."""
    process = subprocess.Popen(
        [RUTTERCTL, "listen", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(tmp_path),
    )
    assert process.stdout is not None and process.stderr is not None
    url = process.stdout.readline()[len(BANNER) :].strip()
    process.stdout.close()
    body = b'{"type":"CONNECTION","code":"INITIAL_UPDATE","connection_id":"c-1"}'
    headers = {"X-Rutter-Signature": sign(body, SECRET)}
    assert httpx.post(url, content=body, headers=headers, timeout=10).status_code == 200
    assert process.wait(20) == 0
    assert process.stderr.read() == ""
    process.stderr.close()
