"""reportbot log template: the empty request log, read back as a spreadsheet program would read it."""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from reportbot import cli
from reportbot.export import IsTheDatabase
from reportbot.flow.loader import load_flow
from reportbot.log_template import BadOutput, outputs, write_template
from reportbot.log_words import code_label, column_label, column_note, vocabulary
from reportbot.wording import words_for

REPORTS = ("cyfsa-part-x", "fippa-year-end")


def _tables(form):
    return load_flow(form).flow.log.tables


def _book(tmp_path: Path, form: str, language: str) -> openpyxl.Workbook:
    path = tmp_path / "log.xlsx"
    assert write_template(load_flow(form), words_for(language, form), path) == [path]
    return openpyxl.load_workbook(path)


def _list_values(book: openpyxl.Workbook, formula: str) -> list[str]:
    """The values a list check offers: the cells its formula names (=lists!$C$1:$C$13)."""
    sheet, cells = formula.lstrip("=").split("!")
    return [c.value for row in book[sheet][cells.replace("$", "")] for c in row]


def _checks(sheet) -> dict[str, object]:
    """Column letter → the data validation that covers it from row 3 down."""
    out = {}
    for dv in sheet.data_validations.dataValidation:
        first = str(dv.sqref).split(":")[0]
        assert first[1:] == "3" and str(dv.sqref).endswith("1048576"), dv.sqref
        out[first[0]] = dv
    return out


@pytest.mark.parametrize("form", REPORTS)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_table_is_a_sheet_with_ids_then_labels_frozen(tmp_path, form, language):
    book = _book(tmp_path, form, language)
    words = words_for(language, form)
    tables = _tables(form)
    assert book.sheetnames == [t.id for t in tables] + ["notes", "lists"]
    assert book["lists"].sheet_state == "hidden"
    for table in tables:
        sheet = book[table.id]
        assert [c.value for c in sheet[1]] == [c.id for c in table.columns]
        assert [c.value for c in sheet[2]] == [column_label(words, c) for c in table.columns]
        assert sheet.freeze_panes == "B3"
        assert sheet.max_row == 2  # empty: nothing but the two header rows
        assert sheet["A1"].comment.text == column_note(words, table.columns[0])


def test_cyfsa_in_french_has_a_breaches_sheet_with_french_labels(tmp_path):
    book = _book(tmp_path, "cyfsa-part-x", "fr")
    assert [c.value for c in book["breaches"][2]][:3] == ["Numéro d'incident", "Date de l'incident", "Type d'atteinte"]


@pytest.mark.parametrize("form", REPORTS)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_coded_and_yes_no_columns_offer_their_values_in_the_filers_language(tmp_path, form, language):
    book = _book(tmp_path, form, language)
    flow, words = load_flow(form), words_for(language, form)
    yes_no = {"en": ["yes", "no"], "fr": ["oui", "non"]}[language]
    for table in _tables(form):
        checks = _checks(book[table.id])
        for i, column in enumerate(table.columns):
            dv = checks.get(get_column_letter(i + 1))
            if column.value == "yesno":
                assert dv.type == "list" and _list_values(book, dv.formula1) == yes_no
            elif column.value in ("code", "codes"):
                assert dv.type == "list", column.id
                assert _list_values(book, dv.formula1) == [code_label(flow, words, c.id) for c in column.codes]
                # One code: another value is warned about; several codes (6.2; 6.3) cannot be a list item.
                assert dv.errorStyle == ("information" if column.value == "codes" else "warning"), column.id
            elif column.value == "date":
                assert (dv.type, dv.operator, dv.formula1) == ("date", "greaterThanOrEqual", "32874")  # 1990-01-01
                assert (dv.errorTitle, dv.error) == (words.t("log.template.date_title"),
                                                     words.t("log.template.date_message"))
            elif column.value == "count":
                assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")
            elif column.value == "money":
                assert (dv.type, dv.operator) == ("decimal", "greaterThanOrEqual")
            else:
                assert dv is None, column.id


