"""Reading a request log: files to :class:`~reportbot.log.table.Table` s, column by column.

Only the columns the flow names are taken from each row; every other cell is
dropped as the row is read, so names and descriptions are never kept.
"""

from __future__ import annotations

import datetime as _dt
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter, is_
from pathlib import Path
from typing import TYPE_CHECKING, cast

from reportbot.log import cells
from reportbot.log.cells import Bad, CodeBook, DateOrder
from reportbot.log.files import HEAD, ReadAhead, Sheet
from reportbot.log.headers import HeaderGaps, Layout, headless, layout, unread_flags
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
    unread_flags: list[tuple[str, str]] = field(default_factory=list)
    """(column id, header): a header numbered as a column's flags are but naming none of its codes, left unread."""


def read_log(files: Sequence[Path] | ReadAhead, spec: LogSpec, vocabulary: Vocabulary, *, year: int,
             mapping: LogMap | None = None, date_order: DateOrder | None = None,
             database: Path | None = None) -> LogRead:
    """Every table of every file; a file that cannot be read (or is the ``database``) raises
    :class:`~reportbot.log.files.LogError`.

    Dates after the end of ``year`` + 1 (and before 1990) are row findings.
    """
    files = files if isinstance(files, ReadAhead) else ReadAhead(files, database)
    last = _dt.date(year + 1, 12, 31).toordinal()
    tables, notices, gaps, unread = [], [], [], []
    for path in files.paths:
        for sheet in files.sheets(path):
            rows = iter(sheet.rows)
            head = list(itertools.islice(rows, HEAD))
            if head and any(tuple(head[0][:len(g)]) == g for g in vocabulary.guides):
                continue  # a template's notes sheet: one row per column, naming each id beside its label
            found = layout(head, sheet.source, spec, vocabulary, mapping)
            if found is not None:
                data = itertools.chain(head[found.first:], rows)
                tables.append(_table(sheet, data, found, vocabulary, mapping, last, date_order))
                gaps.append(found.gaps)
                # Said once for the sheet, not once a row: no row of it can be counted.
                notices += [LogNotice("required_column", {"name": sheet.source, "column": c.id})
                            for c in found.table.columns if c.required and c.id not in found.positions]
                flagged = unread_flags(found)
                notices += [LogNotice("unread_flags", {"name": sheet.source, "column": c,
                                                       "headers": ", ".join(map(cells.shown, h))})
                            for c, h in flagged.items()]
                unread += [(c, header) for c, headers in flagged.items() for header in headers]
            elif not sheet.hidden and any(any(c != "" and c is not None for c in row) for row in head):
                notices.append(LogNotice("not_a_table", {"name": sheet.source}))
                if (unnamed := headless(head, sheet.source, spec, vocabulary, mapping)) is not None:
                    gaps.append(unnamed)
    return LogRead(tables, notices, gaps, unread)


def _table(sheet: Sheet, rows: Iterator[list[object]], found: Layout, vocabulary: Vocabulary, mapping: LogMap | None,
           last: int, order: DateOrder | None) -> Table:
    columns = {c.id: c for c in found.table.columns}
    # A column read "within" another is read after it: its shared words need the other's code.
    ids = sorted([*found.positions, *found.flags], key=lambda c: columns[c].within is not None)
    readers = [_Reader(columns[c], columns, vocabulary, mapping, last, sheet.source, found.flags.get(c, ()))
               for c in ids]
    # Each column's cells: its own column's, or its flag columns' (the only cells of the sheet read for it).
    spans = [[p for p, _, _ in found.flags[c]] if c in found.flags else [found.positions[c]] for c in ids]
    keep: list[int] = []
    by_id = {r.column.id: r for r in readers}
    for chunk in _pick(rows, [p for span in spans for p in span], keep):
        at = 0
        for reader, span in zip(readers, spans, strict=True):
            # A row's flag cells, as one tuple: a log's few patterns of marks are each read once.
            given = list(zip(*chunk[at:at + len(span)], strict=True)) if reader.flags else chunk[at]
            at += len(span)
            reader.add(given, by_id)
    table = Table(found.table.id, sheet.source, list(map((found.first + 1).__add__, keep)), {}, headers=found.written)
    unread: list[str] = []
    for reader in readers:
        table.values[reader.column.id], numbered = reader.finish(order)
        if numbered is not None:
            table.numbered[reader.column.id] = numbered
        if reader.bad:
            unread.append(reader.column.id)
    _findings(table, found.table.key, unread)
    return table


