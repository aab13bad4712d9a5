"""Where `fetch --output FILE` writes, so that nothing is lost whatever stops the process.

FILE is where the path leads: a symlink is followed, and a regular file is written through a
temporary file beside its target (mode 0600, renamed over it at the end: readers see the old
file or the new one). A FIFO, a character device or /dev/stdout is written into directly (not
atomic, no checkpoint). A regular FILE gets a checkpoint beside it, `.FILE.checkpoint`
(mode 0600, atomic), recorded after each page is fsynced (SQLite's rule: write, fsync, then
record that it is done): the query, the format, where the next page starts, and the data
file's length at that point. Whatever ends the process, the data file up to that length is
whole pages, so `--resume` cuts it back there and goes on from the checkpointed cursor: every
record exactly once. A stop that runs code (an error, SIGINT/SIGTERM/SIGHUP, a full disk)
also cuts any half page, closes the JSON array and renames the data into FILE, so FILE is
valid; only SIGKILL leaves the temporary file, which `--resume` continues from (the data file
is found by its inode, which a rename keeps). Every writer holds the lock of its data file; a
later run removes this FILE's temporary files that no process holds.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from rutterctl.config.files import try_lock, write_atomic
from rutterctl.domain.fetch import Position
from rutterctl.errors import UsageError
from rutterctl.render.records import FORMATS, RecordWriter

VERSION = 1
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)  # POSIX only
_NOCTTY = getattr(os, "O_NOCTTY", 0)


class Target(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """What --output FILE names: the path given, where it leads, written into directly?"""

    given: Path
    real: Path  # symlinks followed
    direct: bool  # not a regular file: written into directly


def target(path: Path) -> Target:
    """What --output FILE names; UsageError (exit 2, naming it) for what cannot be written."""
    if str(path) in FORMATS:  # elsewhere -o/--output is the format: surely a mix-up
        raise UsageError(
            f"--output takes a FILE in fetch; for the {path} format use -o {path}",
            hint=f"for a file named {str(path)!r}, write --output ./{path}",
        )
    real = Path(os.path.realpath(path))
    special = any(str(p).startswith(("/dev/", "/proc/")) for p in (path.absolute(), real))
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if not real.parent.is_dir():
            raise UsageError(f"--output {path}: not a file in an existing directory") from None
        return Target(path, real, direct=False)
    except OSError as exc:
        raise write_error(exc, path, resume=None) from None
    if stat.S_ISDIR(mode):
        raise UsageError(f"--output {path}: not a file in an existing directory")
    return Target(path, real, direct=special or not stat.S_ISREG(mode))


def write_error(exc: OSError, path: Path, *, resume: str | None) -> UsageError:
    """One line naming FILE and what to do, for a write that the system refused."""
    why = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        hint = "free some space"
    elif exc.errno == errno.EROFS:
        hint = "the file system is read-only: choose a FILE elsewhere"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        hint = "choose a FILE you may write, or change the permissions"
    else:
        hint = "check the file and its directory"
    if resume:
        hint += f"; what was written is valid: then resume with {resume}"
    return UsageError(f"cannot write {path}: {why}", hint=hint)


class Checkpoint(NamedTuple):  # a NamedTuple for start-up time: see domain/models.py
    """`.FILE.checkpoint`: the query, where the next page starts and the data's length."""

    query: dict[str, Any]
    format: str
    filters: dict[str, int]  # as resolved by the first run: "7d" stays the same instant
    cursor: str | None
    skip: int
    done: bool
    length: int  # bytes of the data file holding whole pages
    pages: int
    records: int
    columns: list[str] | None  # the CSV header
    data: str  # the data file's name, in FILE's directory
    inode: int

    @property
    def position(self) -> Position:
        return Position(self.cursor, self.skip, self.done)


def checkpoint_path(real: Path) -> Path:
    return real.parent / f".{real.name}.checkpoint"


def load_checkpoint(path: Path) -> Checkpoint | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.pop("version") != VERSION:
            raise ValueError("version")
        found = Checkpoint(**doc)
        if not _sound(found):
            raise ValueError("fields")
        return found
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        raise UsageError(
            f"{path}: not a checkpoint this rutterctl can read",
            hint="remove it and fetch again without --resume",
        ) from None


def _sound(found: Checkpoint) -> bool:
    """Every field of the type written, and the data a plain name in FILE's directory (a
    checkpoint must never make --resume cut a file elsewhere)."""
    ints = (found.skip, found.length, found.pages, found.records, found.inode)
    return (
        all(type(n) is int and n >= 0 for n in ints)
        and isinstance(found.query, dict)
        and isinstance(found.format, str)
        and isinstance(found.filters, dict)
        and all(type(v) is int for v in found.filters.values())
        and (found.cursor is None or isinstance(found.cursor, str))
        and type(found.done) is bool
        and (found.columns is None or all(isinstance(c, str) for c in found.columns))
        and isinstance(found.data, str)
        and found.data not in ("", ".", "..")
        and os.path.basename(found.data) == found.data
    )


