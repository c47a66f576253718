"""The repository: reports, their answers, history, accepted warnings and confirmation, and settings.

Every change is its own transaction, committed (WAL, ``synchronous=FULL``)
before the call returns, so a process killed at any moment loses at most the
answer being typed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportbot.flow.loader import Cell
from reportbot.store import codec, files, logs, opening
from reportbot.store.base import StoreBase
from reportbot.store.codec import clean_name, decode, encode, shown, types_of
from reportbot.store.errors import ReportNotFound, StoreError
from reportbot.values import Value, clean_text

FILE_NAME = "reportbot.sqlite3"
ENV_VAR = "REPORTBOT_DB"
LANGUAGE_SETTING = "language"
HOWS = ("said", "derived", "imported", "carried", "log")


@dataclass(frozen=True)
class ReportRow:
    """One report. ``confirmed_at`` is the last confirmation, kept when a change makes it a draft again."""

    id: int
    form: str
    """Which report ("cyfsa-part-x"): the flow id, kept in the ``reports.kind`` column."""
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
    note: str | None = None
    """A row left out of the log's count: the filer's reason (``new`` holds its file number)."""


@dataclass(frozen=True)
class ExportRow:
    """A sheet exported to disk: where, and when (UTC, as stored)."""

    path: str
    when: str


def default_path() -> Path:
    """$REPORTBOT_DB, else reportbot.sqlite3 in the user data folder."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_data_path("reportbot", appauthor=False) / FILE_NAME


