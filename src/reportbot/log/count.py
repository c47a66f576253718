"""A log's tables counted into the report's boxes, with the file numbers behind each.

:func:`count_log` runs the row checks, then every box's rule (from the flow's
``log:`` section) over the rows that count: a box whose rule names a column
the log does not have is left out of the answers (it is asked instead).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import compress
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from reportbot.flow import logexpr as lx
from reportbot.log.gaps import breakdown_gaps
from reportbot.log.rowchecks import Checked, RowChecker
from reportbot.log.rules import Evaluator, Rows, bits_of, flags

if TYPE_CHECKING:
    from reportbot.flow.loader import Cell, CompiledFlow
    from reportbot.flow.logcheck import BoxRule
    from reportbot.log.table import RowFinding, Table
    from reportbot.values import Value


@dataclass(frozen=True)
class LogSummary:
    """What the log held, in numbers (the words are the caller's)."""

    rows: int
    access: int
    corrections: int
    incidents: int
    before: int
    """Rows of earlier years (completed before the year): counted nowhere."""
    after: int
    """Rows of later years (received after the year): counted nowhere."""
    left_out: int
    """Rows left out entirely for an error."""
    to_look_at: int
    """Rows with an error or a warning."""


@dataclass(frozen=True)
class LogCount:
    """Every box the log decides, the file numbers behind each, and what is wrong in its rows."""

    answers: dict[Cell, Value]
    files: FileLists
    """The file numbers (incident numbers) behind each decided box, in log order; for a sum, the rows adding to it."""
    findings: list[RowFinding]
    """The reading's findings and the row checks', by source and line."""
    rules: dict[Cell, str]
    """Each decided box's rule as the flow writes it, for ``why``."""
    summary: LogSummary
    rows_out: frozenset[tuple[str, int]] = frozenset()
    """The rows left out entirely for an error, by source and line (a row out of some boxes only is not here)."""
    headers: dict[str, str] = field(default_factory=dict)
    """Column id → the log's own header for it, as the first table that has it writes it."""


def count_log(flow: CompiledFlow, tables: list[Table], year: int, blank: Collection[str] = ()) -> LogCount:
    """Count ``tables`` (any number of requests and breaches tables) into ``flow``'s boxes for ``year``;
    ``blank``: the columns the filer said no request had that year, read as blank where a table lacks them."""
    if flow.log is None:
        raise ValueError(f"{flow.id} is not counted from a log")
    spec = flow.flow.log
    assert spec is not None  # flow.log is compiled from it
    answers: dict[Cell, Value] = {}
    files = FileLists()
    rules: dict[Cell, str] = {}
    checked: dict[str, Checked] = {}
    joined: dict[str, Rows] = {}
    for table_spec in spec.tables:
        mine = [t for t in tables if t.kind == table_spec.id]
        if not mine:
            continue
        rows = joined[table_spec.id] = Rows.join(table_spec, mine, blank)
        evaluator = Evaluator(rows, flow.log.sets, year)
        done = checked[table_spec.id] = RowChecker(flow, evaluator, year).run()
        counted = _count(flow, evaluator, done, (answers, files, rules))
        for column, bad in rows.invalid.items():
            for i in bad:
                done.said.setdefault(i, set()).add(column)
        done.findings.extend(breakdown_gaps(flow, rows, counted, done.said))
    order = {t.source: n for n, t in reversed(list(enumerate(tables)))}
    findings = [f for t in tables for f in t.findings] + [f for c in checked.values() for f in c.findings]
    findings.sort(key=attrgetter("line"))  # then, stably, by source: one sort by (source, line) at C speed
    if len(order) > 1:
        findings.sort(key=lambda f: order.get(f.source, len(order)))
    rows_out = frozenset(
        (rows.sources[i], rows.lines[i]) for kind, rows in joined.items() for i in checked[kind].left_out
    )
    headers = {c: h for t in reversed(tables) for c, h in t.headers.items()}  # the first table's, where several
    return LogCount(answers, files, findings, rules, _summary(joined, checked, findings), rows_out, headers)


def _count(
    flow: CompiledFlow, evaluator: Evaluator, checked: Checked,
    out: tuple[dict[Cell, Value], FileLists, dict[Cell, str]],
) -> dict[Cell, int]:
    """Count every box the table decides into ``out``; return the rows of each counted (not summed) box."""
    assert flow.log is not None
    answers, files, rules = out
    rows = evaluator.rows
    universe = checked.universe(len(rows))
    n = len(rows)
    unusable = {c: bits_of(bad, n) for c, bad in rows.invalid.items()}
    split = flow.log.split_by
    columns = {}
    if split and split in rows.values:
        columns = {k: evaluator.bits(lx.Has(split, (k,))) for k in flow.column_ids}
    keys = rows.values[rows.spec.key]
    counted: dict[Cell, int] = {}
    # A required column no table has is as absent as any other: its boxes are asked, not counted as 0 rows.
    lacking = {c for c, unheaded in rows.unheaded.items() if len(unheaded) == n}
    for box in flow.log.boxes:
        if box.rule.table != rows.spec.id or any(c not in rows.values or c in lacking for c in box.rule.needs):
            continue
        bits = evaluator.bits(box.rule.node) & universe
        for c in box.rule.reads:
            bits &= ~unusable.get(c, 0)
        info = flow.by_id[box.box]
        if box.split and not columns:
            continue  # the log cannot say which report column a request counts in
        for column in info.columns:
            cell = (box.box, column)
            chosen = bits & columns[column] if box.split and column is not None else bits
            total = rows.values[box.total] if box.total else None
            answers[cell] = _total(box, chosen, rows)
            files.add(cell, keys, chosen, total)
            rules[cell] = box.rule.text if box.total is None else f"{box.total} over {box.rule.text}"
            if box.total is None:
                counted[cell] = chosen
    return counted


def _total(box: BoxRule, bits: int, rows: Rows) -> Value:
    """The box's count, or its sum over the rows of ``bits``."""
    if box.total is None:
        return bits.bit_count()
    total = sum(filter(None, compress(rows.values[box.total], flags(bits))))
    money = any(c.value == "money" for c in rows.spec.columns if c.id == box.total)
    return Decimal(total).scaleb(-2) if money else total


class FileLists(Mapping["Cell", list[str]]):
    """The file numbers behind each decided box, in log order, each list made when first asked for.

    A box's rows are a bitset already; listing the file numbers of 100,000 rows for every box is most of a
    count's work, and writing the report needs none of them, so a list is made on first use and then kept.
    For a sum, the rows listed are those adding something to it.
    """

    def __init__(self) -> None:
        self._rows: dict[Cell, tuple[list[str], int, list[Any] | None]] = {}
        self._made: dict[Cell, list[str]] = {}

    def add(self, cell: Cell, keys: list[str], bits: int, summed: list[Any] | None) -> None:
        self._rows[cell] = (keys, bits, summed)

    def __getitem__(self, cell: Cell) -> list[str]:
        if cell not in self._made:
            keys, bits, summed = self._rows[cell]
            chosen = compress(keys, flags(bits))
            self._made[cell] = list(chosen if summed is None else compress(chosen, compress(summed, flags(bits))))
        return self._made[cell]

    def __iter__(self) -> Iterator[Cell]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def _summary(joined: dict[str, Rows], checked: dict[str, Checked], findings: list[RowFinding]) -> LogSummary:
    requests = joined.get("requests")
    kinds = requests.values.get("request", []) if requests else []
    look = {(f.source, f.line) for f in findings if f.severity != "notice"}
    return LogSummary(
        rows=sum(len(r) for r in joined.values()),
        access=kinds.count("access"),
        corrections=kinds.count("correction"),
        incidents=len(joined["breaches"]) if "breaches" in joined else 0,
        before=sum(len(c.before) for c in checked.values()),
        after=sum(len(c.after) for c in checked.values()),
        left_out=sum(len(c.left_out) for c in checked.values()),
        to_look_at=len(look),
    )
