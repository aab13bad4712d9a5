"""Start-up time of whole `rutterctl` processes against a bare interpreter, in the same run.

Targets (issue 2): `--version` within 5x and `--help` within 10x of `python -c pass`.
TAB completion (`rutterctl st<TAB>`) is timed too: the shell runs it on every TAB.
Run: python bench/startup.py [--runs N]. Prints medians (ms) and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


# What the shell sets when TAB is pressed after `rutterctl st` (bash completion).
TAB = {"_RUTTERCTL_COMPLETE": "complete_bash", "COMP_WORDS": "rutterctl st", "COMP_CWORD": "1"}


def median_ms(argv: list[str], runs: int, extra_env: dict[str, str] | None = None) -> float:
    env = {**os.environ, "NO_COLOR": "1", **(extra_env or {})}
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    rutterctl = str(BIN / "rutterctl")
    cases: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c pass (baseline)": ([sys.executable, "-c", "pass"], {}),
        "rutterctl --version": ([rutterctl, "--version"], {}),
        "rutterctl --help": ([rutterctl, "--help"], {}),
        "rutterctl status --help": ([rutterctl, "status", "--help"], {}),
        "TAB: rutterctl st<TAB>": ([rutterctl], TAB),
    }
    for argv, extra in cases.values():  # warm the OS page cache and .pyc files once
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env={**os.environ, **extra})
    results = {name: median_ms(argv, args.runs, extra) for name, (argv, extra) in cases.items()}
    base = results["python -c pass (baseline)"]
    targets = {"rutterctl --version": 5.0, "rutterctl --help": 10.0}
    print(f"{'case':<28} {'median ms':>10} {'ratio':>7}  target")
    for name, ms in results.items():
        target = targets.get(name)
        verdict = ""
        if target is not None:
            verdict = f"<= {target:g}x {'ok' if ms / base <= target else 'MISSED'}"
        print(f"{name:<28} {ms:>10.1f} {ms / base:>6.1f}x  {verdict}")
    print(f"runs per case: {args.runs}; python {sys.version.split()[0]}; cores {os.cpu_count()}")


if __name__ == "__main__":
    main()
