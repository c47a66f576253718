"""Row findings that need more than one cell, and which rows each leaves out.

Reading names what is wrong in a cell; this module names what is wrong in a
row or between rows (a date before another, one file number on two rows
that disagree), decides which rows belong to the reporting year, and which
rows are left out of the count entirely or only of what one column decides.
Checks run only when the log has the columns they read.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import compress, count, repeat
from operator import ne
from typing import TYPE_CHECKING, Any

from reportbot.flow import logexpr as lx
from reportbot.log.rules import Evaluator, bits_of
from reportbot.log.table import RowFinding, Severity

if TYPE_CHECKING:
    from reportbot.flow.loader import CompiledFlow

EARLIEST = dt.date(1990, 1, 1).toordinal()  # real logs hold years like 1301: no request is that old


@dataclass
class Checked:
    """What the row checks decided about one :class:`Rows`."""

    findings: list[RowFinding] = field(default_factory=list)
    left_out: set[int] = field(default_factory=set)
    """Rows left out entirely (an error in a fact that every box reads)."""
    before: set[int] = field(default_factory=set)
    after: set[int] = field(default_factory=set)
    copies: set[int] = field(default_factory=set)
    """Repeats of an identical row: counted once, at the first."""
    said: dict[int, set[str]] = field(default_factory=dict)
    """The columns each row has a finding on, by row index."""

    def universe(self, n: int) -> int:
        """The rows that count, as a bitset."""
        return ((1 << n) - 1) & ~bits_of(self.left_out | self.before | self.after | self.copies, n)


class RowChecker:
    """The checks of one table's rows for one reporting year, each a condition run as the rules are."""

    def __init__(self, flow: CompiledFlow, evaluator: Evaluator, year: int) -> None:
        self.flow = flow
        self.ev = evaluator
        self.rows = rows = evaluator.rows
        self.v = rows.values
        self.key = rows.values[rows.spec.key]
        self.latest = dt.date(year + 1, 12, 31).toordinal()
        self.out = Checked()

    def say(self, i: int, severity: Severity, finding: str, column: str | None = None, **facts: Any) -> None:
        file = self.key[i] if isinstance(self.key[i], str) else None
        if column:
            self.out.said.setdefault(i, set()).add(column)
        self.out.findings.append(
            RowFinding(severity, finding, self.rows.sources[i], self.rows.lines[i], file, column,
                       {k: str(v) for k, v in facts.items()} if facts else {})
        )

    def find(self, node: lx.Node, among: int | None = None) -> list[int]:
        bits = self.ev.bits(node)
        return self.ev.rows_of(bits if among is None else bits & among)

    def run(self) -> Checked:
        self.whole_rows()
        self.repeats()
        self.years()
        kept = self.out.universe(len(self.rows))
        if self.rows.spec.id == "requests":
            self.requests(kept)
        self.codes(kept)
        return self.out

    # Errors that leave a row out entirely.

    def whole_rows(self) -> None:
        for col in self.rows.spec.columns:
            bad = self.rows.invalid.get(col.id, set())
            if col.required or col.value == "date":
                self.out.left_out.update(bad)  # the reading named the cell
            if col.required:
                unheaded = self.rows.unheaded.get(col.id, set())
                self.out.left_out.update(unheaded)  # its table has no such column: a notice says so once
                for i in self.find(lx.Not(lx.Name(col.id))):
                    if i not in bad and i not in unheaded:
                        self.out.left_out.add(i)
                        self.say(i, "error", "required_missing", col.id)
            if col.value == "date" and col.id in self.v:
                name = lx.Name(col.id)
                odd = lx.AnyOf((_cmp("<", name, lx.Number(EARLIEST)), _cmp(">", name, lx.Number(self.latest))))
                for i in self.find(odd):
                    self.out.left_out.add(i)
                    value = self.v[col.id][i]
                    self.say(i, "error", "date_out_of_range", col.id, date=_iso(value), latest=_iso(self.latest))
        if "completed" in self.v and "received" in self.v:
            for i in self.find(_cmp("<", lx.Name("completed"), lx.Name("received"))):
                if i not in self.out.left_out:
                    self.out.left_out.add(i)
                    completed, received = _iso(self.v["completed"][i]), _iso(self.v["received"][i])
                    self.say(i, "error", "completed_before_received", "completed", completed=completed,
                             received=received)

    def repeats(self) -> None:
        """One file number on several rows: identical rows count once; rows that disagree are left out."""
        last = dict(zip(self.key, count()))  # each file number's last row
        if len(last) == len(self.key):
            return
        earlier = bytearray(b"\1") * len(self.key)
        deque(map(earlier.__setitem__, last.values(), repeat(0)), maxlen=0)  # at C speed, not a lookup a row
        found: dict[str, list[int]] = {}
        for i in compress(count(), earlier):  # every row but its file number's last
            found.setdefault(self.key[i], []).append(i)
        groups: dict[str, list[int]] = {}
        for k, rows in found.items():
            rows = [i for i in (*rows, last[k]) if i not in self.out.left_out]
            if k is not None and len(rows) > 1:
                groups[k] = rows
        # Each later row against its group's first, a column at a time (at C speed): the first column that differs.
        pairs = [(rows[0], i) for rows in groups.values() for i in rows[1:]]
        firsts, others = [p[0] for p in pairs], [p[1] for p in pairs]
        differs: dict[int, str] = {}
        for column in self.v:
            values = self.v[column]
            unequal = map(ne, map(values.__getitem__, others), map(values.__getitem__, firsts))
            for i in compress(others, unequal):
                differs.setdefault(i, column)
        for rows in groups.values():
            first = rows[0]
            differing = next((differs[i] for i in rows[1:] if i in differs), None)
            if differing is None:
                self.out.copies.update(rows[1:])
                for i in rows[1:]:
                    self.say(i, "notice", "duplicate_row", line=self.rows.lines[first])
                continue
            for i in rows:
                other = rows[1] if i == first else first
                self.out.left_out.add(i)
                self.say(i, "error", "conflicting_rows", differing, line=self.rows.lines[other])

    def years(self) -> None:
        """Rows received after the year, completed before it (requests) or dated outside it (breaches)."""
        early, late = ("date", "date") if self.rows.spec.id == "breaches" else ("completed", "received")
        kept = self.out.universe(len(self.rows))
        if early in self.v:
            for i in self.find(_cmp("<", lx.Name(early), lx.Name("year_start")), kept):
                self.out.before.add(i)
                self.say(i, "notice", "before_year")
        if late in self.v:
            for i in self.find(_cmp(">", lx.Name(late), lx.Name("year_end")), self.out.universe(len(self.rows))):
                self.out.after.add(i)
                self.say(i, "notice", "after_year")

    # Errors that leave a row out of what one column decides, and warnings (counted).

    def requests(self, kept: int) -> None:
        has = self.v.__contains__
        notices = tuple(lx.Name(c) for c in ("extension", "affected_notice") if has(c))
        if notices and has("due"):
            bad = bits_of(self.rows.invalid.get("due", set()), len(self.rows))
            for i in self.find(lx.AllOf((lx.AnyOf(notices), lx.Not(lx.Name("due")))), kept & ~bad):
                self.say(i, "error", "notice_without_due", "due")
        if has("transferred_out") and has("completed"):
            for i in self.find(lx.AllOf((lx.Name("transferred_out"), lx.Name("completed"))), kept):
                self.say(i, "warning", "transferred_and_completed", "transferred_out")
        if has("outcome") and has("completed"):
            for i in self.find(lx.AllOf((lx.Name("outcome"), lx.Not(lx.Name("completed")))), kept):
                self.say(i, "warning", "outcome_on_open_file", "outcome")
        self.fees(kept)
        split = self.flow.log.split_by if self.flow.log else None
        if split and split in self.v and has("request"):
            bad = bits_of(self.rows.invalid.get(split, set()), len(self.rows))
            for i in self.find(lx.AllOf((lx.Has("request", ("access",)), lx.Not(lx.Name(split)))), kept & ~bad):
                self.say(i, "error", "records_missing", split)

    def fees(self, kept: int) -> None:
        """Fees waived without additional fees, or more waived than charged."""
        v = self.v
        said = [c for c in ("fees_waived", "waived_amount") if c in v]
        if "additional_fees" not in v or not said:
            return
        for i in self.find(lx.AnyOf(tuple(lx.Name(c) for c in said)), kept):
            extra, waived = v["additional_fees"][i], v["waived_amount"][i] if "waived_amount" in v else None
            if not extra and (waived or ("fees_waived" in v and v["fees_waived"][i])):
                self.say(i, "warning", "waived_without_fees", said[0])
            elif extra and waived and waived > extra:
                self.say(i, "warning", "waived_more_than_charged", "waived_amount")

    def codes(self, kept: int) -> None:
        """Codes read for another kind of row, codes for another report column, and codes counted only beside others."""
        split = self.flow.log.split_by if self.flow.log else None
        for col in self.rows.spec.columns:
            if col.id not in self.v or not col.codes:
                continue
            if col.within and col.within in self.v:
                when = {c.id: c.when for c in col.codes if c.when}
                wrong = {k: frozenset(c for c, w in when.items() if w != k) for k in set(when.values())}
                self._mismatch(col.id, col.within, wrong, kept, "warning", "code_for_other_kind", "kind")
            if split and split in self.v and col.id != split:
                boxes = [self.flow.by_id[c.id] for c in col.codes if c.id in self.flow.by_id]
                wrong = {k: frozenset(b.id for b in boxes if b.columns != (None,) and k not in b.columns)
                         for k in self.flow.column_ids}
                self._mismatch(col.id, split, wrong, kept, "error", "code_not_for_column", "records")
        for column, needed, codes in _companions(self.flow, self.rows.spec.id):
            if column in self.v and needed in self.v:
                beside = lx.AllOf((lx.Name(column), lx.Name(needed), lx.Not(lx.Has(needed, codes))))
                for i in self.find(beside, kept):
                    self.say(i, "warning", "counts_only_with", column, other=needed, codes=", ".join(codes))

    def _mismatch(
        self, column: str, other: str, wrong: dict[str, frozenset[str]], kept: int,
        severity: Severity, code: str, fact: str,
    ) -> None:
        """Rows whose ``column`` holds a code that is ``wrong`` for the code in their ``other`` column."""
        cases = tuple(
            lx.AllOf((lx.Has(other, (k,)), lx.Has(column, tuple(sorted(bad))))) for k, bad in wrong.items() if bad
        )
        for i in self.find(lx.AnyOf(cases), kept) if cases else ():
            kind = self.v[other][i]
            for c in sorted(_codes(self.v[column][i]) & wrong[kind], key=_box_order):
                self.say(i, severity, code, column, code=c, **{fact: kind})


