"""What a report keeps of the request log it was counted from: file numbers and rules, never a cell's text.

A log holds requesters' names and the subjects of their requests; the store
keeps only what ``why`` and the appendix need: per box, the counting rule and
the file numbers behind it; per load, the files read and the summary's
counts; per row the filer left out, its file number and their reason.
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


def replace_cells(c: sqlite3.Connection, report_id: int, rules: dict[Cell, str], files: dict[Cell, list[str]]) -> None:
    """The log's boxes for the report, replacing the last load's."""
    c.execute("DELETE FROM log_cells WHERE report_id = ?", (report_id,))
    c.executemany(
        "INSERT INTO log_cells (report_id, box, col, rule, files) VALUES (?, ?, ?, ?, ?)",
        [(report_id, box, col or "", rule, json.dumps(files.get((box, col), []), ensure_ascii=False))
         for (box, col), rule in rules.items()],
    )


def record_load(c: sqlite3.Connection, report_id: int, sources: list[str], summary: dict[str, int], now: str) -> None:
    c.execute(
        "INSERT OR REPLACE INTO log_loads (report_id, sources, summary, at) VALUES (?, ?, ?, ?)",
        (report_id, json.dumps(sources, ensure_ascii=False), json.dumps(summary, sort_keys=True), now),
    )


def cells(c: sqlite3.Connection, report_id: int) -> dict[Cell, LogCell]:
    rows = c.execute("SELECT box, col, rule, files FROM log_cells WHERE report_id = ?", (report_id,)).fetchall()
    return {(box, col or None): LogCell(rule, tuple(_strings(files))) for box, col, rule, files in rows}


def load(c: sqlite3.Connection, report_id: int) -> LogLoad | None:
    row = c.execute("SELECT sources, summary, at FROM log_loads WHERE report_id = ?", (report_id,)).fetchone()
    if row is None:
        return None
    summary = json.loads(row[1])
    counts = {str(k): int(v) for k, v in summary.items()} if isinstance(summary, dict) else {}
    return LogLoad(tuple(_strings(row[0])), counts, row[2])


def _strings(text: str) -> list[str]:
    """A JSON list of strings as written by this module; anything else (a hand edit) reads as empty."""
    try:
        data = json.loads(text)
    except ValueError:
        return []
    return [s for s in data if isinstance(s, str)] if isinstance(data, list) else []
