"""Atomic, permission-aware file writes, and the lock around a read-modify-write.

`write_atomic`: a crash or Ctrl-C never leaves a half-written file. `locked`: two rutterctl
processes updating the same file never lose each other's change.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from rutterctl.errors import UsageError

CONFIG_HINT = (
    "check that its directory exists and is writable "
    "(RUTTERCTL_CONFIG_DIR / RUTTERCTL_CACHE_DIR choose others)"
)


def make_private_dirs(directory: Path) -> None:
    """Create `directory` and each missing parent with mode 0700 (`mkdir(parents=True)` gives
    the parents the umask's 0755, and a cache of secrets would sit in a readable directory)."""
    missing = []
    while not directory.exists():
        missing.append(directory)
        if directory.parent == directory:
            break
        directory = directory.parent
    for each in reversed(missing):
        each.mkdir(mode=0o700, exist_ok=True)


def write_atomic(path: Path, data: str, *, mode: int = 0o600, hint: str = CONFIG_HINT) -> None:
    """Write to a temporary file beside `path` (created with `mode`), fsync, then rename.

    A file that cannot be written (its directory missing and not creatable, read-only, full)
    is a UsageError naming it (exit 2) with `hint`, not a traceback; the old file is left as
    it was."""
    tmp: str | None = None
    try:
        make_private_dirs(path.parent)
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
            raise UsageError(f"{path}: cannot write: {exc.strerror or exc}", hint=hint) from None
        raise


LOCK_TIMEOUT = 10.0
# (thread, lock path) -> nesting depth. Per thread: flock excludes another thread of this
# process too (each opens its own descriptor), so only the holder's own nested call may skip.
_held: dict[tuple[int, str], int] = {}
_held_guard = threading.Lock()


def lock_path(path: Path) -> Path:
    """The sibling lock file of `path`: `.NAME.lock` in the same directory."""
    return path.parent / f".{path.name}.lock"


@contextlib.contextmanager
def locked(path: Path, *, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock for `path` while the block reads, changes and rewrites it.

        with locked(config_path):
            data = read(config_path)
            write_atomic(config_path, change(data))

    The lock is `fcntl.flock` on the sibling file `.NAME.lock` (mode 0600, created with its
    directory and never removed: removing it would let two processes lock two different
    files). `path` itself is not locked, because `write_atomic` replaces it by rename. The
    lock goes with the process: a crash or SIGKILL releases it. Waits at most `timeout`
    seconds, then raises UsageError "FILE is locked by another rutterctl; try again" (exit 2).
    Re-entrant within one thread (a nested `locked` of the same path does not wait on itself);
    other threads of the process wait like other processes.
    Readers need no lock: `write_atomic` means they see the old file or the new one whole.
    Where `fcntl` does not exist (Windows) the block runs unlocked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no flock; best effort is no lock
        yield
        return
    lock = lock_path(path)
    key = (threading.get_ident(), str(lock.absolute()))
    with _held_guard:
        if _held.get(key):
            _held[key] += 1
            nested = True
        else:
            nested = False
    if nested:
        try:
            yield
        finally:
            with _held_guard:
                _held[key] -= 1
        return
    try:
        make_private_dirs(lock.parent)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise UsageError(
            f"{path}: cannot lock: {exc.strerror or exc}",
            hint="check that its directory exists and is writable",
        ) from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise UsageError(
                        f"{path} is locked by another rutterctl; try again",
                        hint=f"another rutterctl process holds {lock} while it changes the file",
                    ) from None
                time.sleep(0.01)
        with _held_guard:
            _held[key] = 1
        try:
            yield
        finally:
            with _held_guard:
                _held.pop(key, None)
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def try_lock(fd: int) -> bool:
    """Take the exclusive lock of an open file without waiting; False when another process
    holds it. A fetch holds the lock of the file it writes, so a later run can tell a stale
    temporary file (no holder: its writer died) from one being written."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: an open file cannot be removed anyway
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
