"""A stored report as a file: ``json`` (a reportbot/1 file), ``csv``, and ``md``/``html`` transcription sheets.

The sheets follow the questionnaire box by box so a filer can copy each value
into the IPC online system: labels in the report's language, provisional
labels marked with the flow's evidence, totals marked, skipped boxes with
the reason, the warnings accepted with their reasons, what is still open,
and the status. Every word comes from dialogs/<lang>/; every piece of text
is escaped for its format. :func:`write_file` puts an export on disk: owner-
only, whole, and never over the database.
"""

from __future__ import annotations

import csv
import errno
import html
import io
import os
import stat
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from reportbot import __version__, explain, report_view
from reportbot.engine import Evaluation, Finding, evaluate
from reportbot.findings import assemble
from reportbot.flow.loader import Cell, CompiledFlow, FlowError, load_flow
from reportbot.ownfiles import is_the_database, write_atomic
from reportbot.render import sheet
from reportbot.render.sheet import Sheet, SheetCell, SheetRow, SheetSection
from reportbot.render.typography import Typeset
from reportbot.report_view import About, ReportView
from reportbot.reportfile import dumps, to_document
from reportbot.values import Value, clean_text
from reportbot.wording import Wording

FORMATS = ("json", "csv", "md", "html")
SUFFIXES = {".json": "json", ".csv": "csv", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}




@dataclass
class Subject:
    """One report as exported: its answers and everything said about it."""

    flow: CompiledFlow
    year: int
    answers: dict[Cell, Value]
    status: str = "draft"
    acknowledged: dict[tuple[str, str | None], str] = field(default_factory=dict)
    language: str | None = None
    organization: str | None = None
    confirmed_at: str | None = None
    extra: list[Finding] = field(default_factory=list)
    """Findings beyond the rule engine's, such as last year's carried-forward figures."""

    @cached_property
    def evaluation(self) -> Evaluation:
        return evaluate(self.flow, self.answers)

    def view(self, words: Wording) -> ReportView:
        """The report as every sheet shows it (see :mod:`reportbot.report_view`)."""
        about = About(self.year, self.organization, self.status, self.confirmed_at, self.language)
        found = assemble(self.evaluation, self.extra, self.acknowledged)
        return report_view.build(self.flow, words, self.evaluation, found, about)


def progress_of(store, row) -> tuple[int, int] | None:
    """(answered, needed) for a stored report (see :meth:`Evaluation.progress`).

    None for a form this reportbot no longer knows.
    """
    try:
        flow = load_flow(row.form)
    except FlowError:
        return None
    return evaluate(flow, store.answers(row.id)).progress()


def subject_from_store(store, report_id: int) -> Subject:
    """A stored report, with last year's carried-forward comparisons."""
    from reportbot import carry

    row = store.get(report_id)
    flow = load_flow(row.form)
    subject = Subject(
        flow,
        row.year,
        store.answers(report_id),
        row.status,
        store.acknowledgements(report_id),
        row.language,
        row.organization,
        row.confirmed_at,
    )
    subject.extra = carry.carried_forward_findings(store, row, subject.evaluation)
    return subject


def render(fmt: str, subject: Subject, words: Wording) -> str:
    return {"json": to_json, "csv": to_csv, "md": to_markdown, "html": to_html}[fmt](subject, words)


# --- writing ---------------------------------------------------------------------


class IsTheDatabase(ValueError):
    """An export aimed at the database or its -wal, -shm or -journal: writing it would lose every report."""


def write_file(path: Path, text: str | bytes, database: Path | None = None) -> None:
    """Write an export (text, or a workbook's bytes) to ``path``: a file is replaced whole and owner-only (see
    :mod:`reportbot.ownfiles`); a device or pipe (/dev/stdout) is written as it is. :class:`IsTheDatabase` for
    ``database`` or its companions."""
    if database is not None and is_the_database(path, database):
        raise IsTheDatabase(str(path))
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    data = text.encode("utf-8") if isinstance(text, str) else text
    if mode is not None and not stat.S_ISREG(mode):
        with open(path, "wb") as f:
            f.write(data)
        return
    write_atomic(path, data)


