"""Peak memory and wall time of rutterctl against each misbehaving server of issue 11.

The server is tests/hostile/server.py on 127.0.0.1 (stdlib, in this process); each case runs
the installed `rutterctl` with the default limits (32 MiB decoded body, 120 s per request,
30 s read timeout, five attempts) under `/usr/bin/time -f %M`, which reports the peak RSS of
rutterctl alone (a child forked from this process would also count this process's memory,
which serving the bodies makes large). Before the
bounds, the gzip bomb drove `status` to 10 GB and 89 s, a 50 MB junk body to ~490 MB, and
`wait-ready --timeout 20s` against a trickle returned after 150 s.

Target (issue): every case ends within its bound, with its exit code, peak memory < 200 MB.

Run: python bench/hostile.py [--cases gzip-bomb,junk,...] [--timeout 20]. Prints a table;
asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import builders  # noqa: E402
from tests.hostile import server as hostile  # noqa: E402

RUTTERCTL = str(Path(sys.executable).parent / "rutterctl")
TIME = "/usr/bin/time"
ID = builders.CONNECTION_ID


def cases(timeout: str) -> dict[str, tuple[str, Callable[..., None], list[str], dict[str, str]]]:
    status = ["status", ID]
    return {
        "gzip-bomb": ("/connections/status", hostile.gzip_bomb, status, {}),
        "junk-50MB": ("/connections/status", hostile.junk, status, {}),
        "deep-json": ("/connections/status", hostile.deep_json, status, {}),
        "2M-objects": ("/connections/status", hostile.many_objects, status, {}),
        "199k-objects": ("/connections/status", hostile.objects_at_the_limit, status, {}),
        "999k-floats": ("/connections/status", hostile.floats_at_the_limit, status, {}),
        "8M-floats": ("/connections/status", hostile.too_many_values, status, {}),
        "echo-auth": ("/connections/status", hostile.echo_authorization, status, {}),
        "control-seq": ("/connections/status", hostile.control_sequences, status, {}),
        "trickle-wait": (
            "/connections/status",
            hostile.trickle,
            ["wait-ready", ID, "--timeout", timeout],
            {},
        ),
        "trickle-headers": (
            "/connections/status",
            hostile.trickle_headers,
            status,
            {"RUTTERCTL_REQUEST_TIMEOUT": "5"},
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", default="", help="comma-separated; default: all")
    parser.add_argument("--timeout", default="20s", help="wait-ready --timeout for the trickle")
    args = parser.parse_args()
    table = cases(args.timeout)
    chosen = [c for c in args.cases.split(",") if c] or list(table)
    print(f"{'case':<16} {'exit':>4} {'wall s':>7} {'peak MB':>8}  last line of stderr")
    with hostile.running() as server, tempfile.TemporaryDirectory() as tmp:
        for name in chosen:
            path, behaviour, argv, extra = table[name]
            server.serve(path, behaviour)
            env = {
                **os.environ,
                "RUTTER_BASE_URL": server.base_url,
                "RUTTER_CLIENT_ID": "bench-client-id",
                "RUTTER_CLIENT_SECRET": "bench-client-secret-0123",
                "RUTTERCTL_CONFIG_DIR": f"{tmp}/config",
                "RUTTERCTL_CACHE_DIR": f"{tmp}/cache-{name}",
                "NO_COLOR": "1",
                **extra,
            }
            stats = Path(tmp) / f"{name}.time"
            started = time.monotonic()
            done = subprocess.run(
                [TIME, "-f", "%M", "-o", str(stats), RUTTERCTL, *argv],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
            )
            wall = time.monotonic() - started
            last = (done.stderr.strip().splitlines() or [""])[-1]
            peak = int(stats.read_text().split()[-1]) / 1024  # kilobytes
            print(f"{name:<16} {done.returncode:>4} {wall:>7.1f} {peak:>8.0f}  {last[:90]}")


if __name__ == "__main__":
    main()
