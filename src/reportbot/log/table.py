"""A request log's table once read: typed values by column, and what the reading found wrong.

Reading (:mod:`reportbot.log.read`) builds a :class:`Table` for each table of
a log file; counting takes tables and never looks at cells again. Values are
stored by column, in lists, so a rule runs over a column at C speed.

A cell's typed value, by the column's ``value`` (:class:`reportbot.flow.models.LogColumn`):
text: ``str`` (one line, cleaned); date: ``int`` (``date.toordinal()``); yesno: ``bool``;
count: ``int``; money: ``int`` cents; code: ``str`` (the code's id); codes: ``frozenset[str]``.
A blank cell is ``None`` (yesno: ``False``; codes: the empty frozenset). A cell
that could not be read is ``None`` too, its row index is in ``invalid[column]``,
and a :class:`RowFinding` says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "notice"]


@dataclass(frozen=True)
class RowFinding:
    """A problem in one row (or one cell) of a log, named so the filer can find it in their file."""

    severity: Severity
    """error: the row (or the boxes its column decides) is left out; warning: counted, worth a look; notice: said."""
    code: str
    """The message key's last part: its words are ``log.finding.<code>`` in dialogs/<lang>/common.yaml."""
    source: str
    """The file (and sheet) the row is in, as the filer named it."""
    line: int
    """The row's number as the filer's spreadsheet shows it (the header is row 1)."""
    file: str | None
    """The row's file number (incident number for breaches); None when the cell is blank or unreadable."""
    column: str | None = None
    """The column id the finding is about; None for the row as a whole."""
    facts: dict[str, str] = field(default_factory=dict)
    """The values the message names: the cell as written, the nearest allowed value, the other row's line…"""


@dataclass
class Table:
    """One table of a log (``requests`` or ``breaches``): its rows as typed columns."""

    kind: Literal["requests", "breaches"]
    """Which table of the flow's :class:`~reportbot.flow.models.LogSpec` this is."""
    source: str
    """The file (and sheet) it was read from, as the filer named it."""
    lines: list[int]
    """Each row's number as the filer's spreadsheet shows it."""
    values: dict[str, list[object]]
    """Column id → the typed value of each row; only the columns the log has (an absent column decides no box)."""
    invalid: dict[str, set[int]] = field(default_factory=dict)
    """Column id → the indexes of rows whose cell could not be read (each has a row finding)."""
    findings: list[RowFinding] = field(default_factory=list)
    """What reading found wrong, cell by cell, in row order."""
    headers: dict[str, str] = field(default_factory=dict)
    """Column id → its header as the log writes it ("Decision" for outcome): the filer's own name for it."""
    numbered: dict[str, tuple[list[object], bytes]] = field(default_factory=dict)
    """Column id → (value of each number, each row's number) for a column of at most 256 distinct cells: row i's
    value is ``values[numbers[i]]``, so counting need not number the column again (unreadable cells: None)."""

    def __len__(self) -> int:
        return len(self.lines)


def without(table: Table, files: set[str]) -> Table:
    """The table less the rows whose file number the filer left out (with their findings)."""
    key = "incident" if table.kind == "breaches" else "file"
    names = table.values.get(key, [])
    keep = [i for i, name in enumerate(names) if name not in files]
    if len(keep) == len(table.lines):
        return table
    index = {old: new for new, old in enumerate(keep)}
    out_lines = {table.lines[i] for i in range(len(table.lines)) if i not in index}
    return Table(
        table.kind, table.source, [table.lines[i] for i in keep],
        {column: [values[i] for i in keep] for column, values in table.values.items()},
        {column: {index[i] for i in rows if i in index} for column, rows in table.invalid.items()},
        [f for f in table.findings if f.line not in out_lines], table.headers,
    )
