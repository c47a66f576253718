"""Reading a request log: headers matched loosely, every kind of cell read by its own rule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportbot.flow.loader import load_flow
from reportbot.log import cells
from reportbot.log.files import LogError
from reportbot.log.mapping import read_mapping
from reportbot.log.read import read_log
from reportbot.log.vocabulary import Vocabulary

FIPPA = load_flow("fippa-year-end").flow.log
CYFSA = load_flow("cyfsa-part-x").flow.log
NO_WORDS = Vocabulary()
assert FIPPA is not None and CYFSA is not None


def _log(tmp_path: Path, text: str, name: str = "log.csv", spec=FIPPA, vocabulary=NO_WORDS, **options):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return read_log([path], spec, vocabulary, year=2025, **options)


def _one(tmp_path: Path, header: str, cell: str, **options):
    """The table of a one-row log: file number, then ``header`` holding ``cell``."""
    table, = _log(tmp_path, f'file,{header}\n2025-001,"{cell}"\n', **options).tables
    return table


def day(text: str) -> int:
    return dt.date.fromisoformat(text).toordinal()


# Files and headers


def test_a_bom_semicolons_a_header_with_a_line_break_and_stray_spaces(tmp_path):
    text = '\ufeffFILE_NUMBER; Date_Received ;"TOTAL_AMOUNT\n_OF_FEES_WAIVED";Requester name\nFOI 2015-194 ;2015-03-04;12,50 $;Alice\n'
    table, = _log(tmp_path, text).tables
    assert table.values == {"file": ["FOI 2015-194"], "received": [day("2015-03-04")], "waived_amount": [1250]}
    assert table.lines == [2]


def test_unknown_headers_are_ignored_and_their_cells_never_kept(tmp_path):
    table, = _log(tmp_path, "file,name,description\n2025-001,Alice Smith,her own file\n").tables
    assert table.values == {"file": ["2025-001"]}
    assert "Alice" not in repr(table)


def test_headers_match_without_case_accents_hyphens_or_underscores(tmp_path):
    table, = _log(tmp_path, "Numéro-de_DOSSIER,DATE DE RÉCEPTION,transferred-in\n2025-001,2025-01-02,oui\n").tables
    assert set(table.values) == {"file", "received", "transferred_in"}


def test_headers_match_the_vocabularys_labels(tmp_path):
    words = Vocabulary(columns={"received": ["Date the request was received", "Date de réception de la demande"]})
    table, = _log(tmp_path, "file,Date de reception de la demande\n2025-001,2025-01-02\n", vocabulary=words).tables
    assert table.values["received"] == [day("2025-01-02")]


def test_the_map_names_columns_and_values(tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text('columns: {date_accepted: received, decision: outcome, received: null}\n'
                       'values:\n  outcome: {released in part: "7.2", nothing: 7.4}\n')
    table, = _log(tmp_path, "file,date_accepted,decision,received\n2025-1,2025-01-02,Released in part,x\n2025-2,2025-01-03,nothing,y\n",
                  mapping=read_mapping(mapping, FIPPA)).tables
    assert table.values == {"file": ["2025-1", "2025-2"], "received": [day("2025-01-02"), day("2025-01-03")],
                            "outcome": ["7.2", "7.4"]}


@pytest.mark.parametrize(("text", "code"), [
    ("columns: {decision: outcom}\n", "map_column"),
    ('values:\n  outcome: {released: "7.9"}\n', "map_code"),
    ("columns: [decision]\n", "map_field"),
    ("colums: {}\n", "map_field"),
    ("columns: {a: received, a: completed}\n", "map_invalid"),
])
def test_a_map_that_cannot_be_used_is_refused(tmp_path, text, code):
    path = tmp_path / "map.yaml"
    path.write_text(text)
    with pytest.raises(LogError) as caught:
        read_mapping(path, FIPPA)
    assert caught.value.code == code


def test_the_table_kind_comes_from_its_key_column(tmp_path):
    read = _log(tmp_path, "Incident number,date,category\nB-1,2025-02-03,stolen\n", spec=CYFSA)
    table, = read.tables
    assert table.kind == "breaches" and table.values["category"] == ["11.1"]


def test_a_sheet_with_neither_key_is_ignored_with_a_notice(tmp_path):
    read = _log(tmp_path, "name,notes\nAlice,x\n")
    assert read.tables == [] and [n.code for n in read.notices] == ["not_a_table"]


def test_a_title_above_the_header_and_a_second_row_of_labels(tmp_path):
    words = Vocabulary(columns={"file": ["File number"], "received": ["Date received"]})
    text = "Requests 2025,\nfile,received\nFile number,Date received\n2025-001,2025-01-02\n"
    table, = _log(tmp_path, text, vocabulary=words).tables
    assert table.values["file"] == ["2025-001"] and table.lines == [4]


def test_two_headers_naming_one_column_are_refused(tmp_path):
    with pytest.raises(LogError) as caught:
        _log(tmp_path, "file,date received,received\n2025-001,2025-01-02,2025-01-03\n")
    assert caught.value.code == "same_column" and caught.value.facts["column"] == "received"


def test_blank_rows_are_no_rows_and_lines_are_the_spreadsheets(tmp_path):
    table, = _log(tmp_path, "file,received,notes\n2025-001,2025-01-02,\n,,only a note\n2025-003,2025-01-04,\n").tables
    assert table.lines == [2, 4]


def test_several_files_in_one_call(tmp_path):
    (tmp_path / "a.csv").write_text("file\nA-1\n")
    (tmp_path / "b.csv").write_text("incident\nB-1\n")
    read = read_log([tmp_path / "a.csv", tmp_path / "b.csv"], CYFSA, Vocabulary(), year=2025)
    assert [(t.kind, t.values) for t in read.tables] == [("requests", {"file": ["A-1"]}),
                                                        ("breaches", {"incident": ["B-1"]})]


# Dates


@pytest.mark.parametrize(("cell", "expected"), [
    ("2025-03-04", "2025-03-04"), ("2025/3/4", "2025-03-04"), ("2025-03-04 00:00:00", "2025-03-04"),
    ("25/03/2025", "2025-03-25"), ("03/25/2025", "2025-03-25"), ("45720", "2025-03-04"), ("4/4/2025", "2025-04-04"),
])
def test_dates(tmp_path, cell, expected):
    assert _one(tmp_path, "received", cell).values["received"] == [day(expected)]


def test_the_date_order_is_decided_by_a_day_over_12_in_the_column(tmp_path):
    table, = _log(tmp_path, "file,received\n1,03/04/2025\n2,13/04/2025\n").tables
    assert table.values["received"] == [day("2025-04-03"), day("2025-04-13")]
    table, = _log(tmp_path, "file,received\n1,03/04/2025\n2,04/13/2025\n").tables
    assert table.values["received"] == [day("2025-03-04"), day("2025-04-13")]


def test_an_undecidable_date_column_is_refused_naming_the_option(tmp_path):
    with pytest.raises(LogError) as caught:
        _log(tmp_path, "file,received\n1,03/04/2025\n2,05/06/2025\n")
    assert caught.value.code == "date_order" and caught.value.facts["column"] == "received"
    table, = _log(tmp_path, "file,received\n1,03/04/2025\n2,05/06/2025\n", date_order="month_first").tables
    assert table.values["received"] == [day("2025-03-04"), day("2025-05-06")]


def test_a_date_against_the_given_order_is_a_row_finding(tmp_path):
    table = _one(tmp_path, "received", "13/04/2025", date_order="month_first")
    assert table.values["received"] == [None] and table.findings[0].code == "date"


@pytest.mark.parametrize("cell", ["1301-01-01", "1989-12-31", "2027-01-01"])
def test_dates_before_1990_or_after_next_year_are_errors(tmp_path, cell):
    table = _one(tmp_path, "received", cell)
    finding, = table.findings
    assert (finding.severity, finding.code, finding.line, finding.file, finding.column) == (
        "error", "date_range", 2, "2025-001", "received")
    assert finding.facts == {"cell": cell, "last": "2026-12-31"}
    assert table.invalid == {"received": {0}}


@pytest.mark.parametrize("cell", ["2025-02-30", "next week", "31/31/2025", "2025"])
def test_a_cell_that_is_no_date(tmp_path, cell):
    table = _one(tmp_path, "completed", cell)
    assert table.values["completed"] == [None] and table.findings[0].code == "date"


def test_date_cells_are_parsed_once_each(monkeypatch):
    seen = []
    real = cells.date_cell
    monkeypatch.setattr(cells, "date_cell", lambda c: seen.append(c) or real(c))
    from reportbot.log import read

    column = next(c for c in FIPPA.tables[0].columns if c.id == "received")
    reader = read._Reader(column, {column.id: column}, Vocabulary(), None, day("2026-12-31"), "x")
    for _ in range(3):  # three chunks of rows
        reader.add(["2025-01-02"] * 1000 + [""], {})
    assert seen == ["2025-01-02"]


# Yes/no, money, counts


@pytest.mark.parametrize(("cell", "expected"), [
    ("yes", True), ("Y", True), ("TRUE", True), ("1", True), ("oui", True), ("x", True), ("X", True),
    ("no", False), ("n", False), ("false", False), ("0", False), ("Non", False), ("", False),
])
def test_yes_no(tmp_path, cell, expected):
    assert _one(tmp_path, "extension", cell).values["extension"] == [expected]


def test_a_yes_no_cell_that_is_neither(tmp_path):
    table = _one(tmp_path, "extension", "maybe")
    assert table.values["extension"] == [None] and table.findings[0].code == "yesno"


@pytest.mark.parametrize(("cell", "cents"), [
    ("12.50", 1250), ("$12.50", 1250), ("1,234.50", 123450), ("1 234,50 $", 123450), (" $-   ", 0),
    ("12,5", 1250), ("1,234", 123400), ("1\u00a0234", 123400), ("5", 500), ("", None),
])
def test_money(tmp_path, cell, cents):
    assert _one(tmp_path, "application_fee", cell).values["application_fee"] == [cents]


@pytest.mark.parametrize("cell", ["-5", "1.234", "12.345", "1,23,4", "five", "(12.50)"])
def test_money_that_cannot_be_read(tmp_path, cell):
    table = _one(tmp_path, "application_fee", cell)
    assert table.values["application_fee"] == [None] and table.findings[0].code == "money"


@pytest.mark.parametrize(("cell", "expected"), [("3", 3), ("1,200", 1200), ("1 200", 1200), ("", None)])
def test_counts(tmp_path, cell, expected):
    assert _one(tmp_path, "notices_sent", cell).values["notices_sent"] == [expected]


@pytest.mark.parametrize("cell", ["-1", "2.5", "three", "12,34"])
def test_counts_that_cannot_be_read(tmp_path, cell):
    assert _one(tmp_path, "notices_sent", cell).findings[0].code == "count"


# Codes


@pytest.mark.parametrize(("cell", "expected"), [
    ("7.2", "7.2"), ("Partly Exempt", "7.2"), ("  all   DISCLOSED ", "7.1"), ("retirée", "7.6"), ("RETIREE", "7.6"),
])
def test_a_code_by_id_word_or_label(tmp_path, cell, expected):
    assert _one(tmp_path, "outcome", cell).values["outcome"] == [expected]


def test_a_code_by_the_vocabularys_label(tmp_path):
    words = Vocabulary(codes={"7.3": ["Disclosed in part: some records do not exist"]})
    table, = _log(tmp_path, "file,outcome\n1,disclosed in part: SOME records do not exist\n", vocabulary=words).tables
    assert table.values["outcome"] == ["7.3"]


def test_several_codes_separated_by_semicolons(tmp_path):
    table, = _log(tmp_path, 'file,exemptions\n1,"13; s. 21;8.14"\n2,\n').tables
    assert table.values["exemptions"] == [frozenset({"8.2", "8.12", "8.14"}), frozenset()]


def test_separators_alone_name_no_code(tmp_path):
    table, = _log(tmp_path, 'file,exemptions,request\n1, ; ,;\n').tables
    assert table.values["exemptions"] == [frozenset()] and table.values["request"] == ["access"]


def test_one_code_only_where_one_is_allowed(tmp_path):
    assert _one(tmp_path, "source", "business; media").findings[0].code == "code_one"


def test_a_shared_word_is_resolved_by_the_rows_other_column(tmp_path):
    table, = _log(tmp_path, "file,request,outcome\n1,access,withdrawn\n2,correction,withdrawn\n3,,withdrawn\n").tables
    assert table.values["request"] == ["access", "correction", "access"]
    assert table.values["outcome"] == ["7.6", "11.8", "7.6"]


def test_a_shared_word_without_its_deciding_column_uses_that_columns_blank(tmp_path):
    assert _one(tmp_path, "outcome", "withdrawn").values["outcome"] == ["7.6"]


def test_a_shared_word_whose_deciding_cell_is_unreadable(tmp_path):
    table, = _log(tmp_path, "incident,category,cause\n1,stolen,paper\n2,flooded,paper\n", spec=CYFSA).tables
    assert table.values["cause"] == ["11.3.4", None]
    assert [(f.line, f.column, f.code) for f in table.findings] == [(3, "category", "code_unknown"), (3, "cause", "code_within")]


def test_a_code_for_the_other_kind_of_row(tmp_path):
    table, = _log(tmp_path, "file,request,outcome\n1,correction,7.2\n").tables
    finding, = table.findings
    assert finding.code == "code_other" and finding.facts == {"cell": "7.2", "within": "request", "kind": "correction"}


def test_a_misspelt_code_names_the_nearest_allowed_value(tmp_path):
    finding, = _one(tmp_path, "records", "persnal").findings
    assert (finding.code, finding.facts) == ("code", {"cell": "persnal", "nearest": "personal"})
    finding, = _one(tmp_path, "records", "zzzzzz").findings
    assert finding.code == "code_unknown"


def test_a_blank_code_is_the_columns_blank(tmp_path):
    table, = _log(tmp_path, "file,request,records\n1,,\n").tables
    assert table.values == {"file": ["1"], "request": ["access"], "records": [None]}


# Text


def test_file_numbers_are_one_line_with_stray_spaces_trimmed(tmp_path):
    table, = _log(tmp_path, 'file\n"  FOI  2015-192 "\n"FOI\n2015-193"\n').tables
    assert table.values["file"] == ["FOI 2015-192", "FOI 2015-193"]


def test_a_line_break_inside_one_file_number_among_clean_ones_is_still_read_to_one_line(tmp_path):
    # The clean column is told by one match over its cells joined by line breaks: a cell's own break must not pass.
    table, = _log(tmp_path, 'file\nA-1\n"A\n2"\nA-3\n').tables
    assert table.values["file"] == ["A-1", "A 2", "A-3"]


_FILE_CELLS = st.lists(st.one_of(
    st.from_regex(r"[A-Z]{0,3}20[0-9]{2}-[0-9]{1,4}", fullmatch=True),
    st.sampled_from(["", " ", "  A-1 ", "A  1", "=1+1", "-5", "a\u202eb", "x" * 101, "A\n1", "A\r1", "é-1", "\t"]),
    st.text(max_size=6),
), max_size=30)


@settings(max_examples=200, deadline=None)
@given(_FILE_CELLS)
def test_a_column_of_file_numbers_reads_as_each_cell_alone_would(given_cells):
    # A column is told clean at C speed, a line of the joined column per cell: it must read as text() of each.
    def said(value):
        return (value.code, value.facts) if isinstance(value, cells.Bad) else value

    values, bad = cells.text_column(list(given_cells))
    one_by_one = [cells.text(c) for c in given_cells]
    assert list(map(said, values)) == list(map(said, one_by_one))
    assert bad == any(isinstance(v, cells.Bad) for v in one_by_one)


def test_an_unreadable_file_number_leaves_the_findings_without_one(tmp_path):
    table, = _log(tmp_path, "file,extension\n=1+1,maybe\n").tables
    assert [(f.code, f.file) for f in table.findings] == [("text_formula", None), ("yesno", None)]


def test_a_code_typed_as_a_number_that_lost_its_last_zero_is_refused(tmp_path):
    import xlsxwriter

    path = tmp_path / "log.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("requests")
    sheet.write_row(0, 0, ["file", "exemptions"])
    sheet.write_row(1, 0, ["1", 8.10])  # kept as 8.1: s.12 or s.19?
    sheet.write_row(2, 0, ["2", 8.2])  # no 8.20: 8.2 is s.13
    book.close()
    table, = read_log([path], FIPPA, NO_WORDS, year=2025).tables
    assert table.values["exemptions"] == [None, frozenset({"8.2"})]
    assert [(f.line, f.code) for f in table.findings] == [(2, "code_number")]


def test_a_workbooks_sheets_cached_formula_values_native_dates_and_serial_numbers(tmp_path):
    import xlsxwriter

    path = tmp_path / "log.xlsx"
    book = xlsxwriter.Workbook(str(path))
    requests = book.add_worksheet("requests")
    requests.write_row(0, 0, ["file", "received", "completed"])
    requests.write_formula(1, 0, '=HYPERLINK("https://example.invalid/2025-009","2025-009")', None, "2025-009")
    requests.write_datetime(1, 1, dt.datetime(2025, 3, 4), book.add_format({"num_format": "d/m/yy"}))
    requests.write_number(1, 2, 45721)  # a date that lost its format: Excel's serial number
    breaches = book.add_worksheet("incidents")
    breaches.write_row(0, 0, ["incident", "date"])
    breaches.write_row(1, 0, ["B-1", "2025-02-03"])
    book.add_worksheet("notes").write(0, 0, "How to fill in this log")
    book.close()
    read = read_log([path], CYFSA, NO_WORDS, year=2025)
    assert [(t.kind, t.source, t.values) for t in read.tables] == [
        ("requests", f"{path} [requests]",
         {"file": ["2025-009"], "received": [day("2025-03-04")], "completed": [day("2025-03-05")]}),
        ("breaches", f"{path} [incidents]", {"incident": ["B-1"], "date": [day("2025-02-03")]}),
    ]
    assert read.notices[0].code == "not_a_table" and read.notices[0].facts == {"name": f"{path} [notes]"}


def test_a_file_that_starts_like_an_xls_but_is_none(tmp_path):
    path = tmp_path / "log.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(LogError) as caught:
        read_log([path], FIPPA, NO_WORDS, year=2025)
    assert caught.value.code == "not_spreadsheet"


def test_a_sheet_starting_below_and_right_of_a1_keeps_the_spreadsheets_row_numbers(tmp_path):
    import xlsxwriter

    path = tmp_path / "log.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("requests")
    sheet.write_row(2, 1, ["file", "received"])
    sheet.write_row(4, 1, ["2025-001", "next week"])
    book.close()
    table, = read_log([path], FIPPA, NO_WORDS, year=2025).tables
    assert table.lines == [5] and table.findings[0].line == 5


@pytest.mark.parametrize("header", ["Requester", "Requester name", "Name", "Applicant", "Subject", "Description"])
def test_a_column_of_requesters_names_or_subjects_is_never_read(tmp_path, header):
    """Privacy: a log's names and descriptions are neither read as a column nor quoted in a finding."""
    from reportbot.log_words import vocabulary

    for spec, form in ((FIPPA, "fippa-year-end"), (CYFSA, "cyfsa-part-x")):
        read = _log(tmp_path, f"file,received,{header}\n2025-001,2025-03-04,Jane Q. Public\n", spec=spec,
                    vocabulary=vocabulary(form))
        table, = read.tables
        assert set(table.values) == {"file", "received"}
        assert not any("Jane" in str(f.facts) for f in table.findings)
