"""The plain review: every answer so far, section by section, with totals and open findings."""

from __future__ import annotations

from reportbot import explain
from reportbot.dialogs import Wording
from reportbot.engine import Evaluation, Finding
from reportbot.flow.loader import CompiledFlow


def review_lines(flow: CompiledFlow, words: Wording, ev: Evaluation, acknowledged: dict,
                 warnings: list[Finding] | None = None) -> list[str]:
    """Every answer so far, section by section, with totals and open findings."""
    lines: list[str] = []
    for section in flow.flow.sections:
        text = words.report.sections.get(section.id)  # type: ignore[union-attr]
        title = (text.title if text and text.title else None) or section.title
        cells = [c for b in section.boxes for c in flow.by_id[b.id].cells()]
        if not any(ev.on_route(c) for c in cells):
            reason = explain.route_reason(flow, words, ev.skipped_by[cells[0]])
            lines.append(words.t("review.section_skipped", id=section.id, title=title, why=reason))
            continue
        rows = []
        for box in section.boxes:
            info = flow.by_id[box.id]
            shown = []
            for cell in info.cells():
                value = ev.values.get(cell)
                if not ev.on_route(cell) or value is None:
                    continue
                text_value = explain.display(flow, words, box.id, value) if value != "" else words.t("review.empty")
                shown.append(text_value if cell[1] is None else f"{explain.column_label(flow, words, cell[1])} {text_value}")
            if not shown:
                continue
            label = (words.report.boxes[box.id].label if words.report else None) or box.label  # type: ignore[union-attr]
            mark = words.t("review.total_mark") if info.formula is not None else ""
            prov = words.t("review.provisional_mark") if box.provisional else ""
            rows.append(words.t("review.line", box=box.id, label=label, value="; ".join(shown), total=mark, provisional=prov))
        if rows:
            lines.append(words.t("section.title", id=section.id, title=title))
            lines += rows
    for f in ev.errors + (ev.warnings if warnings is None else warnings):
        if f.severity == "warning" and f.key in acknowledged:
            lines.append(words.t("review.accepted", text=explain.summary(flow, words, f), reason=acknowledged[f.key]))
        else:
            lines.append(words.t(f"review.{f.severity}", text=explain.summary(flow, words, f)))
    lines.append(words.t("review.left", count=len(ev.missing)) if ev.missing else words.t("review.all_answered"))
    return lines