def write_kept(store, report_id: int, path: Path, text: str) -> None:
    """:func:`write_file`, then the store keeps the sheet's path and content hash, to say when it no longer
    matches the report (:meth:`reportbot.store.Store.stale_exports`)."""
    from reportbot.store import StoreError

    write_file(path, text, database=store.path)
    if not path.is_file():  # a device or a pipe: nothing to compare later
        return
    try:
        store.record_export(report_id, path, text.encode("utf-8"))
    except StoreError:
        pass  # a read-only database still exports: the sheet just cannot be named later


# --- json ------------------------------------------------------------------------


def to_json(subject: Subject, words: Wording | None = None) -> str:
    """A reportbot/1 file that ``reportbot check`` and ``reportbot import`` take back unchanged."""
    acknowledged = [
        {"rule": rule, "column": column, "reason": clean_text(reason)}
        for (rule, column), reason in sorted(subject.acknowledged.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
    ]
    doc = to_document(subject.flow, subject.year, subject.evaluation, subject.status, acknowledged, subject.language)
    doc["answers"] = {k: _clean_json(v) for k, v in doc["answers"].items()}
    doc["generator"] = f"reportbot {__version__}"
    return dumps(doc)


def _clean_json(v: object) -> object:
    if isinstance(v, str):
        return clean_text(v)
    if isinstance(v, dict):
        return {k: _clean_json(x) for k, x in v.items()}
    return v


# --- the sheet, shared by md, html and csv -----------------------------------------


def build_sheet(subject: Subject, words: Wording) -> Sheet:
    """Everything a transcription sheet shows (see :func:`reportbot.render.sheet.build`)."""
    return sheet.build(subject.view(words), words)


def _facts(sheet: Sheet, words: Wording) -> list[tuple[str, str]]:
    """The report's own facts at the head of a sheet, as (name, value)."""
    return [
        (words.t("sheet.organization"), sheet.organization),
        (words.t("sheet.year"), str(sheet.year)),
        (words.t("sheet.status"), sheet.status),
        (words.t("sheet.questionnaire"), sheet.questionnaire or words.t("sheet.questionnaire.unknown")),
    ]


def _column_heads(flow: CompiledFlow, words: Wording, columns: list[str | None]) -> list[str]:
    if columns == [None]:
        return [words.t("sheet.head.value")]
    return [explain.column_label(flow, words, c) for c in columns]


# --- csv --------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """Text a spreadsheet will not run: a cell that could start a formula gets a leading quote."""
    return "'" + text if text.startswith(_FORMULA_START) else text


_CSV_HEADS = ("box", "column", "label", "value", "state", "report", "year", "organization", "status", "questionnaire")


def _csv_state(row: SheetRow, cell: SheetCell) -> str:
    """A cell's state as its csv.state word: answered, total, missing, optional (not answered) or skipped."""
    if cell.state == "value":
        return "total" if row.total else "value"
    if cell.state == "missing" and row.optional and not row.total:
        return "optional"
    return cell.state


def to_csv(subject: Subject, words: Wording) -> str:
    """One table: a row per cell in questionnaire order (box, column, label, value, state), then the report's
    own facts repeated on every row (report, year, organization, status, questionnaire), so a spreadsheet
    reads it whole, the first four columns stay where they were, and several reports' rows can be stacked."""
    words = Typeset.of(words)
    sheet = build_sheet(subject, words)
    about = [subject.flow.id, str(subject.year), clean_text(subject.organization or ""),
             words.t(f"csv.status.{'confirmed' if subject.status == 'confirmed' else 'draft'}"), sheet.questionnaire]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([words.t(f"csv.head.{head}") for head in _CSV_HEADS])
    for section in sheet.sections:
        for row in section.rows:
            for column, cell in zip(row.columns, row.cells, strict=True):
                if cell.state == "na":  # the box has no such column: not a cell of the form
                    continue
                state = words.t(f"csv.state.{_csv_state(row, cell)}")
                line = [row.box, words.column(column) if column else "", row.label, cell.plain, state, *about]
                writer.writerow([csv_cell(x) for x in line])
    return out.getvalue()


# --- markdown -----------------------------------------------------------------------------

_MD_SPECIAL = "\\`*_[]<>|~"


def md(text: str) -> str:
    """Text that Markdown shows as typed: no markup, no HTML, no table breaks."""
    text = clean_text(text)
    escaped = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)
    return escaped.replace("\r", "").replace("\t", " ").replace("\n", "<br>")


