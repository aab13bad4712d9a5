"""`rutterctl watch` on a fleet at the organisation's rate limit: is the interval adapted?

Starts `rutterctl sim serve` on 127.0.0.1 with bench/fleet.py's scenario of N connections
and `--rate-limit 500/10s` (Rutter's default), runs `rutterctl --debug watch -o ndjson
--interval 10s --timeout DUR` with default settings, timestamps each request of the
`--debug` trace as it arrives, and prints: the interval watch announced, the status requests,
the most in any sliding window of the limit (against the limit itself, the reference: watch
plans for 90% of it), the polls per connection against what the interval asked for, the
HTTP 429s, the NDJSON lines (changes, not polls) and the peak memory.

Run: python bench/watch.py [--connections 1000] [--seconds 60]. Asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from check import environment
from fleet import BIN, scenario, start_sim

STATUS = re.compile(r"^debug: GET \S*/connections/status\?\S*access_token=\*+(\w{4})\S* -> (\d+)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    limit, window = 500, 10.0
    with tempfile.TemporaryDirectory(prefix="rutterctl-bench-watch-") as tmp:
        root = Path(tmp)
        scenario(root / "fleet.toml", args.connections)
        sim, base_url = start_sim(root / "fleet.toml", f"{limit}/{window:g}s")
        env = environment(base_url, root, None)  # default settings: 500/10s
        argv = [str(BIN / "rutterctl"), "--debug", "watch", "-o", "ndjson", "--interval", "10s"]
        argv += ["--timeout", f"{args.seconds}s"]
        stamps: list[float] = []
        polls: Counter[str] = Counter()
        statuses: Counter[str] = Counter()
        header = ""
        try:
            started = time.monotonic()
            out = (root / "changes.ndjson").open("w")  # a file: a full pipe would block watch
            proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.PIPE, text=True)
            assert proc.stderr is not None
            for line in proc.stderr:
                match = STATUS.match(line)
                if match:
                    stamps.append(time.monotonic() - started)
                    polls[match.group(1)] += 1
                    statuses[match.group(2)] += 1
                elif line.startswith("watching "):
                    header = line.strip()
            proc.wait()
            out.close()
            changes = len((root / "changes.ndjson").read_text().splitlines())
        finally:
            sim.terminate()
            sim.wait(timeout=30)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    busiest = max((sum(1 for t in stamps if s <= t < s + window) for s in stamps), default=0)
    asked = args.seconds / 10.0
    print(header)
    print(
        f"{args.connections} connections, {args.seconds} s: {len(stamps)} status requests, "
        f"exit {proc.returncode}; HTTP statuses {dict(statuses)}"
    )
    print(
        f"busiest {window:g} s window: {busiest} requests = {busiest / limit:.2f}x the limit "
        f"({limit}/{window:g}s)"
    )
    # Tokens are masked in the trace (last four characters): a few of 1000 share a suffix,
    # so the median of the per-suffix counts, and the mean over all, tell the spacing.
    median = sorted(polls.values())[len(polls) // 2] if polls else 0
    print(
        f"polls per connection: median {median}, mean {len(stamps) / args.connections:.2f}; "
        f"--interval 10s alone would ask {asked:.0f}"
    )
    print(f"{changes} NDJSON lines (changes); peak RSS of the children {peak:.1f} MiB")


if __name__ == "__main__":
    main()
