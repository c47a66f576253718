"""Breakdowns: parts that must add up to a total the filer gave earlier.

They come from the flow's equality checks ("11.3.6 == 11.1": 11.3.1 to
11.3.5 add up to 11.1). The conversation uses them to ask fewer questions:
a total of 1 makes its breakdown one choice, and the last part of a
breakdown is proposed as the remainder. A breakdown from a warning need not
add up (a theft by neither an insider nor a stranger): its one choice also
offers "neither".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from reportbot.flow.loader import Cell, CompiledFlow, Side


@dataclass(frozen=True)
class Group:
    """Counts ``parts`` that add up to ``total`` (in one column)."""

    tag: str
    parts: tuple[Cell, ...]
    total: Cell
    rule: str
    binding: bool = True
    """False when the parts need not add up to the total (the check is a warning)."""


def _plain_sum(flow: CompiledFlow, side: Side) -> tuple[Cell, ...] | None:
    """The counts a side adds up, when it is a plain sum of counts (totals expanded)."""
    if side.const or not side.base or any(k != 1 for _, k in side.base):
        return None
    if any(flow.by_id[c[0]].box.kind != "count" for c, _ in side.base):
        return None
    return tuple(c for c, _ in side.base)


def _single(side: Side) -> Cell | None:
    return side.named[0][0] if len(side.named) == 1 and side.named[0][1] == 1 and not side.const else None


def _tag(parts: tuple[Cell, ...], parts_side: Side, total: Cell) -> str:
    """What the one-choice prompt is tagged: the parts' own group ("11.3"), their total, else the first part.

    Never a total asked elsewhere: the breaches by kind (10.1) are asked in section 11, tagged 11.1.
    """
    parents = {p[0].rsplit(".", 1)[0] for p in parts}
    if len(parents) == 1 and (parent := parents.pop()).count(".") >= 1:
        return parent
    single = _single(parts_side)
    return single[0] if single else parts[0][0]


@cache
def groups(flow: CompiledFlow) -> tuple[Group, ...]:
    """Every breakdown of ``flow``, in questionnaire order of its first part."""
    order = {c: i for i, c in enumerate(flow.cells)}
    out: list[Group] = []
    for check in flow.checks:
        if check.op != "==" or check.check.when:
            continue
        for parts_side, total_side in ((check.left, check.right), (check.right, check.left)):
            parts = _plain_sum(flow, parts_side)
            total = _single(total_side)
            if not parts or total is None:
                continue
            # The total must be known before its parts are asked.
            if max(order[p] for p in parts) < order[total] or any(order[p] < order[total] for p in parts):
                continue
            binding = check.check.severity == "error"
            out.append(Group(_tag(parts, parts_side, total), parts, total, check.check.id, binding))
            break
    out.sort(key=lambda g: order[g.parts[0]])
    return tuple(out)


def same_as(flow: CompiledFlow, cell: Cell) -> list[Cell]:
    """The cells the form defines as the same as ``cell`` (CYFSA 5.2, "same as box 4.3")."""
    return [g.parts[0] for g in groups(flow) if g.total == cell and len(g.parts) == 1 and g.binding]


def groups_of(flow: CompiledFlow, cell: Cell) -> list[Group]:
    return [g for g in groups(flow) if cell in g.parts]
