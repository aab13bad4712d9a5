"""Start-up time of whole `rutterctl` processes against a bare interpreter, in the same run.

Every case is paired with `python -c pass`, run alternately (A B A B ...), so that the load of a
shared machine weighs on both alike; each ratio is the median of the per-pair ratios. Times are
wall clock and CPU (user + system of the child). A real `rutterctl status TOKEN -o json`
against `rutterctl sim serve` (started here, on 127.0.0.1) is timed too, next to a `curl` of
the same endpoint (when curl is installed).

Targets (issue 13): `status` (and `batches`, `reasons`, `wait-ready`, `fetch` in the same
set-up) within 10x, `--help` and TAB within 5x of `python -c pass`.
Run: python bench/startup.py [--runs N]. Prints medians and ratios; asserts nothing.
rutterctl's modules are byte-compiled first (`compileall`), as pip does when it installs:
with PYTHONDONTWRITEBYTECODE set, an edited module would otherwise be compiled on every run.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
RUTTERCTL = str(BIN / "rutterctl")
BASELINE = [sys.executable, "-c", "pass"]
CLIENT_ID = "rutterctl-sim"
SECRET = "sim-secret-not-a-real-rutter-secret"
# What the shell sets when TAB is pressed after `rutterctl st` (bash completion).
TAB = {"_RUTTERCTL_COMPLETE": "complete_bash", "COMP_WORDS": "rutterctl st", "COMP_CWORD": "1"}


@dataclass
class Case:
    argv: list[str]
    env: dict[str, str]
    target: float | None = None


@dataclass
class Sample:
    wall: float  # ms
    cpu: float  # ms, user + system of the child


def run(argv: list[str], env: dict[str, str]) -> Sample:
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = (time.perf_counter() - started) * 1000
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {err.decode(errors='replace')[-500:]}")
    return Sample(wall, (usage.ru_utime + usage.ru_stime) * 1000)


def start_sim(workdir: Path) -> tuple[subprocess.Popen[str], str, str, str]:
    """`sim serve --scenario small`: its process, base URL, connection id and access token."""
    argv = [RUTTERCTL, "sim", "serve", "--port", "0", "--speed", "0", "--scenario", "small"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    lines = [proc.stdout.readline()]
    while not lines[-1].startswith("tiny-shop") and lines[-1] and len(lines) < 30:
        lines.append(proc.stdout.readline())  # the banner, then one row per connection
    match = re.match(r"rutterctl-sim listening on (\S+)", lines[0])
    row = lines[-1].split() if lines[-1].startswith("tiny-shop") else None
    if not match or row is None:
        proc.kill()
        raise SystemExit(f"sim serve did not start: {lines[:3]!r}")
    return proc, match.group(1), row[1], row[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    base_env = {**os.environ, "NO_COLOR": "1"}
    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "rutterctl"), quiet=1)
    with tempfile.TemporaryDirectory(prefix="rutterctl-bench-startup-") as tmp:
        sim, base_url, connection_id, token = start_sim(Path(tmp))
        try:
            env = {
                **base_env,
                "RUTTER_BASE_URL": base_url,
                "RUTTER_CLIENT_ID": CLIENT_ID,
                "RUTTER_CLIENT_SECRET": SECRET,
                "RUTTERCTL_CONFIG_DIR": str(Path(tmp) / "config"),
                "RUTTERCTL_CACHE_DIR": str(Path(tmp) / "cache"),
            }
            cases = {
                "rutterctl --version": Case([RUTTERCTL, "--version"], base_env),
                "rutterctl --help": Case([RUTTERCTL, "--help"], base_env, 5.0),
                "rutterctl status --help": Case([RUTTERCTL, "status", "--help"], base_env),
                "TAB: rutterctl st<TAB>": Case([RUTTERCTL], {**base_env, **TAB}, 5.0),
                # The case: by access token (one request, nothing to resolve).
                "rutterctl status TOKEN -o json": Case(
                    [RUTTERCTL, "status", token, "-o", "json"], env, 10.0
                ),
                # By connection id: resolved from the cache (filled by the warm-up run).
                "rutterctl status ID -o json": Case(
                    [RUTTERCTL, "status", connection_id, "-o", "json"], env, 10.0
                ),
                # The same through typer: the quick lane leaves a clustered `-ojson` to it.
                "status ID -ojson (typer)": Case(
                    [RUTTERCTL, "status", connection_id, "-ojson"], env
                ),
                # The other one-connection commands, in the same set-up (ready at once).
                "rutterctl batches ID -o json": Case(
                    [RUTTERCTL, "batches", connection_id, "-o", "json"], env, 10.0
                ),
                "rutterctl reasons ID -o json": Case(
                    [RUTTERCTL, "reasons", connection_id, "-o", "json"], env, 10.0
                ),
                "rutterctl wait-ready ID": Case(
                    [RUTTERCTL, "wait-ready", connection_id, "-o", "json"], env, 10.0
                ),
                "rutterctl fetch orders ID": Case(
                    [RUTTERCTL, "fetch", "orders", connection_id, "--limit", "1", "-o", "ndjson"],
                    env,
                    10.0,
                ),
            }
            # What a one-connection command pays before rutterctl's own code runs: its HTTP
            # client (httpx and the httpcore transport under it), imported and nothing else.
            # The floor under the `status` figure, since the quick lane imports no typer.
            floor = "import httpx, httpcore"
            cases["imports: httpx + httpcore"] = Case([sys.executable, "-c", floor], base_env)
            # httpx alone, without the transport under it: what no transport of ours avoids.
            cases["imports: httpx alone"] = Case([sys.executable, "-c", "import httpx"], base_env)
            # What the quick lane saves: typer and the root command, the way any other
            # command (and a line the lane leaves to typer) starts.
            typer_floor = "import typer, typer.main, httpx, httpcore"
            cases["imports: + typer"] = Case([sys.executable, "-c", typer_floor], base_env)
            curl = shutil.which("curl")
            if curl:
                url = f"{base_url}/connections/status?access_token={token}"
                cases["curl of the status endpoint"] = Case(
                    [
                        curl,
                        "-sf",
                        "-u",
                        f"{CLIENT_ID}:{SECRET}",
                        "-H",
                        "X-Rutter-Version: 2023-03-14",
                        url,
                    ],
                    base_env,
                )
            for case in cases.values():  # warm the page cache, .pyc files and the id cache
                run(case.argv, case.env)
            run(BASELINE, base_env)
            report(cases, args.runs, base_env)
        finally:
            sim.terminate()
            sim.wait(timeout=30)


def report(cases: dict[str, Case], runs: int, base_env: dict[str, str]) -> None:
    print(f"{'case':<30} {'wall ms':>8} {'ratio':>6} {'cpu ms':>7} {'ratio':>6}  target")
    baselines: list[Sample] = []
    for name, case in cases.items():
        pairs = []
        for _ in range(runs):  # A B A B: the baseline right before each run of the case
            pairs.append((run(BASELINE, base_env), run(case.argv, case.env)))
        baselines += [a for a, _ in pairs]
        wall = statistics.median(b.wall for _, b in pairs)
        cpu = statistics.median(b.cpu for _, b in pairs)
        wall_ratio = statistics.median(b.wall / a.wall for a, b in pairs)
        cpu_ratio = statistics.median(b.cpu / max(a.cpu, 0.1) for a, b in pairs)
        verdict = ""
        if case.target is not None:
            ok = wall_ratio <= case.target and cpu_ratio <= case.target
            verdict = f"<= {case.target:g}x {'ok' if ok else 'MISSED'}"
        ratios = f"{wall:>8.1f} {wall_ratio:>5.1f}x {cpu:>7.1f} {cpu_ratio:>5.1f}x"
        print(f"{name:<30} {ratios}  {verdict}", flush=True)
    base_wall = statistics.median(a.wall for a in baselines)
    base_cpu = statistics.median(a.cpu for a in baselines)
    print(
        f"baseline python -c pass: {base_wall:.1f} ms wall, {base_cpu:.1f} ms cpu (median of "
        f"{len(baselines)}); {runs} pairs per case; python {sys.version.split()[0]}; "
        f"cores {os.cpu_count()}"
    )


if __name__ == "__main__":
    main()
