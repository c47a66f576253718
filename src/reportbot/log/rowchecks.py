"""Row findings that need more than one cell, and which rows each leaves out.

Reading names what is wrong in a cell; this module names what is wrong in a
row or between rows (a date before another, one file number on two rows
that disagree), decides which rows belong to the reporting year, and which
rows are left out of the count entirely or only of what one column decides.
Checks run only when the log has the columns they read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reportbot.flow import logexpr as lx
from reportbot.log.rules import Rows, bits_of
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

    def universe(self, n: int) -> int:
        """The rows that count, as a bitset."""
        return ((1 << n) - 1) & ~bits_of(self.left_out | self.before | self.after | self.copies, n)


class RowChecker:
    """The checks of one table's rows for one reporting year."""

    def __init__(self, flow: CompiledFlow, rows: Rows, year: int) -> None:
        self.flow = flow
        self.rows = rows
        self.v = rows.values
        self.key = rows.values.get(rows.spec.key, [None] * len(rows))
        self.start = dt.date(year, 1, 1).toordinal()
        self.end = dt.date(year, 12, 31).toordinal()
        self.latest = dt.date(year + 1, 12, 31).toordinal()
        self.out = Checked()

    def say(self, i: int, severity: Severity, finding: str, column: str | None = None, **facts: Any) -> None:
        file = self.key[i] if isinstance(self.key[i], str) else None
        self.out.findings.append(
            RowFinding(severity, finding, self.rows.sources[i], self.rows.lines[i], file, column,
                       {k: str(v) for k, v in facts.items()})
        )

    def run(self) -> Checked:
        self.whole_rows()
        self.repeats()
        self.years()
        gone = self.out.left_out | self.out.copies | self.out.before | self.out.after
        kept = [i for i in range(len(self.rows)) if i not in gone]
        if self.rows.spec.id == "requests":
            self.requests(kept)
        self.codes(kept)
        return self.out

    # Errors that leave a row out entirely.

    def whole_rows(self) -> None:
        dates = [c.id for c in self.rows.spec.columns if c.value == "date" and c.id in self.v]
        for col in self.rows.spec.columns:
            bad = self.rows.invalid.get(col.id, set())
            if col.required or col.value == "date":
                self.out.left_out.update(bad)  # the reading named the cell
            if col.required:
                for i, value in enumerate(self.v.get(col.id, [None] * len(self.rows))):
                    if value is None and i not in bad:
                        self.out.left_out.add(i)
                        self.say(i, "error", "required_missing", col.id)
        for col_id in dates:
            for i, value in enumerate(self.v[col_id]):
                if value is not None and not EARLIEST <= value <= self.latest:
                    self.out.left_out.add(i)
                    self.say(i, "error", "date_out_of_range", col_id, date=_iso(value), latest=_iso(self.latest))
        if "completed" in self.v and "received" in self.v:
            for i, (c, r) in enumerate(zip(self.v["completed"], self.v["received"], strict=True)):
                if c is not None and r is not None and c < r and i not in self.out.left_out:
                    self.out.left_out.add(i)
                    self.say(i, "error", "completed_before_received", "completed",
                             completed=_iso(c), received=_iso(r))

    def years(self) -> None:
        """Rows received after the year, completed before it (requests) or dated outside it (breaches)."""
        if self.rows.spec.id == "breaches":
            early, late = self.v.get("date", []), self.v.get("date", [])
        else:
            early, late = self.v.get("completed", []), self.v.get("received", [])
        gone = self.out.left_out | self.out.copies
        for i, value in enumerate(early):
            if value is not None and value < self.start and i not in gone:
                self.out.before.add(i)
                self.say(i, "notice", "before_year")
        for i, value in enumerate(late):
            if value is not None and value > self.end and i not in gone and i not in self.out.before:
                self.out.after.add(i)
                self.say(i, "notice", "after_year")

    def repeats(self) -> None:
        """One file number on several rows: identical rows count once; rows that disagree are left out."""
        counted = Counter(k for i, k in enumerate(self.key) if k is not None and i not in self.out.left_out)
        groups: dict[str, list[int]] = {}
        for i, k in enumerate(self.key):
            if counted.get(k, 0) > 1 and i not in self.out.left_out:
                groups.setdefault(k, []).append(i)
        columns = list(self.v)
        for rows in groups.values():
            first = rows[0]
            differs = [next((c for c in columns if self.v[c][i] != self.v[c][first]), None) for i in rows]
            if not any(differs):
                self.out.copies.update(rows[1:])
                for i in rows[1:]:
                    self.say(i, "notice", "duplicate_row", line=self.rows.lines[first])
                continue
            column = next(c for c in differs if c)
            for i in rows:
                other = rows[1] if i == first else first
                self.out.left_out.add(i)
                self.say(i, "error", "conflicting_rows", column, line=self.rows.lines[other])

    # Errors that leave a row out of what one column decides, and warnings (counted).

    def requests(self, kept: list[int]) -> None:
        v, has = self.v, self.v.__contains__
        for i in kept:
            notice = (has("extension") and v["extension"][i]) or (has("affected_notice") and v["affected_notice"][i])
            if notice and has("due") and v["due"][i] is None and i not in self.rows.invalid.get("due", ()):
                self.say(i, "error", "notice_without_due", "due")
            if has("transferred_out") and has("completed") and v["transferred_out"][i] and v["completed"][i]:
                self.say(i, "warning", "transferred_and_completed", "transferred_out")
            if has("outcome") and has("completed") and v["outcome"][i] and v["completed"][i] is None:
                self.say(i, "warning", "outcome_on_open_file", "outcome")
            self.fees(i)
        split = self.flow.log.split_by if self.flow.log else None
        if split and split in v:
            for i in kept:
                if v["request"][i] == "access" and v[split][i] is None and i not in self.rows.invalid.get(split, ()):
                    self.say(i, "error", "records_missing", split)

    def fees(self, i: int) -> None:
        v = self.v
        extra = v["additional_fees"][i] if "additional_fees" in v else None
        waived = v["waived_amount"][i] if "waived_amount" in v else None
        said = ("fees_waived" in v and v["fees_waived"][i]) or waived
        if said and "additional_fees" in v and not extra:
            self.say(i, "warning", "waived_without_fees", "fees_waived" if "fees_waived" in v else "waived_amount")
        elif waived and extra and waived > extra:
            self.say(i, "warning", "waived_more_than_charged", "waived_amount")

    def codes(self, kept: list[int]) -> None:
        """Codes read for another kind of row, codes for another report column, and codes counted only beside others."""
        for col in self.rows.spec.columns:
            if col.id not in self.v or not col.codes:
                continue
            if col.within and col.within in self.v:
                self._within(col.id, col.within, {c.id: c.when for c in col.codes if c.when}, kept)
            self._split(col.id, kept)
        for column, needed, codes in _companions(self.flow, self.rows.spec.id):
            if column in self.v and needed in self.v:
                for i in kept:
                    value, other = self.v[column][i], self.v[needed][i]
                    if value and other and _codes(other).isdisjoint(codes):
                        self.say(i, "warning", "counts_only_with", column, other=needed, codes=", ".join(codes))

    def _within(self, column: str, within: str, when: dict[str, str], kept: list[int]) -> None:
        """A code read for another kind of row (an access outcome on a correction)."""
        kinds = set(when.values())
        wrong = {k: frozenset(c for c, w in when.items() if w != k) for k in kinds}
        self._mismatch(column, within, wrong, kept, "warning", "code_for_other_kind", "kind")

    def _split(self, column: str, kept: list[int]) -> None:
        """A code whose box has no cell in the row's report column (s.21 on a personal-information request)."""
        split = self.flow.log.split_by if self.flow.log else None
        if not split or split not in self.v or column == split:
            return
        boxes = [self.flow.by_id[c] for c in _codes_of(self.rows, column) if c in self.flow.by_id]
        wrong = {k: frozenset(b.id for b in boxes if b.columns != (None,) and k not in b.columns)
                 for k in self.flow.column_ids}
        self._mismatch(column, split, wrong, kept, "error", "code_not_for_column", "records")

    def _mismatch(
        self, column: str, other: str, wrong: dict[str, frozenset[str]], kept: list[int],
        severity: Severity, code: str, fact: str,
    ) -> None:
        if not any(wrong.values()):
            return
        values, others = self.v[column], self.v[other]
        for i in kept:
            bad = wrong.get(others[i]) if values[i] else None
            if bad and not bad.isdisjoint(found := _codes(values[i])):
                for c in sorted(found & bad, key=_box_order):
                    self.say(i, severity, code, column, code=c, **{fact: others[i]})


def _codes(value: object) -> frozenset[str]:
    if isinstance(value, frozenset):
        return value
    return frozenset([value]) if isinstance(value, str) else frozenset()


def _codes_of(rows: Rows, column: str) -> list[str]:
    spec = next(c for c in rows.spec.columns if c.id == column)
    return [code.id for code in spec.codes or []]


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
