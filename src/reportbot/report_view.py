"""One view of a report, built once: what every renderer shows, box by box.

Sections and rows in questionnaire order, each row with its label (from the
dialogs already loaded), whether it is a total, its provisional mark and
evidence, its cells (value, missing or skipped and by which route), and the
findings about it with the reasons of the accepted ones. Values stay values:
each renderer writes them as its format needs. The exports, the plain
``review``, and the TUI's form and review are thin functions of this view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportbot.engine import Evaluation, Finding
from reportbot.findings import Findings
from reportbot.flow.loader import Cell, CompiledFlow
from reportbot.values import Value

if TYPE_CHECKING:
    from reportbot.flow.models import Box, Section
    from reportbot.wording import Wording

PRINTED_NUMBER = re.compile(r"\d+(?:\.\d+)*")  # a box number as the workbook prints it: 4.1, 11.3.6


@dataclass(frozen=True)
class CellView:
    """One cell: its value, or why it has none ("value", "missing", "skipped")."""

    cell: Cell
    state: str
    value: Value | None = None
    route: str | None = None  # the route that skips it


@dataclass(frozen=True)
class RowView:
    """One box of the questionnaire as it stands."""

    box: str
    printed: bool  # a number the workbook prints (4.1), not a named part of a box (1.1.organization)
    label: str
    provisional: str | None  # the evidence for a label the workbook does not print
    total: bool
    optional: bool
    cells: tuple[CellView, ...]  # the box's own cells, in its columns' order
    findings: tuple[Finding, ...]  # every finding about this box, open or accepted
    severity: str | None  # of the worst open one

    def cell(self, column: str | None) -> CellView | None:
        """The box's cell in ``column``; None when the box has no such column."""
        return next((c for c in self.cells if c.cell[1] == column), None)

    @property
    def skipped(self) -> bool:
        return all(c.state == "skipped" for c in self.cells)

    @property
    def unanswered(self) -> bool:
        return any(c.state == "missing" for c in self.cells)


@dataclass(frozen=True)
class SectionView:
    id: str
    title: str
    provisional: str | None
    columns: tuple[str | None, ...]  # (None,) for a section of one-value boxes
    rows: tuple[RowView, ...]
    skipped_by: str | None  # the route that skips the whole section


@dataclass(frozen=True)
class About:
    """The report's own facts, where there is a stored report or a file."""

    year: int | None = None
    organization: str | None = None
    status: str = "draft"
    confirmed_at: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class ReportView:
    flow: CompiledFlow  # its id names the report
    title: str
    about: About
    sections: tuple[SectionView, ...]
    findings: Findings
    missing: tuple[Cell, ...]
    notices: tuple[str, ...]  # their text
    progress: tuple[int, int]
    questionnaire: Value | None  # zero or full, once chosen

    @property
    def rows(self) -> list[RowView]:
        return [r for s in self.sections for r in s.rows]


def label_of(flow: CompiledFlow, words: Wording, box_id: str) -> str:
    text = words.report.boxes.get(box_id) if words.report else None
    return text.label if text and text.label else flow.by_id[box_id].box.label


def title_of(words: Wording, section: Section) -> str:
    text = words.report.sections.get(section.id) if words.report else None
    return text.title if text and text.title else section.title


def _cell(ev: Evaluation, cell: Cell) -> CellView:
    if cell in ev.skipped_by:
        return CellView(cell, "skipped", route=ev.skipped_by[cell])
    value = ev.values.get(cell)
    return CellView(cell, "missing") if value is None else CellView(cell, "value", value)


def _row(flow: CompiledFlow, words: Wording, ev: Evaluation, findings: Findings, box: Box) -> RowView:
    info = flow.by_id[box.id]
    return RowView(
        box.id, PRINTED_NUMBER.fullmatch(box.id) is not None, label_of(flow, words, box.id),
        box.evidence if box.provisional else None, info.is_total, box.optional,
        tuple(_cell(ev, c) for c in info.cell_keys), tuple(findings.of_box(box.id)), findings.severity_of(box.id),
    )


def build(
    flow: CompiledFlow, words: Wording, ev: Evaluation, findings: Findings, about: About | None = None
) -> ReportView:
    """The view of a report from its evaluation and its assembled findings (see :mod:`reportbot.findings`)."""
    sections = []
    for section in flow.flow.sections:
        rows = tuple(_row(flow, words, ev, findings, box) for box in section.boxes)
        cells = [c for r in rows for c in r.cells]
        skipped_by = cells[0].route if cells and all(c.state == "skipped" for c in cells) else None
        sections.append(SectionView(
            section.id, title_of(words, section), section.evidence if section.provisional else None,
            tuple(section.columns) or (None,), rows, skipped_by,
        ))
    box = flow.flow.questionnaire
    return ReportView(
        flow, words.report.title if words.report else flow.flow.title, about or About(), tuple(sections), findings,
        tuple(ev.missing), tuple(words.report.notices[n] if words.report else n for n in ev.notices),
        ev.progress(), ev.values.get((box, None)) if box else None,
    )
