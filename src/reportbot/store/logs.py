"""What a report keeps of the request log it was counted from: file numbers and rules, never a cell's text.

A log holds requesters' names and the subjects of their requests; the store
keeps only what ``why`` and the appendix need: per box, the counting rule and
the file numbers behind it; per load, the files read, the summary's counts
and the flow's ids of the columns the log lacks; per row the filer left out,
its file number and their reason.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from reportbot.flow.loader import Cell

TABLES = (
    """CREATE TABLE log_cells (
        report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
        box TEXT NOT NULL,
        col TEXT NOT NULL DEFAULT '',
        rule TEXT NOT NULL,
        files TEXT NOT NULL,
        PRIMARY KEY (report_id, box, col))""",
    """CREATE TABLE log_loads (
        report_id INTEGER PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
        sources TEXT NOT NULL,
        summary TEXT NOT NULL,
        at TEXT NOT NULL)""",
    """CREATE TABLE log_left_out (
        report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
        file TEXT NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (report_id, file))""",
)
NAMES = {"log_cells", "log_loads", "log_left_out"}
# The columns a load found missing, as a JSON list of flow column ids: a load recorded before has none.
ADD_MISSING = "ALTER TABLE log_loads ADD COLUMN missing TEXT NOT NULL DEFAULT '[]'"


@dataclass(frozen=True)
class LogCell:
    """A box counted from the log: the rule quoted by ``why`` and the files behind it, in log order."""

    rule: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class LogLoad:
    """The last load of a log into a report."""

    sources: tuple[str, ...]
    """The files read, as the filer named them."""
    summary: dict[str, int]
    """The summary's counts (rows, access requests, corrections, rows of other years…)."""
    at: str
    missing: tuple[str, ...] = ()
    """The flow's ids of the columns the log lacks (no header names them, or the filer said it keeps none)."""


def replace_cells(c: sqlite3.Connection, report_id: int, rules: dict[Cell, str], files: dict[Cell, list[str]]) -> None:
    """The log's boxes for the report, replacing the last load's."""
    c.execute("DELETE FROM log_cells WHERE report_id = ?", (report_id,))
    c.executemany(
        "INSERT INTO log_cells (report_id, box, col, rule, files) VALUES (?, ?, ?, ?, ?)",
        [(report_id, box, col or "", rule, json.dumps(files.get((box, col), []), ensure_ascii=False))
         for (box, col), rule in rules.items()],
    )


def record_load(c: sqlite3.Connection, report_id: int, sources: list[str], summary: dict[str, int],
                missing: tuple[str, ...], now: str) -> None:
    c.execute(
        "INSERT OR REPLACE INTO log_loads (report_id, sources, summary, at, missing) VALUES (?, ?, ?, ?, ?)",
        (report_id, json.dumps(sources, ensure_ascii=False), json.dumps(summary, sort_keys=True), now,
         json.dumps(list(missing))),
    )


class Unreadable(ValueError):
    """A row this module never writes (edited by hand, or damaged): ``text`` is the value that cannot be read."""

    def __init__(self, text: object) -> None:
        super().__init__(text)
        self.text = text


def cells(c: sqlite3.Connection, report_id: int) -> dict[Cell, LogCell]:
    """The boxes of the last load; :class:`Unreadable` for a row not as :func:`replace_cells` wrote it."""
    rows = c.execute("SELECT box, col, rule, files FROM log_cells WHERE report_id = ?", (report_id,)).fetchall()
    out = {}
    for box, col, rule, files in rows:
        if not (isinstance(box, str) and isinstance(col, str) and isinstance(rule, str)):
            raise Unreadable(box if not isinstance(box, str) else col if not isinstance(col, str) else rule)
        out[(box, col or None)] = LogCell(rule, tuple(_strings(files)))
    return out


def load(c: sqlite3.Connection, report_id: int) -> LogLoad | None:
    """The last load; :class:`Unreadable` for a row not as :func:`record_load` wrote it."""
    row = c.execute("SELECT sources, summary, at, missing FROM log_loads WHERE report_id = ?",
                    (report_id,)).fetchone()
    if row is None:
        return None
    sources, summary, at, missing = row
    counts = _json(summary)
    if not isinstance(counts, dict) or not all(type(v) is int for v in counts.values()) or not isinstance(at, str):
        raise Unreadable(summary if isinstance(at, str) else at)
    return LogLoad(tuple(_strings(sources)), counts, at, tuple(_strings(missing)))


def _strings(text: object) -> list[str]:
    """A JSON list of strings, as this module writes it."""
    data = _json(text)
    if not isinstance(data, list) or not all(isinstance(s, str) for s in data):
        raise Unreadable(text)
    return data


def _json(text: object) -> object:
    if not isinstance(text, str):
        raise Unreadable(text)
    try:
        return json.loads(text)
    except ValueError:
        raise Unreadable(text) from None
