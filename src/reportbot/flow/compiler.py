"""Compile a validated flow for the engine, checking every cross-reference.

:func:`compile_flow` works in named steps (columns, boxes, formulas, checks,
routes, reachability, notices, the report's own fields), each raising a
:class:`~reportbot.flow.loader.FlowError` line for the first problem it finds.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reportbot.flow import expr
from reportbot.flow.loader import (
    END,
    BoxInfo,
    Cell,
    CompiledCheck,
    CompiledClause,
    CompiledCondition,
    CompiledFlow,
    CompiledNotice,
    CompiledRoute,
    FlowError,
    Side,
    cell_in_column,
)
from reportbot.flow.logcheck import compile_log

if TYPE_CHECKING:
    from reportbot.flow.models import Box, CarriedForward, Check, Flow, FromLastYear, Section


def _err(path: Path, where: str, problem: str) -> FlowError:
    return FlowError(f"{path.name}: {where}: {problem}")


def _expander(
    path: Path, where: str, order: dict[str, int], boxes: list[Box], derived_ok: bool = False
) -> expr.Expand:
    def expand(a: str, b: str) -> list[str]:
        for end in (a, b):
            if end not in order:
                raise _err(path, where, f"the range {a} .. {b} names {end}, which is not a box")
        i, j = order[a], order[b]
        if j < i:
            raise _err(path, where, f"the range {a} .. {b} runs backwards")
        span = [bx for bx in boxes[i : j + 1] if bx.kind in ("count", "money", "decimal", "derived")]
        if not derived_ok and any(bx.kind == "derived" for bx in span):
            inner = next(bx.id for bx in span if bx.kind == "derived")
            raise _err(path, where, f"the range {a} .. {b} contains the total {inner}, which would be counted twice")
        return [bx.id for bx in span]

    return expand


def compile_flow(flow: Flow, path: Path) -> CompiledFlow:
    """Check every cross-reference of ``flow`` and compile it, step by step (an error names the first problem)."""
    return _Compiler(flow, path).compile()


class _Compiler:
    """The steps of :func:`compile_flow`, sharing the flow's boxes and their order."""

    def __init__(self, flow: Flow, path: Path) -> None:
        self.flow = flow
        self.path = path
        self.infos: list[BoxInfo] = []
        self.by_id: dict[str, BoxInfo] = {}
        self.all_boxes: list[Box] = []
        self.order: dict[str, int] = {}
        self.rule_ids: set[str] = set()
        self._base: dict[Cell, dict[Cell, int]] = {}

    def compile(self) -> CompiledFlow:
        self.columns()
        self.boxes()
        self.formulas()
        checks = self.checks()
        routes, routes_at = self.routes()
        _reject_unreachable(self.path, self.infos, routes_at)
        notices = self.notices()
        self.report_fields()
        log = compile_log(self.flow, self.infos, self.err)
        cells = [c for i in self.infos for c in i.cells()]
        return CompiledFlow(
            self.flow, self.path, self.infos, self.by_id, checks, routes_at, routes, notices, cells, log
        )

    def err(self, where: str, problem: str) -> FlowError:
        return _err(self.path, where, problem)

    def known(self, where: str, ids: list[str]) -> None:
        for b in ids:
            if b not in self.by_id:
                raise self.err(where, f"names {b}, which is not a box of this report")

    def expander(self, where: str) -> expr.Expand:
        return _expander(self.path, where, self.order, self.all_boxes)

    # The steps, in the order their errors are reported.

    def columns(self) -> None:
        col_ids = [c.id for c in self.flow.columns]
        if len(set(col_ids)) != len(col_ids):
            raise self.err("columns", "a column id is listed twice")

    def boxes(self) -> None:
        """Sections and boxes: unique ids, fields that fit the kind, columns that are the section's."""
        col_ids = [c.id for c in self.flow.columns]
        seen_sections: set[str] = set()
        for section in self.flow.sections:
            if section.id in seen_sections:
                raise self.err(f"section {section.id}", "the section number is used twice")
            seen_sections.add(section.id)
            for c in section.columns:
                if c not in col_ids:
                    problem = f"column {c!r} is not one of the report's columns {col_ids}"
                    raise self.err(f"section {section.id}", problem)
            for box in section.boxes:
                info = BoxInfo(box, section, len(self.infos), self._box_columns(box, section))
                self.infos.append(info)
                self.by_id[box.id] = info
                self.all_boxes.append(box)
        self.order = {b.id: i for i, b in enumerate(self.all_boxes)}

    def _box_columns(self, box: Box, section: Section) -> tuple[str | None, ...]:
        where = f"box {box.id}"
        if box.id in self.by_id:
            raise self.err(where, "the box id is used twice")
        if box.kind == "derived" and not box.formula:
            raise self.err(where, "a derived box needs a formula")
        if box.kind != "derived" and box.formula:
            raise self.err(where, f"only derived boxes have a formula (this one is {box.kind})")
        if box.kind == "choice" and not box.options:
            raise self.err(where, "a choice box needs options")
        if box.kind != "choice" and box.options:
            raise self.err(where, f"only choice boxes have options (this one is {box.kind})")
        if box.kind != "text" and box.format:
            raise self.err(where, f"only text boxes have a format (this one is {box.kind})")
        if box.options and len({o.id for o in box.options}) != len(box.options):
            raise self.err(where, "an option id is used twice")
        if box.provisional and not box.evidence:
            raise self.err(where, "a provisional label needs its evidence")
        if box.columns is None:
            return tuple(section.columns) or (None,)
        bad = [c for c in box.columns if c not in section.columns]
        if bad or not box.columns:
            raise self.err(where, f"columns {box.columns} must be some of section {section.id}'s {section.columns}")
        if not box.column_rule:
            raise self.err(where, "a box with fewer columns than its section needs a column_rule")
        return tuple(box.columns)

    def formulas(self) -> None:
        """Derived totals: sums of known numeric boxes, no cycles, parts before their total."""
        formulas: dict[str, expr.Linear] = {}
        for info in self.infos:
            if info.box.kind != "derived":
                continue
            where = f"box {info.id}"
            try:
                lin = expr.parse_formula(info.box.formula or "", self.expander(where))
            except expr.ExprError as e:
                raise self.err(where, str(e)) from None
            self.known(where, lin.boxes())
            for b in lin.boxes():
                if not self.by_id[b].numeric:
                    raise self.err(where, f"adds {b}, which is a {self.by_id[b].box.kind} box, not a number")
            formulas[info.id] = lin
        _reject_cycles(self.path, formulas)
        for box_id, lin in formulas.items():
            for b in lin.boxes():
                if self.order[b] > self.order[box_id]:
                    raise self.err(f"box {box_id}", f"adds {b}, which comes after it in the questionnaire")
        self.infos = [BoxInfo(i.box, i.section, i.index, i.columns, formulas.get(i.id)) for i in self.infos]
        self.by_id = {i.id: i for i in self.infos}

    def checks(self) -> list[CompiledCheck]:
        """Each check, for each of its subjects (``each``) and each column its boxes share."""
        checks: list[CompiledCheck] = []
        for check in self.flow.checks:
            where = f"check {check.id}"
            if check.id in self.rule_ids:
                raise self.err(where, "the check id is used twice")
            self.rule_ids.add(check.id)
            expand = self.expander(where)
            for subject in self._subjects(check, where, expand):
                try:
                    rel = expr.parse_relation(check.test, expand, placeholder=subject)
                    cond = expr.parse_condition(check.when, expand) if check.when else None
                except expr.ExprError as e:
                    raise self.err(where, str(e)) from None
                self.known(where, rel.boxes())
                for b in rel.boxes():
                    if not self.by_id[b].numeric:
                        raise self.err(where, f"compares {b}, which is a {self.by_id[b].box.kind} box, not a number")
                checks.extend(
                    CompiledCheck(
                        check=check,
                        column=column,
                        subject=subject,
                        left=self.side(rel.left, column),
                        op=rel.op,
                        right=self.side(rel.right, column),
                        boxes=tuple(dict.fromkeys(rel.boxes())),
                        when=self.condition(cond, column, where, None) if cond else None,
                    )
                    for column in self.columns_of(rel.boxes(), where)
                )
        return checks

    def _subjects(self, check: Check, where: str, expand: expr.Expand) -> list[str | None]:
        if not check.each:
            if "_" in check.test:
                raise self.err(where, "'_' in the test needs an 'each' list")
            return [None]
        subjects: list[str | None] = []
        for item in check.each:
            parts = [p.strip() for p in item.split("..")]
            subjects.extend(expand(parts[0], parts[1]) if len(parts) == 2 else parts)
        self.known(where, [s for s in subjects if s])
        return subjects

    def routes(self) -> tuple[dict[str, CompiledRoute], dict[int, list[CompiledRoute]]]:
        """Routes: read at a box, skipping forward to a box or to the end, with one condition per column."""
        routes_at: dict[int, list[CompiledRoute]] = {}
        routes: dict[str, CompiledRoute] = {}
        for route in self.flow.routes:
            where = f"route {route.id}"
            if route.id in routes or route.id in self.rule_ids:
                raise self.err(where, "the rule id is used twice")
            if route.at not in self.by_id:
                raise self.err(where, f"is read at {route.at}, which is not a box of this report")
            if route.goto != END and route.goto not in self.by_id:
                raise self.err(where, f"leads to {route.goto}, which is not a box of this report (a route to nowhere)")
            at = self.order[route.at]
            goto = len(self.infos) if route.goto == END else self.order[route.goto]
            if goto <= at:
                raise self.err(where, f"leads back to {route.goto}; routes only skip forward")
            try:
                cond = expr.parse_condition(route.when, self.expander(where))
            except expr.ExprError as e:
                raise self.err(where, str(e)) from None
            per_column = {c: self.condition(cond, c, where, at) for c in self.columns_of(cond.boxes(), where)}
            compiled = CompiledRoute(route, at, goto, per_column)
            routes[route.id] = compiled
            routes_at.setdefault(at, []).append(compiled)
        return routes, routes_at

    def notices(self) -> list[CompiledNotice]:
        notices = []
        for notice in self.flow.notices:
            where = f"notice {notice.id}"
            try:
                cond = expr.parse_condition(notice.when, self.expander(where))
            except expr.ExprError as e:
                raise self.err(where, str(e)) from None
            notices.append(CompiledNotice(notice, self.condition(cond, None, where, None)))
        return notices

    def report_fields(self) -> None:
        """Boxes named outside the sections: carried forward and offered from last year, organization, zero report,
        questionnaire."""
        flow, by_id = self.flow, self.by_id
        pairs: list[tuple[str, CarriedForward | FromLastYear]] = [("carried_forward", p) for p in flow.carried_forward]
        pairs += [("from_last_year", p) for p in flow.from_last_year]
        for field, carried in pairs:
            where = f"{field} {carried.box}"
            self.known(where, [carried.box, carried.last_year])
            if by_id[carried.box].columns != by_id[carried.last_year].columns:
                raise self.err(where, f"{carried.box} and {carried.last_year} have different columns")
        self.known("organization", [flow.organization])
        if by_id[flow.organization].box.kind != "text":
            raise self.err("organization", f"{flow.organization} is not a text box")
        self.known("zero_report", flow.zero_report)
        for b in flow.zero_report:
            if by_id[b].box.kind != "count":
                raise self.err("zero_report", f"{b} is not a count")
        if flow.questionnaire is not None:
            self.known("questionnaire", [flow.questionnaire])
            box = by_id[flow.questionnaire].box
            if box.kind != "choice" or {o.id for o in box.options or []} != {"zero", "full"}:
                raise self.err("questionnaire", f"{flow.questionnaire} is not a choice of zero and full")

    # What the steps share: sums expanded to answered cells, conditions bound to a column.

    def base_of(self, cell: Cell) -> dict[Cell, int]:
        """A cell as a sum of answered cells (derived totals expanded)."""
        if cell in self._base:
            return self._base[cell]
        info = self.by_id[cell[0]]
        out: dict[Cell, int]
        if info.formula is None:
            out = {cell: 1}
        else:
            out = {}
            for b, coef in info.formula.terms:
                sub = cell_in_column(self.by_id[b], cell[1])
                if sub is None:
                    continue
                for k, v in self.base_of(sub).items():
                    out[k] = out.get(k, 0) + coef * v
            out = {k: v for k, v in out.items() if v}
        self._base[cell] = out
        return out

    def side(self, lin: expr.Linear, column: str | None) -> Side:
        named: list[tuple[Cell, int]] = []
        base: dict[Cell, int] = {}
        for b, coef in lin.terms:
            cell = cell_in_column(self.by_id[b], column)
            if cell is None:
                continue
            named.append((cell, coef))
            for k, v in self.base_of(cell).items():
                base[k] = base.get(k, 0) + coef * v
        return Side(lin.text, tuple(named), tuple((k, v) for k, v in base.items() if v), lin.const)

    def condition(self, cond: expr.Condition, column: str | None, where: str, limit: int | None) -> CompiledCondition:
        """``cond`` in ``column``; with ``limit``, every box it reads must come at or before that point."""
        self.known(where, cond.boxes())
        if limit is not None:
            for b in cond.boxes():
                if self.order[b] > limit:
                    raise self.err(where, f"depends on {b}, which comes after the point where it is read")
        clauses = [
            self._choice_clause(c, column, where) if isinstance(c, expr.Choice) else self._sum_clause(c, column, where)
            for c in cond.clauses
        ]
        return CompiledCondition(cond.text, tuple(clauses))

    def _choice_clause(self, c: expr.Choice, column: str | None, where: str) -> CompiledClause:
        info = self.by_id[c.box]
        if info.box.kind != "choice":
            raise self.err(where, f"'{c.box} is ...' needs a choice box; {c.box} is a {info.box.kind} box")
        if c.option not in {o.id for o in info.box.options or []}:
            raise self.err(where, f"{c.option!r} is not an option of {c.box}")
        cell = cell_in_column(info, column) or (c.box, info.columns[0])
        return CompiledClause(cell=cell, option=c.option, negated=c.negated)

    def _sum_clause(self, c: expr.Relation, column: str | None, where: str) -> CompiledClause:
        for b in c.boxes():
            if not self.by_id[b].numeric:
                raise self.err(where, f"compares {b}, which is not a number")
        terms: dict[Cell, int] = {}
        for k, v in self.side(c.left, column).named:
            terms[k] = terms.get(k, 0) + v
        for k, v in self.side(c.right, column).named:
            terms[k] = terms.get(k, 0) - v
        return CompiledClause(left=tuple(terms.items()), const=c.left.const - c.right.const, op=c.op)

    def columns_of(self, ids: list[str], where: str) -> tuple[str | None, ...]:
        """The columns all of ``ids`` have (None alone when none has columns)."""
        multi = [self.by_id[b].columns for b in ids if self.by_id[b].columns != (None,)]
        if not multi:
            return (None,)
        common = [c for c in multi[0] if all(c in m for m in multi)]
        if not common:
            raise self.err(where, "its boxes share no column")
        return tuple(common)


