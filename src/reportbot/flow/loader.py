"""Load a flow file, check its cross-references, and compile it for the engine.

Every problem is reported as one :class:`FlowError` line naming the file, the
box (or rule) and what is wrong, so whoever edits a flow by hand with the
printed workbook beside them knows where to look.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from reportbot.errors import DataFileError
from reportbot.flow import expr
from reportbot.resources import flows_dir
from reportbot.yamlio import YamlError, load_yaml

if TYPE_CHECKING:
    from reportbot.flow.models import Box, Check, Flow, Notice, Route, Section

END = "end"
Cell = tuple[str, str | None]


class FlowError(DataFileError):
    """A flow file that cannot be used."""

    area = "flow.error"


@dataclass(frozen=True)
class BoxInfo:
    """A box with what the engine needs to know about it."""

    box: Box
    section: Section
    index: int
    columns: tuple[str | None, ...]
    formula: expr.Linear | None = None

    @property
    def id(self) -> str:
        return self.box.id

    @property
    def numeric(self) -> bool:
        return self.box.kind in ("count", "money", "decimal", "derived")

    @cached_property
    def cell_keys(self) -> tuple[Cell, ...]:
        """The box's cells, worked out once (the engine reads them on every evaluation)."""
        return tuple((self.box.id, c) for c in self.columns)

    def cells(self) -> list[Cell]:
        return list(self.cell_keys)


@dataclass(frozen=True)
class Side:
    """One side of a relation in one column, with derived boxes expanded to answered cells."""

    text: str
    named: tuple[tuple[Cell, int], ...]
    base: tuple[tuple[Cell, int], ...]
    const: int


@dataclass(frozen=True)
class CompiledCheck:
    """A check, tested in one column (None for single-value boxes)."""

    check: Check
    column: str | None
    subject: str | None
    left: Side
    op: str
    right: Side
    boxes: tuple[str, ...]
    when: "CompiledCondition | None" = None

    @cached_property
    def cells(self) -> tuple[Cell, ...]:
        return tuple(c for c, _ in self.left.named + self.right.named)


@dataclass(frozen=True)
class CompiledClause:
    cell: Cell | None = None
    option: str | None = None
    negated: bool = False
    left: tuple[tuple[Cell, int], ...] = ()
    const: int = 0
    op: str = ""


@dataclass(frozen=True)
class CompiledCondition:
    """A condition, bound to one column."""

    text: str
    clauses: tuple[CompiledClause, ...]


@dataclass(frozen=True)
class CompiledRoute:
    route: Route
    at: int
    goto: int
    per_column: dict[str | None, CompiledCondition] = field(default_factory=dict)


@dataclass(frozen=True)
class CompiledNotice:
    notice: Notice
    condition: CompiledCondition


@dataclass(eq=False)
class CompiledFlow:
    """A validated flow, ready for :func:`reportbot.engine.evaluate`."""

    flow: Flow
    path: Path
    boxes: list[BoxInfo]
    by_id: dict[str, BoxInfo]
    checks: list[CompiledCheck]
    routes_at: dict[int, list[CompiledRoute]]
    routes: dict[str, CompiledRoute]
    notices: list[CompiledNotice]
    cells: list[Cell]

    @property
    def id(self) -> str:
        return self.flow.id

    @property
    def column_ids(self) -> list[str]:
        return [c.id for c in self.flow.columns]

    def section_of(self, box_id: str) -> Section:
        return self.by_id[box_id].section


def _err(path: Path, where: str, problem: str) -> FlowError:
    return FlowError(f"{path.name}: {where}: {problem}")


