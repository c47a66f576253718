"""The counting rules of a request log: which rows a box counts, as a small language.

A rule is a condition on one row, written as a Python expression but read
with :mod:`ast` against a whitelist (never evaluated):

- names: a log column (``extension``, ``completed``), a row set of the flow's
  ``log.sets`` (``C``), a derived value (``days``) or a year bound
  (``year_start``, ``year_end``: January 1 and December 31 of the reporting year);
- ``has(outcome, '7.2', '7.4')``: the row's code (or one of its codes) is one of these;
- comparisons, chained as in Python: ``year_start <= completed <= year_end``, ``days > 30``;
- ``and``, ``or``, ``not``, parentheses. A bare name is a set's membership, a
  yes/no column's answer, or, for any other column, "the cell is not blank".

A comparison with a blank side is false, so ``not completed <= year_end`` holds for an open file.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

CMP_OPS: dict[type[ast.cmpop], str] = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
}


class RuleError(ValueError):
    """A rule that cannot be read."""


@dataclass(frozen=True)
class Name:
    """A column, a set, a derived value or a year bound."""

    id: str


@dataclass(frozen=True)
class Number:
    """A whole number written in the rule (dollars, for a money column)."""

    value: int


@dataclass(frozen=True)
class Has:
    """The row's code in ``column`` is (or its codes include) one of ``codes``."""

    column: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class AllOf:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Compare:
    """``operands[0] ops[0] operands[1] ops[1] ...``, each operand a Name or a Number."""

    ops: tuple[str, ...]
    operands: tuple[Name | Number, ...]


Node = Name | Number | Has | Not | AllOf | AnyOf | Compare


def parse_rule(text: str) -> Node:
    """``text`` as a rule tree; raises :class:`RuleError` for anything outside the language."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise RuleError(f"{text!r} is not a rule (see the flow file's log section for the language)") from None
    return _node(tree.body, text)


def _node(node: ast.expr, text: str) -> Node:
    if isinstance(node, ast.BoolOp):
        parts = tuple(_node(v, text) for v in node.values)
        return AllOf(parts) if isinstance(node.op, ast.And) else AnyOf(parts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return Not(_node(node.operand, text))
    if isinstance(node, ast.Compare):
        ops = []
        for op in node.ops:
            if type(op) not in CMP_OPS:
                raise RuleError(f"{text!r}: only < <= > >= == != compare values")
            ops.append(CMP_OPS[type(op)])
        return Compare(tuple(ops), tuple(_operand(o, text) for o in [node.left, *node.comparators]))
    if isinstance(node, ast.Call):
        return _has(node, text)
    if isinstance(node, ast.Name):
        return Name(node.id)
    raise RuleError(f"{text!r}: {ast.unparse(node)!r} is not part of the rule language")


def _operand(node: ast.expr, text: str) -> Name | Number:
    if isinstance(node, ast.Name):
        return Name(node.id)
    if isinstance(node, ast.Constant) and type(node.value) is int and node.value >= 0:
        return Number(node.value)
    raise RuleError(f"{text!r}: {ast.unparse(node)!r} cannot be compared (a column, a derived value or a whole number)")


def _has(node: ast.Call, text: str) -> Has:
    ok = isinstance(node.func, ast.Name) and node.func.id == "has" and not node.keywords and len(node.args) >= 2
    column, *codes = node.args if ok else (None,)
    if not ok or not isinstance(column, ast.Name) or not all(
        isinstance(c, ast.Constant) and isinstance(c.value, str) for c in codes
    ):
        raise RuleError(f"{text!r}: the only call is has(column, 'code', ...)")
    return Has(column.id, tuple(str(c.value) for c in codes if isinstance(c, ast.Constant)))


def names(node: Node) -> list[str]:
    """Every name the rule reads (columns, sets, derived values), in the order written."""
    if isinstance(node, Name):
        return [node.id]
    if isinstance(node, Has):
        return [node.column]
    if isinstance(node, Not):
        return names(node.operand)
    if isinstance(node, AllOf | AnyOf):
        return [n for o in node.operands for n in names(o)]
    if isinstance(node, Compare):
        return [o.id for o in node.operands if isinstance(o, Name)]
    return []


def split_sum(text: str) -> tuple[str, str]:
    """``"notices_sent over K"`` as (the column summed, the rule of the rows summed)."""
    column, sep, rows = text.partition(" over ")
    if not sep or not column.strip().isidentifier() or not rows.strip():
        raise RuleError(f"{text!r}: a sum is written 'column over rule'")
    return column.strip(), rows.strip()