def _cmp(op: str, a: lx.Name | lx.Number, b: lx.Name | lx.Number) -> lx.Compare:
    return lx.Compare((op,), (a, b))


def _codes(value: object) -> frozenset[str]:
    if isinstance(value, frozenset):
        return value
    return frozenset([value]) if isinstance(value, str) else frozenset()


def _companions(flow: CompiledFlow, table: str) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(column, other, codes): the box rules count ``column`` only on rows whose ``other`` has one of ``codes``.

    Read from the rules themselves (8.k counts exemptions only beside outcome 7.2 or 7.4), so the warning
    follows the flow's data: a row giving ``column`` beside another code is a row the report never counts it in.
    """
    found: dict[tuple[str, str], set[str]] = {}
    for box in flow.log.boxes if flow.log else ():
        node = box.rule.node
        if box.rule.table != table or not isinstance(node, lx.AllOf):
            continue
        has = [o for o in node.operands if isinstance(o, lx.Has)]
        given = [o.column for o in has[1:]] + [o.id for o in node.operands if isinstance(o, lx.Name)]
        if has:
            for column in given:
                if column != has[0].column and column not in flow.log.sets:  # type: ignore[union-attr]
                    found.setdefault((column, has[0].column), set()).update(has[0].codes)
    for (column, other), codes in found.items():
        yield column, other, tuple(sorted(codes, key=_box_order))


def _box_order(code: str) -> tuple[int, ...]:
    return tuple(int(p) for p in code.split(".") if p.isdigit())


def _iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat() if 1 <= ordinal <= dt.date.max.toordinal() else str(ordinal)
