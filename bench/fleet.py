"""A fleet at the organisation's rate limit: `connections list --details` on 1000 connections.

Starts `rutterctl sim serve` on 127.0.0.1 with a scenario file of N connections and
`--rate-limit 500/10s` (Rutter's default), then runs `rutterctl connections list --details
-o json` with default settings and prints the wall time, the requests it made, the floor the
rate limit sets for that many requests, the ratio, and the HTTP 429s it got (from the
`--debug` trace). With `--parallel 2`, two such commands of one organisation run at once
(two CI jobs): together they must stay under the limit. Targets (issue 13): within 1.05x the
floor, zero 429s.

Run: python bench/fleet.py [--connections 1000] [--runs 3] [--parallel 1]. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
SECRET = "sim-secret-not-a-real-rutter-secret"
TEMPLATES = ("ongoing", "historical", "initial", "needs-update", "disabled")


def scenario(path: Path, count: int) -> None:
    lines = ['[simulator]\ndescription = "bench fleet"\n']
    for n in range(count):
        template = TEMPLATES[n % len(TEMPLATES)]
        lines.append(
            f'[[connections]]\nname = "shop-{n:04d}"\ntemplate = "{template}"\n'
            f'store_name = "Shop {n}"\nstore_domain = "shop-{n}.example"\n'
        )
    path.write_text("\n".join(lines))


def start_sim(scenario_file: Path, rate: str) -> tuple[subprocess.Popen[str], str]:
    argv = [str(BIN / "rutterctl"), "sim", "serve", "--port", "0", "--speed", "0"]
    argv += ["--scenario", str(scenario_file), "--rate-limit", rate]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    match = re.match(r"rutterctl-sim listening on (\S+)", first)
    if not match:
        proc.kill()
        raise SystemExit(f"sim serve did not start: {first!r}")
    return proc, match.group(1)


LIST_DETAILS = ("connections", "list", "--details", "-o", "json")


def run_fleet(
    env: dict[str, str], parallel: int, command: tuple[str, ...] = LIST_DETAILS
) -> tuple[float, int, int, list[int]]:
    """Wall seconds for `parallel` commands started together; their requests, 429s, exits."""
    argv = [str(BIN / "rutterctl"), "--debug", *command]
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        for _ in range(parallel)
    ]
    errs = [proc.communicate()[1] for proc in procs]
    for proc, err in zip(procs, errs, strict=True):
        if proc.returncode:
            tail = [line for line in err.splitlines() if not line.startswith("debug: ")][-3:]
            print(f"  exit {proc.returncode}: " + " | ".join(tail), flush=True)
    wall = time.perf_counter() - started
    requests = sum(len(re.findall(r"^debug: GET \S+ -> ", e, re.M)) for e in errs)
    throttled = sum(len(re.findall(r"^debug: GET \S+ -> 429 ", e, re.M)) for e in errs)
    return wall, requests, throttled, [proc.returncode for proc in procs]


def floor_seconds(requests: int, limit: int, window: float) -> float:
    """The earliest the last of `requests` can start: `limit` at once, then `limit` per window."""
    return max(requests - 1, 0) // limit * window


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--parallel", type=int, default=1)
    parser.add_argument("--rate-limit", default="500/10s")
    args = parser.parse_args()
    limit_text, window_text = args.rate_limit.split("/")
    limit, window = int(limit_text), float(window_text.rstrip("s"))
    with tempfile.TemporaryDirectory(prefix="rutterctl-bench-fleet-") as tmp:
        root = Path(tmp)
        scenario(root / "fleet.toml", args.connections)
        sim, base_url = start_sim(root / "fleet.toml", args.rate_limit)
        try:
            rows: dict[str, list[tuple[float, int, float, int]]] = {"cold": [], "warm": []}
            for run in range(args.runs):
                env = {
                    **os.environ,
                    "RUTTER_BASE_URL": base_url,
                    "RUTTER_CLIENT_ID": "rutterctl-sim",
                    "RUTTER_CLIENT_SECRET": SECRET,
                    "RUTTERCTL_CONFIG_DIR": str(root / f"config-{run}"),
                    "RUTTERCTL_CACHE_DIR": str(root / f"cache-{run}"),
                    "NO_COLOR": "1",
                }
                env.pop("RUTTERCTL_RATE_LIMIT", None)  # default settings: 500/10s
                if args.rate_limit != "500/10s":  # a smaller limit, to try the bench quickly
                    env["RUTTERCTL_RATE_LIMIT"] = args.rate_limit
                # cold: an empty cache dir (a new CI job); warm: the same again, store names
                # then come from the store cache the cold run filled.
                for kind in ("cold", "warm"):
                    # Each run starts with a fresh budget at the simulator.
                    time.sleep(window * 1.05)
                    wall, requests, throttled, codes = run_fleet(env, args.parallel)
                    floor = floor_seconds(requests, limit, window)
                    rows[kind].append((wall, requests, floor, throttled))
                    ratio = wall / floor if floor else float("nan")
                    print(
                        f"run {run + 1} {kind}: {wall:6.1f} s wall, {requests} requests, "
                        f"floor {floor:.1f} s, {ratio:.3f}x floor, {throttled} x 429, exit {codes}",
                        flush=True,
                    )
        finally:
            sim.terminate()
            sim.wait(timeout=30)
    for kind, measured in rows.items():
        ratios = [wall / floor for wall, _, floor, _ in measured if floor]
        print(
            f"{kind}: median {statistics.median(m[0] for m in measured):.1f} s, "
            f"{statistics.median(m[1] for m in measured):.0f} requests, "
            f"median {statistics.median(ratios) if ratios else float('nan'):.3f}x the floor, "
            f"429s in all runs: {sum(m[3] for m in measured)}"
        )
    print(
        f"{args.connections} connections, {args.parallel} command(s) at once, "
        f"sim --rate-limit {args.rate_limit}, {args.runs} runs; cores {os.cpu_count()}"
    )


if __name__ == "__main__":
    main()