@pytest.mark.parametrize("form", REPORTS)
def test_every_drop_down_value_is_one_the_reader_is_handed(tmp_path, form):
    """What the template offers must be what reading takes: a label in the Vocabulary of its own code."""
    book = _book(tmp_path, form, "fr")
    vocab = vocabulary(form)
    for table in _tables(form):
        checks = _checks(book[table.id])
        for i, column in enumerate(table.columns):
            if column.codes:
                offered = _list_values(book, checks[get_column_letter(i + 1)].formula1)
                for code, value in zip(column.codes, offered, strict=True):
                    assert value in vocab.codes[code.id]


def test_the_codes_prompt_gives_an_example_of_the_columns_own_codes(tmp_path):
    checks = _checks(_book(tmp_path, "fippa-year-end", "en")["requests"])
    columns = [c.id for c in _tables("fippa-year-end")[0].columns]
    exemptions = checks[get_column_letter(columns.index("exemptions") + 1)]
    assert "(such as 8.1; 8.2)" in exemptions.prompt


def test_cells_are_formatted_by_kind_and_file_numbers_stay_text(tmp_path):
    sheet = _book(tmp_path, "fippa-year-end", "en")["requests"]
    columns = [c.id for c in _tables("fippa-year-end")[0].columns]
    fmt = {cid: sheet.column_dimensions[get_column_letter(i + 1)].number_format for i, cid in enumerate(columns)}
    assert fmt["file"] == "@"  # "2025-01" typed into a file number must not become a date
    assert fmt["received"] == fmt["completed"] == fmt["due"] == "yyyy-mm-dd"
    assert fmt["application_fee"] == "#,##0.00"
    assert fmt["paused_days"] == "0"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_notes_sheet_explains_every_column_with_its_values(tmp_path, language):
    form = "fippa-year-end"
    flow, words = load_flow(form), words_for(language, form)
    rows = list(_book(tmp_path, form, language)["notes"].iter_rows(values_only=True))
    assert rows[0] == tuple(words.t(f"log.head.{h}") for h in ("table", "column", "label", "note", "value", "values"))
    columns = _tables(form)[0].columns
    assert [r[1] for r in rows[1:len(columns) + 1]] == [c.id for c in columns]
    by_id = {r[1]: r for r in rows[1:len(columns) + 1]}
    for column in columns:
        row = by_id[column.id]
        assert row[2:4] == (column_label(words, column), column_note(words, column))
    assert by_id["file"][4] == words.t("log.kind.text") + ", " + words.t("log.required")
    outcome = by_id["outcome"][5].split("\n")
    assert outcome[0] == words.t("log.code", code="7.1", label=code_label(flow, words, "7.1"))
    assert len(outcome) == 10
    # Under the columns, how dates, yes or no, dollars and codes are written.
    below = [r[0] for r in rows[len(columns) + 1:] if r[0]]
    assert below == [words.t(f"log.doc.{key}") for key in ("dates", "yesno", "money", "codes")]


def test_csv_into_a_folder_writes_one_file_per_table_named_by_it(tmp_path):
    folder = tmp_path / "logs"
    written = write_template(load_flow("cyfsa-part-x"), words_for("en", "cyfsa-part-x"), folder)
    assert written == [folder / "requests.csv", folder / "breaches.csv"]
    for path, table in zip(written, _tables("cyfsa-part-x"), strict=True):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # a spreadsheet program then opens accents right
        assert list(csv.reader(raw.decode("utf-8-sig").splitlines())) == [[c.id for c in table.columns]]
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700


def test_a_csv_name_is_a_stem_the_table_names_are_added_to(tmp_path):
    assert outputs(load_flow("fippa-year-end"), tmp_path / "Log.CSV") == [tmp_path / "Log-requests.csv"]
    assert outputs(load_flow("cyfsa-part-x"), tmp_path / "log.csv") == [
        tmp_path / "log-requests.csv", tmp_path / "log-breaches.csv"]
    existing = tmp_path / "2025.logs"
    existing.mkdir()
    assert outputs(load_flow("fippa-year-end"), existing) == [existing / "requests.csv"]
    with pytest.raises(BadOutput):
        outputs(load_flow("fippa-year-end"), tmp_path / "log.ods")
    with pytest.raises(BadOutput):  # standard output: a workbook or several files have no place there
        outputs(load_flow("fippa-year-end"), Path("-"))


