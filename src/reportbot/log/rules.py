"""Running the flow's counting rules over a log's rows, column by column.

Every part of a rule is worked out once per table, over the whole column,
into a bitset (a Python int, bit i for row i): ``and`` is ``&``, a count is
``int.bit_count()``, and only the rows a box counts are ever visited one by
one (for their file numbers, or a sum). That keeps 100,000 rows well inside
the speed the issue asks for.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import TYPE_CHECKING, Any

from reportbot.flow import logexpr as lx
from reportbot.flow.logcheck import BOUNDS, DERIVED

if TYPE_CHECKING:
    from reportbot.flow.logcheck import LogRule
    from reportbot.flow.models import LogTable
    from reportbot.log.table import Table

_FLAGS_TO_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
_DIGITS_TO_FLAGS = bytes.maketrans(b"01", b"\x00\x01")
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}


def to_bits(flags: Sequence[bool] | bytes | bytearray) -> int:
    """Row i's flag as bit i."""
    return int(bytes(flags).translate(_FLAGS_TO_DIGITS)[::-1], 2) if len(flags) else 0


def bits_of(indexes: Iterable[int], n: int) -> int:
    flags = bytearray(n)
    for i in indexes:
        flags[i] = 1
    return to_bits(flags)


def flags(bits: int) -> bytes:
    """Row i's bit as byte i (0 or 1), for :func:`itertools.compress` (which picks rows at C speed)."""
    return bin(bits)[:1:-1].encode().translate(_DIGITS_TO_FLAGS) if bits else b""


@dataclass
class Rows:
    """Every table of one kind, end to end, as one set of columns (a column given by any table is present)."""

    spec: LogTable
    sources: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    values: dict[str, list[Any]] = field(default_factory=dict)
    invalid: dict[str, set[int]] = field(default_factory=dict)
    unheaded: dict[str, set[int]] = field(default_factory=dict)
    """A required column's rows from a table without it: left out, and said once for the table, not a row at a time."""
    numbered: dict[str, tuple[list[Any], bytes]] = field(default_factory=dict)
    """A one-table column as its reading numbered it (:attr:`~reportbot.log.table.Table.numbered`)."""

    @classmethod
    def join(cls, spec: LogTable, tables: list[Table], blank: Collection[str] = ()) -> Rows:
        """``tables`` end to end; ``blank``: columns the filer said no row has this year (read as blank cells)."""
        rows = cls(spec)
        # A required column is always there (its blanks are row errors); a blank code stands in for a missing column.
        present = {
            c.id for c in spec.columns
            if c.required or c.blank is not None or c.id in blank or any(c.id in t.values for t in tables)
        }
        parts: dict[str, list[list[Any]]] = {c: [] for c in present}
        for table in tables:
            start = len(rows.lines)
            rows.sources.extend([table.source] * len(table))
            rows.lines.extend(table.lines)
            for col in spec.columns:
                if col.id not in present:
                    continue
                given = table.values.get(col.id)
                bad = table.invalid.get(col.id, set())
                if given is None:
                    given = [_blank(col.value, col.blank)] * len(table)
                    if col.required:
                        rows.unheaded.setdefault(col.id, set()).update(range(start, start + len(table)))
                elif col.blank is not None and None in given:  # a blank code cell stands for the column's blank code
                    given = [col.blank if v is None else v for v in given]
                    for i in bad:
                        given[i] = None
                parts[col.id].append(given)
                if bad:
                    rows.invalid.setdefault(col.id, set()).update(start + i for i in bad)
        # One table's columns are used as they are (never changed here); several are put end to end.
        rows.values = {c: p[0] if len(p) == 1 else [v for part in p for v in part] for c, p in parts.items()}
        if len(tables) == 1:
            # As read: a blank code cell was read as its column's blank code, and an unreadable cell's number
            # stands for None, so each number's value is the row's value as joined above.
            rows.numbered = tables[0].numbered
        return rows

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def all(self) -> int:
        return (1 << len(self.lines)) - 1


