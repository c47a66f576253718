"""The rule engine: answers in; route, totals, findings and what is missing out.

Pure and stateless: :func:`evaluate` is a function of the flow and the
answers alone. Change an answer and evaluate again: the route, the totals
and the findings follow, with nothing else to keep in sync.

A relation is decided as soon as its outcome is certain. Unanswered counts
can only add something of 0 or more, so a breakdown that already exceeds its
total is caught before the rest of it is asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from reportbot.flow import expr
from reportbot.flow.loader import (
    Cell,
    CompiledCheck,
    CompiledCondition,
    CompiledFlow,
    CompiledRoute,
    Side,
)
from reportbot.values import Value

Number = int | Decimal
Values = Mapping[Cell, Value | None]
# The same map, read where the compiler admits only numeric boxes (sums, relations): their values are numbers.
# Typed Any rather than cast() cell by cell, which would cost a call per term in the engine's hottest loops.
Numbers = Mapping[Cell, Any]
SkipUntil = dict[str | None, tuple[int, str]]  # column (None: every column) -> (box index, route id)


@dataclass(frozen=True)
class Finding:
    """Something wrong, or worth a second look, in a report.

    ``facts`` holds what the message needs: for a relation, the two sides as
    written and their values (``left``, ``right``; a lower bound when
    ``partial``), the operator and the gap.
    """

    severity: str
    rule: str
    type: str
    boxes: tuple[str, ...]
    column: str | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str | None]:
        """What identifies the finding for acknowledgement: the rule and its column."""
        subject = self.facts.get("subject")
        return (f"{self.rule}:{subject}" if subject else self.rule, self.column)


@dataclass
class Evaluation:
    """Everything the answers imply."""

    flow: CompiledFlow
    answers: Mapping[Cell, Value]
    values: dict[Cell, Value | None]
    route: list[Cell]
    skipped_by: dict[Cell, str]
    missing: list[Cell]
    findings: list[Finding]
    notices: list[str]
    stray: list[Cell]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def progress(self) -> tuple[int, int]:
        """(answered, needed): of the boxes on the route the filer must answer, how many are.

        Totals and optional boxes are left out, so a finished report reads "86 of 86".
        """
        by_id = self.flow.by_id
        needed = sum(1 for c in self.route if not by_id[c[0]].is_total and not by_id[c[0]].box.optional)
        return needed - len(self.missing), needed

    @property
    def complete(self) -> bool:
        """No error and nothing on the route missing."""
        return not self.missing and not self.errors

    def derived(self) -> dict[Cell, Number]:
        """The totals on the route that are known."""
        by_id, values = self.flow.by_id, self.values
        return {
            c: cast(Number, values[c])  # a total is a sum of numbers
            for c in self.route
            if by_id[c[0]].is_total and values.get(c) is not None
        }

    def on_route(self, cell: Cell) -> bool:
        return cell not in self.skipped_by


def evaluate(flow: CompiledFlow, answers: Mapping[Cell, Value]) -> Evaluation:
    """Walk the questionnaire with ``answers`` and work out what follows."""
    values: dict[Cell, Value | None] = {}
    route: list[Cell] = []
    skipped_by: dict[Cell, str] = {}
    skip_until: dict[str | None, tuple[int, str]] = {}
    keys: list[str | None] = [None, *flow.column_ids]

    ends = len(flow.boxes)  # the first box at which a skip under way ends (none under way: past the last)
    for info in flow.boxes:
        i = info.index
        if i >= ends:
            for key in [k for k, (target, _) in skip_until.items() if i >= target]:
                del skip_until[key]
            ends = _first_end(skip_until, len(flow.boxes))
        formula = info.formula  # not is_total: the formula itself is needed, typed
        for cell in info.cell_keys:
            skip = skip_until.get(cell[1])
            if skip is not None:
                skipped_by[cell] = skip[1]
                values[cell] = 0 if info.numeric else None
                continue
            route.append(cell)
            if formula is not None:
                values[cell] = _formula(flow.parts(cell), formula.const, values)
            else:
                values[cell] = answers.get(cell)
        rules = flow.routes_at.get(i)
        if rules:
            for rule in rules:
                _follow(rule, info.cell_keys, skipped_by, values, skip_until, keys)
            ends = _first_end(skip_until, len(flow.boxes))

    asked = flow.required_cells
    missing = [c for c in route if values.get(c) is None and c in asked]
    stray = [c for c in answers if c in skipped_by and answers[c] not in (None, 0, "")]
    findings = [f for check in flow.checks if (f := _check(check, values, skipped_by)) is not None]
    findings.extend(_given_totals(flow, answers, values, skipped_by))
    notices = [n.notice.id for n in flow.notices if _holds(n.condition, values) is True]
    return Evaluation(flow, answers, values, route, skipped_by, missing, findings, notices, stray)


def _first_end(skip_until: SkipUntil, past: int) -> int:
    """The first box at which a skip under way ends; ``past`` (past the last box) when none is under way."""
    return min((target for target, _ in skip_until.values()), default=past)


def _formula(parts: tuple[tuple[Cell, int], ...], const: Number, values: Numbers) -> Number | None:
    total: Number = const
    for cell, coef in parts:
        v = values.get(cell)
        if v is None:
            return None
        total += coef * v
    return total


def _follow(
    rule: CompiledRoute,
    at_cells: tuple[Cell, ...],
    skipped_by: Mapping[Cell, str],
    values: Values,
    skip_until: SkipUntil,
    keys: list[str | None],
) -> None:
    live = [c for c in at_cells if c not in skipped_by]
    if not live:
        return
    target = (rule.goto, rule.route.id)
    if rule.route.columns == "all":
        if all(_holds(cond, values) is True for cond in rule.per_column.values()):
            for k in keys:
                _skip(skip_until, k, target)
    else:
        live_columns = {c[1] for c in live}
        for column, cond in rule.per_column.items():
            if (column in live_columns or column is None) and _holds(cond, values) is True:
                _skip(skip_until, column, target)


def _skip(skip_until: SkipUntil, key: str | None, target: tuple[int, str]) -> None:
    current = skip_until.get(key)
    if current is None or current[0] < target[0]:
        skip_until[key] = target


def _holds(cond: CompiledCondition, values: Numbers) -> bool | None:
    """True, False, or None when not yet decidable."""
    for clause in cond.clauses:
        if clause.cell is not None:
            v = values.get(clause.cell)
            if v is None:
                return None
            if (v == clause.option) == clause.negated:
                return False
            continue
        total: Number = clause.const
        for cell, coef in clause.left:
            v = values.get(cell)
            if v is None:
                return None
            total += coef * v
        if not expr.compare(total, clause.op):
            return False
    return True


def _bounds(
    terms: Iterable[tuple[Cell, int]], const: int, values: Numbers
) -> tuple[Number | None, Number | None, bool]:
    """Bounds of ``sum(coef * cell) + const`` given that unknown cells are >= 0."""
    low: Number | None = const
    high: Number | None = const
    exact = True
    for cell, coef in terms:
        v = values.get(cell)
        if v is None:
            exact = False
            if coef > 0:
                high = None
            else:
                low = None
            continue
        if low is not None:
            low += coef * v
        if high is not None:
            high += coef * v
    return low, high, exact


def _side_value(side: Side, values: Values) -> tuple[Number | None, Number | None, bool]:
    """One side's bounds so far: (lowest, highest, exact); equal when exact, None when unbounded."""
    return _bounds(side.base, side.const, values)


