"""A session on one database file: its shared connection, one transaction at a time, and the report locks it holds.

Stores of one file in one process share its connection (see
``opening.CONNECTIONS``) but not their report locks: two Stores are two
sessions. On a normal exit the locks of stores never closed are given back
(a killed process is noticed instead: :mod:`reportbot.store.locks`).
"""

from __future__ import annotations

import atexit
import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from reportbot.store import locks, opening
from reportbot.store.errors import StoreError, StoreNotice

_OPEN_STORES: weakref.WeakSet[StoreBase] = weakref.WeakSet()


@atexit.register
def _let_go() -> None:
    """On a normal exit, give back the locks of stores never closed (a killed process is noticed instead)."""
    for s in list(_OPEN_STORES):
        s.close()


class StoreBase:
    """The connection and locks of a :class:`reportbot.store.Store`; usable as a context manager."""

    def __init__(self, shared: opening.Shared, path: Path, notices: tuple[StoreNotice, ...] = ()) -> None:
        self._shared = shared
        self._conn = shared.conn
        self._mutex = shared.mutex
        self.path = path
        self.notices = notices  # what opening did that the filer should hear of
        self._tokens: dict[int, str] = {}
        self._closed = False
        _OPEN_STORES.add(self)

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
        with opening.OPENING:
            shared = self._shared
            shared.users -= 1
            if shared.users:
                return
            del opening.CONNECTIONS[shared.key]
            if shared.scrub:
                try:
                    self._scrub(closing=True)
                except StoreError:
                    pass
            shared.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write, all or nothing; committed at once, or at the end of the :meth:`one_commit` it is inside."""
        with self.one_commit(), opening.guard(self.path):
            self._open()
            conn = self._conn
            if not conn.in_transaction:
                conn.execute("BEGIN IMMEDIATE")
            # A savepoint keeps each write whole: one that fails takes back only itself, as its own commit would.
            conn.execute("SAVEPOINT one_write")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK TO one_write")
                    conn.execute("RELEASE one_write")
                raise
            conn.execute("RELEASE one_write")

    @contextmanager
    def one_commit(self) -> Iterator[None]:
        """Every write in the block is committed once, at its end: one wait for the disk, not one a write.

        A turn of the conversation writes the answer, the boxes the arithmetic then
        knows, and their history; nothing is said of any of it before the turn ends,
        so "saved" stays true of all that is said. What the block wrote is committed
        even when it ends in an error, as it would have been write by write.
        """
        with self._mutex:
            self._shared.batch += 1
            try:
                yield
            finally:
                self._shared.batch -= 1
                if not self._shared.batch and self._conn.in_transaction:
                    with opening.guard(self.path):
                        try:
                            self._conn.execute("COMMIT")
                        except BaseException:
                            if self._conn.in_transaction:
                                self._conn.execute("ROLLBACK")
                            raise

    def _read(self, sql: str, params: tuple[object, ...] = ()) -> list[Any]:
        with self._mutex, opening.guard(self.path):
            self._open()
            return self._conn.execute(sql, params).fetchall()

    def _open(self) -> None:
        if self._closed:  # another Store may keep the shared connection open: this one is done
            raise RuntimeError("this Store is closed")

    def _scrub(self, closing: bool = False) -> None:
        """Empty the WAL, whose older frames still hold a deleted report's pages.

        secure_delete zeroes them in the file itself; the WAL keeps old copies
        until it is reset. TRUNCATE copies it into the file and cuts it to zero
        bytes, waiting (the busy timeout) for other sessions' reads to end; if
        one still reads, the last close of this process tries again.
        """
        with self._mutex, opening.guard(self.path):
            if not closing:
                self._open()
            busy = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        self._shared.scrub = bool(busy)

    # locks

    def _writable(self, c: sqlite3.Connection, report_id: int, *, exclusive: bool = False) -> None:
        """Refuse a change to a report that another live session holds (``exclusive``: or any handle)."""
        locks.check_free(c, report_id, self._tokens.get(report_id), exclusive=exclusive)

    def open_report(self, report_id: int) -> locks.ReportHandle:
        """Hold the report's lock until the handle is closed (:class:`ReportLocked` if held elsewhere)."""
        with self._write() as c:
            self._writable(c, report_id, exclusive=True)
            token = locks.take(c, report_id)
        self._tokens[report_id] = token  # only once committed
        locks.LIVE_TOKENS.add(token)
        return locks.ReportHandle(self, report_id)

    def _release(self, report_id: int, token: str | None = None) -> None:
        token = token or self._tokens.get(report_id)
        if token is None:
            return
        self._tokens.pop(report_id, None)
        locks.LIVE_TOKENS.discard(token)
        with self._write() as c:
            c.execute("DELETE FROM locks WHERE report_id = ? AND token = ?", (report_id, token))

    def _forget(self, report_id: int) -> None:
        """A deleted report's lock is gone with it."""
        token = self._tokens.pop(report_id, None)
        locks.LIVE_TOKENS.discard(token or "")
