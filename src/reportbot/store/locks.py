"""Report locks: a row naming the session that edits a report, so a second session is refused while its owner lives.

A lock names its owner's pid and start time (:mod:`reportbot.liveness`); a
lock whose owner is gone is taken over. Process liveness is not asked of a
lock of this very process: its token says whether it is still held.
"""

from __future__ import annotations

import os
import sqlite3
from typing import TYPE_CHECKING

from reportbot.liveness import alive, identity
from reportbot.store.codec import now
from reportbot.store.errors import ReportLocked, ReportNotFound, StoreError

if TYPE_CHECKING:
    from reportbot.store.base import StoreBase

# Lock tokens held by this process: a row naming our own pid with another token is a leftover.
LIVE_TOKENS: set[str] = set()


def check_free(c: sqlite3.Connection, report_id: int, own: str | None, *, exclusive: bool = False) -> None:
    """Refuse a change to a report that another live session holds (``exclusive``: or any handle, ``own`` too)."""
    if c.execute("SELECT 1 FROM reports WHERE id = ?", (report_id,)).fetchone() is None:
        raise ReportNotFound(report_id)
    lock = c.execute("SELECT pid, started, token FROM locks WHERE report_id = ?", (report_id,)).fetchone()
    if lock is None:
        return
    pid, started, token = lock
    if not exclusive and own == token:
        return
    live = token in LIVE_TOKENS if pid == os.getpid() else alive(pid, started)
    if live:
        raise ReportLocked(report_id, pid)
    c.execute("DELETE FROM locks WHERE report_id = ? AND token = ?", (report_id, token))


def take(c: sqlite3.Connection, report_id: int) -> str:
    """Write this process's lock on a free report (:func:`check_free` first); its token, live once committed."""
    token = os.urandom(16).hex()  # what secrets.token_hex does, without importing it
    pid = os.getpid()
    c.execute(
        "INSERT OR REPLACE INTO locks (report_id, pid, started, token, since) VALUES (?, ?, ?, ?, ?)",
        (report_id, pid, identity(pid), token, now()),
    )
    return token


class ReportHandle:
    """One session's hold on a report: its lock, given back on :meth:`close` (or leaving a ``with``)."""

    def __init__(self, store: StoreBase, report_id: int) -> None:
        self.store = store
        self.id = report_id
        self.closed = False

    def __enter__(self) -> ReportHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self.store._release(self.id)
        except StoreError:
            pass  # a full or read-only disk: the row stays, and is taken over as a dead owner's
