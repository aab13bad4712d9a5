"""fetch --output: where the path leads, checkpoints and --resume, write errors, numbers as sent."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from rutterctl.render import outfile

from tests import builders
from tests.cli.test_fetch import TOKEN, ids, ndjson, order_ids, paged, rutter_with
from tests.fakes import invoke

BASE = ["fetch", "orders", TOKEN, "--all"]


def files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name != "home")


def interrupt_at(cursor: str, total: int = 9) -> builders.FakeRutter:
    def stop(request: httpx.Request) -> httpx.Response:
        raise KeyboardInterrupt

    return rutter_with(paged(total=total, fail={cursor: stop}))


# -- path kinds --------------------------------------------------------------------------------


def test_a_symlink_is_followed_and_the_target_replaced_atomically(tmp_path: Path) -> None:
    real_dir = tmp_path / "data"
    real_dir.mkdir()
    (real_dir / "orders.ndjson").write_text("old\n")
    link = tmp_path / "latest.ndjson"
    link.symlink_to(real_dir / "orders.ndjson")
    args = [*BASE, "-o", "ndjson", "--output", str(link)]
    result = invoke(args, transport=rutter_with(paged(total=7)).transport)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and ids(ndjson(link.read_text())) == order_ids(*range(7))
    assert files(real_dir) == ["orders.ndjson"] and files(tmp_path) == ["data", "latest.ndjson"]


def test_a_fifo_is_written_into_directly(tmp_path: Path) -> None:
    fifo = tmp_path / "orders.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    args = [*BASE, "-o", "json", "--output", str(fifo)]
    result = invoke(args, transport=rutter_with(paged(total=7)).transport)
    reader.join(10)
    assert result.exit_code == 0, result.stderr
    assert ids(json.loads(received[0])) == order_ids(*range(7))
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and files(tmp_path) == ["orders.fifo"]


def _device(tmp_path: Path, name: str, minor: int) -> Path:
    node = tmp_path / name
    try:  # a private copy of /dev/null (1, 3) or /dev/full (1, 7): needs root (CAP_MKNOD)
        os.mknod(node, stat.S_IFCHR | 0o600, os.makedev(1, minor))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    return node


def test_a_character_device_is_written_into_and_stays_a_device(tmp_path: Path) -> None:
    node = _device(tmp_path, "null", 3)
    args = [*BASE, "-o", "ndjson", "--output", str(node)]
    result = invoke(args, transport=rutter_with(paged(total=7)).transport)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(os.stat(node).st_mode) and files(tmp_path) == ["null"]


def test_a_full_device_is_exit_2_naming_it(tmp_path: Path) -> None:
    node = _device(tmp_path, "full", 7)
    args = [*BASE, "-o", "ndjson", "--output", str(node)]
    result = invoke(args, transport=rutter_with(paged(total=7)).transport)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: cannot write {node}: No space left on device; free some space\n"
    )
    assert stat.S_ISCHR(os.stat(node).st_mode)


def test_dev_stdout_is_written_directly_without_a_checkpoint() -> None:
    # Only classified (stat, no write): tests never write to the machine's /dev.
    assert outfile.target(Path("/dev/stdout")).direct
    result = invoke([*BASE, "--output", "/dev/stdout", "--resume"])
    assert result.exit_code == 2
    assert (
        result.stderr
        == "error: --resume: /dev/stdout is not a regular file: it has no checkpoint\n"
    )


def test_temporary_files_are_private_and_stale_ones_of_this_file_are_removed(
    tmp_path: Path,
) -> None:
    target = tmp_path / "orders.ndjson"
    stale = tmp_path / ".orders.ndjson.dead1234.tmp"  # left by a SIGKILLed run
    stale.write_text("half a page")
    other = tmp_path / ".other.ndjson.dead1234.tmp"  # another FILE's: not ours to remove
    other.write_text("x")
    live = tmp_path / ".orders.ndjson.live5678.tmp"  # held by a running rutterctl
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(live)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
    modes: list[int] = []
    data = paged(total=9)

    def watch(request: httpx.Request) -> httpx.Response:
        temps = [p for p in tmp_path.glob(".orders.ndjson.*.tmp") if p != live]
        modes.extend(stat.S_IMODE(p.stat().st_mode) for p in temps)
        return data(request)

    try:
        args = [*BASE, "-o", "ndjson", "--output", str(target)]
        result = invoke(args, transport=rutter_with(watch).transport)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(10)
    assert result.exit_code == 0, result.stderr
    assert modes and set(modes) == {0o600}
    assert not stale.exists() and other.exists() and live.exists()
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # what `> FILE` gives (umask 022)


HOLD = """
import fcntl, sys
with open(sys.argv[1], "w") as f:
    fcntl.flock(f, fcntl.LOCK_EX)
    print("held", flush=True)
    sys.stdin.read()
