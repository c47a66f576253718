"""Rows counted in a total but in none of the boxes that must add up to it.

The flow's checks say which breakdown must add up to which total (4.9 == 3.8, 7.8 >= 3.8, 8.19 >= 7.9).
Both sides are boxes the log counts, so the rows behind each are known: a row on the total's side in none
of the breakdown's boxes is a row whose report the rules will reject. It is named here, in the column the
breakdown reads and the total does not (4.1–4.8 read ``source``), before the report reaches the rules.
Counted as it is: a warning, no count changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import compress
from typing import TYPE_CHECKING

from reportbot.log.rules import flags
from reportbot.log.table import RowFinding

if TYPE_CHECKING:
    from reportbot.flow.loader import Cell, CompiledCheck, CompiledFlow, Side
    from reportbot.log.rules import Rows


def breakdown_gaps(
    flow: CompiledFlow, rows: Rows, counted: dict[Cell, int], said: dict[int, set[str]],
) -> list[RowFinding]:
    """One warning per row and column for the rows the breakdowns of ``flow``'s checks miss.

    ``counted``: the rows (bitset) of each box the log counted in this table; ``said``: the columns each row
    already has a finding on (that finding explains the gap, so it is not said twice).
    """
    assert flow.log is not None
    reads = {b.box: b.rule.reads for b in flow.log.boxes}
    order = [c.id for c in rows.spec.columns]
    key = rows.values[rows.spec.key]
    out: dict[tuple[int, str], RowFinding] = {}
    for total, parts in _pairs(flow.checks, counted):
        needed = set().union(*(reads[c[0]] for c, _ in parts.base)) - set().union(
            *(reads[c[0]] for c, _ in total.base))
        columns = [c for c in order if c in needed and c in rows.values]
        if not columns:
            continue
        missed = _rows(total, counted) & ~_rows(parts, counted)
        for i in compress(range(len(rows)), flags(missed)) if missed else ():
            if said.get(i, set()) & needed:
                continue
            column = next((c for c in columns if not rows.values[c][i]), columns[0])
            if (i, column) not in out:
                file = key[i] if isinstance(key[i], str) else None
                out[(i, column)] = RowFinding(
                    "warning", "not_in_breakdown", rows.sources[i], rows.lines[i], file, column,
                    {"counted": total.text, "breakdown": parts.text},
                )
    return list(out.values())


def _pairs(checks: list[CompiledCheck], counted: dict[Cell, int]) -> Iterator[tuple[Side, Side]]:
    """(total, breakdown) for each error check whose sides the log counts whole: the breakdown must cover the total."""
    for check in checks:
        if check.check.severity != "error" or check.when is not None or check.op not in ("==", ">="):
            continue
        sides = (check.left, check.right)
        if any(s.const or any(c not in counted for c, _ in s.base) for s in sides):
            continue  # a box the log does not decide (asked), or a sum of amounts
        for parts, total in (sides, sides[::-1]) if check.op == "==" else (sides,):
            if len(parts.base) > 1 and all(k > 0 for _, k in parts.base):
                yield total, parts


def _rows(side: Side, counted: dict[Cell, int]) -> int:
    """The rows a side counts: those of its added boxes, less those of its subtracted ones (3.8 = 3.4 − 3.7)."""
    plus = minus = 0
    for cell, k in side.base:
        if k > 0:
            plus |= counted[cell]
        else:
            minus |= counted[cell]
    return plus & ~minus