def _check(check: CompiledCheck, values: Values, skipped_by: Mapping[Cell, str]) -> Finding | None:
    if skipped_by and all(c in skipped_by for c in check.cells):
        return None
    if check.when is not None and _holds(check.when, values) is not True:
        return None
    terms, const = check.difference
    low, high, exact = _bounds(terms, const, values)
    if exact:
        if low is not None and expr.compare(low, check.op):  # exact: low is the value
            return None
    elif not expr.impossible(expr.Bounds(low, high), check.op):
        return None
    left, left_high, left_exact = _side_value(check.left, values)
    right, right_high, right_exact = _side_value(check.right, values)
    facts = {
        "test": f"{check.left.text} {check.op} {check.right.text}",
        "left_text": check.left.text,
        "right_text": check.right.text,
        "op": check.op,
        "left": left,
        "right": right,
        "left_exact": left_exact,
        "right_exact": right_exact,
        "left_high": left_high,
        "right_high": right_high,
        "partial": not exact,
        "gap": (left - right) if left is not None and right is not None else None,
        "subject": check.subject,
    }
    return Finding(check.check.severity, check.check.id, "relation", check.boxes, check.column, facts)


def _given_totals(
    flow: CompiledFlow, answers: Mapping[Cell, Value], values: Values, skipped_by: Mapping[Cell, str]
) -> list[Finding]:
    """A total given in a report file must be the total its parts make."""
    out = []
    for cell, given in answers.items():
        info = flow.by_id.get(cell[0])
        if info is None or info.formula is None or cell in skipped_by or given is None:
            continue
        computed = values.get(cell)
        if computed is None or computed == given:
            continue
        out.append(
            Finding(
                "error",
                "derived-total",
                "derived",
                (cell[0], *info.formula.boxes()),
                cell[1],
                {"formula": info.box.formula, "given": given, "computed": computed},
            )
        )
    return out
