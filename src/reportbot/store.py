"""Where drafts live: one SQLite file, written so that no answer is ever lost.

Every change is its own transaction, committed (WAL, ``synchronous=FULL``)
before the call returns, so a process killed at any moment loses at most the
answer being typed. A report being edited carries a lock row naming its
owner's pid and start time; a second session is refused while that owner
lives, and takes the lock over once it is gone.

A file that is not ours (random bytes, another program's SQLite database,
a newer reportbot's schema) is refused with :class:`StoreError` before
anything is written to it.
"""

from __future__ import annotations

import atexit
import errno
import os
import re
import sqlite3
import stat
import threading
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator

from reportbot.flow.loader import Cell
from reportbot.liveness import alive, identity
from reportbot.ownfiles import make_folders
from reportbot.values import Value, clean_text

APPLICATION_ID = 0x52425431  # "RBT1" in the SQLite header: tells our files from other programs'
FILE_NAME = "reportbot.sqlite3"
ENV_VAR = "REPORTBOT_DB"
LANGUAGE_SETTING = "language"
HOWS = ("said", "derived", "imported", "carried")
BUSY_SECONDS = 5.0
_MAGIC = b"SQLite format 3\x00"

Migration = tuple[str, ...] | Callable[[sqlite3.Connection], None]

