"""``reportbot log template``: an empty request log a coordinator can keep all year.

``.xlsx``: a sheet per table of the flow's log (first header row the column
ids, second their labels in the filer's language, both frozen), drop-down
lists of each coded column's values, date and amount formats and checks, and
a ``notes`` sheet explaining each column. ``.csv``: one file per table, its
header the column ids: ``-o FOLDER`` writes ``FOLDER/requests.csv``, ``-o
log.csv`` writes ``log-requests.csv`` beside it (and ``log-breaches.csv``):
the name always says which table a file holds.

Files are written whole and owner-only, never over the database (see
:func:`reportbot.export.write_file`).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportbot.export import IsTheDatabase, write_file
from reportbot.flow.loader import CompiledFlow
from reportbot.log_words import NOTES_HEADS, code_label, column_label, column_note, kind_text, log_spec
from reportbot.ownfiles import is_the_database, make_folders
from reportbot.wording import Wording

if TYPE_CHECKING:  # pydantic's models: a start from the flow cache never imports them
    from reportbot.flow.models import LogColumn, LogTable

LAST_ROW = 1_048_575  # a worksheet's last row (0-based): the checks cover the whole column
FIRST_DATE = date(1990, 1, 1)  # an earlier date is a row finding (logs hold years like 1301)


class BadOutput(ValueError):
    """-o names neither an .xlsx file, a .csv file nor a folder."""


def outputs(flow: CompiledFlow, path: Path) -> list[Path]:
    """The files ``path`` stands for: itself (.xlsx), or one CSV file per table (a folder, or a .csv stem)."""
    tables = [t.id for t in log_spec(flow).tables]
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return [path]
    if suffix == ".csv":
        return [path.with_name(f"{path.stem}-{t}.csv") for t in tables]
    if path.is_dir() or (not suffix and str(path) != "-"):  # "-" would be standard output: no place for a workbook
        return [path / f"{t}.csv" for t in tables]
    raise BadOutput(str(path))


def write_template(flow: CompiledFlow, words: Wording, path: Path, database: Path | None = None) -> list[Path]:
    """Write the empty log for ``flow`` in ``words``' language to ``path``; the files written."""
    targets = outputs(flow, path)
    if database is not None and any(is_the_database(t, database) for t in targets):
        raise IsTheDatabase(str(path))  # before any file is written: none, rather than some
    if path.suffix.lower() == ".xlsx":
        write_file(path, workbook(flow, words), database=database)
        return targets
    if path.suffix.lower() != ".csv":
        make_folders(path)  # a folder named by -o is made; a .csv name's folder must exist, as an .xlsx name's must
    for table, target in zip(log_spec(flow).tables, targets, strict=True):
        write_file(target, csv_text(table), database=database)
    return targets


def csv_text(table: LogTable) -> str:
    """A table's CSV: its header row, UTF-8 with a byte order mark so a spreadsheet opens accents right."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([c.id for c in table.columns])
    return "\ufeff" + out.getvalue()


def workbook(flow: CompiledFlow, words: Wording) -> bytes:
    """The template as an .xlsx file's bytes."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    styles = _Styles(book)
    sheets = [book.add_worksheet(table.id) for table in log_spec(flow).tables]
    notes = book.add_worksheet("notes")
    lists = _Lists(book.add_worksheet("lists"))
    for sheet, table in zip(sheets, log_spec(flow).tables, strict=True):
        _table_sheet(sheet, table, flow, words, styles, lists)
    _notes_sheet(notes, flow, words, styles)
    book.close()
    return buffer.getvalue()


class _Styles:
    def __init__(self, book: Any) -> None:
        self.id = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
        self.label = book.add_format({"italic": True, "text_wrap": True, "valign": "top", "bg_color": "#EDF1F9"})
        self.head = book.add_format({"bold": True, "bottom": 1})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.text = book.add_format({"num_format": "@"})  # "2025-014" stays a file number, never a date
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.money = book.add_format({"num_format": "#,##0.00"})
        self.count = book.add_format({"num_format": "0"})


