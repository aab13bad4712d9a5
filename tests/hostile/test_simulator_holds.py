"""The simulator holds against hostile input: impossible numbers are a 400 and it keeps
serving, counts are capped, an impossible --speed is refused, idle sockets lock no one out."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from rutterctl.sim import build
from rutterctl.sim.server import serve_in_thread

from tests.sim.support import harness

RUTTERCTL = str(Path(sys.executable).parent / "rutterctl")


def _raw_post(h: object, path: str, text: str) -> httpx.Response:
    # json= cannot send NaN or Infinity (they are not JSON); a hostile client sends them anyway,
    # and Python's json module reads them.
    return h.http.post(  # type: ignore[attr-defined,no-any-return]
        f"http://sim.test/_sim{path}", content=text, headers={"Content-Type": "application/json"}
    )


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e308", "-1"])
@pytest.mark.parametrize(
    ("path", "key"), [("/clock/advance", "seconds"), ("/clock/speed", "speed")]
)
def test_impossible_clock_numbers_are_a_400_and_the_simulator_keeps_serving(
    path: str, key: str, value: str
) -> None:
    h = harness()
    before = h.control("GET", "/state").json()["now"]
    answer = _raw_post(h, path, f'{{"{key}": {value}}}')
    assert answer.status_code == 400, answer.text
    assert "error" in answer.json()
    state = h.control("GET", "/state")
    assert state.status_code == 200 and state.json()["now"] == before
    assert h.get("/connections").status_code == 200


def test_a_fault_count_past_the_cap_is_a_400_without_allocating_it() -> None:
    h = harness()
    answer = h.control("POST", "/faults", {"kind": "500", "count": 20_000_000})
    assert answer.status_code == 400
    assert "count must be a whole number from 1 to 10000" in answer.json()["error"]
    assert h.control("POST", "/faults", {"kind": "500", "count": 10_000}).status_code == 200
    assert h.control("POST", "/faults", {"kind": "500", "count": 1}).status_code == 400
    assert len(h.sim.faults.pending()) == 10_000


@pytest.mark.parametrize(
    "body",
    [
        '{"kind": "latency", "latency_ms": 1e308}',
        '{"kind": "500", "retry_after": Infinity}',
    ],
)
def test_fault_numbers_are_bounded(body: str) -> None:
    h = harness()
    assert _raw_post(h, "/faults", body).status_code == 400
    assert h.sim.faults.pending() == []


def test_faults_settings_are_bounded() -> None:
    h = harness()
    assert h.control("PUT", "/faults", {"latency_ms": 10**12}).status_code == 400
    assert _raw_post(h, "/faults", "").status_code == 200  # an empty body is {}
    assert h.sim.faults.latency_ms == 0


def test_a_control_body_nested_too_deep_is_a_400() -> None:
    h = harness()
    assert _raw_post(h, "/clock/advance", "[" * 100_000 + "]" * 100_000).status_code == 400


def test_a_scenario_path_that_is_not_a_scenario_is_a_400(tmp_path: Path) -> None:
    junk = tmp_path / "junk.toml"
    junk.write_text("this is [not toml", encoding="utf-8")
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")  # RecursionError
    h = harness()
    refs = (str(junk), str(deep), str(tmp_path), str(tmp_path / "absent.toml"), "no-such-scenario")
    for ref in refs:
        answer = h.control("POST", "/connections", {"scenario": ref})
        assert answer.status_code == 400, (ref, answer.text)
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)  # would block a reader for ever: refused before it is opened
    answer = h.control("POST", "/connections", {"scenario": str(fifo)})
    assert answer.status_code == 400
    assert "not a regular file" in answer.json()["error"]


@pytest.mark.parametrize("speed", ["inf", "nan", "1e308"])
def test_sim_serve_refuses_an_impossible_speed(speed: str) -> None:
    done = subprocess.run(
        [RUTTERCTL, "sim", "serve", "--port", "0", "--speed", speed],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""  # no listening line: refused before binding
    assert done.stderr.startswith("error: speed must be from 0 (frozen) to 100000")
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr


def test_idle_connections_do_not_lock_new_clients_out_and_are_closed() -> None:
    sim = build("fleet", speed=0)
    url, stop = serve_in_thread(sim, channel_timeout=1.0)
    host, port = url.split("//")[1].split("/")[0].split(":")
    idle = [socket.create_connection((host, int(port)), timeout=5) for _ in range(150)]
    try:
        answer = httpx.get(
            url + "/connections",
            auth=(sim.client_id, sim.client_secret),
            headers={"X-Rutter-Version": "2023-03-14"},
            timeout=5,
        )
        assert answer.status_code == 200  # served, with 150 silent sockets open
        deadline = time.monotonic() + 10
        for sock in idle:  # each is closed by the server once idle for channel_timeout
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            assert sock.recv(1) == b""
    finally:
        for sock in idle:
            sock.close()
        stop()
