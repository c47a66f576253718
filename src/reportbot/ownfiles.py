"""Files and folders reportbot creates: its owner's alone whatever the umask, and whole or not at all.

An export holds contact names, phones and e-mails, so every file reportbot
creates is 0600 and every folder 0700. A file is written under a temporary
name beside it (``.sheet.md.reportbot-tmp-<pid>``), synced, then renamed over
its target; a temporary file whose process is gone (killed mid-write) is
removed the next time reportbot writes into that folder. A file from outside
(a report file, a request log) is read only when it is a regular file.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from reportbot.liveness import alive

TEMP_MARK = ".reportbot-tmp-"
_TEMP = re.compile(r"\..+" + re.escape(TEMP_MARK) + r"([0-9]{1,9})", re.S)


def read_regular(path: Path, limit: int) -> bytes | None:
    """The first ``limit + 1`` bytes of ``path``, or None when it is not a regular file.

    A FIFO, a device or a folder is refused before it can block or run on:
    stat first (no open at all), then open without blocking and fstat what was
    opened, in case the path was swapped in between.
    """
    if not stat.S_ISREG(os.stat(path).st_mode):
        return None
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        # Read one byte past the limit rather than trust st_size, which a growing file outruns.
        return f.read(limit + 1)


def make_folders(folder: Path) -> None:
    """Create ``folder`` and its missing parents owner-only; existing ones (/tmp, a USB stick) are left as they are."""
    missing = []
    p = folder
    while not p.exists() and p.parent != p:
        missing.append(p)
        p = p.parent
    for p in reversed(missing):
        try:
            p.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(p, 0o700)  # the umask can only have taken bits away, but may have taken the owner's too


def is_the_database(path: Path, database: Path) -> bool:
    """Whether ``path`` names ``database`` or a companion file of it: by file identity where it exists, else by
    resolved path. Only stat: opening the database with plain I/O would drop this process's SQLite locks."""
    target = os.path.realpath(path)
    for name in (str(database), *(f"{database}{suffix}" for suffix in ("-wal", "-shm", "-journal"))):
        if os.path.realpath(name) == target:
            return True
        try:
            if os.path.samefile(path, name):
                return True
        except OSError:  # one of them does not exist
            continue
    return False


def temp_name(path: Path) -> Path:
    """Where ``path`` is written before its rename."""
    return path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}")


def remove_stale(folder: Path) -> None:
    """Remove the temporary files that reportbot processes now gone left in ``folder``."""
    try:
        found = [(e.path, int(m.group(1))) for e in os.scandir(folder) if (m := _TEMP.fullmatch(e.name))]
    except OSError:
        return
    if not found:
        return
    for path, pid in found:
        # One of ours can only be a leftover: this process removes its own before it returns.
        if pid == os.getpid() or not alive(pid, None):
            try:
                os.unlink(path)
            except OSError:
                pass


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Replace ``path`` whole with ``data``, owner-only (0600); ``durable``: on disk before and after the rename."""
    remove_stale(path.parent)
    tmp = temp_name(path)
    # O_EXCL: never follow a link planted under the temporary name.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            _owner_only(f.fileno())
            f.write(data)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if durable:
        sync_folder(path.parent)


def _owner_only(fd: int) -> None:
    """0600 exactly: the umask may have taken the owner's own bits."""
    try:
        os.fchmod(fd, 0o600)
    except (AttributeError, OSError):  # Windows; a file system without modes (a FAT USB stick) refusing it
        pass


def sync_folder(folder: Path, *, strict: bool = False) -> None:
    """Make a rename or link in ``folder`` durable (POSIX; Windows has no folder handle to sync).

    ``strict``: a failure is raised (the store says it) rather than passed over (some file
    systems cannot sync a folder, and an export is whole without it).
    """
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        if strict:
            raise
        return
    try:
        os.fsync(fd)
    except OSError:
        if strict:
            raise
    finally:
        os.close(fd)