class FdOut:
    """The text stream writers see: a page is kept until `flush`, then written whole to the
    descriptor (so a failed write leaves nothing buffered to land later)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._parts: list[str] = []

    def write(self, text: str, /) -> int:
        self._parts.append(text)
        return len(text)

    def flush(self) -> None:
        data = memoryview("".join(self._parts).encode("utf-8"))
        self._parts.clear()
        while data:
            data = data[os.write(self.fd, data) :]

    def fileno(self) -> int:
        return self.fd


class Stream:
    """Standard output: pages as they come; nothing to resume from but the cursor."""

    checkpointed = False
    before = (0, 0)
    columns: list[str] | None = None
    last: Checkpoint | None = None
    path = Path("standard output")

    def __init__(self, out: TextIO, filters: dict[str, int]) -> None:
        self.out = out
        self.filters = filters

    def page_done(self, position: Position, writer: RecordWriter, count: int) -> None:
        return None

    def finish(self, writer: RecordWriter, position: Position | None) -> None:
        writer.close()

    def abort(self, writer: RecordWriter, wrote: bool) -> None:
        if wrote:
            writer.close()  # lines whole, the JSON array closed


class Direct:
    """A FIFO, a device, /dev/stdout: written as they are, with nothing to resume from."""

    checkpointed = False
    before = (0, 0)
    columns: list[str] | None = None
    last: Checkpoint | None = None

    def __init__(self, where: Target, filters: dict[str, int]) -> None:
        self.path = where.given
        self.filters = filters
        try:
            fd = os.open(where.given, os.O_WRONLY | os.O_APPEND | _CLOEXEC | _NOCTTY)
        except OSError as exc:
            raise write_error(exc, where.given, resume=None) from None
        self.out = FdOut(fd)

    def page_done(self, position: Position, writer: RecordWriter, count: int) -> None:
        return None

    def finish(self, writer: RecordWriter, position: Position | None) -> None:
        try:
            writer.close()
        finally:
            os.close(self.out.fd)

    def abort(self, writer: RecordWriter, wrote: bool) -> None:
        try:
            if wrote:
                writer.close()  # the JSON array closed, where the reader can take it
        finally:
            os.close(self.out.fd)


def _stale_temps(real: Path, keep: Path | None) -> None:
    """Remove this FILE's temporary files that no process holds (left by SIGKILL)."""
    # The data's own (`.FILE.x.tmp`) and the checkpoint's (`..FILE.checkpoint.x.tmp`).
    prefixes = (f".{real.name}.", f".{checkpoint_path(real).name}.")
    with contextlib.suppress(OSError):
        for entry in os.scandir(real.parent):
            if not (entry.name.startswith(prefixes) and entry.name.endswith(".tmp")):
                continue
            if keep is not None and entry.name == keep.name:
                continue
            with contextlib.suppress(OSError):
                fd = os.open(entry.path, os.O_RDONLY | _CLOEXEC)
                try:
                    if try_lock(fd):
                        os.unlink(entry.path)
                finally:
                    os.close(fd)