def to_markdown(subject: Subject, words: Wording) -> str:
    words = Typeset.of(words)
    sheet = build_sheet(subject, words)
    flow = subject.flow
    lines = [f"# {md(sheet.title)}", ""]
    for name, value in _facts(sheet, words):
        lines.append(f"**{md(words.t('sheet.fact', name=name))}** {md(value)}  ")
    lines += [md(sheet.counts), "", md(words.t("sheet.intro")), ""]
    lines += _md_list(words.t("sheet.open"), sheet.open, words)
    lines += _md_list(
        words.t("sheet.acknowledged"),
        [f"{line} {words.t('sheet.reason', reason=reason)}" for line, reason in sheet.acknowledged],
        words,
    )
    if sheet.notices:
        lines += _md_list(words.t("sheet.notices"), sheet.notices, words)
    for section in sheet.sections:
        title = words.t("sheet.section", id=section.id, title=section.title)
        if section.note:
            title += f" {words.t('sheet.provisional')} [{section.note}]"
        lines += [f"## {md(title)}", ""]
        heads = [words.t("sheet.head.box"), words.t("sheet.head.label"), *_column_heads(flow, words, section.columns)]
        lines.append("| " + " | ".join(md(h) for h in heads) + " |")
        lines.append("|" + "---|" * len(heads))
        for row in section.rows:
            label = md(row.label)
            if row.note:
                label += f" *{md(words.t('sheet.provisional'))}* \\[{row.note}\\]"
            if row.total:
                label = f"**{label}** *{md(words.t('sheet.total', formula=row.formula or ''))}*"
            values = []
            for cell in row.cells:
                text = md(cell.text) + (f" ({cell.mark})" if cell.mark else "")
                values.append(f"**{text}**" if row.total and cell.state == "value" else text)
            # Box ids are the flow's own ("1.1.contact_name"): intraword underscores are not markup.
            box = f"**{row.box}**" if row.total else row.box
            lines.append("| " + " | ".join([box, label, *values]) + " |")
        lines.append("")
        for letter, reason in section.skips:
            lines.append(f"({letter}) {md(words.t('sheet.note.skipped', reason=reason))}  ")
        for number, text in section.notes:
            lines.append(f"\\[{number}\\] {md(words.t('sheet.note.provisional', evidence=text))}  ")
        if section.skips or section.notes:
            lines.append("")
    lines.append(md(words.t("sheet.generated", version=__version__)))
    return "\n".join(lines) + "\n"


def _md_list(title: str, items: list[str], words: Wording) -> list[str]:
    out = [f"## {md(title)}", ""]
    out += [f"- {md(item)}" for item in items] or [md(words.t("sheet.none"))]
    return out + [""]


# --- html ---------------------------------------------------------------------------------

_CSS = """
body { font: 11pt/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #111; margin: 2em; }
h1 { font-size: 1.5em; margin: 0 0 .5em; }
h2 { font-size: 1.2em; margin: 0 0 .6em; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; margin: 0 0 1em; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #777; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #e8e8e8; }
td.box { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.value { min-width: 8em; }
td.number { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; background: #f3f3f3; }
.total-mark, .provisional, .skipped, .missing, .na { font-weight: normal; font-style: italic; color: #444; }
ul.findings li { margin-bottom: .4em; }
p.notes, ol.notes { font-size: .9em; color: #333; }
section.part { break-before: page; page-break-before: always; margin-top: 2em; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
@media print { body { margin: 0; } section.part { margin-top: 0; } }
"""