def _expander(path: Path, where: str, order: dict[str, int], boxes: list[Box], derived_ok: bool = False):
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
    """Check every cross-reference of ``flow`` and compile it."""
    col_ids = [c.id for c in flow.columns]
    if len(set(col_ids)) != len(col_ids):
        raise _err(path, "columns", "a column id is listed twice")

    all_boxes: list[Box] = []
    infos: list[BoxInfo] = []
    by_id: dict[str, BoxInfo] = {}
    seen_sections: set[str] = set()
    for section in flow.sections:
        if section.id in seen_sections:
            raise _err(path, f"section {section.id}", "the section number is used twice")
        seen_sections.add(section.id)
        for c in section.columns:
            if c not in col_ids:
                raise _err(path, f"section {section.id}", f"column {c!r} is not one of the report's columns {col_ids}")
        for box in section.boxes:
            where = f"box {box.id}"
            if box.id in by_id:
                raise _err(path, where, "the box id is used twice")
            if box.kind == "derived" and not box.formula:
                raise _err(path, where, "a derived box needs a formula")
            if box.kind != "derived" and box.formula:
                raise _err(path, where, f"only derived boxes have a formula (this one is {box.kind})")
            if box.kind == "choice" and not box.options:
                raise _err(path, where, "a choice box needs options")
            if box.kind != "choice" and box.options:
                raise _err(path, where, f"only choice boxes have options (this one is {box.kind})")
            if box.options and len({o.id for o in box.options}) != len(box.options):
                raise _err(path, where, "an option id is used twice")
            if box.provisional and not box.evidence:
                raise _err(path, where, "a provisional label needs its evidence")
            columns: tuple[str | None, ...]
            if box.columns is not None:
                bad = [c for c in box.columns if c not in section.columns]
                if bad or not box.columns:
                    raise _err(path, where, f"columns {box.columns} must be some of section {section.id}'s {section.columns}")
                if not box.column_rule:
                    raise _err(path, where, "a box with fewer columns than its section needs a column_rule")
                columns = tuple(box.columns)
            else:
                columns = tuple(section.columns) or (None,)
            info = BoxInfo(box, section, len(infos), columns)
            infos.append(info)
            by_id[box.id] = info
            all_boxes.append(box)

    order = {b.id: i for i, b in enumerate(all_boxes)}

    def known(where: str, ids: list[str]) -> None:
        for b in ids:
            if b not in by_id:
                raise _err(path, where, f"names {b}, which is not a box of this report")

    # Derived formulas: known boxes, no cycles, parts before their total.
    formulas: dict[str, expr.Linear] = {}
    for info in infos:
        if info.box.kind != "derived":
            continue
        where = f"box {info.id}"
        try:
            lin = expr.parse_formula(info.box.formula or "", _expander(path, where, order, all_boxes))
        except expr.ExprError as e:
            raise _err(path, where, str(e)) from None
        known(where, lin.boxes())
        for b in lin.boxes():
            if not by_id[b].numeric:
                raise _err(path, where, f"adds {b}, which is a {by_id[b].box.kind} box, not a number")
        formulas[info.id] = lin
    _reject_cycles(path, formulas)
    for box_id, lin in formulas.items():
        for b in lin.boxes():
            if order[b] > order[box_id]:
                raise _err(path, f"box {box_id}", f"adds {b}, which comes after it in the questionnaire")
    infos = [BoxInfo(i.box, i.section, i.index, i.columns, formulas.get(i.id)) for i in infos]
    by_id = {i.id: i for i in infos}

    cells = [c for i in infos for c in i.cells()]
    base_cache: dict[Cell, dict[Cell, int]] = {}

    def base_of(cell: Cell) -> dict[Cell, int]:
        """A cell as a sum of answered cells (derived totals expanded)."""
        if cell in base_cache:
            return base_cache[cell]
        info = by_id[cell[0]]
        if info.formula is None:
            out = {cell: 1}
        else:
            out = {}
            for b, coef in info.formula.terms:
                sub = cell_in_column(by_id[b], cell[1])
                if sub is None:
                    continue
                for k, v in base_of(sub).items():
                    out[k] = out.get(k, 0) + coef * v
            out = {k: v for k, v in out.items() if v}
        base_cache[cell] = out
        return out

    def side(lin: expr.Linear, column: str | None) -> Side:
        named: list[tuple[Cell, int]] = []
        base: dict[Cell, int] = {}
        for b, coef in lin.terms:
            cell = cell_in_column(by_id[b], column)
            if cell is None:
                continue
            named.append((cell, coef))
            for k, v in base_of(cell).items():
                base[k] = base.get(k, 0) + coef * v
        return Side(lin.text, tuple(named), tuple((k, v) for k, v in base.items() if v), lin.const)

    def condition(cond: expr.Condition, column: str | None, where: str, limit: int | None) -> CompiledCondition:
        known(where, cond.boxes())
        if limit is not None:
            for b in cond.boxes():
                if order[b] > limit:
                    raise _err(path, where, f"depends on {b}, which comes after the point where it is read")
        clauses: list[CompiledClause] = []
        for c in cond.clauses:
            if isinstance(c, expr.Choice):
                info = by_id[c.box]
                if info.box.kind != "choice":
                    raise _err(path, where, f"'{c.box} is ...' needs a choice box; {c.box} is a {info.box.kind} box")
                if c.option not in {o.id for o in info.box.options or []}:
                    raise _err(path, where, f"{c.option!r} is not an option of {c.box}")
                cell = cell_in_column(info, column) or (c.box, info.columns[0])
                clauses.append(CompiledClause(cell=cell, option=c.option, negated=c.negated))
            else:
                for b in c.boxes():
                    if not by_id[b].numeric:
                        raise _err(path, where, f"compares {b}, which is not a number")
                left = side(c.left, column)
                right = side(c.right, column)
                terms: dict[Cell, int] = {}
                for k, v in left.named:
                    terms[k] = terms.get(k, 0) + v
                for k, v in right.named:
                    terms[k] = terms.get(k, 0) - v
                clauses.append(
                    CompiledClause(left=tuple(terms.items()), const=c.left.const - c.right.const, op=c.op)
                )
        return CompiledCondition(cond.text, tuple(clauses))

    def columns_of(ids: list[str], where: str) -> tuple[str | None, ...]:
        multi = [by_id[b].columns for b in ids if by_id[b].columns != (None,)]
        if not multi:
            return (None,)
        common = [c for c in multi[0] if all(c in m for m in multi)]
        if not common:
            raise _err(path, where, "its boxes share no column")
        return tuple(common)

    # Checks.
    checks: list[CompiledCheck] = []
    seen_rules: set[str] = set()
    for check in flow.checks:
        where = f"check {check.id}"
        if check.id in seen_rules:
            raise _err(path, where, "the check id is used twice")
        seen_rules.add(check.id)
        expand = _expander(path, where, order, all_boxes)
        subjects: list[str | None] = [None]
        if check.each:
            subjects = []
            for item in check.each:
                parts = [p.strip() for p in item.split("..")]
                subjects.extend(expand(parts[0], parts[1]) if len(parts) == 2 else parts)
            known(where, [s for s in subjects if s])
        elif "_" in check.test:
            raise _err(path, where, "'_' in the test needs an 'each' list")
        for subject in subjects:
            try:
                rel = expr.parse_relation(check.test, expand, placeholder=subject)
                cond = expr.parse_condition(check.when, expand) if check.when else None
            except expr.ExprError as e:
                raise _err(path, where, str(e)) from None
            known(where, rel.boxes())
            for b in rel.boxes():
                if not by_id[b].numeric:
                    raise _err(path, where, f"compares {b}, which is a {by_id[b].box.kind} box, not a number")
            for column in columns_of(rel.boxes(), where):
                checks.append(
                    CompiledCheck(
                        check=check,
                        column=column,
                        subject=subject,
                        left=side(rel.left, column),
                        op=rel.op,
                        right=side(rel.right, column),
                        boxes=tuple(dict.fromkeys(rel.boxes())),
                        when=condition(cond, column, where, None) if cond else None,
                    )
                )

    # Routes.
    routes_at: dict[int, list[CompiledRoute]] = {}
    routes: dict[str, CompiledRoute] = {}
    for route in flow.routes:
        where = f"route {route.id}"
        if route.id in routes or route.id in seen_rules:
            raise _err(path, where, "the rule id is used twice")
        if route.at not in by_id:
            raise _err(path, where, f"is read at {route.at}, which is not a box of this report")
        if route.goto != END and route.goto not in by_id:
            raise _err(path, where, f"leads to {route.goto}, which is not a box of this report (a route to nowhere)")
        at = order[route.at]
        goto = len(infos) if route.goto == END else order[route.goto]
        if goto <= at:
            raise _err(path, where, f"leads back to {route.goto}; routes only skip forward")
        try:
            cond = expr.parse_condition(route.when, _expander(path, where, order, all_boxes))
        except expr.ExprError as e:
            raise _err(path, where, str(e)) from None
        per_column = {c: condition(cond, c, where, at) for c in columns_of(cond.boxes(), where)}
        compiled = CompiledRoute(route, at, goto, per_column)
        routes[route.id] = compiled
        routes_at.setdefault(at, []).append(compiled)

    _reject_unreachable(path, infos, routes_at)

    notices = []
    for notice in flow.notices:
        where = f"notice {notice.id}"
        try:
            cond = expr.parse_condition(notice.when, _expander(path, where, order, all_boxes))
        except expr.ExprError as e:
            raise _err(path, where, str(e)) from None
        notices.append(CompiledNotice(notice, condition(cond, None, where, None)))

    for carried in flow.carried_forward:
        known(f"carried_forward {carried.box}", [carried.box, carried.last_year])
        if by_id[carried.box].columns != by_id[carried.last_year].columns:
            raise _err(path, f"carried_forward {carried.box}", f"{carried.box} and {carried.last_year} have different columns")
    known("organization", [flow.organization])
    if by_id[flow.organization].box.kind != "text":
        raise _err(path, "organization", f"{flow.organization} is not a text box")
    known("zero_report", flow.zero_report)
    for b in flow.zero_report:
        if by_id[b].box.kind != "count":
            raise _err(path, "zero_report", f"{b} is not a count")
    if flow.questionnaire is not None:
        known("questionnaire", [flow.questionnaire])
        box = by_id[flow.questionnaire].box
        if box.kind != "choice" or {o.id for o in box.options or []} != {"zero", "full"}:
            raise _err(path, "questionnaire", f"{flow.questionnaire} is not a choice of zero and full")

    return CompiledFlow(flow, path, infos, by_id, checks, routes_at, routes, notices, cells)


