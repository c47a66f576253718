"""Check a flow's ``log:`` section and compile its counting rules.

The tables (ids, keys, codes, ``within``/``when``, the report column a row
splits by) and every rule (names that are columns, sets or derived values;
codes that exist; comparisons of like with like) are checked here, so a
log is never counted by a rule that cannot mean what it says. Each problem
is one line naming the box, set or column and what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportbot.flow import logexpr as lx

if TYPE_CHECKING:
    from reportbot.flow.loader import BoxInfo, FlowError
    from reportbot.flow.models import Flow, LogColumn, LogSpec, LogTable

Err = Callable[[str, str], "FlowError"]

# Derived row values, with the columns each needs present; days also reads the clock and pause columns when given.
DERIVED: dict[str, tuple[str, ...]] = {"days": ("completed", "received")}
DAYS_READS = ("completed", "received", "first_received", "paused_days", "fee_estimate_sent", "deposit_paid")
BOUNDS = ("year_start", "year_end")
_ORDERED = {"date": "date", "count": "number", "money": "money", "days": "number", "bound": "date"}


@dataclass(frozen=True)
class LogRule:
    """A row condition, compiled."""

    text: str
    table: str
    node: lx.Node
    needs: tuple[str, ...]
    """The columns the rule names, itself or through its sets (and its derived values need): one absent, and the
    box is not decided."""
    reads: tuple[str, ...]
    """Every column read, through its sets too: a row whose cell there is unusable is left out of the box."""


@dataclass(frozen=True)
class BoxRule:
    """How one box is counted from the log."""

    box: str
    rule: LogRule
    total: str | None
    """The column summed over the rows; None: the rows are counted."""
    split: bool
    """Counted once per report column, a row in the column its ``split_by`` code names."""


@dataclass(frozen=True)
class CompiledLog:
    """The log section, checked: named sets and box rules in questionnaire order."""

    sets: dict[str, LogRule]
    boxes: tuple[BoxRule, ...]
    split_by: str | None


def compile_log(flow: Flow, infos: list[BoxInfo], err: Err) -> CompiledLog | None:
    """Check ``flow.log`` and every box's ``count``/``sum``; None when the flow has no log."""
    spec = flow.log
    if spec is None:
        for info in infos:
            if info.box.count or info.box.sum:
                raise err(f"box {info.id}", "has a counting rule, but the flow has no log section")
        return None
    _check_tables(flow, spec, err)
    return _Rules(spec, err).compile(infos)


def _check_tables(flow: Flow, spec: LogSpec, err: Err) -> None:
    ids = [t.id for t in spec.tables]
    if len(set(ids)) != len(ids):
        raise err("log", "a table id is listed twice")
    for table in spec.tables:
        cols = {c.id: c for c in table.columns}
        if len(cols) != len(table.columns):
            raise err(f"log table {table.id}", "a column id is listed twice")
        key = cols.get(table.key)
        if key is None or not key.required:
            raise err(f"log table {table.id}", f"its key {table.key!r} must be one of its columns, required")
        boxes = {b.id for section in flow.sections for b in section.boxes}
        for col in table.columns:
            _check_column(col, cols, err)
            for code in col.codes or []:
                if code.id[:1].isdigit() and code.id not in boxes:
                    raise err(f"log column {col.id}", f"code {code.id} is not a box of this report")
    if spec.split_by is not None:
        requests = [c for t in spec.tables if t.id == "requests" for c in t.columns]
        split = next((c for c in requests if c.id == spec.split_by), None)
        want = sorted(c.id for c in flow.columns)
        if split is None or split.value != "code" or sorted(c.id for c in split.codes or []) != want:
            raise err("log split_by", f"{spec.split_by!r} must be a code column of requests with the codes {want}")


def _check_column(col: LogColumn, cols: dict[str, LogColumn], err: Err) -> None:
    where = f"log column {col.id}"
    coded = col.value in ("code", "codes")
    if coded != bool(col.codes):
        raise err(where, "a code or codes column needs codes, and only those have codes")
    codes = col.codes or []
    if len({c.id for c in codes}) != len(codes):
        raise err(where, "a code is listed twice")
    if col.blank is not None and (col.value != "code" or col.blank not in {c.id for c in codes}):
        raise err(where, f"blank {col.blank!r} must be one of the codes of a code column")
    within = cols.get(col.within) if col.within else None
    if col.within is not None and (within is None or within.value != "code" or within is col):
        raise err(where, f"within {col.within!r} must be another code column of the table")
    allowed = {c.id for c in within.codes or []} if within else set()
    seen: dict[tuple[str | None, str], str] = {}
    for code in codes:
        if code.when is not None and code.when not in allowed:
            raise err(where, f"code {code.id}: when {code.when!r} is not a code of the within column")
        for word in [code.id, *code.words]:
            other = seen.setdefault((code.when, word.casefold()), code.id)
            if other != code.id:
                raise err(where, f"the word {word!r} names both {other} and {code.id}")


