"""The files beside a database: a new one created owner-only, and what killed creators left, removed; and the
exported sheets the store keeps track of."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from reportbot.liveness import alive
from reportbot.ownfiles import is_the_database, make_folders

SHEET_LIMIT = 16 * 1024 * 1024  # far above any report's sheet: a bigger file there now is not ours


def digest(data: bytes) -> str:
    """The content hash the store keeps of an exported sheet."""
    return hashlib.sha256(data).hexdigest()


def holds(path: Path, expected: str, database: Path) -> bool:
    """Whether the file at ``path`` still holds the sheet whose digest is ``expected``.

    Never the database or its companions (reading them with plain I/O would drop this process's SQLite
    locks), never a device or pipe.
    """
    if is_the_database(path, database):
        return False
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > SHEET_LIMIT:
            return False
        return digest(path.read_bytes()) == expected
    except OSError:
        return False

CREATING = ".creating"  # suffix of a database being built, before it is linked into place


def create_file(path: Path) -> None:
    """An empty file only its owner may read, unless one is already there."""
    make_folders(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)
    os.chmod(path, 0o600)


def clean_creations(path: Path) -> None:
    """Remove what creators killed before they finished left beside ``path`` (their pid names them)."""
    prefix = f".{path.name}."
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        if not name.startswith(prefix) or CREATING not in name:
            continue
        pid = name[len(prefix):].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not alive(int(pid), None):
            try:
                (path.parent / name).unlink()
            except OSError:
                pass

