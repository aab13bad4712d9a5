"""The id -> access token cache: private, atomic, disposable, and scoped per organisation."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from rutterctl.config import files
from rutterctl.config.cache import FileConnectionCache
from rutterctl.domain.resolve import ResolvedConnection
from rutterctl.errors import UsageError
from rutterctl.secrets import redact

from tests import builders
from tests.domain.support import summary
from tests.fakes import CREDS, invoke

SANDBOX = "https://sandbox.rutterapi.com/versioned"
PRODUCTION = "https://production.rutterapi.com/versioned"
ID, TOKEN = builders.CONNECTION_ID, builders.ACCESS_TOKEN


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def data_files(directory: Path) -> list[str]:
    """The files in `directory` but the lock files the cache leaves for the next writer (and
    the pacing state's own directory)."""
    return sorted(
        p.name for p in directory.iterdir() if p.is_file() and not p.name.endswith(".lock")
    )


def test_cache_file_is_0600_in_a_0700_directory(tmp_path: Path) -> None:
    cache_dir = tmp_path / "fresh" / "rutterctl"
    cache = FileConnectionCache.in_dir(cache_dir, SANDBOX, "client")
    cache.replace([summary(ID, TOKEN)])
    assert mode(cache_dir) == 0o700
    assert mode(cache.path) == 0o600
    assert cache.find(ID) == ResolvedConnection(ID, TOKEN)


def test_cache_written_by_the_cli_is_private(isolated_env: Path) -> None:
    result = invoke(["status", ID], transport=builders.fake_rutter().transport)
    assert result.exit_code == 0, result.stderr
    cache_file = isolated_env / "cache" / "connections.json"
    assert mode(cache_file.parent) == 0o700
    # The ids and tokens, and the store's name and domain (status keeps what it read).
    assert data_files(cache_file.parent) == ["connections.json", "stores.json"]
    for name in data_files(cache_file.parent):
        assert mode(cache_file.parent / name) == 0o600


def test_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    cache = FileConnectionCache.in_dir(tmp_path, SANDBOX, "client")
    for n in range(3):
        cache.replace([summary(f"id-{n}", f"token-{n}-abcdef")])
    assert data_files(tmp_path) == ["connections.json"]
    assert cache.find("id-2") == ResolvedConnection("id-2", "token-2-abcdef")


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = FileConnectionCache.in_dir(tmp_path, SANDBOX, "client")
    cache.replace([summary(ID, TOKEN)])
    before = cache.path.read_text()

    def fail(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    cache.replace(
        [summary("other", "other-token-123")]
    )  # a cache that cannot be written is skipped
    assert cache.path.read_text() == before
    assert data_files(tmp_path) == ["connections.json"]


def test_write_atomic_applies_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "a" / "secret.json"
    files.write_atomic(target, "{}\n", mode=0o600)
    assert target.read_text() == "{}\n"
    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "\x00\xff garbage",
        "[]",
        '{"version": 99, "scopes": {}}',
        '{"version": 1, "scopes": []}',
        json.dumps({"version": 1, "scopes": {f"{SANDBOX}|client": "oops"}}),
        json.dumps({"version": 1, "scopes": {f"{SANDBOX}|client": [1, {"id": 2}, None]}}),
    ],
    ids=["truncated", "binary", "list", "version", "scopes-list", "entries-str", "entries-bad"],
)
def test_a_corrupt_cache_is_ignored_and_rebuilt(tmp_path: Path, content: str) -> None:
    cache = FileConnectionCache.in_dir(tmp_path, SANDBOX, "client")
    cache.path.write_text(content, encoding="utf-8", errors="surrogateescape")
    assert cache.find(ID) is None
    cache.replace([summary(ID, TOKEN)])
    data = json.loads(cache.path.read_text())
    assert data["version"] == 1
    assert data["scopes"][f"{SANDBOX}|client"] == [{"id": ID, "access_token": TOKEN}]
    assert cache.find(ID) == ResolvedConnection(ID, TOKEN)


