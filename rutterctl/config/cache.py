"""The id -> access token cache under the platformdirs cache dir (0600: tokens are secrets)."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rutterctl.config.files import write_atomic
from rutterctl.domain.models import ConnectionSummary
from rutterctl.domain.resolve import ResolvedConnection
from rutterctl.errors import UsageError
from rutterctl.secrets import register

CACHE_VERSION = 1


@dataclass
class FileConnectionCache:
    """One file for all organisations; entries are scoped by base URL and client id so that a
    sandbox id never resolves to a production token."""

    path: Path
    scope: str

    @classmethod
    def in_dir(cls, cache_dir: Path, base_url: str, client_id: str) -> FileConnectionCache:
        return cls(cache_dir / "connections.json", f"{base_url}|{client_id}")

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            # A cache is disposable: missing or corrupt means "refresh from Rutter".
            return {"version": CACHE_VERSION, "scopes": {}}
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return {"version": CACHE_VERSION, "scopes": {}}
        if not isinstance(data.get("scopes"), dict):
            data["scopes"] = {}
        return data

    def find(self, name: str) -> ResolvedConnection | None:
        entries = self._load()["scopes"].get(self.scope, [])
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            cid, token = entry.get("id"), entry.get("access_token")
            if isinstance(cid, str) and isinstance(token, str) and name in (cid, token):
                register(token)
                return ResolvedConnection(cid, token)
        return None

    def replace(self, connections: list[ConnectionSummary]) -> None:
        """Store the listing; a cache that cannot be written is skipped, never an error (the
        next command lists the connections again)."""
        data = self._load()
        data["scopes"][self.scope] = [
            {"id": c.id, "access_token": c.access_token} for c in connections
        ]
        with contextlib.suppress(UsageError):
            write_atomic(self.path, json.dumps(data, indent=1) + "\n", mode=0o600)