def cell_in_column(info: BoxInfo, column: str | None) -> Cell | None:
    """The cell of ``info`` in ``column``; single-value boxes answer for every column."""
    if info.columns == (None,):
        return (info.id, None)
    if column is None:
        return None
    return (info.id, column) if column in info.columns else None


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


def read_flow(path: Path) -> CompiledFlow:
    """Load, validate and compile one flow file."""
    from pydantic import ValidationError

    from reportbot.flow.models import Flow

    try:
        data = load_yaml(path.read_text(encoding="utf-8"), aliases=True)
    except (OSError, YamlError) as e:
        raise FlowError(f"{path.name}: cannot be read: {e}") from None
    try:
        flow = Flow.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        loc = _describe_location(data, first["loc"])
        raise FlowError(f"{path.name}: {loc}: {first['msg']}") from None
    return compile_flow(flow, path)


def _describe_location(data: object, loc: tuple) -> str:
    """Turn a pydantic error location into "box 4.1" or "section 3" where possible."""
    node = data
    label = ""
    for part in loc:
        try:
            node = node[part]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "id" in node:
            kind = "box" if "kind" in node else "section" if "boxes" in node else "rule"
            label = f"{kind} {node['id']}"
    path_text = ".".join(str(p) for p in loc)
    return f"{label} ({path_text})" if label else path_text


@cache
def load_flow(report: str) -> CompiledFlow:
    """The compiled flow of a report id ("cyfsa-part-x"), loaded once per process."""
    path = flows_dir() / f"{report}.yaml"
    if not path.is_file():
        raise FlowError(f"unknown report {report!r}; known: {', '.join(report_ids())}")
    from reportbot.flow.cache import cached

    return cached("flow", report, [path], lambda: read_flow(path))


def report_ids() -> list[str]:
    """The reports reportbot knows, from the files in flows/."""
    return sorted(p.stem for p in flows_dir().glob("*.yaml"))