def test_the_cli_rebuilds_a_corrupt_cache(isolated_env: Path) -> None:
    cache_file = isolated_env / "cache" / "connections.json"
    cache_file.parent.mkdir(parents=True)
    cache_file.write_text("{corrupt")
    rutter = builders.fake_rutter()
    result = invoke(["status", ID], transport=rutter.transport)
    assert result.exit_code == 0, result.stderr
    assert rutter.hits("/connections") == 1
    assert json.loads(cache_file.read_text())["version"] == 1


def test_scopes_keep_sandbox_and_production_apart(tmp_path: Path) -> None:
    sandbox = FileConnectionCache.in_dir(tmp_path, SANDBOX, "client")
    production = FileConnectionCache.in_dir(tmp_path, PRODUCTION, "client")
    sandbox.replace([summary(ID, TOKEN)])
    production.replace([summary("prod-id", "prod-token-1234")])
    assert sandbox.path == production.path
    assert production.find(ID) is None
    assert production.find(TOKEN) is None
    assert sandbox.find("prod-id") is None
    assert sandbox.find(ID) == ResolvedConnection(ID, TOKEN)
    assert production.find("prod-id") == ResolvedConnection("prod-id", "prod-token-1234")


def test_scopes_keep_client_ids_apart(tmp_path: Path) -> None:
    FileConnectionCache.in_dir(tmp_path, SANDBOX, "org-a").replace([summary(ID, TOKEN)])
    assert FileConnectionCache.in_dir(tmp_path, SANDBOX, "org-b").find(ID) is None


def test_the_cli_does_not_resolve_a_sandbox_id_in_production(isolated_env: Path) -> None:
    first = invoke(["status", ID], transport=builders.fake_rutter().transport)
    assert first.exit_code == 0, first.stderr
    production = builders.fake_rutter(
        builders.respond(401, builders.error_body("INVALID_CREDENTIALS")),
        connections=builders.respond(200, {"connections": []}),
    )
    env = {**CREDS, "RUTTER_ENV": "production"}
    result = invoke(["status", ID], transport=production.transport, env=env)
    assert result.exit_code == 3
    # The listing, then the id tried as an access token: production knows neither.
    assert production.paths() == ["/connections", "/connections/status"]
    assert production.requests[0].url.host == "production.rutterapi.com"


def test_a_cache_hit_registers_the_token_as_a_secret(tmp_path: Path) -> None:
    token = "7c7c7c7c-1d1d-4e4e-8f8f-a0a0a0a0b1b1"
    path = tmp_path / "connections.json"
    path.write_text(
        json.dumps({"version": 1, "scopes": {f"{SANDBOX}|c": [{"id": "i", "access_token": token}]}})
    )
    cache = FileConnectionCache.in_dir(tmp_path, SANDBOX, "c")
    assert cache.find("i") == ResolvedConnection("i", token)
    assert redact(token) == "****b1b1"


