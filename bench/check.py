"""`rutterctl check` on a fleet at the organisation's rate limit, and its memory as it grows.

Uses bench/fleet.py's scenario (N connections cycling through the five stages), simulator
start-up and floor. Two measurements:

1. Pace: `rutterctl --debug check -o ndjson` on 1000 connections against `sim serve
   --rate-limit 500/10s` with default settings: wall time, requests, the floor the rate
   limit sets for that many requests, the ratio and the HTTP 429s (targets: <= 1.05x the
   floor, zero 429s).
2. Memory: peak RSS of `check -o ndjson` and `check -o junit` at 1,000 and 10,000
   connections (both limits raised so that only size differs), beside the baseline of
   `connections list -o ndjson` (the listing alone, one document from Rutter) in the same
   run: results are streamed, so check should grow by no more than the listing does.

Run: python bench/check.py [--connections 1000] [--runs 3] [--memory-only]. Asserts nothing.
`--write-scenario FILE` only writes the scenario, for `rutterctl sim serve --scenario FILE`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from fleet import BIN, SECRET, TEMPLATES, floor_seconds, run_fleet, scenario, start_sim


def environment(base_url: str, root: Path, rate: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "RUTTER_BASE_URL": base_url,
        "RUTTER_CLIENT_ID": "rutterctl-sim",
        "RUTTER_CLIENT_SECRET": SECRET,
        "RUTTERCTL_CONFIG_DIR": str(root / "config"),
        "RUTTERCTL_CACHE_DIR": str(root / "cache"),
        "NO_COLOR": "1",
    }
    env.pop("RUTTERCTL_RATE_LIMIT", None)  # default settings: 500/10s
    if rate is not None:
        env["RUTTERCTL_RATE_LIMIT"] = rate
    return env


def paced(root: Path, count: int, runs: int) -> None:
    scenario(root / "pace.toml", count)
    sim, base_url = start_sim(root / "pace.toml", "500/10s")
    ratios, throttled_total = [], 0
    try:
        for run in range(runs):
            time.sleep(10.5)  # each run starts with a fresh budget at the simulator
            env = environment(base_url, root / f"pace-{run}", None)
            wall, requests, throttled, codes = run_fleet(env, 1, ("check", "-o", "ndjson"))
            floor = floor_seconds(requests, 500, 10.0)
            ratios.append(wall / floor)
            throttled_total += throttled
            print(
                f"run {run + 1}: {wall:5.1f} s wall, {requests} requests, floor {floor:.1f} s, "
                f"{wall / floor:.3f}x floor, {throttled} x 429, exit {codes}",
                flush=True,
            )
    finally:
        sim.terminate()
        sim.wait(timeout=30)
    print(
        f"pace: {count} connections, median {statistics.median(ratios):.3f}x the floor, "
        f"429s in all runs: {throttled_total}"
    )


def peak_rss(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """MiB of the child's maximum resident set, and its line count (wait4 per child)."""
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    lines = sum(1 for _ in proc.stdout)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return usage.ru_maxrss / 1024, lines


def grow(base_url: str, count: int) -> None:
    """Add connections through the control surface up to `count` (the simulator takes at
    most 1000 per scenario file or request), cycling through the five stages."""
    import httpx

    control = base_url.rsplit("/versioned", 1)[0] + "/_sim/connections"
    for start in range(1000, count, 1000):
        rows = [
            {"name": f"more-{n:05d}", "template": TEMPLATES[n % len(TEMPLATES)]}
            for n in range(start, min(start + 1000, count))
        ]
        reply = httpx.post(
            control, json={"connections": rows}, auth=("rutterctl-sim", SECRET), timeout=60
        )
        reply.raise_for_status()


LISTING = ("connections", "list", "-o", "ndjson")


def memory(root: Path) -> None:
    fast = "100000/10s"
    for count in (1000, 10000):
        scenario(root / "mem.toml", 1000)
        sim, base_url = start_sim(root / "mem.toml", fast)
        grow(base_url, count)
        try:
            env = environment(base_url, root / f"mem-{count}", fast)
            # The baseline: the listing alone, which Rutter returns as one document.
            for command in (LISTING, ("check", "-o", "ndjson"), ("check", "-o", "junit")):
                mib, lines = peak_rss([str(BIN / "rutterctl"), *command], env)
                shown = " ".join(command)
                print(f"memory: {count:6d} connections, {shown:30s} {mib:6.1f} MiB, {lines} lines")
        finally:
            sim.terminate()
            sim.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory-only", action="store_true")
    parser.add_argument(
        "--write-scenario", metavar="FILE", type=Path, help="only write the fleet's scenario"
    )
    args = parser.parse_args()
    if args.write_scenario is not None:
        scenario(args.write_scenario, args.connections)
        return
    with tempfile.TemporaryDirectory(prefix="rutterctl-bench-check-") as tmp:
        root = Path(tmp)
        if not args.memory_only:
            paced(root, args.connections, args.runs)
        memory(root)
    print(f"cores {os.cpu_count()}")


if __name__ == "__main__":
    main()