def _blank(value: str, code: str | None) -> object:
    return code if code is not None else False if value == "yesno" else frozenset() if value == "codes" else None


@dataclass(frozen=True)
class Encoded:
    """A column as :meth:`Evaluator.encoded` makes it: row i's value is ``distinct[256 * h + ids[i]]`` for the
    one ``h`` whose bitset ``blocks[h]`` has bit i (``ids`` is None past 65,536 distinct values)."""

    distinct: list[Any]
    ids: bytes | None
    blocks: list[int]


class Evaluator:
    """The bitset of each rule over one :class:`Rows`, every part worked out once.

    A column is encoded once as one byte per row, the number of its value (modulo 256); a test of that column
    is then one ``bytes.translate`` of 256 verdicts per 256 distinct values, at C speed. A date column has a
    few hundred distinct values: each further 256 is told apart by a bitset of its rows, made once.
    """

    def __init__(self, rows: Rows, sets: dict[str, LogRule], year: int) -> None:
        self.rows = rows
        self.sets = sets
        self.kinds = {c.id: c.value for c in rows.spec.columns}
        self.bounds = {"year_start": dt.date(year, 1, 1).toordinal(), "year_end": dt.date(year, 12, 31).toordinal()}
        self.memo: dict[lx.Node, int] = {}
        self._derived: dict[str, list[int | None]] = {}
        self._encoded: dict[str, Encoded] = {}
        self._filled: dict[str, list[Any]] = {}

    def bits(self, node: lx.Node) -> int:
        if node not in self.memo:
            self.memo[node] = self._bits(node)
        return self.memo[node]

    def rows_of(self, bits: int) -> list[int]:
        """The rows whose bit is set, in order."""
        return list(compress(range(len(self.rows)), flags(bits)))

    def _bits(self, node: lx.Node) -> int:
        if isinstance(node, lx.Not):
            return self.rows.all & ~self.bits(node.operand)
        if isinstance(node, lx.AllOf):
            out = self.rows.all
            for o in node.operands:
                out &= self.bits(o)
            return out
        if isinstance(node, lx.AnyOf):
            out = 0
            for o in node.operands:
                out |= self.bits(o)
            return out
        if isinstance(node, lx.Has):
            wanted = frozenset(node.codes)
            if self.kinds[node.column] == "code":
                return self.test(node.column, wanted.__contains__)
            return self.test(node.column, lambda v: bool(v) and not wanted.isdisjoint(v))
        if isinstance(node, lx.Compare):
            return self._compare(node)
        assert isinstance(node, lx.Name)  # the compiler admits nothing else as a condition
        if node.id in self.sets:
            return self.bits(self.sets[node.id].node)
        if self.kinds.get(node.id) in ("yesno", "codes"):
            return self.test(node.id, bool)
        return self.present(node.id)

    def test(self, name: str, verdict: Callable[[Any], bool]) -> int:
        """The rows whose value in column ``name`` passes ``verdict``."""
        column = self.column(name)
        if not column:
            return 0
        found = self.encoded(name)
        if found.ids is None:
            digit = {v: 48 + bool(verdict(v)) for v in found.distinct}
            return int(bytes(map(digit.__getitem__, column))[::-1], 2)
        out = 0
        for start, rows in zip(range(0, len(found.distinct), 256), found.blocks, strict=True):
            digits = bytes(48 + bool(verdict(v)) for v in found.distinct[start:start + 256])
            if digits.count(b"1") == len(digits):
                out |= rows
            elif b"1" in digits:
                out |= rows & int(found.ids.translate(digits.ljust(256, b"0"))[::-1], 2)
        return out

    def filled(self, name: str) -> list[Any]:
        """The column with 0 for blanks, for comparing two columns at C speed (blanks are masked out after)."""
        if name not in self._filled:
            column = self.column(name)
            self._filled[name] = column if None not in column else [0 if v is None else v for v in column]
        return self._filled[name]

    def present(self, name: str) -> int:
        """The rows whose cell in ``name`` is not blank."""
        column = self.column(name)
        if None not in column:  # the usual case for a key or a required column, at C speed
            return self.rows.all
        return self.test(name, lambda v: v is not None)

    def encoded(self, name: str) -> Encoded:
        """The column's distinct values, each row's value number (modulo 256), and the rows of each 256 numbers."""
        if name not in self._encoded and name in self.rows.numbered:
            typed, numbers = self.rows.numbered[name]
            self._encoded[name] = Encoded(typed, numbers, [self.rows.all])
        if name not in self._encoded:
            column = self.column(name)
            distinct = set(column)
            if len(distinct) > 256 * 256:
                self._encoded[name] = Encoded(list(distinct), None, [])
            else:
                ordered = list(distinct)
                blocks = [self.rows.all]
                if len(ordered) <= 256:
                    ids = bytes(map({v: i for i, v in enumerate(ordered)}.__getitem__, column))
                else:  # each row's number as two bytes, high then low, in one pass
                    pairs = b"".join(map({v: i.to_bytes(2) for i, v in enumerate(ordered)}.__getitem__, column))
                    ids, high = pairs[1::2], pairs[::2]
                    zeros = b"0" * 256
                    blocks = [int(high.translate(zeros[:h] + b"1" + zeros[h + 1:])[::-1], 2)
                              for h in range((len(ordered) + 255) >> 8)]
                self._encoded[name] = Encoded(ordered, ids, blocks)
        return self._encoded[name]

    def _compare(self, node: lx.Compare) -> int:
        out = self.rows.all
        for op, a, b in zip(node.ops, node.operands, node.operands[1:], strict=False):
            f, left, right = _OPS[op], self.operand(a), self.operand(b)
            if isinstance(a, lx.Name) and isinstance(b, lx.Name) and a.id not in BOUNDS and b.id not in BOUNDS:
                given = self.present(a.id) & self.present(b.id)
                out &= given & to_bits(bytes(map(f, self.filled(a.id), self.filled(b.id))))
            elif isinstance(left, int) and isinstance(right, int):
                out &= self.rows.all if f(left, right) else 0
            elif isinstance(a, lx.Name) and a.id not in BOUNDS:
                out &= self.test(a.id, _against(f, right, column_left=True))
            else:
                assert isinstance(b, lx.Name)  # one side is a column
                out &= self.test(b.id, _against(f, left, column_left=False))
        return out

    def operand(self, o: lx.Name | lx.Number) -> list[Any] | int:
        if isinstance(o, lx.Number):
            return o.value
        if o.id in BOUNDS:
            return self.bounds[o.id]
        return self.column(o.id)

    def column(self, name: str) -> list[Any]:
        if name in DERIVED:
            if name not in self._derived:
                self._derived[name] = days(self.rows.values)
            return self._derived[name]
        return self.rows.values[name]


