"""The report open in a conversation: its flow, words, answers and evaluation, all there from the start.

Every answer goes through :meth:`OpenReport.write` to the store before anything
else happens; :meth:`OpenReport.refresh` works the evaluation out again and
:meth:`OpenReport.announce` says what changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportbot import carry, explain
from reportbot.dialogue import confirmation, understand
from reportbot.dialogue.groups import groups_of
from reportbot.dialogue.messages import Message
from reportbot.engine import Evaluation, Finding, evaluate
from reportbot.flow.loader import Cell, CompiledFlow, cell_in_column, load_flow
from reportbot.values import Value
from reportbot.wording import Wording, wording

if TYPE_CHECKING:  # not imported at run time: the plain mode starts without pydantic, and sooner
    from reportbot.dialogue.ports import ReportStore
    from reportbot.findings import Findings
    from reportbot.store import ReportRow
    from reportbot.wording_models import ReportDialog


class OpenReport:
    """One report, open: ``flow``, ``words``, ``answers`` and ``ev`` are never missing."""

    def __init__(self, store: ReportStore, row: ReportRow, language: str, read_only: bool) -> None:
        self.store = store
        self.id, self.form, self.year = row.id, row.form, row.year
        self.read_only = read_only
        self.confirmed = row.status == "confirmed"  # until the first change makes it a draft again
        self.flow: CompiledFlow = load_flow(row.form)
        self.words: Wording = wording(language, row.form)
        self.answers: dict[Cell, Value] = dict(store.answers(row.id))
        self.ev: Evaluation = evaluate(self.flow, self.answers)
        self.recent: list[Cell] = []  # the cells answered in this conversation, the latest last
        self.said_warnings: set[tuple] = set()
        self.section: str | None = None  # the section last introduced
        self._last_years: dict[str | None, tuple | None] = {}  # organization -> (last year's row, its evaluation)

    @property
    def report(self) -> ReportDialog:
        """The report's own words (questions, labels, checks): a report's wording always has them."""
        assert self.words.report is not None
        return self.words.report

    # ----- answers ----------------------------------------------------------------------------------

    def write(self, cell: Cell, value: Value | None, how: str) -> None:
        """Write one answer through to the store (committed before anything else happens)."""
        self.store.set_answer(self.id, cell, value, how)
        if cell[0] == self.flow.flow.organization:
            self.store.set_organization(self.id, value)  # type: ignore[arg-type]  # the organization box is text
        self.answers[cell] = value  # type: ignore[assignment]  # None: asked again (a zero report undone)
        if cell in self.recent:
            self.recent.remove(cell)
        self.recent.append(cell)

    def write_all(self, cells: list[Cell], value: Value, how: str) -> None:
        """Write several answers through to the store in one commit (none of them the organization)."""
        self.store.set_answers(self.id, dict.fromkeys(cells, value), how)
        for cell in cells:
            self.answers[cell] = value
            if cell in self.recent:
                self.recent.remove(cell)
            self.recent.append(cell)

    def reload(self) -> None:
        """Read the answers again (after last year's identification was copied in)."""
        self.answers = dict(self.store.answers(self.id))
        self.ev = evaluate(self.flow, self.answers)

    def refresh(self) -> Evaluation:
        """Work the evaluation out again from the answers; the one before comes back."""
        before, self.ev = self.ev, evaluate(self.flow, self.answers)
        return before

    def acknowledged(self) -> dict:
        return self.store.acknowledgements(self.id)

    def last_year(self) -> tuple | None:
        """The same organization's report of last year and its evaluation, read once."""
        organization = self.answers.get((self.flow.flow.organization, None))
        if not isinstance(organization, str):
            organization = None
        if organization not in self._last_years:
            previous = carry.previous_report(self.store, self.form, self.year, organization)
            self._last_years[organization] = (
                (previous, evaluate(self.flow, self.store.answers(previous.id))) if previous else None
            )
        return self._last_years[organization]

    def last_years_figure(self, cell: Cell) -> tuple[Value, Cell] | None:
        """Last year's figure offered for ``cell`` (FIPPA 3.3 from 3.6, 11.2 from 11.3, 1.3 from 1.3), and its cell."""
        flow = self.flow.flow
        pair = next((p for p in flow.carried_forward if p.box == cell[0]), None) or next(
            (p for p in flow.from_last_year if p.box == cell[0]), None
        )
        last = self.last_year() if pair is not None else None
        if pair is None or last is None:
            return None
        then = cell_in_column(self.flow.by_id[pair.last_year], cell[1])
        value = last[1].values.get(then) if then is not None else None
        return (value, then) if value is not None and then is not None else None

    def findings(self, ev: Evaluation | None = None, acknowledged: bool = True) -> Findings:
        """Everything said about the report: the list ``check`` and the exports assemble, with last year's figures."""
        from reportbot.findings import assemble  # at the first warning, not at start-up

        ev = ev or self.ev
        last = self.last_year() if ev.flow.flow.carried_forward else None
        carried = carry.compare(ev.flow, last[0], last[1], ev) if last else []
        return assemble(ev, carried, self.acknowledged() if acknowledged else None)

    def warnings(self, ev: Evaluation) -> list[Finding]:
        """The warnings to announce and to accept (an answer the route now skips is announced as such)."""
        return [f for f in self.findings(ev, acknowledged=False).warnings if f.type != "off-route"]

    # ----- the questionnaire: zero or full report ------------------------------------------------

    def questionnaire(self) -> Cell | None:
        """The box recording the questionnaire chosen after section 2, if the report has one."""
        box = self.flow.flow.questionnaire
        return (box, None) if box else None

    def deciding(self) -> list[Cell]:
        """The cells a zero report puts 0 in."""
        return [c for b in self.flow.flow.zero_report for c in self.flow.by_id[b].cells()]

    def carried_zero_cells(self) -> list[Cell]:
        """The deciding cells that count requests carried forward from last year (FIPPA 3.3, 11.2)."""
        carried = {pair.box for pair in self.flow.flow.carried_forward}
        return [c for c in self.deciding() if c[0] in carried]

    def zero_refused(self) -> str | None:
        """Why a zero report is not possible, if it is not: figures already given, or carried over last year."""
        answered = [c for c in self.deciding() if self.answers.get(c) not in (None, 0)]
        if answered:
            cells = ", ".join(f"{self.name(c)} = {self.display(c, self.answers[c])}" for c in answered)
            return self.words.t("type.zero_answered", boxes=", ".join(self.flow.flow.zero_report), cells=cells)
        last = self.last_year() if self.carried_zero_cells() else None
        if last is None:
            return None
        carried = []
        for pair in self.flow.flow.carried_forward:
            for column in self.flow.by_id[pair.box].columns:
                then_cell = cell_in_column(self.flow.by_id[pair.last_year], column)
                then = last[1].values.get(then_cell) if then_cell else None
                if then and then_cell is not None:
                    carried.append(f"{self.name(then_cell)} = {self.display(then_cell, then)}")
        if carried:
            return self.words.t("type.zero_carried", year=last[0].year, cells=", ".join(carried))
        return None

    # ----- what changed -----------------------------------------------------------------------------

    def announce(self, before: Evaluation, after: Evaluation) -> list[Message]:
        """New totals, boxes now skipped, new warnings and notices (first, that a confirmed report is a draft again)."""
        flow = after.flow
        out: list[Message] = confirmation.draft_again(self)
        old = before.derived()
        for cell, value in after.derived().items():
            if old.get(cell) != value:
                total = self.report.boxes[cell[0]].total
                kind = explain.box_kind(flow, cell[0])
                # A plural phrase after "1" reads wrongly, so 1 has its own wording.
                key = "total.makes_one" if value == 1 and kind == "count" else "total.makes"
                text = self.words.t(key, value=self.words.value(value, kind), total=total, cell=self.name(cell))
                out.append(Message("total", text, cell=cell))
        new_stray = [c for c in after.stray if c not in before.stray]
        if new_stray:
            reason = explain.route_reason(flow, self.words, after.skipped_by[new_stray[0]])
            text = self.words.t("route.now_skipped", cells=self.cells_text(new_stray), why=reason)
            out.append(Message("notice", text))
        warnings = self.warnings(after)
        self.said_warnings &= {f.key for f in warnings}  # a warning gone is said again if it comes back
        for f in warnings:
            if f.key not in self.said_warnings and f.key not in self.acknowledged():
                self.said_warnings.add(f.key)
                out.append(Message("warning", self.words.t("warning.line", text=explain.summary(flow, self.words, f))))
        said = set(before.notices)
        out += [Message("notice", self.report.notices[n]) for n in self.ev.notices if n not in said]
        return out

    def section_intro(self, cell: Cell) -> list[Message]:
        """The section's title (and introduction) when ``cell`` is the first asked in it."""
        section = self.flow.section_of(cell[0])
        if section.id == self.section:
            return []
        self.section = section.id
        text = self.report.sections.get(section.id)
        title = (text.title if text and text.title else None) or section.title
        out = [Message("section", self.words.t("section.title", id=section.id, title=title))]
        if text and text.intro:
            out.append(Message("say", text.intro))
        if section.provisional or any(b.provisional for b in section.boxes):
            out.append(Message("notice", self.words.t("section.provisional")))
        return out

    # ----- names ------------------------------------------------------------------------------------

    def name(self, cell: Cell) -> str:
        return explain.cell_name(self.flow, self.words, cell)

    def label(self, box_id: str) -> str:
        return self.report.boxes[box_id].label or self.flow.by_id[box_id].box.label

    def option_labels(self, box_id: str) -> dict[str, str] | None:
        return self.report.boxes[box_id].options

    def display(self, cell: Cell, value: Value) -> str:
        return explain.display(self.flow, self.words, cell[0], value)

    def cells_text(self, cells: list[Cell]) -> str:
        names = [self.name(c) for c in cells]
        if len(names) > 8:
            return self.words.t("cells.many", first=", ".join(names[:6]), count=len(names) - 6)
        return ", ".join(names)

    def cell_from(self, text: str, column: str | None) -> Cell | None:
        """"4.1", "3.1 personal", or "3.1" in ``column``, as a cell of this report.

        A two-column box named without its column comes back with column None
        (unless it has one column only): the caller asks which one or takes the first.
        """
        parts = text.split()
        if not parts or parts[0] not in self.flow.by_id:
            return None
        info = self.flow.by_id[parts[0]]
        if info.columns == (None,):
            return (parts[0], None)
        if len(parts) > 1:
            named = understand.column_id(self.words, " ".join(parts[1:]), info.columns)
            return (parts[0], named) if named else None
        if column in info.columns:
            return (parts[0], column)
        return (parts[0], info.columns[0]) if len(info.columns) == 1 else (parts[0], None)

    def not_here(self, cell: Cell) -> str | None:
        """Why ``cell`` cannot be asked: it is a total, or skipped; None when it can."""
        if self.flow.by_id[cell[0]].formula is not None:
            formula = explain.formula_text(self.flow, self.words, cell[0])
            return self.words.t("resolve.is_total", box=self.name(cell), formula=formula)
        if not self.ev.on_route(cell):
            why = explain.route_reason(self.flow, self.words, self.ev.skipped_by[cell])
            return self.words.t("goto.skipped", box=self.name(cell), why=why)
        return None

    def likeliest(self, finding: Finding) -> Cell | None:
        """The box most likely wrong: the most recently answered of those the relation adds up."""
        candidates: list[Cell] = []
        for box_id in finding.boxes:
            info = self.flow.by_id.get(box_id)
            if info is None:
                continue
            cell = cell_in_column(info, finding.column)
            if cell is None:
                continue
            candidates += _base_cells(self.flow, cell) if info.formula is not None else [cell]
        for cell in reversed(self.recent):
            if cell in candidates:
                return cell
        return next((c for c in candidates if self.answers.get(c) is not None), None)

    def breakdowns(self, cell: Cell) -> tuple[Cell, ...]:
        """The parts and totals of the breakdowns ``cell`` belongs to."""
        return tuple(c for g in groups_of(self.flow, cell) for c in (*g.parts, g.total))


def _base_cells(flow: CompiledFlow, cell: Cell) -> list[Cell]:
    info = flow.by_id[cell[0]]
    if info.formula is None:
        return [cell]
    out: list[Cell] = []
    for box_id, _ in info.formula.terms:
        sub = cell_in_column(flow.by_id[box_id], cell[1])
        if sub is not None:
            out += _base_cells(flow, sub)
    return out