"""


# -- checkpoints and --resume ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv", "ndjson", "table"])
def test_every_format_resumes_to_each_record_once(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"orders.{fmt}"
    args = [*BASE, "-o", fmt, "--output", str(target)]
    first = invoke(args, transport=interrupt_at("cur-6").transport)
    assert first.exit_code == 130
    checkpoint = tmp_path / f".orders.{fmt}.checkpoint"
    assert stat.S_IMODE(checkpoint.stat().st_mode) == 0o600
    doc = json.loads(checkpoint.read_text())
    assert (doc["cursor"], doc["records"], doc["format"]) == ("cur-6", 6, fmt)
    assert doc["length"] == (target.stat().st_size - (3 if fmt == "json" else 0))
    again = invoke([*args, "--resume"], transport=rutter_with(paged(total=9)).transport)
    assert again.exit_code == 0, again.stderr
    text = target.read_text()
    if fmt == "json":
        got = ids(json.loads(text))
    elif fmt == "csv":
        got = [row["id"] for row in csv.DictReader(io.StringIO(text))]
    elif fmt == "table":
        assert text.count("order_number") == 1 and text.startswith("id\t")  # one header
        got = [line.split("\t")[0] for line in text.splitlines()[1:]]
    else:
        got = ids(ndjson(text))
    assert got == order_ids(*range(9))
    assert files(tmp_path) == [f"orders.{fmt}"]


@pytest.mark.parametrize(
    ("change", "differs"),
    [
        (["-o", "csv"], "format (ndjson there, csv here)"),
        (["-o", "ndjson", "--updated-since", "7d"], "updated_since"),
        (["-o", "ndjson", "--force"], "force"),
    ],
)
def test_resume_refuses_a_checkpoint_of_another_query(
    tmp_path: Path, change: list[str], differs: str
) -> None:
    target = tmp_path / "orders.out"
    first = invoke(
        [*BASE, "-o", "ndjson", "--output", str(target)], transport=interrupt_at("cur-3").transport
    )
    assert first.exit_code == 130
    before = target.read_bytes()
    rutter = rutter_with(paged(total=9))
    result = invoke(
        [*BASE, *change, "--output", str(target), "--resume"], transport=rutter.transport
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --resume: {tmp_path / '.orders.out.checkpoint'} ")
    assert differs in result.stderr and result.stderr.count("\n") == 1
    assert target.read_bytes() == before


def test_resume_needs_output_and_no_cursor() -> None:
    for extra in (["--resume"], ["--resume", "--output", "x.ndjson", "--cursor", "c"]):
        result = invoke([*BASE, *extra])
        assert result.exit_code == 2
        assert result.stderr.startswith("error: --resume needs --output FILE")


def test_a_fetch_without_resume_starts_over_and_drops_the_old_checkpoint(tmp_path: Path) -> None:
    target = tmp_path / "orders.ndjson"
    args = [*BASE, "-o", "ndjson", "--output", str(target)]
    assert invoke(args, transport=interrupt_at("cur-3").transport).exit_code == 130
    again = invoke(args, transport=rutter_with(paged(total=9)).transport)
    assert again.exit_code == 0, again.stderr
    assert ids(ndjson(target.read_text())) == order_ids(*range(9))
    assert files(tmp_path) == ["orders.ndjson"]


def test_stdout_interrupted_names_the_cursor_shell_quoted() -> None:
    def stop(request: httpx.Request) -> httpx.Response:
        raise KeyboardInterrupt

    records = [builders.order(f"o{i}") for i in range(4)]

    def answer(request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("cursor")
        if cursor:
            return stop(request)
        return httpx.Response(200, json=builders.orders_doc(records, "a b'c"))

    result = invoke([*BASE, "-o", "json"], transport=rutter_with(answer).transport)
    assert result.exit_code == 130
    assert ids(json.loads(result.stdout)) == [f"o{i}" for i in range(4)]  # the array is closed
    assert result.stderr == (
        "interrupted by SIGINT: 4 records written; resume with --cursor 'a b'\"'\"'c'\n"
    )


# -- write errors ------------------------------------------------------------------------------


def test_a_full_disk_midway_keeps_whole_pages_and_resume_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC injected after part of the third page reached the file (a real full disk is in
    tests/e2e/test_fetch_paths.py, where a small tmpfs can be mounted)."""
    real = outfile.FdOut.flush
    calls = {"n": 0}

    def flush(self: outfile.FdOut) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # the third page: a part gets through, then the disk is full
            data = "".join(self._parts).encode()
            self._parts.clear()
            os.write(self.fd, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(self)

    monkeypatch.setattr(outfile.FdOut, "flush", flush)
    target = tmp_path / "orders.json"
    args = [*BASE, "-o", "json", "--output", str(target)]
    result = invoke(args, transport=rutter_with(paged(total=9)).transport)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: cannot write {target}: No space left on device; free some space; "
        "what was written is valid: then resume with --resume\n"
    )
    assert ids(json.loads(target.read_text())) == order_ids(*range(6))
    monkeypatch.setattr(outfile.FdOut, "flush", real)
    again = invoke([*args, "--resume"], transport=rutter_with(paged(total=9)).transport)
    assert again.exit_code == 0, again.stderr
    assert ids(json.loads(target.read_text())) == order_ids(*range(9))


