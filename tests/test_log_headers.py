"""An unfamiliar log's headers: what reading could not name, and the columns a box needs that no header names."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbot.flow.loader import load_flow
from reportbot.log.files import LogError
from reportbot.log.mapping import LogMap, read_mapping, write_mapping
from reportbot.log.read import read_log
from reportbot.log.vocabulary import Vocabulary
from reportbot.log_load import load

FIPPA = load_flow("fippa-year-end")
CYFSA = load_flow("cyfsa-part-x")
CYFSA_LOG = CYFSA.flow.log
LOGS = Path(__file__).parent / "data" / "logs"


def _write(tmp_path: Path, text: str, name: str = "log.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reading_names_the_missing_columns_and_the_headers_that_named_none_never_a_cell(tmp_path):
    path = _write(tmp_path, "file,Decision Made,Department,received,Status\n2025-001,granted,Jane Q. Public,2025-03-04,"
                            "her divorce\n")
    spec = FIPPA.flow.log
    assert spec is not None
    read = read_log([path], spec, Vocabulary(), year=2025)
    gaps, = read.gaps
    assert (gaps.source, gaps.table) == (str(path), "requests")
    assert gaps.unnamed == ((1, "Decision Made"), (2, "Department"), (4, "Status"))
    assert gaps.missing[:3] == ("request", "records", "transferred_in")  # the flow's order
    assert "file" not in gaps.missing and "received" not in gaps.missing and "outcome" in gaps.missing
    assert not any(word in repr(read.gaps) for word in ("Jane", "divorce", "granted"))  # header text only


def test_a_header_written_twice_is_not_offered(tmp_path):
    path = _write(tmp_path, "file,received,Notes,notes ,Status\n2025-001,2025-03-04,a,b,c\n")
    spec = FIPPA.flow.log
    assert spec is not None
    gaps, = read_log([path], spec, Vocabulary(), year=2025).gaps
    assert gaps.unnamed == ((4, "Status"),)


def test_each_table_of_a_workbook_says_its_own(tmp_path):
    import xlsxwriter

    path = tmp_path / "log.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("requests").write_row(0, 0, ["file", "received", "Decision"])
    book.add_worksheet("breaches").write_row(0, 0, ["incident", "Kind", 2025])
    book.close()
    spec = CYFSA.flow.log
    assert spec is not None
    requests, breaches = read_log([path], spec, Vocabulary(), year=2025).gaps
    assert requests.unnamed == () and "outcome" not in requests.missing  # "decision" is an alias of outcome
    assert (breaches.table, breaches.unnamed) == ("breaches", ((1, "Kind"),))  # a number is no header to name
    assert breaches.missing == ("date", "category", "thief", "cause", "affected")


def test_the_load_keeps_only_the_missing_columns_a_box_cannot_do_without(tmp_path):
    # The example log has Days Paused: the fee estimate's two dates, only read when it is blank, decide no box.
    gaps, = load(FIPPA, [LOGS / "fippa-2025.csv"], 2025).gaps
    assert gaps.missing == () and gaps.unnamed == ()  # Requester Name and Summary are private: never offered
    path = _write(tmp_path, "file,received,Decision Made\n2025-001,2025-03-04,granted\n")
    gaps, = load(FIPPA, [path], 2025).gaps
    # records splits the report's columns; request (blank: access) and first_received (the clock) decide none.
    assert "records" in gaps.missing and "outcome" in gaps.missing and "completed" in gaps.missing
    assert not {"request", "first_received", "paused_days", "fee_estimate_sent", "deposit_paid"} & set(gaps.missing)


def test_a_log_without_a_column_a_row_set_reads_decides_only_the_boxes_it_can(tmp_path):
    """No completed nor transferred_out column: 3.3 (F), 3.8 (C) and the rest are asked, never counted as blanks."""
    path = _write(tmp_path, "file,received,records,transferred_in\n2025-001,2025-03-04,personal,no\n"
                            "2025-002,2025-04-04,general,yes\n")
    answers = load(FIPPA, [path], 2025).count.answers
    assert (answers[("3.1", "personal")], answers[("3.1", "general")], answers[("3.2", "general")]) == (1, 0, 1)
    assert not {("3.3", "personal"), ("3.6", "personal"), ("3.8", "personal"), ("4.1", "personal")} & set(answers)


def test_the_map_keeps_the_columns_a_log_does_not_keep_and_refuses_an_unknown_one(tmp_path):
    path = tmp_path / "log.map.yaml"
    write_mapping(path, LogMap(columns={"Final\nDecision": "outcome"}, absent=["due", "provisions"]), tmp_path / "r.sqlite3")
    assert read_mapping(path, CYFSA_LOG) == LogMap(columns={"Final\nDecision": "outcome"}, absent=["due", "provisions"])
    path.write_text("absent: [dues]\n", encoding="utf-8")
    with pytest.raises(LogError) as e:
        read_mapping(path, CYFSA_LOG)
    assert e.value.key == "log.error.map_column" and e.value.facts["column"] == "dues"


def test_a_column_the_map_says_the_log_does_not_keep_is_not_missing(tmp_path):
    path = _write(tmp_path, "file,received,Decision Made\n2025-001,2025-03-04,granted\n")
    (tmp_path / "map.yaml").write_text("absent: [completed, outcome]\n", encoding="utf-8")
    gaps, = load(FIPPA, [path], 2025, mapping=tmp_path / "map.yaml").gaps
    assert "records" in gaps.missing and not {"completed", "outcome"} & set(gaps.missing)


def test_a_sheet_without_its_key_column_says_its_headers_when_its_first_text_row_names_columns(tmp_path):
    spec = CYFSA_LOG
    path = _write(tmp_path, "Requests, 2025\nRef,Department,received,completed\nA-1,Jane Q. Public,2025-01-10,\n")
    read = read_log([path], spec, Vocabulary(), year=2025)
    assert read.tables == [] and [n.code for n in read.notices] == ["not_a_table"]
    gaps, = read.gaps
    assert (gaps.table, gaps.missing, gaps.unnamed) == ("requests", ("file",), ((0, "Ref"), (1, "Department")))
    path = _write(tmp_path, "Ref,date,category,Who\nI-1,2025-01-10,stolen,Jane Q. Public\n")
    gaps, = read_log([path], spec, Vocabulary(), year=2025).gaps
    assert (gaps.table, gaps.missing) == ("breaches", ("incident",))  # the table its headers name most


def test_a_sheet_with_no_row_surely_headers_offers_nothing(tmp_path):
    import xlsxwriter

    # No header at all: a row of cells naming one column by chance.
    text = "A-1,Jane Q. Public,2025-01-10,completed\n"
    assert read_log([_write(tmp_path, text)], CYFSA_LOG, Vocabulary(), year=2025).gaps == []
    path = tmp_path / "log.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("requests").write_row(0, 0, ["Jane Q. Public", 2025, "received", "completed"])  # a number
    book.close()
    assert read_log([path], CYFSA_LOG, Vocabulary(), year=2025).gaps == []


def test_a_sheet_whose_key_the_map_says_is_not_kept_offers_nothing(tmp_path):
    path = _write(tmp_path, "Ref,Department,received,completed\nA-1,Jane,2025-01-10,\n")
    (tmp_path / "map.yaml").write_text("absent: [file]\n", encoding="utf-8")
    mapping = read_mapping(tmp_path / "map.yaml", CYFSA_LOG)
    assert read_log([path], CYFSA_LOG, Vocabulary(), year=2025, mapping=mapping).gaps == []


@pytest.mark.parametrize("header", ["Request #", "File #", "N° de dossier", "Nº de dossier", "request_no"])
def test_the_signs_for_a_number_read_as_its_word(tmp_path, header):
    """Logs head their file numbers "Request #" or "N° de dossier": "#" and "N°" are "number" and "numéro"."""
    path = _write(tmp_path, f"{header},received\nR-001,2025-03-04\n")
    spec = CYFSA_LOG
    assert spec is not None
    table, = read_log([path], spec, Vocabulary(), year=2025).tables
    assert table.values["file"] == ["R-001"]


def test_a_children_aid_societys_own_headers_and_words_read_without_a_map(tmp_path):
    """As one keeps it: "Request #", "Date Rec'd", "Closed On", "Granted in full"."""
    path = _write(tmp_path, "Request #,Type,Date Rec'd,Closed On,Decision\nR-001,Access,2025-01-07,2025-01-30,"
                            "Granted in full\n")
    assert CYFSA_LOG is not None
    table, = read_log([path], CYFSA_LOG, Vocabulary(), year=2025).tables
    assert table.values["file"] == ["R-001"] and table.values["outcome"] == [frozenset({"6.1"})]
    assert table.values["received"] is not None and table.values["completed"] is not None and not table.findings


@pytest.mark.parametrize("header", ["Requester", "Requester's name", "NOM DU DEMANDEUR", "Description", "Summary",
                                    "Notes", "Commentaires"])
def test_a_header_of_who_asked_or_what_about_is_never_offered_nor_read_whatever_a_map_says(tmp_path, header):
    """The requester's name and the request's subject stay in the filer's log: a question never offers them as the
    header of a column reportbot needs, and a map naming one as a column is not obeyed."""
    path = _write(tmp_path, f"file,received,{header}\n2025-001,2025-03-04,Jane Q. Public\n")
    assert CYFSA_LOG is not None
    read = read_log([path], CYFSA_LOG, Vocabulary(), year=2025)
    assert all(text != header for g in read.gaps for _, text in g.unnamed)
    mapping = LogMap(columns={header: "outcome"})
    table, = read_log([path], CYFSA_LOG, Vocabulary(), year=2025, mapping=mapping).tables
    assert "outcome" not in table.values and "Jane" not in repr(table)
