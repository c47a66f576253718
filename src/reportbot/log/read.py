"""Reading a request log: files to :class:`~reportbot.log.table.Table` s, column by column.

Only the columns the flow names are taken from each row; every other cell is
dropped as the row is read, so names and descriptions are never kept.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from reportbot.flow.models import LogColumn, LogSpec
from reportbot.log import cells
from reportbot.log.cells import Bad, CodeBook, DateOrder
from reportbot.log.files import Sheet, read_sheets
from reportbot.log.headers import Layout, layout
from reportbot.log.mapping import LogMap
from reportbot.log.table import RowFinding, Table
from reportbot.log.vocabulary import Vocabulary


@dataclass(frozen=True)
class LogNotice:
    """Something about a whole file or sheet worth saying (``log.notice.<code>``)."""

    code: str
    facts: dict[str, str] = field(default_factory=dict)


@dataclass
class LogRead:
    """What reading a log gave: its tables, and notices about the sheets that held none."""

    tables: list[Table]
    notices: list[LogNotice]


def read_log(paths: Iterable[Path], spec: LogSpec, vocabulary: Vocabulary, *, year: int,
             mapping: LogMap | None = None, date_order: DateOrder | None = None) -> LogRead:
    """Every table of every file in ``paths``; a file that cannot be read raises :class:`~reportbot.log.files.LogError`.

    Dates after the end of ``year`` + 1 (and before 1990) are row findings.
    """
    last = _dt.date(year + 1, 12, 31).toordinal()
    tables, notices = [], []
    for path in paths:
        for sheet in read_sheets(path):
            found = layout(sheet.rows, sheet.source, spec, vocabulary, mapping)
            if found is not None:
                tables.append(_table(sheet, found, vocabulary, mapping, last, date_order))
            elif any(any(c != "" and c is not None for c in row) for row in sheet.rows):
                notices.append(LogNotice("not_a_table", {"name": sheet.source}))
    return LogRead(tables, notices)


def _table(sheet: Sheet, found: Layout, vocabulary: Vocabulary, mapping: LogMap | None, last: int,
           order: DateOrder | None) -> Table:
    ids = list(found.positions)
    picked = _pick(sheet.rows[found.first:], [found.positions[c] for c in ids])
    keep = [i for i, row in enumerate(picked) if any(row)]  # a row blank in every used column is no row
    raw = dict(zip(ids, zip(*(picked[i] for i in keep), strict=True), strict=True)) if keep else {c: () for c in ids}
    table = Table(found.table.id, sheet.source, [found.first + i + 1 for i in keep], {})
    columns = {c.id: c for c in found.table.columns}
    # A column read "within" another is read after it: its shared words need the other's code.
    for column in sorted((columns[c] for c in ids), key=lambda c: c.within is not None):
        within = table.values.get(column.within) if column.within else None
        if within is not None:  # an unreadable code decides nothing (its own finding says why)
            within = [None if type(v) is Bad else v for v in within]
        if column.within and within is None and column.within in columns:
            within = [columns[column.within].blank] * len(keep)
        values = _column(column, list(raw[column.id]), within, vocabulary, mapping, last, order, sheet.source)
        table.values[column.id] = values
    _findings(table, found.table.key)
    return table


def _pick(rows: list[list[object]], positions: list[int]) -> list[tuple[object, ...]]:
    """Only the used cells of each row, as tuples: the rest of the row is dropped here."""
    width = max(positions) + 1
    for row in rows:
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    getter = itemgetter(*positions)
    if len(positions) == 1:
        return [(c,) for c in map(getter, rows)]
    return list(map(getter, rows))


def _column(column: LogColumn, raw: list[object], within: list[object] | None, vocabulary: Vocabulary,
            mapping: LogMap | None, last: int, order: DateOrder | None, source: str) -> list[object]:
    kind = column.value
    if kind == "date":
        parsed = {c: cells.date_cell(c) for c in set(raw) if not cells.blank(c)}
        decided = cells.date_order(list(parsed.values()), order, source, column.id)
        final = {c: cells.settle_date(p, decided, last, c) for c, p in parsed.items()}
        return [final.get(c) for c in raw]
    if kind in ("code", "codes"):
        own = mapping.values.get(column.id, {}) if mapping else {}
        book = CodeBook.build(column, dict(vocabulary.codes), own)
        if within is None:
            return cells.memo(raw, lambda c: book.read(c, None))
        pairs = list(zip(raw, within, strict=True))
        return cells.memo(pairs, lambda p: book.read(p[0], p[1]))  # type: ignore[index]
    parse = {"text": cells.text, "yesno": cells.yesno, "count": cells.count, "money": cells.money}[kind]
    return cells.memo(raw, parse)


def _findings(table: Table, key: str) -> None:
    """Each unreadable cell: its value becomes None, its row joins ``invalid``, and a row finding names it."""
    keys = table.values.get(key, [None] * len(table))
    numbers = [k if isinstance(k, str) else None for k in keys]
    for column, values in table.values.items():
        bad = [i for i, v in enumerate(values) if type(v) is Bad]
        if not bad:
            continue
        table.invalid[column] = set(bad)
        for i in bad:
            problem = values[i]
            assert isinstance(problem, Bad)
            table.findings.append(RowFinding("error", problem.code, table.source, table.lines[i], numbers[i], column,
                                             problem.facts))
            values[i] = None
    order = {c: n for n, c in enumerate(table.values)}
    table.findings.sort(key=lambda f: (f.line, order.get(f.column or "", 0)))
