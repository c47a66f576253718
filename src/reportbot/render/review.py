"""The plain ``review``: every answer so far, section by section, with totals and findings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportbot import explain
from reportbot.render import text

if TYPE_CHECKING:
    from reportbot.report_view import ReportView, RowView
    from reportbot.wording import Wording


def _row_line(view: ReportView, words: Wording, row: RowView) -> str | None:
    shown = []
    for cell in row.cells:
        if cell.state != "value":
            continue
        value = text.value(view, words, cell)
        column = cell.cell[1]
        shown.append(value if column is None else f"{explain.column_label(view.flow, words, column)} {value}")
    if not shown:
        return None
    return words.t(
        "review.line", box=row.box, label=row.label, value="; ".join(shown), total=text.total_mark(words, row),
        provisional=text.provisional_mark(words, row),
    )


def review_lines(view: ReportView, words: Wording) -> list[str]:
    """The review as lines of text."""
    lines: list[str] = []
    for section in view.sections:
        if section.skipped_by is not None:
            why = explain.route_reason(view.flow, words, section.skipped_by)
            lines.append(words.t("review.section_skipped", id=section.id, title=section.title, why=why))
            continue
        rows = [line for row in section.rows if (line := _row_line(view, words, row)) is not None]
        if rows:
            lines.append(words.t("section.title", id=section.id, title=section.title))
            lines += rows
    lines += [text.finding_line(view, words, f) for f in text.shown_findings(view)]
    lines.append(words.t("review.left", count=len(view.missing)) if view.missing else words.t("review.all_answered"))
    return lines