def _pick(rows: Iterator[list[object]], positions: list[int], keep: list[int]) -> Iterator[list[Sequence[object]]]:
    """The cells of the used columns, a chunk of rows at a time, column by column; the indexes of the rows
    not blank in every used column are added to ``keep`` (a row blank in every used column is no row).

    The rest of each row is dropped with its chunk, and each chunk's cells are typed before the next is
    read, so a raw column is never kept whole.
    """
    width = max(positions) + 1
    start = 0
    while chunk := list(itertools.islice(rows, _CHUNK)):
        # At C speed, the chunk turned into columns up to the last used one (as many as its shortest row has).
        every = list(itertools.islice(zip(*chunk, strict=False), width))
        if len(every) < width:
            padded = [r if len(r) >= width else [*r, *[""] * (width - len(r))] for r in chunk]
            every = list(itertools.islice(zip(*padded, strict=False), width))
        picked: list[Sequence[object]] = [every[p] for p in positions]
        if any(map(all, picked)):  # the usual case: one column (the file number) is filled in on every row
            keep.extend(range(start, start + len(chunk)))
        else:
            used = list(map(any, zip(*picked, strict=True)))
            keep.extend(itertools.compress(range(start, start + len(chunk)), used))
            picked = [list(itertools.compress(c, used)) for c in picked]
        start += len(chunk)
        yield picked