# Append only: entry n brings a database from user_version n to n + 1.
MIGRATIONS: list[Migration] = [
    (
        """CREATE TABLE reports (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            year INTEGER NOT NULL,
            organization TEXT,
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'confirmed')),
            language TEXT,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            confirmed_at TEXT,
            touched INTEGER NOT NULL DEFAULT 0)""",
        """CREATE TABLE answers (
            report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
            box TEXT NOT NULL,
            col TEXT NOT NULL DEFAULT '',
            vtype TEXT NOT NULL CHECK (vtype IN ('int', 'decimal', 'str')),
            value TEXT NOT NULL,
            how TEXT NOT NULL,
            updated TEXT NOT NULL,
            PRIMARY KEY (report_id, box, col))""",
        """CREATE TABLE history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
            box TEXT,
            col TEXT,
            rule TEXT,
            old_type TEXT,
            old TEXT,
            new_type TEXT,
            new TEXT,
            how TEXT NOT NULL,
            at TEXT NOT NULL)""",
        "CREATE INDEX history_report ON history(report_id, id)",
        """CREATE TABLE acknowledgements (
            report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
            rule TEXT NOT NULL,
            col TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (report_id, rule, col))""",
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE locks (
            report_id INTEGER PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
            pid INTEGER NOT NULL,
            started TEXT,
            token TEXT NOT NULL,
            since TEXT NOT NULL)""",
    ),
]
_TABLES = {"reports", "answers", "history", "acknowledgements", "settings", "locks"}

# Lock tokens held by this process: a row naming our own pid with another token is a leftover.
_LIVE_TOKENS: set[str] = set()
_OPEN_STORES: "weakref.WeakSet[Store]" = weakref.WeakSet()

# The process's one connection per database file, keyed by (st_dev, st_ino). SQLite's locks are
# fcntl locks owned by the process: closing any other descriptor of the file in this process
# drops them all, and another process may then checkpoint and unlink the WAL we still write to.
# So a file is read with plain I/O only while no connection to it exists here, and every Store
# of one file shares one connection. _OPENING is held while the table is looked up or changed.
_OPENING = threading.Lock()
_CONNECTIONS: dict[tuple[int, int], "_Shared"] = {}


@atexit.register
def _let_go() -> None:
    """On a normal exit, give back the locks of stores never closed (a killed process is noticed instead)."""
    for s in list(_OPEN_STORES):
        s.close()


def _say(key: str, facts: dict[str, object], words=None) -> str:
    """One line in the filer's language (English without ``words``, or where it lacks the message)."""
    from reportbot.dialogs import wording

    for source in (words, None):
        try:
            return (source or wording()).t(key, **facts)
        except Exception:  # that language lacks the message, or the dialogs are broken
            continue
    details = ", ".join(f"{k}={v}" for k, v in facts.items())
    return f"{key} ({details})" if details else key


class StoreError(Exception):
    """The store refuses: ``code`` names the message in dialogs/<lang>/common.yaml (``store.error.<code>``)."""

    def __init__(self, code: str, **facts: object) -> None:
        self.code = code
        self.facts = facts
        super().__init__(code)

    def message(self, words=None) -> str:
        """One line in the filer's language (English without ``words``, or where it lacks the message)."""
        return _say(f"store.error.{self.code}", self.facts, words)

    def __str__(self) -> str:
        return self.message()


class StoreNotice:
    """Something opening the store did that the filer should hear of (``store.notice.<code>``)."""

    def __init__(self, code: str, **facts: object) -> None:
        self.code = code
        self.facts = facts

    def message(self, words=None) -> str:
        return _say(f"store.notice.{self.code}", self.facts, words)


class ReportLocked(StoreError):
    """The report is open in another live session."""

    def __init__(self, report_id: int, owner_pid: int) -> None:
        super().__init__("locked", id=report_id, pid=owner_pid)
        self.report_id = report_id
        self.owner_pid = owner_pid


class ReportNotFound(StoreError, LookupError):
    """No report has this id."""

    def __init__(self, report_id: int) -> None:
        super().__init__("not_found", id=report_id)
        self.report_id = report_id


class ReadOnlyReport(StoreError):
    """A change through a handle opened read-only."""

    def __init__(self, report_id: int) -> None:
        super().__init__("read_only", id=report_id)
        self.report_id = report_id


@dataclass(frozen=True)
class ReportRow:
    """One report. ``confirmed_at`` is the last confirmation, kept when a change makes it a draft again."""

    id: int
    kind: str
    year: int
    organization: str | None
    status: str
    language: str | None
    created: str
    updated: str
    confirmed_at: str | None

    @property
    def changed_since_confirmation(self) -> bool:
        return self.status == "draft" and self.confirmed_at is not None


@dataclass(frozen=True)
class HistoryRow:
    """One change: an answer (box, column, old, new), an acknowledgement (rule), or a confirmation."""

    box: str | None
    column: str | None
    old: Value | None
    new: Value | None
    how: str
    when: str
    rule: str | None = None


def default_path() -> Path:
    """$REPORTBOT_DB, else reportbot.sqlite3 in the user data folder."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_data_path("reportbot", appauthor=False) / FILE_NAME


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# Numbers stored and read back are at most this many characters (and decimal exponent): far beyond
# any figure of a report, and short enough that no hand-edited row can make a display explode.
_NUMBER_CHARS = 100
_INT = re.compile(rf"-?[0-9]{{1,{_NUMBER_CHARS - 1}}}")


def _encode(value: Value) -> tuple[str, str]:
    if isinstance(value, bool):
        raise TypeError("a yes/no is stored as a choice, not a bool")
    if isinstance(value, int):
        if abs(value) >= 10 ** (_NUMBER_CHARS - 1):
            raise ValueError("a number too large to store")
        return "int", str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a number")
        if len(str(value)) > _NUMBER_CHARS or abs(value.adjusted()) > _NUMBER_CHARS:
            raise ValueError("a number too large to store")
        return "decimal", str(value)
    if isinstance(value, str):
        return "str", clean_text(value)
    raise TypeError(f"cannot store a {type(value).__name__}")


def _decode(vtype: str | None, text: str | None) -> Value | None:
    """A stored value; ValueError when the row was not written by reportbot (edited by hand, or damaged)."""
    if vtype is None or text is None:
        return None
    if not isinstance(text, str):
        raise ValueError("not text")
    if vtype == "int":
        if not _INT.fullmatch(text):
            raise ValueError("not a whole number")
        return int(text)
    if vtype == "decimal":
        if len(text) > _NUMBER_CHARS:
            raise ValueError("too long")
        try:
            value = Decimal(text)
        except ArithmeticError:
            raise ValueError("not a number") from None
        if not value.is_finite() or abs(value.adjusted()) > _NUMBER_CHARS:
            raise ValueError("not a finite amount")
        return value
    if vtype == "str":
        return text
    raise ValueError(f"unknown type {vtype!r}")


_KIND_TYPES: dict[str, type | tuple[type, ...]] = {
    "count": int, "money": (int, Decimal), "decimal": (int, Decimal), "text": str, "choice": str,
}


def _types_of(kind: str) -> dict[str, type | tuple[type, ...]]:
    """The Python type each box of report ``kind`` holds (none for a kind this reportbot no longer knows)."""
    from reportbot.flow.loader import FlowError, load_flow

    try:
        flow = load_flow(kind)
    except FlowError:
        return {}
    return {b: _KIND_TYPES[info.box.kind] for b, info in flow.by_id.items() if info.box.kind in _KIND_TYPES}


def _shown(text: object) -> str:
    """A stored value as it may be named in a message: one short clean line."""
    shown = clean_text(str(text)).replace("\n", " ")
    return shown if len(shown) <= 24 else shown[:23] + "…"


# SQLite's primary result codes that have a plain cause (https://www.sqlite.org/rescode.html).
_BUSY, _LOCKED, _READONLY, _IOERR, _FULL, _CANTOPEN = 5, 6, 8, 10, 13, 14
_READONLY_ROLLBACK = _READONLY | (3 << 8)  # a hot journal that a read-only connection cannot roll back


def _sqlite_code(e: sqlite3.Error) -> int:
    return (getattr(e, "sqlite_errorcode", None) or 0) & 0xFF


def _writable(path: Path) -> bool:
    """Whether the file (when there) and its folder take writes; root is refused only by a read-only mount."""
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


@contextmanager
def _guard(path: Path) -> Iterator[None]:
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


# --- opening -----------------------------------------------------------------


def _create_file(path: Path) -> None:
    make_folders(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)
    os.chmod(path, 0o600)


_CREATING = ".creating"  # suffix of a database being built, before it is linked into place


def _create(path: Path) -> None:
    """Build a whole new database beside ``path`` and link it into place: one creator wins, nobody sees half a file."""
    make_folders(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}{_CREATING}")
    try:
        _create_file(tmp)
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = OFF")  # a file nobody else sees needs no journal
            _migrate(conn, tmp)
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        fd = os.open(tmp, os.O_RDWR)  # nobody else has this file open, so no lock to lose (RDWR: Windows syncs only those)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        _sync_folder(path.parent)
    finally:
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
    _clean_creations(path)


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _clean_creations(path: Path) -> None:
    """Remove what creators killed before they finished left beside ``path`` (their pid names them)."""
    prefix = f".{path.name}."
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        if not name.startswith(prefix) or _CREATING not in name:
            continue
        pid = name[len(prefix):].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not alive(int(pid), None):
            try:
                (path.parent / name).unlink()
            except OSError:
                pass


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
    if app not in (0, APPLICATION_ID) or (app == 0 and wal):
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
            return _look(conn, path)
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        if _sqlite_code(e) in (_BUSY, _LOCKED, _FULL, _CANTOPEN, _IOERR):
            raise  # not a verdict on the file: _guard says what it is
        raise StoreError("damaged", path=path, detail=str(e)) from e


def _look(conn: sqlite3.Connection, path: Path) -> int:
    """:func:`_version` in one read transaction, so a file changing meanwhile is seen whole."""
    conn.execute("BEGIN")
    try:
        return _version(conn, path)
    finally:
        conn.execute("COMMIT")


def _version(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version, or :class:`StoreError` when the database is not a usable one of ours.

    Call inside a transaction: the three reads must see the same file.
    """
    app = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if app != APPLICATION_ID:
        if app == 0 and version == 0 and not tables:
            return 0
        raise StoreError("foreign", path=path)
    if version > len(MIGRATIONS):
        raise StoreError("newer", path=path, version=version, known=len(MIGRATIONS))
    if version < 1 or not _TABLES <= tables:
        raise StoreError("damaged", path=path, detail="tables are missing")
    check = conn.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        raise StoreError("damaged", path=path, detail=check)
    return version


def _backup(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """A copy of the database as it was before a migration, beside it."""
    target = path.with_name(f"{path.name}.v{version}.bak")
    _create_file(target)
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version >= len(MIGRATIONS):
        return
    if version > 0:
        _backup(conn, path, version)
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Look again inside the write lock: another process may have migrated meanwhile,
        # and what a read-only look saw may have been only part of the story.
        version = _version(conn, path)
        if version >= len(MIGRATIONS):
            conn.execute("COMMIT")
            return
        for step in MIGRATIONS[version:]:
            if callable(step):
                step(conn)
            else:
                for statement in step:
                    conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


# --- the store -------------------------------------------------------------------


class _Shared:
    """This process's one connection to a database file, and how many Stores use it."""

    def __init__(self, conn: sqlite3.Connection, key: tuple[int, int]) -> None:
        self.conn = conn
        self.key = key
        self.mutex = threading.RLock()  # one transaction at a time on the connection
        self.users = 0
        self.scrub = False  # a delete's old pages may still be in the WAL: empty it on closing


def _connect(path: Path) -> tuple[sqlite3.Connection, bool]:
    """A checked, migrated connection to ``path``, and whether a hot journal was rolled back.

    Call holding ``_OPENING``, while this process has no connection to the file.
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
            _look(conn, path)
        _migrate(conn, path)
        # Only now that the file is known to be ours: switching to WAL writes its header.
        conn.execute("PRAGMA journal_mode = WAL")
    except BaseException:
        conn.close()
        raise
    return conn, recovered


def _shared(path: Path) -> tuple[_Shared, tuple["StoreNotice", ...]]:
    """The process's connection to ``path``: the one open, else a new one (call holding ``_OPENING``)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        _create(path)
        st = os.stat(path)
    key = (st.st_dev, st.st_ino)
    if key in _CONNECTIONS:
        return _CONNECTIONS[key], ()
    conn, recovered = _connect(path)
    _CONNECTIONS[key] = _Shared(conn, key)
    return _CONNECTIONS[key], (StoreNotice("recovered", path=path),) if recovered else ()


class Store:
    """The reports of one database file. Open with :meth:`Store.open`; usable as a context manager.

    Stores of one file in one process share its connection (see ``_CONNECTIONS``) but not
    their report locks: two Stores are two sessions.
    """

    def __init__(self, shared: _Shared, path: Path, notices: tuple["StoreNotice", ...] = ()) -> None:
        self._shared = shared
        self._conn = shared.conn
        self._mutex = shared.mutex
        self.path = path
        self.notices = notices  # what opening did that the filer should hear of
        self._tokens: dict[int, str] = {}
        self._closed = False
        _OPEN_STORES.add(self)

    @classmethod
    def open(cls, path: Path | str | None = None) -> "Store":
        """Open (or create) the database; :class:`StoreError` when it is not a usable reportbot database."""
        path = default_path() if path is None or str(path) == "" else Path(path).expanduser()
        with _OPENING, _guard(path):
            shared, notices = _shared(path)
            shared.users += 1
        return cls(shared, path, notices)

    def close(self) -> None:
        with self._mutex:
            if self._closed:
                return
            _OPEN_STORES.discard(self)
            for report_id, token in list(self._tokens.items()):
                try:
                    self._release(report_id, token)
                except StoreError:
                    pass
            self._closed = True
        with _OPENING:
            shared = self._shared
            shared.users -= 1
            if shared.users:
                return
            del _CONNECTIONS[shared.key]
            if shared.scrub:
                try:
                    self._scrub(closing=True)
                except StoreError:
                    pass
            shared.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._mutex, _guard(self.path):
            self._open()
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._mutex, _guard(self.path):
            self._open()
            return self._conn.execute(sql, params).fetchall()

    def _open(self) -> None:
        if self._closed:  # another Store may keep the shared connection open: this one is done
            raise RuntimeError("this Store is closed")

    # reports

    _ROW = "SELECT id, kind, year, organization, status, language, created, updated, confirmed_at FROM reports"

    def create_report(self, kind: str, year: int, organization: str | None = None, language: str | None = None) -> int:
        with self._write() as c:
            return self._insert_report(c, kind, year, organization, language, _now())

    def _insert_report(self, c: sqlite3.Connection, kind: str, year: int, organization: str | None,
                       language: str | None, now: str) -> int:
        if not kind or isinstance(year, bool) or not isinstance(year, int):
            raise ValueError("a report needs a kind and a year")
        cur = c.execute(
            "INSERT INTO reports (kind, year, organization, language, created, updated, touched)"
            " VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(touched), 0) + 1 FROM reports))",
            (kind, year, _clean(organization), language, now, now),
        )
        return int(cur.lastrowid)

    def reports(self) -> list[ReportRow]:
        """Every report, the most recently changed first."""
        return [self._row(r) for r in self._read(f"{self._ROW} ORDER BY touched DESC, id DESC")]

    def get(self, report_id: int) -> ReportRow:
        rows = self._read(f"{self._ROW} WHERE id = ?", (report_id,))
        if not rows:
            raise ReportNotFound(report_id)
        return self._row(rows[0])

    def latest(self) -> ReportRow | None:
        rows = self._read(f"{self._ROW} ORDER BY touched DESC, id DESC LIMIT 1")
        return self._row(rows[0]) if rows else None

    def _row(self, r: tuple) -> ReportRow:
        """A report's row, or "damaged" naming it when a hand edit left a year or a text that is not one."""
        row = ReportRow(*r)
        fields = [(row.year, type(row.year) is int)]
        fields += [(t, isinstance(t, str)) for t in (row.kind, row.status, row.created, row.updated)]
        fields += [(t, t is None or isinstance(t, str)) for t in (row.organization, row.language, row.confirmed_at)]
        for value, ok in fields:
            if not ok:
                raise StoreError("bad_report", path=self.path, id=row.id, value=_shown(value))
        return row

    def _touch(self, c: sqlite3.Connection, report_id: int, now: str, unconfirm: bool) -> None:
        c.execute(
            "UPDATE reports SET updated = ?, touched = (SELECT MAX(touched) FROM reports) + 1,"
            " status = CASE WHEN ? THEN 'draft' ELSE status END WHERE id = ?",
            (now, unconfirm, report_id),
        )

    def _writable(self, c: sqlite3.Connection, report_id: int, *, exclusive: bool = False) -> None:
        """Refuse a change to a report that another live session holds (``exclusive``: or any handle)."""
        if c.execute("SELECT 1 FROM reports WHERE id = ?", (report_id,)).fetchone() is None:
            raise ReportNotFound(report_id)
        lock = c.execute("SELECT pid, started, token FROM locks WHERE report_id = ?", (report_id,)).fetchone()
        if lock is None:
            return
        pid, started, token = lock
        if not exclusive and self._tokens.get(report_id) == token:
            return
        live = token in _LIVE_TOKENS if pid == os.getpid() else alive(pid, started)
        if live:
            raise ReportLocked(report_id, pid)
        c.execute("DELETE FROM locks WHERE report_id = ? AND token = ?", (report_id, token))

    # answers

    def answers(self, report_id: int) -> dict[Cell, Value]:
        """The report's answers; "damaged" naming the box where a row holds what reportbot never writes."""
        types = _types_of(self.get(report_id).kind)
        rows = self._read("SELECT box, col, vtype, value FROM answers WHERE report_id = ?", (report_id,))
        answers: dict[Cell, Value] = {}
        for box, col, vtype, text in rows:
            value = self._decoded(report_id, vtype, text, "bad_answer", box=_shown(box))
            if not isinstance(value, types.get(box, object)):  # a text where a count goes, say
                raise StoreError("bad_answer", path=self.path, id=report_id, box=_shown(box), value=_shown(text))
            answers[(box, col or None)] = value  # type: ignore[assignment]
        return answers

    def _decoded(self, report_id: int, vtype: str | None, text: str | None, code: str, **where: object) -> Value | None:
        """:func:`_decode`, or "damaged" naming the report and the row (a value edited by hand)."""
        try:
            return _decode(vtype, text)
        except ValueError:
            raise StoreError(code, path=self.path, id=report_id, value=_shown(text), **where) from None

    def answer_sources(self, report_id: int) -> dict[Cell, str]:
        """How each answer came: said, derived, imported or carried."""
        rows = self._read("SELECT box, col, how FROM answers WHERE report_id = ?", (report_id,))
        return {(box, col or None): how for box, col, how in rows}

    def set_answer(self, report_id: int, cell: Cell, value: Value | None, how: str = "said") -> None:
        """Store (or with None, remove) one answer; committed to disk before returning."""
        if how not in HOWS:
            raise ValueError(f"how must be one of {', '.join(HOWS)}, not {how!r}")
        new = None if value is None else _encode(value)
        now = _now()
        with self._write() as c:
            self._writable(c, report_id)
            if self._put(c, report_id, cell, new, how, now):
                self._touch(c, report_id, now, unconfirm=True)

    def _put(self, c: sqlite3.Connection, report_id: int, cell: Cell, new: tuple[str, str] | None,
             how: str, now: str) -> bool:
        """Write one answer and its history row; False when nothing changed."""
        box, column = cell
        col = column or ""
        old = c.execute(
            "SELECT vtype, value, how FROM answers WHERE report_id = ? AND box = ? AND col = ?",
            (report_id, box, col),
        ).fetchone()
        if old is None and new is None:
            return False
        if old is not None and new is not None and (old[0], old[1]) == new:
            if old[2] != how:
                c.execute(
                    "UPDATE answers SET how = ? WHERE report_id = ? AND box = ? AND col = ?",
                    (how, report_id, box, col),
                )
            return False
        if new is None:
            c.execute("DELETE FROM answers WHERE report_id = ? AND box = ? AND col = ?", (report_id, box, col))
        else:
            c.execute(
                "INSERT INTO answers (report_id, box, col, vtype, value, how, updated) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (report_id, box, col) DO UPDATE SET"
                " vtype = excluded.vtype, value = excluded.value, how = excluded.how, updated = excluded.updated",
                (report_id, box, col, new[0], new[1], how, now),
            )
        c.execute(
            "INSERT INTO history (report_id, box, col, old_type, old, new_type, new, how, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (report_id, box, column, *(old[:2] if old else (None, None)), *(new or (None, None)), how, now),
        )
        return True

    def import_report(
        self,
        kind: str,
        year: int,
        answers: dict[Cell, Value],
        organization: str | None = None,
        language: str | None = None,
        acknowledged: dict[tuple[str, str | None], str] | None = None,
    ) -> int:
        """A new draft holding ``answers`` (how: imported), all in one transaction: all or nothing."""
        encoded = {cell: _encode(v) for cell, v in answers.items()}
        now = _now()
        with self._write() as c:
            report_id = self._insert_report(c, kind, year, organization, language, now)
            for cell, new in encoded.items():
                self._put(c, report_id, cell, new, "imported", now)
            for (rule, column), reason in (acknowledged or {}).items():
                c.execute(
                    "INSERT OR REPLACE INTO acknowledgements (report_id, rule, col, reason, at) VALUES (?, ?, ?, ?, ?)",
                    (report_id, rule, column or "", clean_text(reason), now),
                )
            return report_id

    def set_organization(self, report_id: int, name: str | None) -> None:
        with self._write() as c:
            self._writable(c, report_id)
            c.execute("UPDATE reports SET organization = ? WHERE id = ?", (_clean(name), report_id))
            self._touch(c, report_id, _now(), unconfirm=False)

    def set_language(self, report_id: int, lang: str | None) -> None:
        with self._write() as c:
            self._writable(c, report_id)
            c.execute("UPDATE reports SET language = ? WHERE id = ?", (lang, report_id))

    # acknowledged warnings

    def acknowledge(self, report_id: int, rule_key: str, column: str | None, reason: str) -> None:
        """Record that the filer accepts a warning (a finding's ``key``), with their reason."""
        reason = clean_text(reason)
        with self._write() as c:
            self._writable(c, report_id)
            old = c.execute(
                "SELECT reason FROM acknowledgements WHERE report_id = ? AND rule = ? AND col = ?",
                (report_id, rule_key, column or ""),
            ).fetchone()
            if old is not None and old[0] == reason:
                return
            now = _now()
            c.execute(
                "INSERT INTO acknowledgements (report_id, rule, col, reason, at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (report_id, rule, col) DO UPDATE SET reason = excluded.reason, at = excluded.at",
                (report_id, rule_key, column or "", reason, now),
            )
            c.execute(
                "INSERT INTO history (report_id, col, rule, old_type, old, new_type, new, how, at)"
                " VALUES (?, ?, ?, ?, ?, 'str', ?, 'acknowledged', ?)",
                (report_id, column, rule_key, "str" if old else None, old[0] if old else None, reason, now),
            )
            self._touch(c, report_id, now, unconfirm=True)

    def unacknowledge(self, report_id: int, rule_key: str, column: str | None) -> None:
        """Withdraw an acknowledgement (the warning is open again)."""
        with self._write() as c:
            self._writable(c, report_id)
            cur = c.execute(
                "DELETE FROM acknowledgements WHERE report_id = ? AND rule = ? AND col = ?",
                (report_id, rule_key, column or ""),
            )
            if cur.rowcount:
                now = _now()
                c.execute(
                    "INSERT INTO history (report_id, col, rule, how, at) VALUES (?, ?, ?, 'unacknowledged', ?)",
                    (report_id, column, rule_key, now),
                )
                self._touch(c, report_id, now, unconfirm=True)

    def acknowledgements(self, report_id: int) -> dict[tuple[str, str | None], str]:
        self.get(report_id)
        rows = self._read(
            "SELECT rule, col, reason FROM acknowledgements WHERE report_id = ? ORDER BY rule, col", (report_id,)
        )
        return {(rule, col or None): reason for rule, col, reason in rows}

    # confirmation and history

    def confirm(self, report_id: int) -> None:
        """Mark the report as final; any later change makes it a draft again."""
        with self._write() as c:
            self._writable(c, report_id)
            if c.execute("SELECT status FROM reports WHERE id = ?", (report_id,)).fetchone()[0] == "confirmed":
                return
            now = _now()
            c.execute("UPDATE reports SET status = 'confirmed', confirmed_at = ? WHERE id = ?", (now, report_id))
            c.execute("INSERT INTO history (report_id, how, at) VALUES (?, 'confirmed', ?)", (report_id, now))
            self._touch(c, report_id, now, unconfirm=False)

    def history(self, report_id: int) -> list[HistoryRow]:
        """Every change, oldest first, confirmations included."""
        self.get(report_id)
        rows = self._read(
            "SELECT id, box, col, old_type, old, new_type, new, how, at, rule FROM history WHERE report_id = ? ORDER BY id",
            (report_id,),
        )
        return [
            HistoryRow(
                box, col, self._decoded(report_id, ot, o, "bad_history", row=row),
                self._decoded(report_id, nt, n, "bad_history", row=row), how, at, rule,
            )
            for row, box, col, ot, o, nt, n, how, at, rule in rows
        ]

    def delete(self, report_id: int) -> None:
        """Remove the report with its answers and history (refused while another session has it open)."""
        with self._write() as c:
            self._writable(c, report_id)
            c.execute("DELETE FROM reports WHERE id = ?", (report_id,))
        token = self._tokens.pop(report_id, None)
        _LIVE_TOKENS.discard(token or "")
        self._scrub()

    def _scrub(self, closing: bool = False) -> None:
        """Empty the WAL, whose older frames still hold a deleted report's pages.

        secure_delete zeroes them in the file itself; the WAL keeps old copies
        until it is reset. TRUNCATE copies it into the file and cuts it to zero
        bytes, waiting (the busy timeout) for other sessions' reads to end; if
        one still reads, the last close of this process tries again.
        """
        with self._mutex, _guard(self.path):
            if not closing:
                self._open()
            busy = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        self._shared.scrub = bool(busy)

    # sessions

    def open_report(self, report_id: int, read_only: bool = False) -> "ReportHandle":
        """A handle for one report; holds its lock until closed (:class:`ReportLocked` if held elsewhere)."""
        if read_only:
            self.get(report_id)
            return ReportHandle(self, report_id, read_only=True)
        token = os.urandom(16).hex()  # what secrets.token_hex does, without importing it
        pid = os.getpid()
        with self._write() as c:
            self._writable(c, report_id, exclusive=True)
            c.execute(
                "INSERT OR REPLACE INTO locks (report_id, pid, started, token, since) VALUES (?, ?, ?, ?, ?)",
                (report_id, pid, identity(pid), token, _now()),
            )
        self._tokens[report_id] = token
        _LIVE_TOKENS.add(token)
        return ReportHandle(self, report_id, read_only=False)

    def _release(self, report_id: int, token: str | None = None) -> None:
        token = token or self._tokens.get(report_id)
        if token is None:
            return
        self._tokens.pop(report_id, None)
        _LIVE_TOKENS.discard(token)
        with self._write() as c:
            c.execute("DELETE FROM locks WHERE report_id = ? AND token = ?", (report_id, token))

    # settings

    def get_setting(self, key: str) -> str | None:
        rows = self._read("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_setting(self, key: str, value: str | None) -> None:
        with self._write() as c:
            if value is None:
                c.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                c.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    return clean_text(text) or None


class ReportHandle:
    """One session's hold on a report: the store's report methods without the id."""

    def __init__(self, store: Store, report_id: int, read_only: bool) -> None:
        self.store = store
        self.id = report_id
        self.read_only = read_only
        self.closed = False

    def __enter__(self) -> "ReportHandle":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if not self.closed and not self.read_only:
            self.closed = True
            try:
                self.store._release(self.id)
            except StoreError:
                pass  # a full or read-only disk: the row stays, and is taken over as a dead owner's
        self.closed = True

    def _check(self) -> None:
        if self.read_only or self.closed:
            raise ReadOnlyReport(self.id)

    @property
    def row(self) -> ReportRow:
        return self.store.get(self.id)

    def answers(self) -> dict[Cell, Value]:
        return self.store.answers(self.id)

    def acknowledgements(self) -> dict[tuple[str, str | None], str]:
        return self.store.acknowledgements(self.id)

    def history(self) -> list[HistoryRow]:
        return self.store.history(self.id)

    def set_answer(self, cell: Cell, value: Value | None, how: str = "said") -> None:
        self._check()
        self.store.set_answer(self.id, cell, value, how)

    def set_organization(self, name: str | None) -> None:
        self._check()
        self.store.set_organization(self.id, name)

    def set_language(self, lang: str | None) -> None:
        self._check()
        self.store.set_language(self.id, lang)

    def acknowledge(self, rule_key: str, column: str | None, reason: str) -> None:
        self._check()
        self.store.acknowledge(self.id, rule_key, column, reason)

    def unacknowledge(self, rule_key: str, column: str | None) -> None:
        self._check()
        self.store.unacknowledge(self.id, rule_key, column)

    def confirm(self) -> None:
        self._check()
        self.store.confirm(self.id)
