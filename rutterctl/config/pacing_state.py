"""The organisation's pacing slots in a file, shared by every rutterctl process on the machine.

One small JSON file per organisation (base URL and client id) under the cache directory,
read and rewritten under `locked()` for every slot taken or released, so that two fleet
commands started together (parallel CI jobs) stay under the organisation's limit together.
It holds instants and process ids only, no secret: the name is a hash of the organisation.

Written in place under the lock rather than by `write_atomic`: it changes twice per request,
an fsync each time would cost more than the request, and a file cut short by a crash only
loses the slots of the last few seconds (it then reads as empty).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from rutterctl.config.files import locked
from rutterctl.errors import UsageError

R = TypeVar("R")
Slot = list[float]  # [instant, pid, seq], as rutterctl.api.pacing keeps them
VERSION = 1
LOCK_TIMEOUT = 5.0  # the lock is held for a fraction of a millisecond at a time


class FileSlots:
    def __init__(self, path: Path, *, trace: Callable[[str], None] | None = None) -> None:
        self.path = path
        self._trace = trace
        self._fallback: list[Slot] | None = None

    @classmethod
    def for_organisation(
        cls,
        cache_dir: Path,
        base_url: str,
        client_id: str,
        *,
        trace: Callable[[str], None] | None = None,
    ) -> FileSlots:
        digest = hashlib.sha256(f"{base_url}|{client_id}".encode()).hexdigest()[:16]
        return cls(cache_dir / "pacing" / f"{digest}.json", trace=trace)

    def update(self, change: Callable[[list[Slot]], R]) -> R:
        if self._fallback is not None:
            return change(self._fallback)
        try:
            with locked(self.path, timeout=LOCK_TIMEOUT):
                return self._update(change)
        except (UsageError, OSError) as exc:
            # Pacing must not stop a command: without the file, pace this process alone.
            if self._trace is not None:
                self._trace(f"pacing shared with no other process: {exc}")
            self._fallback = []
            return change(self._fallback)

    def _update(self, change: Callable[[list[Slot]], R]) -> R:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "r+b") as handle:
            raw = handle.read()
            slots = _slots(raw)
            result = change(slots)
            data = json.dumps({"version": VERSION, "slots": slots}, separators=(",", ":"))
            encoded = data.encode()
            if encoded != raw:
                handle.seek(0)
                handle.write(encoded)
                handle.truncate()
            return result


def _slots(raw: bytes) -> list[Slot]:
    """The slots recorded, or none when the file is new, cut short or not ours."""
    try:
        doc: Any = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nested 100,000 deep
        return []
    if not isinstance(doc, dict) or doc.get("version") != VERSION:
        return []
    slots = doc.get("slots")
    if not isinstance(slots, list):
        return []
    return [
        [float(s[0]), int(s[1]), int(s[2])]
        for s in slots
        if isinstance(s, list)
        and len(s) == 3
        # NaN or an infinity (json.loads reads both) would make a slot that never frees.
        and all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in s
        )
    ]
