"""Deliveries per second into `rutterctl listen`, next to a bare stdlib receiver, in one run.

Both receivers run as their own processes on 127.0.0.1 and are fed the same signed webhooks
over one keep-alive connection, alternately (A B A B ...), so that the load of a shared
machine weighs on both alike. The baseline reads the body and answers 200, nothing more;
`rutterctl listen -o ndjson` verifies the signature, checks for a redelivery, and writes one
NDJSON line per event (to /dev/null here). The ratio is the median of the per-pair ratios.

Run: python bench/listen.py [--runs N] [--deliveries N]. Prints medians and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from rutterctl.domain.signature import sign

RUTTERCTL = str(Path(sys.executable).parent / "rutterctl")
SECRET = "bench-secret-0123456789"
BASELINE = r"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"listening on http://127.0.0.1:{server.server_address[1]}/webhooks", flush=True)
server.serve_forever()
"""


def start(argv: list[str], env: dict[str, str], banner_on_stderr: bool) -> tuple[Any, str]:
    process = subprocess.Popen(
        argv,
        env=env,
        stdout=subprocess.DEVNULL if banner_on_stderr else subprocess.PIPE,
        stderr=subprocess.PIPE if banner_on_stderr else subprocess.DEVNULL,
        text=True,
    )
    stream = process.stderr if banner_on_stderr else process.stdout
    assert stream is not None
    line = stream.readline()
    return process, line.rsplit(" ", 1)[-1].strip()


def feed(url: str, bodies: list[bytes]) -> float:
    """Deliveries per second, one after another over a keep-alive connection."""
    with httpx.Client(timeout=10) as client:
        started = time.perf_counter()
        for body in bodies:
            answer = client.post(
                url, content=body, headers={"X-Rutter-Signature": sign(body, SECRET)}
            )
            assert answer.status_code == 200, answer.text
        return len(bodies) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--deliveries", type=int, default=500)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="rutterctl-bench-listen-")
    env = {
        **os.environ,
        "RUTTER_CLIENT_ID": "bench",
        "RUTTER_CLIENT_SECRET": SECRET,
        "RUTTERCTL_CONFIG_DIR": home,
        "RUTTERCTL_CACHE_DIR": home,
        "RUTTERCTL_NO_KEYRING": "1",
    }
    listen, listen_url = start([RUTTERCTL, "listen", "--port", "0", "-o", "ndjson"], env, True)
    bare, bare_url = start([sys.executable, "-c", BASELINE], env, False)
    try:
        rates: dict[str, list[float]] = {"rutterctl listen": [], "stdlib receiver": []}
        for run in range(args.runs):
            # New bodies each run: listen must not take them for redeliveries.
            bodies = [
                json.dumps(
                    {"type": "ORDER", "code": "ORDER_CREATED", "connection_id": "c", "n": [run, i]},
                    separators=(",", ":"),
                ).encode()
                for i in range(args.deliveries)
            ]
            rates["rutterctl listen"].append(feed(listen_url, bodies))
            rates["stdlib receiver"].append(feed(bare_url, bodies))
    finally:
        for process in (listen, bare):
            process.terminate()
            process.wait(10)
    for name, values in rates.items():
        print(f"{name:18} {statistics.median(values):8.0f} deliveries/s (median of {args.runs})")
    pairs = [
        a / b for a, b in zip(rates["rutterctl listen"], rates["stdlib receiver"], strict=True)
    ]
    print(f"ratio listen / stdlib: {statistics.median(pairs):.2f}")


if __name__ == "__main__":
    main()