class _Reader:
    """One column's cells to typed values, a chunk at a time; each distinct cell is read once.

    While a column has at most 256 distinct cells (codes, yes/no, amounts: most columns), each row is kept as
    the number of its cell, one byte, beside the value of each number: counting tests a column by those
    numbers (:meth:`~reportbot.log.rules.Evaluator.encoded`) rather than numbering its values again. A column
    of more (file numbers, dates) keeps its values.
    A date that could be day/month or month/day waits, as its cell, until the whole column decides the order.
    """

    def __init__(self, column: LogColumn, columns: dict[str, LogColumn], vocabulary: Vocabulary,
                 mapping: LogMap | None, last: int, source: str, flags: tuple[tuple[int, str, str], ...] = ()) -> None:
        self.column, self.last, self.source = column, last, source
        self.flags = tuple((word, header) for _, word, header in flags)  # a code column kept as marked columns
        self.values: list[object] = []
        self.read: dict[object, object] = {}  # each distinct cell (or cell and deciding code) → its value
        # Until a 257th distinct cell: each row's number, each distinct cell's number, each number's value.
        self.numbers: bytearray | None = None if column.value == "text" else bytearray()
        self.number: dict[object, int] = {}
        self.typed: list[object] = []
        self.waiting: dict[object, tuple[int, int, int]] = {}  # a/b/year dates, by cell, for the order
        self.bad = False
        self.within = columns.get(column.within) if column.within else None
        kind = column.value
        if kind in ("code", "codes"):
            own = mapping.values.get(column.id, {}) if mapping else {}
            self.book = CodeBook.build(column, dict(vocabulary.codes), own)
        parse = {"date": self._date, "yesno": cells.yesno, "count": cells.count, "money": cells.money,
                 "text": cells.text, "code": self._code, "codes": self._code}
        self.parse: Callable[[object], object] = self._flagged if self.flags else parse[kind]

    def __len__(self) -> int:
        return len(self.values) if self.numbers is None else len(self.numbers)

    def since(self, start: int) -> Sequence[object]:
        """The values of the rows from ``start`` on (what a column read within this one needs, a chunk at a time)."""
        if self.numbers is None:
            return self.values[start:]
        return list(map(self.typed.__getitem__, self.numbers[start:]))

    def add(self, given: Sequence[object], readers: dict[str, _Reader]) -> None:
        """Read a chunk's cells; ``readers``: every column's, those of the columns this one is read within first."""
        start = len(self)
        keys: Sequence[object] = given
        if self.within is not None:
            deciding = readers.get(self.within.id)
            if deciding is None:
                within: Sequence[object] = [self.within.blank] * len(given)
            else:
                within = deciding.since(start)
                if deciding.bad:  # an unreadable code decides nothing
                    within = [None if type(v) is Bad else v for v in within]
            keys = list(zip(given, within, strict=True))
        elif self.column.value == "text" and set(map(type, given)) == {str}:
            values, bad = cells.text_column(list(given))  # file numbers are all different: no use remembering
            self.bad |= bad
            self.values.extend(values)
            return
        if self.numbers is not None and self._numbered(keys, start):
            return
        try:
            self.values.extend(map(self.read.__getitem__, keys))
        except KeyError:  # cells not seen before: read each once
            del self.values[start:]
            for key in set(keys).difference(self.read):
                value = self.read[key] = self.parse(key)
                self.bad |= type(value) is Bad
            self.values.extend(map(self.read.__getitem__, keys))

    def _numbered(self, keys: Sequence[object], start: int) -> bool:
        """Keep the chunk's rows as numbers; False (and the column's values from now on) past 256 distinct cells."""
        numbers = self.numbers
        assert numbers is not None
        try:
            numbers.extend(map(self.number.__getitem__, keys))
            return True
        except KeyError:  # cells not seen before: read each once
            del numbers[start:]
            for key in set(keys).difference(self.number):
                self.number[key] = len(self.typed)
                self.typed.append(value := self.parse(key))
                self.bad |= type(value) is Bad
        if len(self.typed) <= 256:
            numbers.extend(map(self.number.__getitem__, keys))
            return True
        self.values = list(map(self.typed.__getitem__, numbers))
        self.read = {key: self.typed[n] for key, n in self.number.items()}
        self.numbers, self.number, self.typed = None, {}, []
        return False

    def finish(self, order: DateOrder | None) -> tuple[list[object], tuple[list[object], bytes] | None]:
        """The column's values, its a/b/year dates read in the order given or that the column decides; and,
        for a column of at most 256 distinct cells, the value of each number and each row's number."""
        if self.waiting:
            decided = cells.date_order(list(self.waiting.values()), order, self.source, self.column.id)
            final = {c: cells.settle_date(p, decided, self.last, c) for c, p in self.waiting.items()}
            self.bad |= any(type(v) is Bad for v in final.values())
            if self.numbers is None:
                self.values = list(map(final.get, self.values, self.values))
            else:
                self.typed = list(map(final.get, self.typed, self.typed))
        if self.numbers is None:
            return self.values, None
        return list(map(self.typed.__getitem__, self.numbers)), (self.typed, bytes(self.numbers))

    def _date(self, cell: object) -> object:
        if cells.blank(cell):
            return None
        parsed = cells.date_cell(cell)
        if isinstance(parsed, tuple):
            self.waiting[cell] = parsed
            return cell  # a str, unlike every value: replaced by its date when the order is known
        return cells.settle_date(parsed, None, self.last, cell)

    def _flagged(self, key: object) -> object:
        """A row's flag cells (and deciding code) to the code(s) whose column is marked; two for a one-code
        column, or a mark that is not yes or no, is :class:`Bad`."""
        marks, within = cast(tuple[tuple[object, ...], "str | None"], key) if self.within is not None else (key, None)
        found: dict[str, str] = {}  # code → the header of its first marked column
        for cell, (word, header) in zip(cast(tuple[object, ...], marks), self.flags, strict=True):
            marked = cells.yesno(cell)
            if type(marked) is Bad:
                return Bad("flag", {"cell": cells.shown(cell), "header": cells.shown(header)})
            if marked:
                code = self.book.one(word, within, header)
                if type(code) is Bad:
                    return code
                found.setdefault(cast(str, code), header)
        if self.column.value == "codes":
            return frozenset(found)
        if len(found) > 1:
            first, second = list(found.values())[:2]
            return Bad("code_flags", {"first": cells.shown(first), "second": cells.shown(second)})
        return next(iter(found), self.column.blank)

    def _code(self, key: object) -> object:
        if self.within is None:
            return self.book.read(key, None)
        cell, within = cast(tuple[object, "str | None"], key)
        return self.book.read(cell, within)


def _findings(table: Table, key: str, unread: list[str]) -> None:
    """Each unreadable cell: its value becomes None, its row joins ``invalid``, and a row finding names it."""
    keys = table.values.get(key, [None] * len(table))
    for column in unread:
        values = table.values[column]
        if column in table.numbered:  # the rows whose number is an unreadable cell's, at C speed
            typed, numbers = table.numbered[column]
            flags = numbers.translate(bytes(type(v) is Bad for v in typed).ljust(256, b"\0"))
            bad = list(itertools.compress(itertools.count(), flags))
            table.numbered[column] = ([None if type(v) is Bad else v for v in typed], numbers)
        else:
            bad = list(itertools.compress(itertools.count(), map(is_, map(type, values), itertools.repeat(Bad))))
        table.invalid[column] = set(bad)
        for i in bad:
            problem = values[i]
            assert isinstance(problem, Bad)
            number = key_cell if isinstance(key_cell := keys[i], str) else None
            table.findings.append(RowFinding("error", problem.code, table.source, table.lines[i], number, column,
                                             problem.facts))
            values[i] = None
    # Found a column at a time, in the table's order of columns: a stable sort by line keeps that order within a row.
    table.findings.sort(key=attrgetter("line"))