def to_html(subject: Subject, words: Wording) -> str:
    """A standalone page; each section of the questionnaire prints on a page of its own."""
    e = html.escape
    words = Typeset.of(words)
    sheet = build_sheet(subject, words)
    flow = subject.flow
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{e(sheet.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(words.t('sheet.page_title', organization=sheet.organization, title=sheet.title))}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        '<section class="summary">',
        f"<h1>{e(sheet.title)}</h1>",
        '<dl class="facts">',
    ]
    for name, value in _facts(sheet, words):
        out.append(f"<dt>{e(name)}</dt><dd>{e(value)}</dd>")
    out += ["</dl>", f"<p>{e(sheet.counts)}</p>", f"<p>{e(words.t('sheet.intro'))}</p>"]
    out += _html_list(words.t("sheet.open"), [e(x) for x in sheet.open], words)
    out += _html_list(
        words.t("sheet.acknowledged"),
        [f"{e(line)}<br><em>{e(words.t('sheet.reason', reason=reason))}</em>" for line, reason in sheet.acknowledged],
        words,
    )
    if sheet.notices:
        out += _html_list(words.t("sheet.notices"), [e(x) for x in sheet.notices], words)
    out.append("</section>")
    for section in sheet.sections:
        out += _html_section(section, flow, words)
    out += [f'<p class="notes">{e(words.t("sheet.generated", version=__version__))}</p>', "</body>", "</html>"]
    return "\n".join(out) + "\n"


def _html_section(section: SheetSection, flow: CompiledFlow, words: Wording) -> list[str]:
    """One section of the questionnaire as a table, with its notes, on a printed page of its own."""
    e = html.escape
    out: list[str] = []
    title = e(words.t("sheet.section", id=section.id, title=section.title))
    if section.note:
        title += f' <span class="provisional">{e(words.t("sheet.provisional"))}<sup>{section.note}</sup></span>'
    out += [f'<section class="part" id="section-{e(section.id)}">', f"<h2>{title}</h2>", "<table>", "<thead><tr>"]
    heads = [words.t("sheet.head.box"), words.t("sheet.head.label"), *_column_heads(flow, words, section.columns)]
    out.append("".join(f'<th scope="col">{e(h)}</th>' for h in heads))
    out += ["</tr></thead>", "<tbody>"]
    for row in section.rows:
        label = e(row.label)
        if row.note:
            label += f' <span class="provisional">{e(words.t("sheet.provisional"))}<sup>{row.note}</sup></span>'
        if row.total:
            label += f' <span class="total-mark">{e(words.t("sheet.total", formula=row.formula or ""))}</span>'
        tds = [f'<td class="box">{e(row.box)}</td>', f"<td>{label}</td>"]
        numeric = flow.by_id[row.box].numeric
        for cell in row.cells:
            if cell.state == "value":
                tds.append(f'<td class="{"number" if numeric else "value"}">{e(cell.text)}</td>')
            else:
                mark = f" <sup>{e(cell.mark)}</sup>" if cell.mark else ""
                tds.append(f'<td class="value"><span class="{e(cell.state)}">{e(cell.text)}</span>{mark}</td>')
        tr = '<tr class="total">' if row.total else "<tr>"
        out.append(f"{tr}{''.join(tds)}</tr>")
    out += ["</tbody>", "</table>"]
    if section.skips:
        out.append(
            '<p class="notes">'
            + "<br>".join(
                f"<sup>{e(letter)}</sup> {e(words.t('sheet.note.skipped', reason=reason))}"
                for letter, reason in section.skips
            )
            + "</p>"
        )
    if section.notes:
        out.append(
            '<p class="notes">'
            + "<br>".join(
                f"<sup>{n}</sup> {e(words.t('sheet.note.provisional', evidence=text))}" for n, text in section.notes
            )
            + "</p>"
        )
    out.append("</section>")
    return out


def _html_list(title: str, items: list[str], words: Wording) -> list[str]:
    """``items`` are already escaped."""
    out = [f"<h2>{html.escape(title)}</h2>"]
    if not items:
        return out + [f"<p>{html.escape(words.t('sheet.none'))}</p>"]
    return out + ['<ul class="findings">', *(f"<li>{item}</li>" for item in items), "</ul>"]
