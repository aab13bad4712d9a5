"""Throughput and peak memory of `rutterctl fetch orders --all -o ndjson`, against a baseline.

Against `rutterctl sim serve` on 127.0.0.1 with one ready connection of N orders (10,000 and
100,000 by default), in the same run: this rutterctl; the baseline, the same command from an
earlier commit (`--baseline REV`, default the commit before numbers were kept exact and
orjson came in: extracted with `git archive` and run from the same interpreter and
dependencies); and, with --curl, the loop a user would otherwise write (curl for each page,
jq to print the orders and to read `next_cursor`). The same page `--limit` for all (the
simulator's maximum, 500). Wall time, records/s, CPU seconds and peak RSS (`/usr/bin/time -f
%M`) are medians over --runs runs, alternating the cases (A B A B) so that none gets a warmer
simulator. The outputs must agree byte for byte (the simulator's numbers are plain floats,
which both write alike), else the bench stops.

Targets (issues 10, 13): throughput at least 1.3x the baseline's at 100,000 orders; peak
memory at 100,000 orders within 10% of the peak at 10,000.

Run: python bench/fetch.py [--runs 3] [--sizes 10000,100000] [--limit 500] [--baseline REV]
[--curl]. Prints figures; asserts nothing.
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
ROOT = Path(__file__).resolve().parent.parent
# The last commit before issue 10's number-exact pages and orjson (today's fetch, for issue 13).
BASELINE = "9830905"

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


def extract(rev: str, workdir: Path) -> Path:
    """The rutterctl package as of `rev`, in a directory to put first on PYTHONPATH."""
    where = workdir / f"baseline-{rev}"
    where.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "rutterctl"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive.stdout, check=True)
    return where


def measure(
    orders: int, runs: int, limit: int, workdir: Path, baseline: Path, curl: bool
) -> dict[str, list[Sample]]:
    sim = start_simulator(orders, workdir)
    try:
        env = {**sim.env, "TOKEN": sim.token, "LIMIT": str(limit)}
        args = ["fetch", "orders", sim.token, "--all", "-o", "ndjson", "--limit", str(limit)]
        cases = {
            "rutterctl": ([RUTTERCTL, *args], env),
            # -P: no current directory first on sys.path, so the baseline's package is found.
            "baseline": ([sys.executable, "-P", "-m", "rutterctl", *args],
                         {**env, "PYTHONPATH": str(baseline)}),
        }  # fmt: skip
        where = subprocess.run(
            [sys.executable, "-P", "-c", "import rutterctl; print(rutterctl.__file__)"],
            env=cases["baseline"][1], capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        if not where.startswith(str(baseline)):
            raise SystemExit(f"the baseline would run {where.strip()}, not {baseline}")
        if curl:
            cases["curl+jq"] = (["bash", "-c", CURL_JQ], env)
        for name, (argv, case_env) in cases.items():  # warm up: page cache, .pyc, the cache
            timed(argv, case_env, workdir / f"warm-{name}.ndjson")
        same = (workdir / "warm-rutterctl.ndjson").read_bytes()
        if same != (workdir / "warm-baseline.ndjson").read_bytes():
            raise SystemExit("rutterctl and the baseline wrote different bytes")
        samples: dict[str, list[Sample]] = {name: [] for name in cases}
        for run in range(runs):
            order = list(cases) if run % 2 == 0 else list(reversed(cases))
            for name in order:
                argv, case_env = cases[name]
                samples[name].append(timed(argv, case_env, workdir / f"{name}.ndjson"))
        counts = {s.records for group in samples.values() for s in group}
        if len(counts) != 1:
            raise SystemExit(f"the fetches disagree on the number of records: {counts}")
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
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with")
    parser.add_argument("--curl", action="store_true", help="also time a curl + jq loop")
    args = parser.parse_args()
    for tool in (TIME, "git", *(("curl", "jq") if args.curl else ())):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed")
    sizes = [int(size) for size in args.sizes.split(",")]
    results: dict[int, dict[str, list[Sample]]] = {}
    with tempfile.TemporaryDirectory(prefix="rutterctl-bench-") as tmp:
        baseline = extract(args.baseline, Path(tmp))
        for orders in sizes:
            results[orders] = measure(orders, args.runs, args.limit, Path(tmp), baseline, args.curl)

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
        ours = by_tool["rutterctl"]
        for other, target in (("baseline", 1.3), ("curl+jq", 1.0)):
            if other not in by_tool:
                continue
            ratio = median(by_tool[other], "seconds") / median(ours, "seconds")
            cpu = median(by_tool[other], "cpu") / median(ours, "cpu")
            verdict = "ok" if ratio >= target else "MISSED"
            print(
                f"{orders:>8} orders: throughput rutterctl / {other} = {ratio:.2f}x "
                f"(>= {target}x {verdict}); CPU {other} / rutterctl = {cpu:.2f}x"
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
        f"runs per case: {args.runs} (medians); page limit {args.limit}; baseline "
        f"{args.baseline}; python {sys.version.split()[0]}; cores {os.cpu_count()}"
    )


if __name__ == "__main__":
    main()
