"""Load a flow file, check its cross-references, and compile it for the engine.

Every problem is reported as one :class:`FlowError` line naming the file, the
box (or rule) and what is wrong, so whoever edits a flow by hand with the
printed workbook beside them knows where to look.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportbot.errors import DataFileError
from reportbot.flow import expr
from reportbot.resources import flows_dir
from reportbot.yamlio import YamlError, load_yaml

if TYPE_CHECKING:
    from reportbot.flow.logcheck import CompiledLog
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
    def is_total(self) -> bool:
        """Worked out from other boxes (a derived box with its formula), never asked."""
        return self.formula is not None

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
    when: CompiledCondition | None = None

    @cached_property
    def cells(self) -> tuple[Cell, ...]:
        return tuple(c for c, _ in self.left.named + self.right.named)

    @cached_property
    def difference(self) -> tuple[tuple[tuple[Cell, int], ...], int]:
        """Left minus right as answered cells and a constant: what every evaluation tests, worked out once."""
        terms = self.left.base + tuple((c, -k) for c, k in self.right.base)
        return terms, self.left.const - self.right.const


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
    compiled_log: CompiledLog | bytes | None = field(default=None, repr=False)
    """The log section's counting rules (read them as :attr:`log`); bytes while still as the cache keeps them."""
    _parts: dict[Cell, tuple[tuple[Cell, int], ...]] = field(default_factory=dict, repr=False)

    @cached_property
    def required_cells(self) -> frozenset[Cell]:
        """The cells the filer must answer: neither a total nor an optional box's (missing when blank on the route)."""
        return frozenset(c for i in self.boxes if not i.is_total and not i.box.optional for c in i.cell_keys)

    def parts(self, cell: Cell) -> tuple[tuple[Cell, int], ...]:
        """A total's parts in the total's column, as cells with their coefficients, worked out once.

        None in place of a cell: a part with no cell in that column (a single-column box in a two-column total).
        """
        found = self._parts.get(cell)
        if found is None:
            formula = self.by_id[cell[0]].formula
            assert formula is not None
            found = self._parts[cell] = tuple(
                (c, coef) for box, coef in formula.terms if (c := cell_in_column(self.by_id[box], cell[1])) is not None
            )
        return found

    @property
    def log(self) -> CompiledLog | None:
        """The log section's counting rules, checked; None when the report is not counted from a log."""
        if isinstance(self.compiled_log, bytes):
            from reportbot.flow.cache import loads  # the cache's own reading: only its allowed classes

            self.compiled_log = loads(self.compiled_log)
        assert not isinstance(self.compiled_log, bytes)
        return self.compiled_log

    def __getstate__(self) -> dict[str, object]:
        """Kept with the log's rules as bytes of their own, read on first use.

        Reading them imports the rule compiler and ``ast``: a start that counts no log need not.
        """
        state = dict(self.__dict__)
        if state["compiled_log"] is not None and not isinstance(state["compiled_log"], bytes):
            from reportbot.flow.cache import dumps

            state["compiled_log"] = dumps(state["compiled_log"])
        return state

    @property
    def id(self) -> str:
        return self.flow.id

    @property
    def column_ids(self) -> list[str]:
        return [c.id for c in self.flow.columns]

    def section_of(self, box_id: str) -> Section:
        return self.by_id[box_id].section


def cell_in_column(info: BoxInfo, column: str | None) -> Cell | None:
    """The cell of ``info`` in ``column``; single-value boxes answer for every column."""
    if info.columns == (None,):
        return (info.id, None)
    if column is None:
        return None
    return (info.id, column) if column in info.columns else None


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
    from reportbot.flow.compiler import compile_flow  # only on a cache miss, as pydantic is

    return compile_flow(flow, path)


def _describe_location(data: object, loc: tuple[int | str, ...]) -> str:
    """Turn a pydantic error location into "box 4.1" or "section 3" where possible."""
    node: Any = data  # whatever the file held: indexing it may fail, and is caught
    label = ""
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "id" in node:
            what = "box" if "kind" in node else "section" if "boxes" in node else "rule"
            label = f"{what} {node['id']}"
    path_text = ".".join(str(p) for p in loc)
    return f"{label} ({path_text})" if label else path_text


@cache
def load_flow(form: str) -> CompiledFlow:
    """The compiled flow of a form id ("cyfsa-part-x"), loaded once per process."""
    path = flows_dir() / f"{form}.yaml"
    if not path.is_file():
        raise FlowError(f"unknown report {form!r}; known: {', '.join(report_ids())}")
    from reportbot.flow.cache import cached

    return cached("flow", form, [path], lambda: read_flow(path))


def report_ids() -> list[str]:
    """The reports reportbot knows, from the files in flows/."""
    return sorted(p.stem for p in flows_dir().glob("*.yaml"))