# -- numbers -----------------------------------------------------------------------------------

EXACT = (
    '{"id":"n1","total_price":12.10,"big":12345678901234567890123,"huge":1e400,'
    '"long":1234567890123456789.5,"neg":-0,"nested":{"a":[1.50,2E3]}}'
)


def raw_page(records: str, spaced: bool = False) -> builders.FakeRutter:
    sep = ", " if spaced else ","
    body = f'{{"connection":{{"id":"c"}}{sep}"orders":[{records}]{sep}"next_cursor":null}}'
    return rutter_with(builders.respond(200, content=body.encode()))


def test_numbers_are_written_as_rutter_sent_them_in_ndjson_and_json() -> None:
    for fmt in ("ndjson", "json"):
        result = invoke([*BASE, "-o", fmt], transport=raw_page(EXACT).transport)
        assert result.exit_code == 0, result.stderr
        assert EXACT in result.stdout
        json.loads(result.stdout if fmt == "json" else result.stdout.splitlines()[0])
        assert "Infinity" not in result.stdout


def test_numbers_in_csv_cells_keep_their_digits() -> None:
    result = invoke([*BASE, "-o", "csv"], transport=raw_page(EXACT).transport)
    assert result.exit_code == 0, result.stderr
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert (row["total_price"], row["big"], row["huge"]) == (
        "12.10",
        "12345678901234567890123",
        "1e400",
    )
    assert (row["long"], row["neg"], row["nested"]) == (
        "1234567890123456789.5",
        "-0",
        '{"a":[1.50,2E3]}',
    )


def test_plain_numbers_come_out_byte_identical_to_the_standard_encoder() -> None:
    """The orjson fast path writes what json.dumps(ensure_ascii=False, compact) writes; a
    spaced body (the slow path) is compacted the same way."""
    records = [builders.order(f"ord-{i}", total=10.5 + i) for i in range(3)]
    records[0]["note"] = 'é \u2028 \x7f \\ " \t'
    texts = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records]
    for spaced in (False, True):
        body = (
            ",".join(json.dumps(r, ensure_ascii=spaced) for r in records)
            if spaced
            else ",".join(texts)
        )
        result = invoke([*BASE, "-o", "ndjson"], transport=raw_page(body, spaced).transport)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == "\n".join(texts) + "\n"


def test_nan_from_the_server_is_an_unreadable_body_not_invalid_json() -> None:
    result = invoke([*BASE, "-o", "json"], transport=raw_page('{"id":"x","v":NaN}').transport)
    assert result.exit_code == 7
    assert result.stdout == "" and "not JSON" in result.stderr


def test_a_page_without_escapes_is_written_from_its_own_text_whitespace_dropped() -> None:
    """ndjson and json take each record's text as sent (msgspec, no objects), compacted."""
    records = [builders.order(f"ord-{i}", total=10.5 + i) for i in range(3)]
    records[0]["note"] = "é, 😀: { spaced } [x]"
    texts = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records]
    spaced = ",\n ".join(json.dumps(r, ensure_ascii=False, indent=1) for r in records)
    for fmt in ("ndjson", "json"):
        result = invoke([*BASE, "-o", fmt], transport=raw_page(spaced, True).transport)
        assert result.exit_code == 0, result.stderr
        if fmt == "ndjson":
            assert result.stdout == "\n".join(texts) + "\n"
        else:
            assert result.stdout == "[\n" + ",\n".join(texts) + "\n]\n"


def test_a_page_that_is_not_utf8_is_an_unreadable_body_in_every_format() -> None:
    bad = rutter_with(builders.respond(200, content=b'{"orders":[{"id":"\xff"}]}'))
    for fmt in ("ndjson", "csv"):
        result = invoke([*BASE, "-o", fmt], transport=bad.transport)
        assert result.exit_code == 7 and result.stdout == "", result.stderr


@pytest.mark.parametrize(
    "change",
    [{"data": "../elsewhere"}, {"length": "12"}, {"inode": -1}, {"cursor": 5}, {"version": 9}],
)
def test_a_checkpoint_that_is_not_sound_is_refused_and_nothing_is_cut(
    tmp_path: Path, change: dict[str, object]
) -> None:
    target = tmp_path / "orders.ndjson"
    args = [*BASE, "-o", "ndjson", "--output", str(target)]
    assert invoke(args, transport=interrupt_at("cur-3").transport).exit_code == 130
    checkpoint = tmp_path / ".orders.ndjson.checkpoint"
    checkpoint.write_text(json.dumps({**json.loads(checkpoint.read_text()), **change}))
    before = target.read_bytes()
    result = invoke([*args, "--resume"], transport=rutter_with(paged(total=9)).transport)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {checkpoint}: not a checkpoint this rutterctl can read; "
        "remove it and fetch again without --resume\n"
    )
    assert target.read_bytes() == before
