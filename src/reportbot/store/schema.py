"""The database's tables, and bringing an older file up to them.

A file is ours when its header carries :data:`APPLICATION_ID`; ``user_version``
counts the migrations it has had.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeAlias

from reportbot.errors import Phrase
from reportbot.store import logs
from reportbot.store.errors import StoreError
from reportbot.store.files import create_file

APPLICATION_ID = 0x52425431  # "RBT1" in the SQLite header: tells our files from other programs'

Migration: TypeAlias = tuple[str, ...] | Callable[[sqlite3.Connection], None]

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
    (
        # The sheets written to disk: a sheet whose report changed since (``touched`` moved on) and whose
        # file still holds what was written (``digest``) no longer matches, and is named.
        """CREATE TABLE exports (
            report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            digest TEXT NOT NULL,
            touched INTEGER NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (report_id, path))""",
        # What a report keeps of the request log it was counted from, and a note (a reason) on a history row.
        *logs.TABLES,
        "ALTER TABLE history ADD COLUMN note TEXT",
    ),
    (
        # The columns a log load found missing, so that `why` on a box it did not count can name them.
        logs.ADD_MISSING,
    ),
]
# Each table, and the version from which a file has it.
TABLES = {
    **dict.fromkeys(("reports", "answers", "history", "acknowledgements", "settings", "locks"), 1),
    **dict.fromkeys(("exports", *logs.NAMES), 2),
}


def look(conn: sqlite3.Connection, path: Path) -> int:
    """:func:`schema_version` in one read transaction, so a file changing meanwhile is seen whole."""
    conn.execute("BEGIN")
    try:
        return schema_version(conn, path)
    finally:
        conn.execute("COMMIT")


def schema_version(conn: sqlite3.Connection, path: Path) -> int:
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
    if version < 1 or not tables >= {t for t, since in TABLES.items() if since <= version}:
        raise StoreError("damaged", path=path, detail=Phrase("tables_missing"))
    check = conn.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        raise StoreError("damaged", path=path, detail=check)
    return int(version)


def _backup(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """A copy of the database as it was before a migration, beside it."""
    target = path.with_name(f"{path.name}.v{version}.bak")
    create_file(target)
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the database up to the last migration, all in one transaction, keeping a copy of an older file."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version >= len(MIGRATIONS):
        return
    if version > 0:
        _backup(conn, path, version)
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Look again inside the write lock: another process may have migrated meanwhile,
        # and what a read-only look saw may have been only part of the story.
        version = schema_version(conn, path)
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

