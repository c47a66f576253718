"""How a row's marks, a cell's value and a finding read on screen: one place for each, shared by every screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportbot import explain
from reportbot.engine import Finding
from reportbot.values import format_value

if TYPE_CHECKING:
    from reportbot.flow.loader import CompiledFlow
    from reportbot.report_view import CellView, ReportView, RowView
    from reportbot.wording import Wording


def provisional_mark(words: Wording, row: RowView) -> str:
    """" (provisional label)" after a label the workbook does not print, else ""."""
    return words.t("review.provisional_mark") if row.provisional else ""


def labelled(words: Wording, row: RowView) -> str:
    """The row's label with its provisional mark."""
    return row.label + provisional_mark(words, row)


def total_mark(words: Wording, row: RowView) -> str:
    return words.t("review.total_mark") if row.total else ""


def value(view: ReportView, words: Wording, cell: CellView) -> str:
    """A cell's value as the filer reads it: "—" when not answered yet, "" when skipped."""
    if cell.state == "skipped":
        return ""
    if cell.value is None:
        return format_value(None)
    if cell.value == "":
        return words.t("review.empty")
    return explain.display(view.flow, words, cell.cell[0], cell.value)


def where(flow: CompiledFlow, words: Wording, f: Finding) -> str:
    """Which boxes a finding is about: "boxes 4.9, 3.8" or "boxes 4.9, 3.8, column personal information"."""
    boxes = ", ".join(f.boxes)
    if f.column:
        return words.t("check.where.column", boxes=boxes, column=explain.column_label(flow, words, f.column))
    return words.t("check.where.boxes", boxes=boxes)


def finding_state(view: ReportView, f: Finding) -> str:
    """"error", "warning" (open) or "accepted"."""
    return "accepted" if view.findings.reason(f) is not None else f.severity


def finding_line(view: ReportView, words: Wording, f: Finding) -> str:
    """"Error: …", "Warning: …", or "Warning accepted: … Reason: …"."""
    text = explain.summary(view.flow, words, f)
    reason = view.findings.reason(f)
    if reason is not None:
        return words.t("review.accepted", text=text, reason=reason)
    return words.t(f"review.{f.severity}", text=text)


def shown_findings(view: ReportView) -> list[Finding]:
    """Every finding, errors first (they must be fixed before the report is confirmed)."""
    return sorted(view.findings.items, key=lambda f: f.severity != "error")
