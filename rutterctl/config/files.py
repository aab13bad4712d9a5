"""Atomic, permission-aware file writes: a crash or Ctrl-C never leaves a half-written file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from rutterctl.errors import UsageError


def write_atomic(path: Path, data: str, *, mode: int = 0o600) -> None:
    """Write to a temporary file beside `path` (created with `mode`), fsync, then rename.

    A file that cannot be written (its directory missing and not creatable, read-only, full)
    is a UsageError naming it (exit 2), not a traceback; the old file is left as it was."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        # mkstemp creates 0600 already; chmod makes a wider `mode` explicit, never narrower.
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise UsageError(
                f"{path}: cannot write: {exc.strerror or exc}",
                hint="check that its directory exists and is writable "
                "(RUTTERCTL_CONFIG_DIR / RUTTERCTL_CACHE_DIR choose others)",
            ) from None
        raise
