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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reportbot.flow import logexpr as lx
from reportbot.flow.logcheck import BOUNDS, DERIVED

if TYPE_CHECKING:
    from reportbot.flow.logcheck import LogRule
    from reportbot.flow.models import LogTable
    from reportbot.log.table import Table

_FLAGS_TO_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
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


def indexes(bits: int) -> list[int]:
    """The rows whose bit is set, in order."""
    digits = bin(bits)[:1:-1]
    out = []
    i = digits.find("1")
    while i >= 0:
        out.append(i)
        i = digits.find("1", i + 1)
    return out


@dataclass
class Rows:
    """Every table of one kind, end to end, as one set of columns (a column given by any table is present)."""

    spec: LogTable
    sources: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    values: dict[str, list[Any]] = field(default_factory=dict)
    invalid: dict[str, set[int]] = field(default_factory=dict)

    @classmethod
    def join(cls, spec: LogTable, tables: list[Table]) -> Rows:
        rows = cls(spec)
        present = {c.id for c in spec.columns if c.blank is not None or any(c.id in t.values for t in tables)}
        for col in spec.columns:
            if col.id in present:
                rows.values[col.id] = []
        for table in tables:
            start = len(rows.lines)
            rows.sources.extend([table.source] * len(table))
            rows.lines.extend(table.lines)
            for col in spec.columns:
                if col.id not in present:
                    continue
                given = table.values.get(col.id)
                blank = _blank(col.value, col.blank)
                bad = table.invalid.get(col.id, set())
                if given is None:
                    rows.values[col.id].extend([blank] * len(table))
                elif col.blank is not None:  # a blank code cell stands for the column's blank code
                    rows.values[col.id].extend(blank if v is None and i not in bad else v for i, v in enumerate(given))
                else:
                    rows.values[col.id].extend(given)
                if bad:
                    rows.invalid.setdefault(col.id, set()).update(start + i for i in bad)
        return rows

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def all(self) -> int:
        return (1 << len(self.lines)) - 1


def _blank(value: str, code: str | None) -> object:
    return code if code is not None else False if value == "yesno" else frozenset() if value == "codes" else None


class Evaluator:
    """The bitset of each rule over one :class:`Rows`, every part worked out once."""

    def __init__(self, rows: Rows, sets: dict[str, LogRule], year: int) -> None:
        self.rows = rows
        self.sets = sets
        self.kinds = {c.id: c.value for c in rows.spec.columns}
        self.bounds = {"year_start": dt.date(year, 1, 1).toordinal(), "year_end": dt.date(year, 12, 31).toordinal()}
        self.memo: dict[lx.Node, int] = {}
        self._derived: dict[str, list[int | None]] = {}

    def bits(self, node: lx.Node) -> int:
        if node not in self.memo:
            self.memo[node] = self._bits(node)
        return self.memo[node]

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
            col = self.rows.values[node.column]
            if self.kinds[node.column] == "code":
                return to_bits([v in wanted for v in col])
            return to_bits([bool(v) and not wanted.isdisjoint(v) for v in col])
        if isinstance(node, lx.Compare):
            return self._compare(node)
        assert isinstance(node, lx.Name)  # the compiler admits nothing else as a condition
        if node.id in self.sets:
            return self.bits(self.sets[node.id].node)
        if self.kinds.get(node.id) == "yesno":
            return to_bits([bool(v) for v in self.rows.values[node.id]])
        return to_bits([v is not None for v in self.column(node.id)])

    def _compare(self, node: lx.Compare) -> int:
        out = self.rows.all
        for op, a, b in zip(node.ops, node.operands, node.operands[1:], strict=False):
            f, left, right = _OPS[op], self.operand(a), self.operand(b)
            if isinstance(left, list) and isinstance(right, list):
                flags = [x is not None and y is not None and f(x, y) for x, y in zip(left, right, strict=True)]
            elif isinstance(left, list):
                flags = [x is not None and f(x, right) for x in left]
            elif isinstance(right, list):
                flags = [y is not None and f(left, y) for y in right]
            else:
                flags = [f(left, right)] * len(self.rows)
            out &= to_bits(flags)
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


def days(values: dict[str, list[Any]]) -> list[int | None]:
    """completed − clock start − paused days; the clock starts at first_received when given, else received.

    Paused days are the column's, else the days from a fee estimate to its deposit when both dates are given.
    """
    n = len(values["received"])
    blank = [None] * n
    completed = values.get("completed", blank)
    out: list[int | None] = []
    for c, r, f, p, e, d in zip(
        completed, values["received"], values.get("first_received", blank), values.get("paused_days", blank),
        values.get("fee_estimate_sent", blank), values.get("deposit_paid", blank), strict=True,
    ):
        start = f if f is not None else r
        if c is None or start is None:
            out.append(None)
            continue
        if p is None:
            p = d - e if d is not None and e is not None else 0
        out.append(c - start - p)
    return out
