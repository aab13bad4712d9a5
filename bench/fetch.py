"""Throughput and peak memory of `rutterctl fetch orders --all -o ndjson`, next to curl + jq.

Against `rutterctl sim serve` on 127.0.0.1 with one ready connection of N orders (10,000 and
100,000 by default), in the same run: rutterctl, and the loop a user would otherwise write
(curl for each page, jq to print the orders and to read `next_cursor`), with the same page
`--limit` (the simulator's maximum, 500). Wall time, records/s, CPU seconds and peak RSS
(`/usr/bin/time -f %M`: the largest resident set of the process and its children) are
medians over --runs runs, alternating the two so that neither gets a warmer simulator.

Targets (issue): rutterctl's throughput at least the curl + jq loop's; rutterctl's peak memory
at 100,000 orders within 10% of its peak at 10,000.

Run: python bench/fetch.py [--runs 3] [--sizes 10000,100000] [--limit 500]. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
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
TIME = "/usr/bin/time"

SCENARIO = """\
[simulator]
description = "bench: one ready connection with {orders} orders"
rate_limit = "100000/1s"

[[connections]]
name = "bench"
template = "ongoing"
orders = {orders}
"""

# What a user would write without rutterctl: one curl per page, jq for records and cursor.
CURL_JQ = r"""
set -euo pipefail
cursor=""
while :; do
  page=$(curl -sS --fail -G -u "$RUTTER_CLIENT_ID:$RUTTER_CLIENT_SECRET" \
    -H "X-Rutter-Version: 2023-03-14" "$RUTTER_BASE_URL/orders" \
    --data-urlencode "access_token=$TOKEN" --data-urlencode "limit=$LIMIT" \
    ${cursor:+--data-urlencode "cursor=$cursor"})
  printf '%s\n' "$page" | jq -c '.orders[]'
  cursor=$(printf '%s\n' "$page" | jq -r '.next_cursor // empty')
  [ -n "$cursor" ] || break