class _Lists:
    """A hidden sheet holding the drop-down lists (a list typed into a check is limited to 255 characters)."""

    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet
        self.used = 0
        sheet.hide()

    def add(self, values: list[str]) -> str:
        """A reference to ``values``, written down a column of their own."""
        col = self.used
        self.used += 1
        for row, value in enumerate(values):
            self.sheet.write_string(row, col, value)
        from xlsxwriter.utility import xl_range_abs

        return f"=lists!{xl_range_abs(0, col, len(values) - 1, col)}"


def _table_sheet(sheet: Any, table: LogTable, flow: CompiledFlow, words: Wording, styles: _Styles,
                 lists: _Lists) -> None:
    sheet.freeze_panes(2, 1)
    for col, column in enumerate(table.columns):
        label = column_label(words, column)
        width = min(max(len(label), len(column.id), 12) + 2, 40)
        sheet.set_column(col, col, width, getattr(styles, column.value, None))
        sheet.write_string(0, col, column.id, styles.id)
        sheet.write_string(1, col, label, styles.label)
        sheet.write_comment(0, col, column_note(words, column), {"x_scale": 2, "y_scale": 2})
        check = _check(column, flow, words, lists)
        if check:
            sheet.data_validation(2, col, LAST_ROW, col, check)
    sheet.set_row(1, 30)


def _check(column: LogColumn, flow: CompiledFlow, words: Wording, lists: _Lists) -> dict[str, Any] | None:
    """The data validation for a column's cells; None for text."""
    if column.value in ("code", "codes", "yesno"):
        values = ([words.t("log.yes"), words.t("log.no")] if column.value == "yesno"
                  else [code_label(flow, words, c.id) for c in column.codes or []])
        several = column.value == "codes"
        prompt = {"input_message": words.t("log.template.codes_message", example=_example(column))} if several else {}
        # Several values, or a word the reader also takes ("x", "oui"): warned, never refused.
        return {"validate": "list", "source": lists.add(values), "error_type": "information" if several else "warning",
                **_error(words, "list_title", "list_message"), **prompt}
    if column.value == "date":
        return {"validate": "date", "criteria": ">=", "value": FIRST_DATE,
                **_error(words, "date_title", "date_message")}
    if column.value in ("count", "money"):
        return {"validate": "integer" if column.value == "count" else "decimal", "criteria": ">=", "value": 0,
                **_error(words, "number_title", f"{column.value}_message")}
    return None


def _error(words: Wording, title: str, message: str) -> dict[str, str]:
    return {"error_title": words.t(f"log.template.{title}"), "error_message": words.t(f"log.template.{message}")}


def _example(column: LogColumn) -> str:
    """Two of a column's codes as a filer would type them together ("7.2; 7.4")."""
    return "; ".join(c.id for c in (column.codes or [])[:2])


def _notes_sheet(sheet: Any, flow: CompiledFlow, words: Wording, styles: _Styles) -> None:
    heads = NOTES_HEADS
    for col, (head, width) in enumerate(zip(heads, (10, 18, 28, 70, 22, 60), strict=True)):
        sheet.write_string(0, col, words.t(f"log.head.{head}"), styles.head)
        sheet.set_column(col, col, width, styles.wrap)
    sheet.freeze_panes(1, 0)
    row = 1
    for table in log_spec(flow).tables:
        for column in table.columns:
            allowed = "\n".join(words.t("log.code", code=c.id, label=code_label(flow, words, c.id))
                                for c in column.codes or [])
            cells = [table.id, column.id, column_label(words, column), column_note(words, column),
                     kind_text(words, column), allowed]
            for col, text in enumerate(cells):
                sheet.write_string(row, col, text)
            row += 1
    for key in ("dates", "yesno", "money", "codes"):  # how values are written, under the columns
        row += 1
        sheet.merge_range(row, 0, row, len(heads) - 1, words.t(f"log.doc.{key}"), styles.wrap)
        sheet.set_row(row, 45)
