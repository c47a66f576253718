"""Opening a database file: refusing what is not ours before writing to it, and one connection per file.

A file that is not ours (random bytes, another program's SQLite database,
a newer reportbot's schema) is refused with :class:`StoreError` before
anything is written to it. A new file is built aside and linked into place
whole; a hot journal a killed writer left is rolled back first.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reportbot.ownfiles import make_folders, sync_folder
from reportbot.store import schema
from reportbot.store.errors import StoreError, StoreNotice
from reportbot.store.files import CREATING, clean_creations, create_file

BUSY_SECONDS = 5.0
_MAGIC = b"SQLite format 3\x00"

# The process's one connection per database file, keyed by (st_dev, st_ino). SQLite's locks are
# fcntl locks owned by the process: closing any other descriptor of the file in this process
# drops them all, and another process may then checkpoint and unlink the WAL we still write to.
# So a file is read with plain I/O only while no connection to it exists here, and every Store
# of one file shares one connection. OPENING is held while the table is looked up or changed.
OPENING = threading.Lock()
CONNECTIONS: dict[tuple[int, int], Shared] = {}

# SQLite's primary result codes that have a plain cause (https://www.sqlite.org/rescode.html).
_BUSY, _LOCKED, _READONLY, _IOERR, _FULL, _CANTOPEN = 5, 6, 8, 10, 13, 14
_READONLY_ROLLBACK = _READONLY | (3 << 8)  # a hot journal that a read-only connection cannot roll back


def _sqlite_code(e: sqlite3.Error) -> int:
    return (getattr(e, "sqlite_errorcode", None) or 0) & 0xFF


def _writable(path: Path) -> bool:
    """Whether the file (when there) and its folder take writes; root is refused only by a read-only mount."""
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


@contextmanager
def guard(path: Path) -> Iterator[None]:
    """sqlite3 and OS errors as one-line StoreErrors that say what is true."""
    try:
        yield
    except sqlite3.Error as e:
        code = _sqlite_code(e)
        if code in (_BUSY, _LOCKED):
            raise StoreError("busy", path=path) from e
        if code == _FULL:  # "database or disk is full": nothing is damaged
            raise StoreError("full", path=path) from e
        if code in (_READONLY, _CANTOPEN, _IOERR) and not _writable(path):
            raise StoreError("read_only_file", path=path) from e
        if code in (_READONLY, _CANTOPEN, _IOERR):
            raise StoreError("io", path=path, detail=str(e)) from e
        raise StoreError("damaged", path=path, detail=str(e)) from e
    except OSError as e:
        if e.errno == errno.ENOSPC:
            raise StoreError("full", path=path) from e
        if e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise StoreError("read_only_file", path=path) from e
        raise StoreError("io", path=path, detail=e.strerror or str(e)) from e


def create(path: Path) -> None:
    """Build a whole new database beside ``path`` and link it into place: one creator wins, nobody sees half a file."""
    make_folders(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}{CREATING}")
    try:
        create_file(tmp)
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = OFF")  # a file nobody else sees needs no journal
            schema.migrate(conn, tmp)
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        # Nobody else has this file open, so no lock to lose (RDWR: Windows syncs only those).
        fd = os.open(tmp, os.O_RDWR)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        sync_folder(path.parent, strict=True)  # a link that may not survive a crash is said, not hidden
    finally:
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
    clean_creations(path)


def _recover(path: Path) -> bool:
    """Roll back a hot journal a killed writer left (True when there was one).

    A read-only look cannot, and would call the file damaged forever; one
    read-write connection does it as SQLite does on any open.
    """
    if not os.path.exists(f"{path}-journal"):
        return False
    try:
        look = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_SECONDS)
        try:
            look.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return False
        finally:
            look.close()
    except sqlite3.Error as e:
        if getattr(e, "sqlite_errorcode", None) != _READONLY_ROLLBACK:  # the extended code
            return False  # not a hot journal: the usual checks say what it is
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_SECONDS)
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # reading rolls the journal back
    finally:
        conn.close()
    return True


def _precheck(path: Path) -> bool:
    """Refuse what is plainly not ours from its first bytes, without SQLite touching it; True when in WAL mode.

    Plain I/O on the file: call only while this process has no connection to it.
    """
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):
        raise StoreError("not_a_file", path=path)
    if st.st_size == 0:
        return False
    with open(path, "rb") as f:
        head = f.read(100)
    if len(head) < 100 or not head.startswith(_MAGIC):
        raise StoreError("not_sqlite", path=path)
    app = int.from_bytes(head[68:72], "big")
    wal = head[18] == 2
    # reportbot sets its id before it turns WAL on, so a WAL file without it is another program's.
    if app not in (0, schema.APPLICATION_ID) or (app == 0 and wal):
        raise StoreError("foreign", path=path)
    return wal


def _inspect(path: Path) -> int:
    """The schema version of ``path``, through a read-only connection (0 for an empty file).

    For files in rollback mode, which a read-only connection reads without
    creating -wal or -shm files beside them.
    """
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_SECONDS,
                               isolation_level=None)
        try:
            return schema.look(conn, path)
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        if _sqlite_code(e) in (_BUSY, _LOCKED, _FULL, _CANTOPEN, _IOERR):
            raise  # not a verdict on the file: guard says what it is
        raise StoreError("damaged", path=path, detail=str(e)) from e


class Shared:
    """This process's one connection to a database file, and how many Stores use it."""

    def __init__(self, conn: sqlite3.Connection, key: tuple[int, int]) -> None:
        self.conn = conn
        self.key = key
        self.mutex = threading.RLock()  # one transaction at a time on the connection
        self.batch = 0  # how deep in StoreBase.one_commit: writes wait for its end to be committed
        self.users = 0
        self.scrub = False  # a delete's old pages may still be in the WAL: empty it on closing


def _connect(path: Path) -> tuple[sqlite3.Connection, bool]:
    """A checked, migrated connection to ``path``, and whether a hot journal was rolled back.

    Call holding ``OPENING``, while this process has no connection to the file.
    """
    recovered = _recover(path)
    wal = _precheck(path)
    if not wal:
        _inspect(path)  # perhaps not ours: look without writing before a read-write connection
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_SECONDS, check_same_thread=False)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
        # FULL: each commit reaches the disk, not just the OS, before set_answer returns.
        conn.execute("PRAGMA synchronous = FULL")
        # A deleted report's answers are personal-information statistics: overwrite, don't just unlink.
        conn.execute("PRAGMA secure_delete = ON")
        if wal:
            # Ours by its header. A refusal here leaves nothing beside it: SQLite removes the
            # -wal/-shm it made when this, the last connection, closes, and only then.
            schema.look(conn, path)
        schema.migrate(conn, path)
        # Only now that the file is known to be ours: switching to WAL writes its header.
        conn.execute("PRAGMA journal_mode = WAL")
    except BaseException:
        conn.close()
        raise
    return conn, recovered


def shared(path: Path) -> tuple[Shared, tuple[StoreNotice, ...]]:
    """The process's connection to ``path``: the one open, else a new one (call holding ``OPENING``)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        create(path)
        st = os.stat(path)
    key = (st.st_dev, st.st_ino)
    if key in CONNECTIONS:
        return CONNECTIONS[key], ()
    conn, recovered = _connect(path)
    CONNECTIONS[key] = Shared(conn, key)
    return CONNECTIONS[key], (StoreNotice("recovered", path=path),) if recovered else ()