class FileOutput:
    """A regular FILE: data file (a temporary file, or FILE itself when resuming or appending
    in place), checkpoint after each page, and the end (or the stop) that makes FILE valid."""

    checkpointed = True

    def __init__(
        self,
        where: Target,
        *,
        query: dict[str, Any],
        fmt: str,
        filters: dict[str, int],
        resume: bool,
        append: bool,
        warn: Any,
    ) -> None:
        self.path = where.given
        self.real = where.real
        self.fmt = fmt
        self.ckpt_path = checkpoint_path(where.real)
        self.last: Checkpoint | None = None  # the checkpoint as last recorded
        self.before = (0, 0)
        self.columns: list[str] | None = None
        self.filters = filters
        self.query = query
        found = load_checkpoint(self.ckpt_path) if resume else None
        try:
            if resume and found is None:
                warn(f"note: no checkpoint for {self.path}: fetching from the start")
            if found is not None:
                if found.query != query or found.format != fmt:
                    raise _mismatch(self.ckpt_path, found, query, fmt)
                self._open_resumed(found, warn)
            if self.last is None:
                if not resume:
                    self._forget()
                self._open_new(append)
        except OSError as exc:
            raise write_error(exc, self.path, resume=None) from None
        _stale_temps(self.real, self.data)

    # -- opening -------------------------------------------------------------------------------

    def _open_resumed(self, found: Checkpoint, warn: Any) -> None:
        for candidate in (self.real.parent / found.data, self.real):
            with contextlib.suppress(FileNotFoundError):
                fd = os.open(candidate, os.O_RDWR | _CLOEXEC)
                info = os.fstat(fd)
                if info.st_ino == found.inode and info.st_size >= found.length:
                    break
                os.close(fd)
        else:
            warn(f"note: the data {found.data} of the checkpoint is gone: fetching from the start")
            self._forget()
            return
        if not try_lock(fd):
            os.close(fd)
            raise UsageError(
                f"{self.path} is being written by another rutterctl; try again when it ends"
            )
        os.ftruncate(fd, found.length)
        os.lseek(fd, 0, os.SEEK_END)
        self.data = candidate
        self.temporary = candidate != self.real
        self.mode = _mode(self.real)
        self.out = FdOut(fd)
        self.last = found
        self.filters = found.filters
        self.before = (found.pages, found.records)
        self.columns = found.columns

    def _open_new(self, append: bool) -> None:
        if append:  # --cursor into an existing FILE: appended in place, cut back on failure
            fd = os.open(self.real, os.O_RDWR | _CLOEXEC)
            if not try_lock(fd):
                os.close(fd)
                raise UsageError(
                    f"{self.path} is being written by another rutterctl; try again when it ends"
                )
            self.data, self.temporary = self.real, False
            self.columns = _csv_header(fd) if self.fmt == "csv" else None
        else:
            fd, name = tempfile.mkstemp(
                prefix=f".{self.real.name}.", suffix=".tmp", dir=self.real.parent
            )
            self.data, self.temporary = Path(name), True
            try_lock(fd)  # a new file: always ours
        self.mode = _mode(self.real)
        self.start = os.lseek(fd, 0, os.SEEK_END)
        self.out = FdOut(fd)

    def _forget(self) -> None:
        """Starting over: the old checkpoint and its temporary data file go."""
        old = None
        with contextlib.suppress(UsageError):
            old = load_checkpoint(self.ckpt_path)
        if old is not None and old.data != self.real.name:
            with contextlib.suppress(OSError):
                os.unlink(self.real.parent / old.data)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.ckpt_path)

    # -- while fetching ------------------------------------------------------------------------

    def page_done(self, position: Position, writer: RecordWriter, count: int) -> None:
        """The page (`count` records) is in the data file: fsync it, then record that."""
        fd = self.out.fd
        os.fsync(fd)
        pages, records = self.before
        done = Checkpoint(
            query=self.query,
            format=self.fmt,
            filters=self.filters,
            cursor=position.cursor,
            skip=position.skip,
            done=position.done,
            length=os.lseek(fd, 0, os.SEEK_CUR),
            pages=pages + 1,
            records=records + count,
            columns=getattr(writer, "columns", None),
            data=self.data.name,
            inode=os.fstat(fd).st_ino,
        )
        self.before = (done.pages, done.records)
        document = json.dumps({"version": VERSION, **done._asdict()}, indent=1) + "\n"
        write_atomic(self.ckpt_path, document, hint="free some space, then resume with --resume")
        self.last = done

    # -- the end -------------------------------------------------------------------------------

    def finish(self, writer: RecordWriter, position: Position | None) -> None:
        """All asked for is written: close, fsync, rename into FILE; a finished fetch removes
        its checkpoint, one that stopped early (no --all, --max-records) keeps it."""
        writer.close()
        self._commit()
        if self.last is None or self.last.done:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.ckpt_path)

    def abort(self, writer: RecordWriter, wrote: bool) -> None:
        """Stopped: keep the whole pages written (valid FILE, checkpoint kept), or, when this
        run wrote nothing new, leave everything as it was."""
        fd = self.out.fd
        if self.last is None:  # nothing recorded: nothing to keep
            if self.temporary:
                with contextlib.suppress(OSError):
                    os.unlink(self.data)
            else:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, self.start)
            os.close(fd)
            return
        os.ftruncate(fd, self.last.length)  # a half-written page goes
        os.lseek(fd, 0, os.SEEK_END)
        try:
            writer.close()
        except OSError:
            os.ftruncate(fd, self.last.length)  # no room even to close: whole pages, unclosed
        self._commit()

    def _commit(self) -> None:
        fd = self.out.fd
        try:
            os.fsync(fd)
            if self.temporary:
                os.fchmod(fd, self.mode)  # what `> FILE` gives: a replaced file keeps its mode
                os.replace(self.data, self.real)
        finally:
            os.close(fd)


def _mismatch(path: Path, found: Checkpoint, query: dict[str, Any], fmt: str) -> UsageError:
    differs = [
        key
        for key in sorted(set(found.query) | set(query))
        if found.query.get(key) != query.get(key)
    ]
    if found.format != fmt:
        differs.append(f"format ({found.format} there, {fmt} here)")
    return UsageError(
        f"--resume: {path} was written by another fetch (different {', '.join(differs)})",
        hint="run the command that started it with --resume, or drop --resume to start over",
    )


def _csv_header(fd: int) -> list[str] | None:
    import csv

    with os.fdopen(os.dup(fd), encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle), None)


def _mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def ends_cleanly(path: Path) -> bool:
    """Whether a file to append to is empty or ends with a complete line."""
    with path.open("rb") as handle:
        if handle.seek(0, os.SEEK_END) == 0:
            return True
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def check_append(where: Target, fmt: str) -> bool:
    """--cursor with an existing FILE: whether to append to it (ndjson, csv only)."""
    if where.direct or not where.real.exists():
        return False
    if fmt not in ("ndjson", "csv"):
        raise UsageError(
            f"--output {where.given} exists and -o {fmt} cannot be appended to",
            hint="resume into -o ndjson or -o csv, use --resume, or write to a new file",
        )
    if not ends_cleanly(where.real):
        raise UsageError(f"--output {where.given} does not end with a complete line; fix it first")
    return True