def _against(f: Callable[[Any, Any], bool], k: object, column_left: bool) -> Callable[[Any], bool]:
    """A cell's comparison with the constant ``k`` (false for a blank cell)."""
    if column_left:
        return lambda x: x is not None and f(x, k)
    return lambda y: y is not None and f(k, y)


def days(values: dict[str, list[Any]]) -> list[int | None]:
    """completed − clock start − paused days; the clock starts at first_received when given, else received.

    Paused days are the column's, else the days from a fee estimate to its deposit when both dates are given.
    """
    completed, start = values.get("completed"), values["received"]
    if completed is None:
        return [None] * len(start)
    if "first_received" in values:
        start = [r if f is None else f for f, r in zip(values["first_received"], start, strict=True)]
    paused = values.get("paused_days")
    estimate, deposit = values.get("fee_estimate_sent"), values.get("deposit_paid")
    if estimate is not None and deposit is not None:
        between = [None if e is None or d is None else d - e for e, d in zip(estimate, deposit, strict=True)]
        paused = between if paused is None else [b if p is None else p for p, b in zip(paused, between, strict=True)]
    if paused is None:
        return [None if c is None or r is None else c - r for c, r in zip(completed, start, strict=True)]
    return [None if c is None or r is None else c - r - (p or 0)
            for c, r, p in zip(completed, start, paused, strict=True)]
