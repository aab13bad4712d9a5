"""The caches under the platformdirs cache dir: id -> access token, and each connection's store.

Both are files of mode 0600 (access tokens are secrets; store names are merchant data), one
for all organisations with entries scoped by base URL and client id, so that a sandbox id
never resolves to a production token. A cache is disposable: a missing, corrupt or foreign
file reads as empty and is rebuilt from Rutter; one that cannot be written is skipped.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from rutterctl.config.files import locked, write_atomic
from rutterctl.domain.models import ConnectionSummary, StoreInfo
from rutterctl.domain.resolve import ResolvedConnection
from rutterctl.errors import UsageError
from rutterctl.secrets import register

CACHE_VERSION = 1
# Store names and domains change rarely (a rebrand, a new domain); a day keeps `connections
# find` and `--details` cheap while a renamed store shows up by the next morning.
STORE_MAX_AGE = timedelta(hours=24)
# A cache file larger than this is not ours (ours hold two short strings per connection).
_MAX_CACHE_BYTES = 64 * 1024 * 1024


@dataclass
class _ScopedFile:
    """One JSON file of `{"version", "scopes": {scope: value}}`, read leniently and updated
    under the lock of config.files, so concurrent rutterctl processes keep each other's work."""

    path: Path
    scope: str
    # (inode, mtime, size) of the file last parsed, and this scope's value in it.
    _memo: tuple[tuple[int, int, int], Any] | None = field(default=None, init=False, repr=False)

    def read(self) -> Any:
        """This scope's value. The file is parsed again only when it has changed (every write
        replaces it: a new inode), so a command naming many connections parses it once."""
        try:
            st = self.path.stat()
        except OSError:
            return None
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        memo = self._memo
        if memo is not None and memo[0] == key:
            return memo[1]
        value = self._load()["scopes"].get(self.scope)
        self._memo = (key, value)
        return value

    def update(self, change: Callable[[Any], Any]) -> None:
        with contextlib.suppress(UsageError), locked(self.path, timeout=2.0):
            data = self._load()
            data["scopes"][self.scope] = change(data["scopes"].get(self.scope))
            write_atomic(self.path, json.dumps(data, indent=1) + "\n", mode=0o600)

    def _load(self) -> dict[str, Any]:
        empty: dict[str, Any] = {"version": CACHE_VERSION, "scopes": {}}
        try:
            with self.path.open("rb") as handle:
                raw = handle.read(_MAX_CACHE_BYTES + 1)
            if len(raw) > _MAX_CACHE_BYTES:
                return empty
            data = json.loads(raw)
        except (OSError, ValueError, RecursionError):
            # Missing, unreadable, not JSON or nested absurdly deep: refresh from Rutter.
            return empty
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return empty
        if not isinstance(data.get("scopes"), dict):
            data["scopes"] = {}
        return data


def _scope(base_url: str, client_id: str) -> str:
    return f"{base_url}|{client_id}"


@dataclass
class FileConnectionCache:
    """id -> access token, from the last full listing plus tokens found outside it."""

    file: _ScopedFile

    @classmethod
    def in_dir(cls, cache_dir: Path, base_url: str, client_id: str) -> FileConnectionCache:
        return cls(_ScopedFile(cache_dir / "connections.json", _scope(base_url, client_id)))

    @property
    def path(self) -> Path:
        return self.file.path

    def _entries(self) -> list[ResolvedConnection]:
        entries = self.file.read()
        found = []
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            cid, token = entry.get("id"), entry.get("access_token")
            if isinstance(cid, str) and isinstance(token, str):
                found.append(ResolvedConnection(cid, token))
        return found

    def find(self, name: str) -> ResolvedConnection | None:
        for entry in self._entries():
            if name in (entry.connection_id, entry.access_token):
                register(entry.access_token)
                return entry
        return None

    def replace(self, connections: list[ConnectionSummary]) -> None:
        """Store the listing (it is complete: `status=any`), replacing what was known."""
        self.file.update(
            lambda _: [{"id": c.id, "access_token": c.access_token} for c in connections]
        )

    def remember(self, resolved: ResolvedConnection) -> None:
        """Add a token no listing held yet (created a moment ago), so the next command finds it."""

        def add(entries: Any) -> list[Any]:
            kept = [
                e
                for e in (entries if isinstance(entries, list) else [])
                if isinstance(e, dict) and e.get("access_token") != resolved.access_token
            ]
            return [*kept, {"id": resolved.connection_id, "access_token": resolved.access_token}]

        self.file.update(add)


@dataclass
class FileStoreCache:
    """Store name and domain per connection id, each with the time it was read from Rutter."""

    file: _ScopedFile
    now: Callable[[], datetime]
    max_age: timedelta = STORE_MAX_AGE

    @classmethod
    def in_dir(
        cls, cache_dir: Path, base_url: str, client_id: str, now: Callable[[], datetime]
    ) -> FileStoreCache:
        return cls(_ScopedFile(cache_dir / "stores.json", _scope(base_url, client_id)), now)

    def fresh(self) -> dict[str, StoreInfo]:
        """The entries younger than `max_age` (an entry from the future counts as stale)."""
        entries = self.file.read()
        now = self.now()
        found: dict[str, StoreInfo] = {}
        for cid, entry in (entries if isinstance(entries, dict) else {}).items():
            info = self._fresh_entry(entry, now)
            if info is not None:
                found[cid] = info
        return found

    def fresh_one(self, connection_id: str) -> StoreInfo | None:
        """One connection's entry when it is fresh: `status` asks for one of maybe thousands."""
        entries = self.file.read()
        entry = entries.get(connection_id) if isinstance(entries, dict) else None
        return self._fresh_entry(entry, self.now())

    def _fresh_entry(self, entry: Any, now: datetime) -> StoreInfo | None:
        if not isinstance(entry, dict):
            return None
        try:
            read_at = datetime.fromisoformat(str(entry.get("read_at")))
        except ValueError:
            return None
        if read_at.tzinfo is None or not timedelta(0) <= now - read_at <= self.max_age:
            return None
        return StoreInfo(
            _text(entry.get("store_name")),
            _text(entry.get("store_domain")),
            _text(entry.get("store_unique_id")),
        )

    def update(self, infos: dict[str, StoreInfo]) -> None:
        stamp = self.now().isoformat()

        def merge(entries: Any) -> dict[str, Any]:
            kept = dict(entries) if isinstance(entries, dict) else {}
            for cid, info in infos.items():
                kept[cid] = {
                    "store_name": info.store_name,
                    "store_domain": info.store_domain,
                    "store_unique_id": info.store_unique_id,
                    "read_at": stamp,
                }
            return kept

        if infos:
            self.file.update(merge)

    def forget(self) -> None:
        """Drop every entry of this scope (`connections find --refresh`)."""
        self.file.update(lambda _: {})


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