done
"""


@dataclass(frozen=True)
class Sample:
    seconds: float
    cpu: float
    peak_kib: int
    records: int


@dataclass
class Simulator:
    process: subprocess.Popen[str]
    env: dict[str, str]
    token: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_simulator(orders: int, workdir: Path) -> Simulator:
    scenario = workdir / f"bench-{orders}.toml"
    scenario.write_text(SCENARIO.format(orders=orders), encoding="utf-8")
    process = subprocess.Popen(
        [RUTTERCTL, "sim", "serve", "--port", "0", "--scenario", str(scenario), "--speed", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    banner: list[str] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        banner.append(line)
        if line.startswith("bench "):
            break
    text = "".join(banner)
    url = re.search(r"listening on (\S+)", text)
    cid = re.search(r"RUTTER_CLIENT_ID=(\S+)", text)
    secret = re.search(r"RUTTER_CLIENT_SECRET=(\S+)", text)
    row = re.search(r"^bench\s+\S+\s+(\S+)\s+(\S+)", text, re.MULTILINE)
    if not (url and cid and secret and row):
        process.kill()
        raise SystemExit(f"could not read the simulator's banner:\n{text}")
    if row.group(2) not in ("HISTORICAL_SYNC", "ONGOING_SYNC"):
        process.kill()
        raise SystemExit(f"the bench connection is not ready: {row.group(2)}")
    env = {
        **os.environ,
        "RUTTER_BASE_URL": url.group(1),
        "RUTTER_CLIENT_ID": cid.group(1),
        "RUTTER_CLIENT_SECRET": secret.group(1),
        "RUTTERCTL_CONFIG_DIR": str(workdir / "config"),
        "RUTTERCTL_CACHE_DIR": str(workdir / "cache"),
        "NO_COLOR": "1",
    }
    return Simulator(process, env, row.group(1))


def timed(argv: list[str], env: dict[str, str], out: Path) -> Sample:
    stats = out.with_suffix(".time")
    started = time.perf_counter()
    with out.open("w") as sink:
        subprocess.run(
            [TIME, "-f", "%U %S %M", "-o", str(stats), *argv],
            env=env,
            stdout=sink,
            check=True,
        )
    seconds = time.perf_counter() - started
    user, system, peak = stats.read_text().split()[-3:]
    with out.open("rb") as handle:
        records = sum(1 for _ in handle)
    return Sample(seconds, float(user) + float(system), int(peak), records)


def measure(orders: int, runs: int, limit: int, workdir: Path) -> dict[str, list[Sample]]:
    sim = start_simulator(orders, workdir)
    try:
        env = {**sim.env, "TOKEN": sim.token, "LIMIT": str(limit)}
        cases = {
            "rutterctl": [RUTTERCTL, "fetch", "orders", sim.token, "--all", "-o", "ndjson",
                          "--limit", str(limit)],
            "curl+jq": ["bash", "-c", CURL_JQ],
        }  # fmt: skip
        for argv in cases.values():  # warm up: page cache, .pyc files, the connection cache
            timed(argv, env, workdir / "warm.ndjson")
        samples: dict[str, list[Sample]] = {name: [] for name in cases}
        for run in range(runs):
            order = list(cases) if run % 2 == 0 else list(reversed(cases))
            for name in order:
                samples[name].append(timed(cases[name], env, workdir / f"{name}.ndjson"))
        counts = {s.records for group in samples.values() for s in group}
        if len(counts) != 1:
            raise SystemExit(f"the two fetches disagree on the number of records: {counts}")
        return samples
    finally:
        sim.stop()


def median(samples: list[Sample], attr: str) -> float:
    return statistics.median(float(getattr(s, attr)) for s in samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--limit", type=int, default=500, help="page size (simulator max 500)")
    args = parser.parse_args()
    for tool in (TIME, "curl", "jq"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed")
    sizes = [int(size) for size in args.sizes.split(",")]
    results: dict[int, dict[str, list[Sample]]] = {}
    with tempfile.TemporaryDirectory(prefix="rutterctl-bench-") as tmp:
        for orders in sizes:
            results[orders] = measure(orders, args.runs, args.limit, Path(tmp))

    print(
        f"{'orders':>8} {'tool':<10} {'records':>8} {'wall s':>7} {'records/s':>10} "
        f"{'cpu s':>6} {'peak MiB':>9}"
    )
    for orders, by_tool in results.items():
        for name, samples in by_tool.items():
            seconds = median(samples, "seconds")
            print(
                f"{orders:>8} {name:<10} {samples[0].records:>8} {seconds:>7.2f} "
                f"{samples[0].records / seconds:>10,.0f} {median(samples, 'cpu'):>6.2f} "
                f"{median(samples, 'peak_kib') / 1024:>9.1f}"
            )
    print()
    for orders, by_tool in results.items():
        ours, theirs = by_tool["rutterctl"], by_tool["curl+jq"]
        ratio = median(theirs, "seconds") / median(ours, "seconds")
        verdict = "ok" if ratio >= 1 else "MISSED"
        print(
            f"{orders:>8} orders: throughput rutterctl / curl+jq = {ratio:.2f}x  (>= 1x {verdict})"
        )
    if len(sizes) >= 2:
        small, large = results[min(sizes)]["rutterctl"], results[max(sizes)]["rutterctl"]
        growth = median(large, "peak_kib") / median(small, "peak_kib")
        verdict = "ok" if growth <= 1.10 else "MISSED"
        print(
            f"peak memory rutterctl {max(sizes):,} / {min(sizes):,} orders = {growth:.3f}x "
            f"(<= 1.10x {verdict})"
        )
    print(
        f"runs per case: {args.runs} (medians); page limit {args.limit}; "
        f"python {sys.version.split()[0]}; cores {os.cpu_count()}"
    )


if __name__ == "__main__":
    main()
