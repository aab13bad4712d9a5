"""Kill `fetch --all --output` at random moments, then `--resume` until done: every record once.

SIGKILL, SIGTERM and SIGINT in turn, for ndjson, csv and json, 18 kills per format (54 in
all), the three formats side by side; a fetch that finishes between kills is checked and the
next one starts from scratch. After a SIGTERM or SIGINT that the fetch handled, FILE
must already be valid; at the end FILE holds every record exactly once and nothing else is
left beside it (no checkpoint, no temporary file).
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import RUTTERCTL, RunningSim

pytestmark = pytest.mark.e2e

ORDERS = 4000
LIMIT = 10
KILLS_PER_FORMAT = 18
SIGNALS = (signal.SIGKILL, signal.SIGTERM, signal.SIGINT)
SCENARIO = f"""\
[simulator]
description = "kill harness: one ready connection"
rate_limit = "100000/1s"

[[connections]]
name = "kills"
template = "ongoing"
orders = {ORDERS}
"""


def read_ids(fmt: str, text: str) -> list[str]:
    if fmt == "json":
        return [r["id"] for r in json.loads(text)]
    if fmt == "csv":
        return [row["id"] for row in csv.DictReader(io.StringIO(text))]
    assert text == "" or text.endswith("\n")
    return [json.loads(line)["id"] for line in text.split("\n")[:-1]]


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return info.st_mtime_ns, info.st_ino


def torture(
    sim: RunningSim, fmt: str, workdir: Path, rng: random.Random, expected: list[str]
) -> dict[str, Any]:
    workdir.mkdir()
    target = workdir / f"orders.{fmt}"
    checkpoint = workdir / f".orders.{fmt}.checkpoint"
    argv = [RUTTERCTL, "fetch", "orders", "kills", "--all", "-o", fmt, "--limit", str(LIMIT)]
    argv += ["--output", str(target), "--resume"]
    env = sim.env()
    kills: dict[str, int] = {}
    handled = rounds = 0
    while sum(kills.values()) < KILLS_PER_FORMAT:
        sig = SIGNALS[sum(kills.values()) % len(SIGNALS)]
        before = _stamp(checkpoint)
        process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if sum(kills.values()) % 2:  # any instant, start-up included
            time.sleep(rng.uniform(0.05, 0.8))
        else:  # once a page is on disk (the checkpoint changed): mid-fetch, whatever the load
            deadline = time.monotonic() + 20
            while _stamp(checkpoint) == before and process.poll() is None:
                assert time.monotonic() < deadline, "no page written in 20 s"
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.15))
        process.send_signal(sig)
        _, err = process.communicate(timeout=30)
        if process.returncode == 0:  # it finished first: check it, then a fetch from scratch
            assert read_ids(fmt, target.read_text()) == expected, f"{fmt}: a round lost records"
            assert sorted(os.listdir(workdir)) == [target.name]
            target.unlink()
            rounds += 1
            continue
        kills[sig.name] = kills.get(sig.name, 0) + 1
        if process.returncode in (130, 143):  # handled
            # Stopped before the first page (still resolving the connection): nothing to say.
            ends = (b"with --resume\n", b"nothing written\n", b"interrupted\n")
            assert err.endswith(ends), (process.returncode, err)
        # Once a handled stop reached its output, FILE is valid and its temporary files are
        # gone. (Stopped earlier, it has not touched FILE, which a SIGKILL before may have
        # left cut mid-page for the next --resume to cut back.)
        if process.returncode in (130, 143) and b"records in" in err:
            handled += 1
            try:
                ids = read_ids(fmt, target.read_text())
            except ValueError as exc:
                raise AssertionError(f"{fmt} invalid after {sig.name}: {err!r}") from exc
            assert len(ids) == len(set(ids))
            assert not [n for n in os.listdir(workdir) if n.endswith(".tmp")], err
    # The page size is not part of what a checkpoint must match: finish in larger pages.
    final = subprocess.run([*argv, "--limit", "500"], env=env, capture_output=True, timeout=60)
    assert final.returncode == 0, final.stderr
    return {
        "ids": read_ids(fmt, target.read_text()),
        "kills": kills,
        "handled": handled,
        "left": sorted(os.listdir(workdir)),
        "rounds": rounds + 1,
    }


def test_killed_fetches_resume_to_every_record_exactly_once(
    launch: Callable[..., RunningSim], tmp_path: Path
) -> None:
    scenario = tmp_path / "kills.toml"
    scenario.write_text(SCENARIO)
    sim = launch("--scenario", str(scenario))
    sim.run("alias", "set", "kills", sim.token("kills"))
    whole = sim.run("fetch", "orders", "kills", "--all", "-o", "ndjson", "--limit", "500")
    assert whole.returncode == 0, whole.stderr
    expected = read_ids("ndjson", whole.stdout)
    assert len(expected) == len(set(expected)) >= ORDERS

    seed = random.randrange(1 << 30)
    results: dict[str, dict[str, Any]] = {}
    errors: list[BaseException] = []

    def one(fmt: str, rng: random.Random) -> None:
        try:
            results[fmt] = torture(sim, fmt, tmp_path / fmt, rng, expected)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [
        threading.Thread(target=one, args=(fmt, random.Random(seed + i)))
        for i, fmt in enumerate(("ndjson", "csv", "json"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not errors, f"seed {seed}: {errors[0]!r}"
    for fmt, result in results.items():
        assert result["ids"] == expected, f"{fmt}, seed {seed}: lost or repeated records"
        assert result["left"] == [f"orders.{fmt}"], f"{fmt}, seed {seed}"
    total = sum(sum(r["kills"].values()) for r in results.values())
    rounds = {fmt: (r["rounds"], r["handled"]) for fmt, r in results.items()}
    print(f"kills: {total} ({[r['kills'] for r in results.values()]}), rounds and handled stops")
    print(f"that reached FILE per format: {rounds}, seed {seed}")
    assert total == 3 * KILLS_PER_FORMAT >= 50


def test_sighup_on_stdout_closes_the_array_and_names_the_cursor_quoted(
    launch: Callable[..., RunningSim], tmp_path: Path
) -> None:
    scenario = tmp_path / "kills.toml"
    scenario.write_text(SCENARIO)
    sim = launch("--scenario", str(scenario))
    argv = [RUTTERCTL, "fetch", "orders", sim.token("kills"), "--all", "-o", "json"]
    process = subprocess.Popen(
        [*argv, "--limit", "5"],
        env=sim.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,  # read(1) takes one byte, not a buffer's worth communicate() would skip
    )
    assert process.stdout is not None
    first = process.stdout.read(1)  # the first page is out: the fetch is under way
    process.send_signal(signal.SIGHUP)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 129
    records = json.loads(first + out)
    assert records and len(records) % 5 == 0
    line = err.decode()
    assert line.startswith(f"interrupted by SIGHUP: {len(records):,} records written; ")
    cursor = line.rstrip("\n").split("resume with --cursor ", 1)[1]
    token = sim.token("kills")
    again = sim.run("fetch", "orders", token, "--all", "-o", "json", "--cursor", cursor.strip("'"))
    assert again.returncode == 0, again.stderr
    whole = sim.run("fetch", "orders", token, "--all", "-o", "json", "--limit", "500")
    assert records + json.loads(again.stdout) == json.loads(whole.stdout)
