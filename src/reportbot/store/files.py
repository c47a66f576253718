"""The files beside a database: a new one created owner-only, and what killed creators left, removed."""

from __future__ import annotations

import os
from pathlib import Path

from reportbot.liveness import alive
from reportbot.ownfiles import make_folders

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