def test_a_folder_named_by_o_is_made_but_a_csv_names_folder_must_exist(tmp_path):
    flow, words = load_flow("fippa-year-end"), words_for("en", "fippa-year-end")
    assert write_template(flow, words, tmp_path / "new" / "logs") == [tmp_path / "new" / "logs" / "requests.csv"]
    with pytest.raises(FileNotFoundError):
        write_template(flow, words, tmp_path / "typo" / "log.csv")
    assert not (tmp_path / "typo").exists()


def test_the_template_is_owner_only_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        path = tmp_path / "log.xlsx"
        write_template(load_flow("fippa-year-end"), words_for("en", "fippa-year-end"), path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_no_template_file_is_written_over_the_database(tmp_path):
    database = tmp_path / "requests.csv"
    database.write_bytes(b"SQLite format 3\x00")
    with pytest.raises(IsTheDatabase):
        write_template(load_flow("cyfsa-part-x"), words_for("en", "cyfsa-part-x"), tmp_path, database=database)
    assert database.read_bytes() == b"SQLite format 3\x00"
    assert not (tmp_path / "breaches.csv").exists()  # refused before any file is written


def test_the_command_writes_the_template_and_says_where(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--lang", "fr", "log", "template", "cyfsa-part-x", "-o", "log.xlsx"]) == 0
    assert capsys.readouterr().out == "Modèle de registre pour cyfsa-part-x écrit dans log.xlsx.\n"
    assert openpyxl.load_workbook(tmp_path / "log.xlsx").sheetnames[:2] == ["requests", "breaches"]


def test_the_command_refuses_an_unknown_kind_of_file_and_the_database_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--lang", "en", "log", "template", "fippa-year-end", "-o", "log.ods"]) == 2
    assert capsys.readouterr().err == "reportbot: log.ods: give a file name ending in .xlsx or .csv, or a folder.\n"
    (tmp_path / "db.xlsx").write_bytes(b"SQLite format 3\x00")
    assert cli.main(["--db", "db.xlsx", "--lang", "en", "log", "template", "fippa-year-end", "-o", "db.xlsx"]) == 2
    assert "is reportbot's database" in capsys.readouterr().err
    assert (tmp_path / "db.xlsx").read_bytes() == b"SQLite format 3\x00"



@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_template_filled_in_through_the_year_is_counted_without_a_word_about_its_own_sheets(tmp_path, capsys,
                                                                                                   language):
    import datetime as dt
    import json

    write_template(load_flow("fippa-year-end"), words_for(language, "fippa-year-end"), tmp_path / "log.xlsx")
    book = openpyxl.load_workbook(tmp_path / "log.xlsx")
    sheet = book["requests"]
    ids = [c.value for c in sheet[1]]
    for row, cells in enumerate([
        {"file": "2025-001", "records": "personal", "received": dt.datetime(2025, 1, 6),
         "completed": dt.datetime(2025, 1, 30), "source": "4.1", "outcome": "7.1", "application_fee": 5},
        {"file": "2025-002", "records": "general", "received": dt.datetime(2025, 2, 6),
         "completed": dt.datetime(2025, 3, 20), "source": "4.4", "outcome": "7.2", "exemptions": "13; 17",
         "extension": "yes", "due": dt.datetime(2025, 3, 31), "application_fee": 5, "additional_fees": 22.5,
         "fee_reasons": "10.5"},
    ], start=3):  # under the two header rows
        for column, value in cells.items():
            sheet.cell(row=row, column=ids.index(column) + 1, value=value)
    book.save(tmp_path / "log.xlsx")
    # The notes sheet (one row per column, its id beside its label) and the hidden lists sheet are no tables.
    assert cli.main(["log", "check", "fippa-year-end", str(tmp_path / "log.xlsx"), "--year", "2025"]) == 0
    said = capsys.readouterr().out
    assert "[notes]" not in said and "[lists]" not in said
    assert cli.main(["log", "count", "fippa-year-end", str(tmp_path / "log.xlsx"), "--year", "2025"]) == 0
    out, err = capsys.readouterr()
    answers = json.loads(out)["answers"]
    assert answers["7.1"] == {"personal": 1, "general": 0} and answers["8.2"]["general"] == 1 and err == ""  # s.13