class _Rules:
    """Compiling the sets, then the box rules, against the log's columns."""

    def __init__(self, spec: LogSpec, err: Err) -> None:
        self.spec = spec
        self.err = err
        self.columns: dict[str, tuple[LogTable, LogColumn]] = {}
        for table in spec.tables:
            for col in table.columns:
                self.columns.setdefault(col.id, (table, col))
        self.tables: dict[str, dict[str, LogColumn]] = {t.id: {c.id: c for c in t.columns} for t in spec.tables}
        self.sets: dict[str, LogRule] = {}

    def compile(self, infos: list[BoxInfo]) -> CompiledLog:
        for name, text in self.spec.sets.items():
            where = f"log set {name}"
            if not name.isidentifier() or not name.isupper() or name in self.columns:
                raise self.err(where, "a set's name is written in capitals and is not a column's")
            self.sets[name] = self.rule(text, where)
        boxes = [b for info in infos if (b := self.box(info)) is not None]
        return CompiledLog(dict(self.sets), tuple(boxes), self.spec.split_by)

    def box(self, info: BoxInfo) -> BoxRule | None:
        box, where = info.box, f"box {info.id}"
        if box.count and box.sum:
            raise self.err(where, "has both count and sum; a box is one or the other")
        if box.count:
            if box.kind != "count":
                raise self.err(where, f"count needs a count box (this one is {box.kind})")
            rule, total = self.rule(box.count, where), None
        elif box.sum:
            try:
                total, text = lx.split_sum(box.sum)
            except lx.RuleError as e:
                raise self.err(where, str(e)) from None
            rule = self.rule(text, where)
            col = self.tables[rule.table].get(total)
            if col is None or col.value not in ("count", "money") or (col.value == "money") != (box.kind == "money"):
                raise self.err(where, f"sums {total!r}, which is not a {box.kind} column of the {rule.table} table")
            rule = LogRule(rule.text, rule.table, rule.node, (*rule.needs, total), (*rule.reads, total))
        else:
            return None
        split = self.spec.split_by is not None and info.columns != (None,)
        if split and rule.table != "requests":
            raise self.err(where, "a box with report columns counts requests (split by their column)")
        return BoxRule(info.id, rule, total, split)

    def rule(self, text: str, where: str) -> LogRule:
        try:
            node = lx.parse_rule(text)
        except lx.RuleError as e:
            raise self.err(where, str(e)) from None
        tables: set[str] = set()
        needs: list[str] = []
        reads: list[str] = []
        for name in lx.names(node):
            if name in self.sets:  # a set's columns are the rule's too: a box over C needs C's columns present
                tables.add(self.sets[name].table)
                needs.extend(self.sets[name].needs)
                reads.extend(self.sets[name].reads)
            elif name in DERIVED:
                tables.add("requests")
                needs.extend(DERIVED[name])
                reads.extend(DAYS_READS)
            elif name in self.columns:
                tables.add(self.columns[name][0].id)
                needs.append(name)
                reads.append(name)
            elif name not in BOUNDS:
                raise self.err(where, f"{name!r} is not a column, a set or a derived value of the log")
        if len(tables) != 1:
            raise self.err(where, "a rule reads one table's rows" if tables else "the rule reads no column")
        table = tables.pop()
        node = self.typed(node, table, where, boolean=True)
        return LogRule(text, table, node, tuple(dict.fromkeys(needs)), tuple(dict.fromkeys(reads)))

    def typed(self, node: lx.Node, table: str, where: str, boolean: bool) -> lx.Node:
        """Check what each part of ``node`` compares and names; money constants become cents."""
        if isinstance(node, lx.Not):
            return lx.Not(self.typed(node.operand, table, where, True))
        if isinstance(node, lx.AllOf | lx.AnyOf):
            return type(node)(tuple(self.typed(o, table, where, True) for o in node.operands))
        if isinstance(node, lx.Has):
            col = self.tables[table].get(node.column)
            if col is None or col.value not in ("code", "codes"):
                raise self.err(where, f"has() needs a code column; {node.column!r} is not one")
            known = {c.id for c in col.codes or []}
            for code in node.codes:
                if code not in known:
                    raise self.err(where, f"{code!r} is not a code of {node.column}")
            return node
        if isinstance(node, lx.Compare):
            return self.compare(node, table, where)
        if isinstance(node, lx.Name) and boolean and node.id not in BOUNDS:
            return node
        raise self.err(where, f"{node} is not a condition")

    def kind(self, operand: lx.Name | lx.Number, table: str) -> str:
        if isinstance(operand, lx.Number):
            return "const"
        if operand.id in BOUNDS:
            return "bound"
        if operand.id in DERIVED:
            return "days"
        col = self.tables[table].get(operand.id)
        return col.value if col is not None else "set"

    def compare(self, node: lx.Compare, table: str, where: str) -> lx.Compare:
        kinds = [self.kind(o, table) for o in node.operands]
        ordered = {_ORDERED.get(k, k) for k in kinds if k != "const"}
        dated_number = ordered == {"date"} and "const" in kinds
        if len(ordered) != 1 or not ordered <= {"date", "number", "money"} or dated_number:
            raise self.err(where, f"{node.ops} compares {kinds}: only dates with dates, and numbers with numbers")
        scale = 100 if ordered == {"money"} else 1  # money is read in cents, written in dollars
        operands = tuple(lx.Number(o.value * scale) if isinstance(o, lx.Number) else o for o in node.operands)
        return lx.Compare(node.ops, operands)
