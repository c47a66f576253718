"""Reading a request log: files to :class:`~reportbot.log.table.Table` s, column by column.

Only the columns the flow names are taken from each row; every other cell is
dropped as the row is read, so names and descriptions are never kept.
"""

from __future__ import annotations

import datetime as _dt
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from reportbot.log import cells
from reportbot.log.cells import Bad, CodeBook, DateOrder
from reportbot.log.files import HEAD, Sheet, read_sheets
from reportbot.log.headers import HeaderGaps, Layout, headless, layout
from reportbot.log.table import RowFinding, Table
from reportbot.log.vocabulary import Vocabulary

if TYPE_CHECKING:  # pydantic's models: a log count from the flow cache never imports them
    from reportbot.flow.models import LogColumn, LogSpec
    from reportbot.log.mapping import LogMap

_CHUNK = 4096  # rows read at once: few enough that their unused cells cost little memory


@dataclass(frozen=True)
class LogNotice:
    """Something about a whole file or sheet worth saying (``log.notice.<code>``)."""

    code: str
    facts: dict[str, str] = field(default_factory=dict)


@dataclass
class LogRead:
    """What reading a log gave: its tables, notices about sheets that held none, and each table's unnamed headers."""

    tables: list[Table]
    notices: list[LogNotice]
    gaps: list[HeaderGaps]


def read_log(paths: Iterable[Path], spec: LogSpec, vocabulary: Vocabulary, *, year: int,
             mapping: LogMap | None = None, date_order: DateOrder | None = None) -> LogRead:
    """Every table of every file in ``paths``; a file that cannot be read raises :class:`~reportbot.log.files.LogError`.

    Dates after the end of ``year`` + 1 (and before 1990) are row findings.
    """
    last = _dt.date(year + 1, 12, 31).toordinal()
    tables, notices, gaps = [], [], []
    for path in paths:
        for sheet in read_sheets(path):
            rows = iter(sheet.rows)
            head = list(itertools.islice(rows, HEAD))
            found = layout(head, sheet.source, spec, vocabulary, mapping)
            if found is not None:
                data = itertools.chain(head[found.first:], rows)
                tables.append(_table(sheet, data, found, vocabulary, mapping, last, date_order))
                gaps.append(found.gaps)
            elif any(any(c != "" and c is not None for c in row) for row in head):
                notices.append(LogNotice("not_a_table", {"name": sheet.source}))
                if (unnamed := headless(head, sheet.source, spec, vocabulary, mapping)) is not None:
                    gaps.append(unnamed)
    return LogRead(tables, notices, gaps)


def _table(sheet: Sheet, rows: Iterator[list[object]], found: Layout, vocabulary: Vocabulary, mapping: LogMap | None,
           last: int, order: DateOrder | None) -> Table:
    ids, source = list(found.positions), sheet.source
    keep, picked = _pick(rows, [found.positions[c] for c in ids], sheet.text)
    raw = dict(zip(ids, picked, strict=True))
    del picked
    table = Table(found.table.id, source, [found.first + i + 1 for i in keep], {})
    columns = {c.id: c for c in found.table.columns}
    unread: list[str] = []
    # A column read "within" another is read after it: its shared words need the other's code.
    for column in sorted((columns[c] for c in ids), key=lambda c: c.within is not None):
        within = table.values.get(column.within) if column.within else None
        if within is not None:  # an unreadable code decides nothing (its own finding says why)
            within = [None if type(v) is Bad else v for v in within]
        if column.within and within is None and column.within in columns:
            within = [columns[column.within].blank] * len(keep)
        values, bad = _column(column, raw.pop(column.id), within, vocabulary, mapping, last, order, source)
        table.values[column.id] = values
        if bad:
            unread.append(column.id)
    _findings(table, found.table.key, unread)
    return table


def _pick(rows: Iterator[list[object]], positions: list[int], text: bool) -> tuple[list[int], list[list[object]]]:
    """The indexes of the rows not blank in every used column, and those rows' used cells, column by column.

    Rows are read a chunk at a time and the rest of each row dropped; in a CSV file (``text``), a column's equal
    cells are made one object at C speed, so its dates and codes, repeated down 100,000 rows, are kept once.
    A spreadsheet's cells are kept as read: its 1, 1.0 and TRUE are equal, but read differently.
    """
    width = max(positions) + 1
    getter = itemgetter(*positions)
    keep: list[int] = []
    columns: list[list[object]] = [[] for _ in positions]
    seen: list[dict[object, object]] = [{} for _ in positions]
    start = 0
    while chunk := list(itertools.islice(rows, _CHUNK)):
        if min(map(len, chunk)) < width:
            chunk = [r if len(r) >= width else [*r, *[""] * (width - len(r))] for r in chunk]
        picked = [(c,) for c in map(getter, chunk)] if len(positions) == 1 else list(map(getter, chunk))
        used = list(map(any, picked))  # a row blank in every used column is no row
        keep.extend(itertools.compress(range(start, start + len(chunk)), used))
        start += len(chunk)
        chosen = zip(*itertools.compress(picked, used), strict=True)  # nothing when no row of the chunk is used
        for column, given, same in zip(columns, chosen, seen, strict=False):
            column.extend(map(same.setdefault, given, given) if text else given)
    return keep, columns


def _column(column: LogColumn, raw: list[object], within: list[object] | None, vocabulary: Vocabulary,
            mapping: LogMap | None, last: int, order: DateOrder | None, source: str) -> tuple[list[object], bool]:
    """The column's typed values, and whether any cell is :class:`~reportbot.log.cells.Bad`."""
    kind = column.value
    if kind == "date":
        parsed = {c: cells.date_cell(c) for c in set(raw) if not cells.blank(c)}
        decided = cells.date_order(list(parsed.values()), order, source, column.id)
        final = {c: cells.settle_date(p, decided, last, c) for c, p in parsed.items()}
        return list(map(final.get, raw)), any(type(v) is Bad for v in final.values())
    if kind in ("code", "codes"):
        own = mapping.values.get(column.id, {}) if mapping else {}
        book = CodeBook.build(column, dict(vocabulary.codes), own)
        if within is None:
            return cells.memo(raw, lambda c: book.read(c, None))
        # One cache per code of the deciding column: a shared word reads differently in each.
        caches: dict[object, dict[object, object]] = {w: {} for w in set(within)}
        for c, w in set(zip(raw, within, strict=True)):
            caches[w][c] = book.read(c, w)  # type: ignore[arg-type]
        bad = any(type(v) is Bad for cache in caches.values() for v in cache.values())
        return [caches[w][c] for c, w in zip(raw, within, strict=True)], bad
    if kind == "text":
        return cells.text_column(raw)
    parse = {"yesno": cells.yesno, "count": cells.count, "money": cells.money}[kind]
    return cells.memo(raw, parse)


def _findings(table: Table, key: str, unread: list[str]) -> None:
    """Each unreadable cell: its value becomes None, its row joins ``invalid``, and a row finding names it."""
    keys = table.values.get(key, [None] * len(table))
    numbers = [k if isinstance(k, str) else None for k in keys]
    for column in unread:
        values = table.values[column]
        bad = [i for i, v in enumerate(values) if type(v) is Bad]
        table.invalid[column] = set(bad)
        for i in bad:
            problem = values[i]
            assert isinstance(problem, Bad)
            table.findings.append(RowFinding("error", problem.code, table.source, table.lines[i], numbers[i], column,
                                             problem.facts))
            values[i] = None
    order = {c: n for n, c in enumerate(table.values)}
    table.findings.sort(key=lambda f: (f.line, order.get(f.column or "", 0)))
