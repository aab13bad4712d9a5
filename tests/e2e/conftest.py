"""Start the installed `rutterctl sim serve` on a free loopback port, and always stop it."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest

BIN = Path(sys.executable).parent
RUTTERCTL = str(BIN / "rutterctl")
START = "2026-11-28T12:00:00Z"


@dataclass
class RunningSim:
    process: subprocess.Popen[str]
    base_url: str
    client_id: str
    client_secret: str
    workdir: Path
    stderr_path: Path
    connections: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def control_url(self) -> str:
        return self.base_url.rsplit("/versioned", 1)[0] + "/_sim"

    def control(self, method: str, path: str, body: Any = None) -> Any:
        response = httpx.request(
            method,
            self.control_url + path,
            json=body,
            auth=(self.client_id, self.client_secret),
            timeout=10,
        )
        assert response.status_code < 300, response.text
        return response.json()

    def token(self, name: str) -> str:
        return str(self.connections[name]["access_token"])

    def env(self, **overrides: str) -> dict[str, str]:
        env = {
            **os.environ,
            "RUTTER_BASE_URL": self.base_url,
            "RUTTER_CLIENT_ID": self.client_id,
            "RUTTER_CLIENT_SECRET": self.client_secret,
            "RUTTERCTL_CONFIG_DIR": str(self.workdir / "config"),
            "RUTTERCTL_CACHE_DIR": str(self.workdir / "cache"),
            "NO_COLOR": "1",
        }
        env.update(overrides)
        return env

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [RUTTERCTL, *args], env=self.env(**env), capture_output=True, text=True, timeout=60
        )

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8")


def _first_line(process: subprocess.Popen[str], timeout: float) -> str:
    """The banner's first line, waiting at most `timeout` seconds (bounded start-up polling)."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise AssertionError(f"rutterctl sim serve printed nothing within {timeout}s")
    return process.stdout.readline()


def start_sim(workdir: Path, *args: str) -> RunningSim:
    workdir.mkdir(parents=True, exist_ok=True)
    stderr_path = workdir / "sim.stderr"
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(
            [RUTTERCTL, "sim", "serve", "--port", "0", "--speed", "0", "--start", START, *args],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        line = _first_line(process, 20)
        prefix = "rutterctl-sim listening on "
        assert line.startswith(prefix), line + stderr_path.read_text()
        sim = RunningSim(
            process,
            line[len(prefix) :].strip(),
            "rutterctl-sim",
            "sim-secret-not-a-real-rutter-secret",
            workdir,
            stderr_path,
        )
        state = sim.control("GET", "/state")
        sim.connections = {c["name"]: c for c in state["connections"]}
        return sim
    except BaseException:
        process.kill()
        process.wait(timeout=10)
        raise


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Callable[..., RunningSim]]:
    """Start simulators with the given flags; every one is stopped, whatever the test did."""
    started: list[RunningSim] = []

    def _launch(*args: str) -> RunningSim:
        sim = start_sim(tmp_path / f"sim{len(started)}", *args)
        started.append(sim)
        return sim

    yield _launch
    for sim in started:
        sim.stop()


@pytest.fixture(scope="module")
def shared_fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSim]:
    """One fleet simulator for the tests that leave its clock and connections alone."""
    sim = start_sim(tmp_path_factory.mktemp("fleet"))
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture
def fleet(shared_fleet: RunningSim) -> Iterator[RunningSim]:
    yield shared_fleet
    shared_fleet.control("DELETE", "/faults")  # what a test scheduled and did not use


def status_json(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


class _Hooks(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[bytes, str]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((body, self.headers["X-Rutter-Signature"]))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def listener() -> Iterator[tuple[str, list[tuple[bytes, str]]]]:
    """A webhook receiver on loopback: its URL, and the (body, signature) of each POST."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hooks)
    _Hooks.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks", _Hooks.received
    server.shutdown()
    server.server_close()
    thread.join(5)