class Store(StoreBase):
    """The reports of one database file. Open with :meth:`Store.open`; usable as a context manager."""

    @classmethod
    def open(cls, path: Path | str | None = None) -> Store:
        """Open (or create) the database; :class:`StoreError` when it is not a usable reportbot database."""
        path = default_path() if path is None or str(path) == "" else Path(path).expanduser()
        with opening.OPENING, opening.guard(path):
            shared, notices = opening.shared(path)
            shared.users += 1
        return cls(shared, path, notices)

    # The column keeps its first name, ``kind`` (renaming it would need a migration for no reader's gain).
    _ROW = "SELECT id, kind AS form, year, organization, status, language, created, updated, confirmed_at FROM reports"

    def create_report(self, form: str, year: int, organization: str | None = None, language: str | None = None) -> int:
        with self._write() as c:
            return self._insert_report(c, form, year, organization, language, codec.now())

    def _insert_report(self, c: sqlite3.Connection, form: str, year: int, organization: str | None,
                       language: str | None, now: str) -> int:
        if not form or isinstance(year, bool) or not isinstance(year, int):
            raise ValueError("a report needs a form and a year")
        cur = c.execute(  # the form goes in the column ``kind`` (see _ROW)
            "INSERT INTO reports (kind, year, organization, language, created, updated, touched)"
            " VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(touched), 0) + 1 FROM reports))",
            (form, year, clean_name(organization), language, now, now),
        )
        return int(cur.lastrowid or 0)  # an INSERT into a rowid table always sets it

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

    def _row(self, r: Any) -> ReportRow:
        """A report's row, or "damaged" naming it when a hand edit left a year or a text that is not one."""
        row = ReportRow(*r)
        fields: list[tuple[object, bool]] = [(row.year, type(row.year) is int)]
        fields += [(t, isinstance(t, str)) for t in (row.form, row.status, row.created, row.updated)]
        fields += [(t, t is None or isinstance(t, str)) for t in (row.organization, row.language, row.confirmed_at)]
        for value, ok in fields:
            if not ok:
                raise StoreError("bad_report", path=self.path, id=row.id, value=shown(value))
        return row

    def _touch(self, c: sqlite3.Connection, report_id: int, now: str, unconfirm: bool) -> None:
        c.execute(
            "UPDATE reports SET updated = ?, touched = (SELECT MAX(touched) FROM reports) + 1,"
            " status = CASE WHEN ? THEN 'draft' ELSE status END WHERE id = ?",
            (now, unconfirm, report_id),
        )

    # answers

    def answers(self, report_id: int) -> dict[Cell, Value]:
        """The report's answers; "damaged" naming the box where a row holds what reportbot never writes."""
        types = types_of(self.get(report_id).form)
        rows = self._read("SELECT box, col, vtype, value FROM answers WHERE report_id = ?", (report_id,))
        answers: dict[Cell, Value] = {}
        for box, col, vtype, text in rows:
            value = self._decoded(report_id, vtype, text, "bad_answer", box=shown(box))
            if value is None or not isinstance(value, types.get(box, object)):  # a text where a count goes, say
                raise StoreError("bad_answer", path=self.path, id=report_id, box=shown(box), value=shown(text))
            answers[(box, col or None)] = value
        return answers

    def _decoded(self, report_id: int, vtype: str | None, text: str | None, code: str, **where: object) -> Value | None:
        """:func:`reportbot.store.codec.decode`, or "damaged" naming the report and the row (a value edited by hand)."""
        try:
            return decode(vtype, text)
        except ValueError:
            raise StoreError(code, path=self.path, id=report_id, value=shown(text), **where) from None

    def answer_sources(self, report_id: int) -> dict[Cell, str]:
        """How each answer came: said, derived, imported or carried."""
        rows = self._read("SELECT box, col, how FROM answers WHERE report_id = ?", (report_id,))
        return {(box, col or None): how for box, col, how in rows}

    def set_answer(self, report_id: int, cell: Cell, value: Value | None, how: str = "said") -> None:
        """Store (or with None, remove) one answer; committed to disk before returning."""
        if how not in HOWS:
            raise ValueError(f"how must be one of {', '.join(HOWS)}, not {how!r}")
        new = None if value is None else encode(value)
        now = codec.now()
        with self._write() as c:
            self._writable(c, report_id)
            if self._put(c, report_id, cell, new, how, now):
                self._touch(c, report_id, now, unconfirm=True)

    def set_answers(self, report_id: int, values: dict[Cell, Value], how: str) -> None:
        """Store several answers in one transaction (all or none): one commit, one wait for the disk."""
        if how not in HOWS:
            raise ValueError(f"how must be one of {', '.join(HOWS)}, not {how!r}")
        encoded = {cell: encode(value) for cell, value in values.items()}
        now = codec.now()
        with self._write() as c:
            self._writable(c, report_id)
            changed = [self._put(c, report_id, cell, new, how, now) for cell, new in encoded.items()]
            if any(changed):
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
        form: str,
        year: int,
        answers: dict[Cell, Value],
        organization: str | None = None,
        language: str | None = None,
        acknowledged: dict[tuple[str, str | None], str] | None = None,
    ) -> int:
        """A new draft holding ``answers`` (how: imported), all in one transaction: all or nothing."""
        encoded = {cell: encode(v) for cell, v in answers.items()}
        now = codec.now()
        with self._write() as c:
            report_id = self._insert_report(c, form, year, organization, language, now)
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
            c.execute("UPDATE reports SET organization = ? WHERE id = ?", (clean_name(name), report_id))
            self._touch(c, report_id, codec.now(), unconfirm=False)

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
            now = codec.now()
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
            now = codec.now()
            c.execute("UPDATE reports SET status = 'confirmed', confirmed_at = ? WHERE id = ?", (now, report_id))
            c.execute("INSERT INTO history (report_id, how, at) VALUES (?, 'confirmed', ?)", (report_id, now))
            self._touch(c, report_id, now, unconfirm=False)

    def history(self, report_id: int) -> list[HistoryRow]:
        """Every change, oldest first, confirmations included."""
        self.get(report_id)
        rows = self._read(
            "SELECT id, box, col, old_type, old, new_type, new, how, at, rule, note FROM history"
            " WHERE report_id = ? ORDER BY id",
            (report_id,),
        )
        return [
            HistoryRow(
                box, col, self._decoded(report_id, ot, o, "bad_history", row=row),
                self._decoded(report_id, nt, n, "bad_history", row=row), how, at, rule, note,
            )
            for row, box, col, ot, o, nt, n, how, at, rule, note in rows
        ]

    # the request log

    def fill_from_log(self, report_id: int, values: dict[Cell, Value], rules: dict[Cell, str],
                      files: dict[Cell, list[str]], sources: list[str], summary: dict[str, int],
                      keep: frozenset[Cell] = frozenset(), missing: tuple[str, ...] = ()) -> None:
        """One load of a log, all or nothing: its boxes (how: log) except ``keep``, its rules and files, and the
        ids of the columns it lacks (``missing``).

        A box the last load filled that this one no longer decides is emptied
        (it will be asked); a box in ``keep`` (an answer the filer typed and
        chose to keep) is left as it is.
        """
        encoded = {cell: encode(v) for cell, v in values.items() if cell not in keep}
        now = codec.now()
        with self._write() as c:
            self._writable(c, report_id)
            before = c.execute("SELECT box, col FROM answers WHERE report_id = ? AND how = 'log'", (report_id,))
            gone = {(box, col or None) for box, col in before.fetchall()} - set(values)
            changed = [self._put(c, report_id, cell, new, "log", now) for cell, new in encoded.items()]
            changed += [self._put(c, report_id, cell, None, "log", now) for cell in sorted(gone, key=str)]
            logs.replace_cells(c, report_id, {k: v for k, v in rules.items() if k in values}, files)
            logs.record_load(c, report_id, sources, summary, missing, now)
            if any(changed):
                self._touch(c, report_id, now, unconfirm=True)

    def log_cells(self, report_id: int) -> dict[Cell, logs.LogCell]:
        """The boxes the last load of a log decided, with the rule and files behind each."""
        with self._mutex, opening.guard(self.path), self._log_rows(report_id):
            self._open()
            return logs.cells(self._conn, report_id)

    def log_load(self, report_id: int) -> logs.LogLoad | None:
        """The last load of a log into the report, or None."""
        with self._mutex, opening.guard(self.path), self._log_rows(report_id):
            self._open()
            return logs.load(self._conn, report_id)

    @contextlib.contextmanager
    def _log_rows(self, report_id: int) -> Iterator[None]:
        """A log row reportbot never wrote is "damaged", naming the report, as an unreadable answer is."""
        try:
            yield
        except logs.Unreadable as e:
            raise StoreError("bad_log", path=self.path, id=report_id, value=shown(e.text)) from None

    def leave_out(self, report_id: int, file: str, reason: str) -> None:
        """Leave a log row out of every count, keeping the filer's reason in the history."""
        now = codec.now()
        reason = clean_text(reason)
        with self._write() as c:
            self._writable(c, report_id)
            c.execute(
                "INSERT OR REPLACE INTO log_left_out (report_id, file, reason, at) VALUES (?, ?, ?, ?)",
                (report_id, file, reason, now),
            )
            c.execute(
                "INSERT INTO history (report_id, new_type, new, how, at, note) VALUES (?, 'str', ?, 'left_out', ?, ?)",
                (report_id, file, now, reason),
            )

    def left_out(self, report_id: int) -> dict[str, str]:
        """The log rows the filer left out: file number → reason."""
        rows = self._read("SELECT file, reason FROM log_left_out WHERE report_id = ? ORDER BY at", (report_id,))
        return dict(rows)

    # exported sheets

    def record_export(self, report_id: int, path: Path, data: bytes) -> None:
        """Remember a sheet written to ``path`` (its content hash, and the report as it was): not a change to it."""
        with self._write() as c:
            c.execute(
                "INSERT INTO exports (report_id, path, digest, touched, at)"
                " SELECT id, ?, ?, touched, ? FROM reports WHERE id = ?"
                " ON CONFLICT (report_id, path) DO UPDATE SET"
                " digest = excluded.digest, touched = excluded.touched, at = excluded.at",
                (os.path.abspath(path), files.digest(data), codec.now(), report_id),
            )

    def stale_exports(self, report_id: int) -> list[ExportRow]:
        """The sheets on disk that no longer match the report: it changed since, and the file is still as written."""
        rows = self._read(
            "SELECT e.path, e.digest, e.at FROM exports e JOIN reports r ON r.id = e.report_id"
            " WHERE e.report_id = ? AND e.touched != r.touched ORDER BY e.at, e.path",
            (report_id,),
        )
        return [ExportRow(path, at) for path, digest, at in rows if files.holds(Path(path), digest, self.path)]

    def delete(self, report_id: int) -> None:
        """Remove the report with its answers and history (refused while another session has it open)."""
        with self._write() as c:
            self._writable(c, report_id)
            c.execute("DELETE FROM reports WHERE id = ?", (report_id,))
        self._forget(report_id)
        self._scrub()

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
                    "INSERT INTO settings (key, value) VALUES (?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )
