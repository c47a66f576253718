"""The transcription sheet (md, html, csv) as a function of the report view: text still to be escaped.

Each cell with its value as a filer and as a spreadsheet reads it, or why it
has none (skipped, with a lettered reason; not asked; not applicable);
provisional labels numbered to their evidence; findings open and accepted.
reportbot's own words are set in the language's typography
(:mod:`reportbot.render.typography`); the filer's text is left as typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportbot import explain
from reportbot.flow.loader import CompiledFlow
from reportbot.render.text import where
from reportbot.render.typography import Typeset, typeset
from reportbot.report_view import About, ReportView, RowView, SectionView
from reportbot.values import Value, clean_text
from reportbot.wording import Wording


def local_time(stamp: str | None) -> str:
    """A stored UTC time as the filer's local "2025-03-02 10:15"."""
    if not stamp:
        return ""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return clean_text(stamp)




@dataclass
class SheetCell:
    state: str  # value, missing, skipped, na
    text: str = ""
    plain: str = ""  # for csv: the value without thousands separators or currency
    mark: str = ""  # the letter of the skip reason


@dataclass
class SheetRow:
    box: str
    label: str
    total: bool
    optional: bool
    note: int | None  # the provisional-label footnote
    formula: str | None
    cells: list[SheetCell]
    columns: list[str | None]


@dataclass
class SheetSection:
    id: str
    title: str
    note: int | None
    columns: list[str | None]
    rows: list[SheetRow]
    skips: list[tuple[str, str]]  # (letter, reason)
    notes: list[tuple[int, str]]  # (number, evidence)


@dataclass
class Sheet:
    title: str
    organization: str
    year: int
    status: str
    questionnaire: str  # the chosen questionnaire's label, "" when not known yet
    counts: str
    sections: list[SheetSection]
    open: list[str]
    acknowledged: list[tuple[str, str]]
    notices: list[str]
    language: str


def value_text(flow: CompiledFlow, words: Wording, box_id: str, value: Value) -> tuple[str, str]:
    """(as a filer reads it, as a spreadsheet reads it): a choice by its label, a number as the language writes it
    for the filer and plainly (1234.5) for a spreadsheet."""
    if isinstance(value, str) and "\n" in value:  # an address's lines: a sheet has room for them
        text = clean_text(value)
        return text, text
    if flow.by_id[box_id].box.kind == "choice" or isinstance(value, str):
        text = clean_text(explain.display(flow, words, box_id, value))
        return text, text
    return explain.display(flow, words, box_id, value), str(value)


def _status(about: About, words: Wording) -> str:
    when = local_time(about.confirmed_at)
    if about.status == "confirmed":
        return words.t("sheet.status.confirmed", when=when)
    if about.confirmed_at:
        return words.t("sheet.status.changed", when=when)
    return words.t("sheet.status.draft")


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _sheet_cell(flow: CompiledFlow, words: Wording, row: RowView, column: str | None,
                skips: dict[str, str]) -> SheetCell:
    """One cell of the sheet; ``skips`` gathers the section's skip reasons, lettered in order of use."""
    cell = row.cell(column)
    if cell is None:
        return SheetCell("na", words.t("sheet.not_applicable"))
    if cell.state == "skipped":
        letter = skips.setdefault(cell.route or "", _LETTERS[len(skips) % 26])
        return SheetCell("skipped", words.t("sheet.skipped"), mark=letter)
    if cell.state == "value" and cell.value is not None:
        return SheetCell("value", *value_text(flow, words, row.box, cell.value))
    if row.optional:
        return SheetCell("missing", "")
    return SheetCell("missing", words.t("sheet.total_unknown" if row.total else "sheet.missing"))


def _sheet_section(flow: CompiledFlow, words: Wording, section: SectionView, evidence: dict[str, int]) -> SheetSection:
    def note(text: str | None) -> int | None:
        return evidence.setdefault(clean_text(text), len(evidence) + 1) if text else None

    columns = list(section.columns)
    skips: dict[str, str] = {}
    rows = [
        SheetRow(
            row.box, typeset(row.label, words), row.total, row.optional, note(row.provisional),
            explain.formula_text(flow, words, row.box) if row.total else None,
            [_sheet_cell(flow, words, row, column, skips) for column in columns], columns,
        )
        for row in section.rows
    ]
    section_note = note(section.provisional)
    used = sorted({n for n in [section_note, *(r.note for r in rows)] if n is not None})
    by_number = {n: t for t, n in evidence.items()}
    return SheetSection(
        section.id, typeset(section.title, words), section_note, columns, rows,
        [(letter, typeset(explain.route_reason(flow, words, route), words)) for route, letter in skips.items()],
        [(n, by_number[n]) for n in used],
    )


def questionnaire(view: ReportView) -> Value | None:
    """The questionnaire chosen; else, in a report file that does not say, the one its deciding boxes imply
    (zero when every one is 0, full when one is more), as the flow's questionnaire box allows."""
    if view.questionnaire is not None or view.flow.flow.questionnaire is None:
        return view.questionnaire
    deciding = [c for r in view.rows if r.box in view.flow.flow.zero_report for c in r.cells]
    if not deciding or any(c.state != "value" for c in deciding):
        return None
    return "zero" if all(c.value == 0 for c in deciding) else "full"


def _counts(view: ReportView, words: Wording, warnings: int) -> str:
    return words.t(
        "sheet.counts",
        missing=words.plural("sheet.count.missing", len(view.missing)),
        errors=words.plural("sheet.count.errors", len(view.findings.errors)),
        warnings=words.plural("sheet.count.warnings", warnings),
    )


def build(view: ReportView, words: Wording) -> Sheet:
    """Everything a transcription sheet shows, in questionnaire order, as text still to be escaped."""
    words = Typeset.of(words)
    flow, found, about = view.flow, view.findings, view.about
    evidence: dict[str, int] = {}
    sections = [_sheet_section(flow, words, section, evidence) for section in view.sections]
    open_lines, acknowledged = [], []
    for f in found.items:
        text = explain.summary(flow, words, f)  # its templates are typeset; a check's message is the report's own
        if f.type == "relation":  # the others may quote the filer's text, which stays as typed
            text = typeset(text, words)
        line = words.t(
            "sheet.finding", severity=words.t(f"severity.{f.severity}"), where=where(flow, words, f), text=text,
        )
        reason = found.reason(f)
        if reason is not None:
            acknowledged.append((line, clean_text(reason)))
        else:
            open_lines.append(line)
    if view.missing:
        cells_text = ", ".join(explain.cell_name(flow, words, c) for c in view.missing)
        open_lines.append(words.t("sheet.missing_cells", count=len(view.missing), cells=cells_text))
    chosen = questionnaire(view)
    box = flow.flow.questionnaire
    return Sheet(
        typeset(view.title, words), clean_text(about.organization or "") or words.t("sheet.no_organization"),
        about.year or 0, _status(about, words),
        value_text(flow, words, box, chosen)[0] if box and chosen is not None else "",
        _counts(view, words, len(found.warnings) - len(acknowledged)), sections, open_lines, acknowledged,
        [typeset(n, words) for n in view.notices], words.language,
    )