def _reject_cycles(path: Path, formulas: dict[str, expr.Linear]) -> None:
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        if state.get(node) == 2 or node not in formulas:
            return
        if state.get(node) == 1:
            loop = trail[trail.index(node) :] + [node]
            raise _err(path, f"box {node}", "a cycle among totals: " + " -> ".join(loop))
        state[node] = 1
        for b in formulas[node].boxes():
            visit(b, trail + [node])
        state[node] = 2

    for node in formulas:
        visit(node, [])


def _always(route: CompiledRoute) -> bool:
    """True when the route's condition holds whatever is answered (so it always skips)."""
    for cond in route.per_column.values():
        for clause in cond.clauses:
            if clause.cell is not None:
                return False
            # The relation always holds if its negation is impossible for any values >= 0.
            negation = {"==": "!=", "!=": "==", "<=": ">", ">=": "<", "<": ">=", ">": "<="}[clause.op]
            low: int | None = clause.const
            high: int | None = clause.const
            for _, coef in clause.left:
                if coef > 0:
                    high = None
                else:
                    low = None
            if not expr.impossible(expr.Bounds(low, high), negation):
                return False
    return True


def _reject_unreachable(path: Path, infos: list[BoxInfo], routes_at: dict[int, list[CompiledRoute]]) -> None:
    reached = {0} if infos else set()
    frontier = [0] if infos else []
    while frontier:
        i = frontier.pop()
        nexts: set[int] = set()
        rules = routes_at.get(i, [])
        if any(_always(r) for r in rules):
            nexts = {r.goto for r in rules if _always(r)}
        else:
            nexts = {i + 1} | {r.goto for r in rules}
        for n in nexts:
            if n < len(infos) and n not in reached:
                reached.add(n)
                frontier.append(n)
    for info in infos:
        if info.index not in reached:
            raise _err(path, f"box {info.id}", "no route reaches this box")