def test_a_cache_dir_that_cannot_be_written_does_not_fail_the_command(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = isolated_env / "a-file"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a directory\n")
    monkeypatch.setenv("RUTTERCTL_CACHE_DIR", str(blocker / "cache"))
    result = invoke(["status", builders.CONNECTION_ID], transport=builders.fake_rutter().transport)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""


def test_write_atomic_failure_is_a_usage_error_naming_the_file(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(UsageError, match=r"a-file/x/config\.toml: cannot write: Not a directory"):
        files.write_atomic(blocker / "x" / "config.toml", "data\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_store_entries_expire_after_24_hours(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from rutterctl.config.cache import STORE_MAX_AGE, FileStoreCache
    from rutterctl.domain.models import StoreInfo

    now = [datetime(2026, 12, 1, 12, tzinfo=UTC)]
    stores = FileStoreCache.in_dir(tmp_path, SANDBOX, "client", lambda: now[0])
    stores.update({ID: StoreInfo("Acme", "acme.myshopify.com", "1")})
    assert timedelta(hours=24) == STORE_MAX_AGE  # the age the README and --help promise
    now[0] += timedelta(hours=23, minutes=59)
    assert stores.fresh() == {ID: StoreInfo("Acme", "acme.myshopify.com", "1")}
    assert stores.fresh_one(ID) == StoreInfo("Acme", "acme.myshopify.com", "1")
    assert stores.fresh_one("another-id") is None
    now[0] += timedelta(minutes=2)
    assert stores.fresh() == {}
    assert stores.fresh_one(ID) is None
    now[0] -= timedelta(days=2)  # read "in the future" (a clock set back): stale too
    assert stores.fresh() == {}
    assert stores.fresh_one(ID) is None


def _remember_many(cache_dir: str, start: Any, index: int) -> None:
    from rutterctl.config.cache import FileStoreCache
    from rutterctl.domain.models import StoreInfo

    start.wait()
    cache = FileConnectionCache.in_dir(Path(cache_dir), SANDBOX, "client")
    stores = FileStoreCache.in_dir(Path(cache_dir), SANDBOX, "client", _fixed_now)
    for n in range(5):
        cache.remember(ResolvedConnection(f"id-{index}-{n}", f"token-{index}-{n}"))
        stores.update({f"id-{index}-{n}": StoreInfo(f"Store {index}", None, None)})


def _fixed_now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def test_concurrent_writers_keep_every_entry(tmp_path: Path) -> None:
    """Eight rutterctl processes updating both caches at once (the lock of config.files around
    each read-modify-write) lose none of each other's entries."""
    import multiprocessing

    from rutterctl.config.cache import FileStoreCache

    ctx = multiprocessing.get_context("fork")
    start = ctx.Event()
    workers = [ctx.Process(target=_remember_many, args=(str(tmp_path), start, i)) for i in range(8)]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    cache = FileConnectionCache.in_dir(tmp_path, SANDBOX, "client")
    wanted = {f"id-{i}-{n}" for i in range(8) for n in range(5)}
    assert {e.connection_id for e in cache._entries()} == wanted
    stores = FileStoreCache.in_dir(tmp_path, SANDBOX, "client", _fixed_now)
    assert set(stores.fresh()) == wanted


def test_threads_of_one_process_wait_for_each_other(tmp_path: Path) -> None:
    """The lock is re-entrant per thread only: eight threads remembering tokens at once lose
    none (a process-wide count let a second thread in, and crashed it on the way out)."""
    import threading

    start = threading.Barrier(8)
    failed: list[BaseException] = []

    def remember(index: int) -> None:
        cache = FileConnectionCache.in_dir(tmp_path, SANDBOX, "client")
        start.wait()
        try:
            for n in range(5):
                cache.remember(ResolvedConnection(f"id-{index}-{n}", f"token-{index}-{n}"))
        except BaseException as exc:  # noqa: BLE001 - reported below, from the main thread
            failed.append(exc)

    threads = [threading.Thread(target=remember, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failed == []
    cache = FileConnectionCache.in_dir(tmp_path, SANDBOX, "client")
    assert len(cache._entries()) == 40


def test_the_file_is_parsed_again_only_when_it_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = FileConnectionCache.in_dir(tmp_path, SANDBOX, "client")
    cache.replace([summary(ID, TOKEN)])
    parsed = []
    real_load = type(cache.file)._load

    def counting(self: Any) -> Any:
        parsed.append(1)
        return real_load(self)

    monkeypatch.setattr(type(cache.file), "_load", counting)
    for _ in range(50):  # a fleet command naming many connections
        assert cache.find(ID) == ResolvedConnection(ID, TOKEN)
    assert len(parsed) == 1
    other = FileConnectionCache.in_dir(tmp_path, SANDBOX, "client")
    other.replace([summary("other-id-0000", "other-token-0000")])  # another process writes
    assert cache.find(ID) is None
    assert cache.find("other-id-0000") == ResolvedConnection("other-id-0000", "other-token-0000")
    assert len(parsed) == 3  # the write read it under its lock, then this reader once
