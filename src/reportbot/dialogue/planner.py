"""What to ask next: a pure function of the report's evaluation and of where the filer is.

Nothing here reads the store or says anything: :func:`next_exchange` names the
exchange that comes next (a question, a proposal, a conflict to resolve, ...)
and the conversation words it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection

from reportbot.dialogue.groups import Group, groups_of
from reportbot.engine import Evaluation, Finding
from reportbot.flow.loader import Cell
from reportbot.values import Value


class Step:
    """One sort of exchange and what it is about; steps of one sort are equal when they hold the same things.

    Plain classes with slots, not dataclasses: they are built at every start, and a dataclass costs more to build.
    """

    __slots__: tuple[str, ...] = ()

    def _held(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Step) and type(other) is type(self) and other._held() == self._held()

    def __hash__(self) -> int:
        return hash((type(self), self._held()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self._held()!r}"


class Ask(Step):
    """[4.1] one box."""

    __slots__ = ("cell",)

    def __init__(self, cell: Cell) -> None:
        self.cell = cell


class Propose(Step):
    """[11.3.5] the last part of a breakdown, proposed as the remainder."""

    __slots__ = ("cell", "value")

    def __init__(self, cell: Cell, value: Value) -> None:
        self.cell, self.value = cell, value


class Fill(Step):
    """Parts the arithmetic already knows, stored without asking: the zeros left once the parts given reach
    their total, or a box the workbook defines as the same as another (CYFSA 5.2, "same as box 4.3")."""

    __slots__ = ("cells", "value", "total", "same")

    def __init__(self, cells: tuple[Cell, ...], value: Value, total: Cell, same: bool = False) -> None:
        self.cells, self.value, self.total, self.same = cells, value, total, same


class ChooseGroup(Step):
    """[11.3] a breakdown of a total of 1, as one choice."""

    __slots__ = ("group",)

    def __init__(self, group: Group) -> None:
        self.group = group


class ChooseQuestionnaire(Step):
    """[type] zero report or full report, after section 2."""

    __slots__ = ("cell",)

    def __init__(self, cell: Cell) -> None:
        self.cell = cell


class Resolve(Step):
    """[resolve] an error; ``reopened`` when it was put off and confirming needs it fixed."""

    __slots__ = ("finding", "reopened")

    def __init__(self, finding: Finding, reopened: bool = False) -> None:
        self.finding, self.reopened = finding, reopened


class Accept(Step):
    """[accept] a warning, to accept with a reason."""

    __slots__ = ("finding",)

    def __init__(self, finding: Finding) -> None:
        self.finding = finding


class Confirm(Step):
    """[confirm] everything answered and agreed: the report as final."""

    __slots__ = ()


Plan = Ask | Propose | Fill | ChooseGroup | ChooseQuestionnaire | Resolve | Accept | Confirm


def questionnaire(ev: Evaluation) -> Cell | None:
    """The box recording the questionnaire chosen after section 2, if the report has one."""
    box = ev.flow.flow.questionnaire
    return (box, None) if box else None


def askable(ev: Evaluation) -> list[Cell]:
    """The cells on the route the filer answers (not the totals), in questionnaire order."""
    by_id = ev.flow.by_id
    return [c for c in ev.route if by_id[c[0]].box.kind != "derived"]


def next_cell(ev: Evaluation, cursor: Cell | None) -> Cell | None:
    """The first open cell from ``cursor`` on, else the first open cell."""
    cells = askable(ev)
    start = cells.index(cursor) if cursor in cells else 0
    # From the cursor to the end, then from the start: one pass, every turn (a list's "in" made it quadratic).
    return next((c for c in itertools.chain(cells[start:], cells[:start]) if ev.values.get(c) is None), None)


def partner(ev: Evaluation, cell: Cell) -> Cell | None:
    """The second column's cell that the first column's prompt also takes ("12 and 30"), when on the route."""
    info = ev.flow.by_id[cell[0]]
    if len(info.columns) != 2 or cell[1] != info.columns[0] or info.box.kind not in ("count", "money", "decimal"):
        return None
    other = (cell[0], info.columns[1])
    return other if ev.on_route(other) else None


def group_due(ev: Evaluation, cell: Cell) -> Group | None:
    """The breakdown starting at ``cell`` whose total is 1 and none of whose parts is answered."""
    for g in groups_of(ev.flow, cell):
        if (
            g.parts[0] == cell
            and len(g.parts) > 1
            and ev.values.get(g.total) == 1
            and all(ev.answers.get(p) is None and ev.on_route(p) for p in g.parts)
        ):
            return g
    return None


def remainder(ev: Evaluation, cell: Cell) -> Value | None:
    """What ``cell`` must be for its breakdown to add up, when every other part and the total are known."""
    for g in groups_of(ev.flow, cell):
        total = ev.values.get(g.total)
        others = [ev.values.get(p) for p in g.parts if p != cell]
        if total is None or any(v is None for v in others):
            continue
        left = total - sum(others)  # type: ignore[operator, arg-type]  # parts and totals are counts
        if left >= 0:
            return left
    return None


def known(ev: Evaluation, cell: Cell) -> Fill | None:
    """The parts of ``cell``'s breakdown that can only be 0 (the parts given reach the total), or the
    value of a box stated equal to another one; None when the filer has to say."""
    for g in groups_of(ev.flow, cell):
        total = ev.values.get(g.total)
        if total is None or not g.binding:
            continue
        if len(g.parts) == 1:
            return Fill(g.parts, total, g.total, same=True)
        open_parts = tuple(p for p in g.parts if ev.values.get(p) is None and ev.on_route(p))
        given = [ev.values.get(p) for p in g.parts if p not in open_parts]
        if sum(v for v in given if v is not None) == total:  # type: ignore[misc]  # parts and totals are counts
            return Fill(open_parts, 0, g.total)
    return None


def next_exchange(
    ev: Evaluation,
    *,
    cursor: Cell | None = None,
    declined: Cell | None = None,
    deferred: Collection[tuple] = (),
    acknowledged: Callable[[], Collection[tuple]] = frozenset,
    warnings: Callable[[Evaluation], list[Finding]] | None = None,
) -> Plan:
    """The exchange that comes next.

    ``cursor`` is where the filer is, ``declined`` a box whose proposed remainder
    the filer turned down, ``deferred`` the errors put off ("later"). Once every box
    is answered, ``acknowledged()`` gives the warnings accepted and ``warnings(ev)``
    the warnings to accept (the engine's when None; the conversation adds last year's
    carried-forward ones): both are read only then, as they cost a store read.
    """
    errors = [f for f in ev.errors if f.key not in deferred]
    if errors:
        return Resolve(errors[0])
    cell = next_cell(ev, cursor)
    if cell is not None:
        if cell == questionnaire(ev):
            return ChooseQuestionnaire(cell)
        group = group_due(ev, cell)
        if group is not None:
            return ChooseGroup(group)
        if cell != declined and (fill := known(ev, cell)) is not None:
            return fill
        value = remainder(ev, cell) if cell != declined else None
        if value is not None:
            return Propose(cell, value)
        return Ask(cell)
    if ev.errors:
        return Resolve(ev.errors[0], reopened=True)
    accepted = acknowledged()
    pending = [w for w in (ev.warnings if warnings is None else warnings(ev)) if w.key not in accepted]
    if pending:
        return Accept(pending[0])
    return Confirm()
