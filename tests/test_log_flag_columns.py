"""A coded column kept as one column per code, each marked with an x (Greater Sudbury's published FOI log)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbot.explain import log_notice, row_finding
from reportbot.flow.loader import load_flow
from reportbot.log.files import LogError
from reportbot.log.headers import header_key, layout
from reportbot.log.mapping import LogMap, read_mapping, write_mapping
from reportbot.log.read import read_log
from reportbot.log.vocabulary import Vocabulary
from reportbot.log_load import load
from reportbot.log_words import log_spec, vocabulary
from reportbot.wording import wording

FIPPA = load_flow("fippa-year-end")
CYFSA = load_flow("cyfsa-part-x")
SUDBURY = Path(__file__).parent / "data" / "logs" / "sudbury-2015.csv"
# Sudbury's columns 2 and 5 name no one FIPPA outcome ("in part" is 7.2 or 7.3; "non-jurisdictional" is not
# withdrawn): the filer says which, once, in the map.
SUDBURY_MAP = """\
flags:
  outcome:
    "2_INFORMATION_DISCLOSED_IN_PART": "7.2"
    "5_REQUEST_WITHDRAWN,_ABANDONED_OR_NON-JURISDICTIONAL": "7.6"
"""
HEAD = "file,received,completed"


def _write(tmp_path: Path, text: str, name: str = "log.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _both(answers: dict, box: str) -> tuple[object, object]:
    return answers[(box, "personal")], answers[(box, "general")]


def test_a_sudbury_log_counts_each_outcome_from_its_marked_column(tmp_path):
    loaded = load(FIPPA, [SUDBURY], 2015, mapping=_write(tmp_path, SUDBURY_MAP, "map.yaml"))
    got = loaded.count.answers
    # By hand from the fixture (FOI2015-07 twice, counted once; FOI2014-98 carried forward; FOI2015-11 transferred
    # in; FOI2015-12 open; FOI2015-13 completed in 2016):
    assert _both(got, "3.1") == (4, 9)  # personal 03 06 09 13; general 01 02 04 05 07 08 10 12 2010
    assert _both(got, "3.2") == (0, 1) and _both(got, "3.3") == (0, 1)
    assert _both(got, "3.5") == (0, 0) and _both(got, "3.6") == (1, 1)
    completed = [sum(got[(b, c)] for b in ("3.1", "3.2", "3.3")) - got[("3.5", c)] - got[("3.6", c)]
                 for c in ("personal", "general")]
    assert completed == [3, 10]  # 3.8
    assert _both(got, "7.1") == (2, 4)  # personal 03 09; general 98 01 07 2010
    assert _both(got, "7.2") == (0, 2)  # 02 08, by the map
    assert _both(got, "7.3") == (0, 0)
    assert _both(got, "7.4") == (0, 1)  # 04
    assert _both(got, "7.5") == (0, 2)  # 05 10
    assert _both(got, "7.6") == (1, 1)  # 06; 11, by the map
    assert [f.code for f in loaded.count.findings] == ["duplicate_row"]
    assert loaded.notices == []
    assert loaded.count.headers["outcome"].startswith("1_ALL_INFORMATION_DISCLOSED, 2_INFORMATION_DISCLOSED_IN_PART")


def test_flag_headers_read_by_themselves_need_no_map_and_the_outcome_is_not_asked(tmp_path):
    loaded = load(FIPPA, [SUDBURY], 2015)
    got = loaded.count.answers
    assert _both(got, "7.1") == (2, 4) and _both(got, "7.4") == (0, 1) and _both(got, "7.5") == (0, 2)
    gaps, = loaded.gaps
    assert "outcome" not in gaps.missing  # read from its flags: the header question does not ask for it
    # The two headers naming no one code stay the filer's to map; their rows are said, not silently blank.
    assert [h for _, h in gaps.unnamed] == ["DEPARTMENT", " FEES_AMOUNT_NOT_PAID ", "2_INFORMATION_DISCLOSED_IN_PART",
                                            "5_REQUEST_WITHDRAWN,_ABANDONED_OR_NON-JURISDICTIONAL"]
    assert {(f.line, f.code) for f in loaded.count.findings if f.column == "outcome"} == {
        (4, "not_in_breakdown"), (8, "not_in_breakdown"), (11, "not_in_breakdown"), (14, "not_in_breakdown")}
    # Numbered as the flags read are, they are said once for the sheet, with what to do.
    notice, = loaded.notices
    assert (notice.code, notice.facts["column"]) == ("unread_flags", "outcome")
    assert notice.facts["headers"].startswith("2_INFORMATION_DISCLOSED_IN_PART, 5_REQUEST_WITHDRAWN")
    for language in ("en", "fr"):
        said = log_notice(wording(language), notice)
        assert "2_INFORMATION_DISCLOSED_IN_PART" in said and "flags" in said, said


def test_only_the_flag_columns_cells_are_read(tmp_path):
    spec = log_spec(FIPPA)
    read = read_log([SUDBURY], spec, vocabulary(FIPPA.id), year=2015)
    table, = read.tables
    assert "Human Resources" not in repr(table) and "Planning Services" not in repr(table)
    assert table.values["outcome"][:3] == ["7.1", "7.1", None]  # 98, 01, 02 (an unmapped column: blank)


def test_a_one_code_column_with_two_marked_is_unreadable_naming_both_headers(tmp_path):
    path = _write(tmp_path, f"{HEAD},All disclosed,Nothing disclosed,No records\n"
                            "A-1,2025-02-03,2025-03-01,x,x,\nA-2,2025-02-04,2025-03-02,,,yes\n")
    table, = read_log([path], log_spec(FIPPA), vocabulary(FIPPA.id), year=2025).tables
    assert table.values["outcome"] == [None, "7.5"]
    finding, = table.findings
    assert (finding.code, finding.column, finding.line, finding.file) == ("code_flags", "outcome", 2, "A-1")
    assert finding.facts == {"first": "All disclosed", "second": "Nothing disclosed"}
    for language in ("en", "fr"):
        said = row_finding(wording(language), finding)
        assert "All disclosed" in said and "Nothing disclosed" in said, said


def test_a_mark_that_is_not_yes_or_no_is_unreadable_naming_its_header(tmp_path):
    path = _write(tmp_path, f"{HEAD},All disclosed,No records\nA-1,2025-02-03,2025-03-01,maybe,\n")
    table, = read_log([path], log_spec(FIPPA), vocabulary(FIPPA.id), year=2025).tables
    finding, = table.findings
    assert (finding.code, finding.facts) == ("flag", {"cell": "maybe", "header": "All disclosed"})
    assert "maybe" in row_finding(wording("fr"), finding)


def test_a_mark_is_read_within_the_rows_kind_of_request(tmp_path):
    # "Withdrawn" is 7.6 on an access request and 11.8 on a correction; a 7.1 mark on a correction fits no row.
    path = _write(tmp_path, f"{HEAD},type,All disclosed,Withdrawn\nA-1,2025-02-03,2025-03-01,access,,x\n"
                            "A-2,2025-02-03,2025-03-01,correction,,x\nA-3,2025-02-03,2025-03-01,correction,x,\n")
    table, = read_log([path], log_spec(FIPPA), vocabulary(FIPPA.id), year=2025).tables
    assert table.values["outcome"] == ["7.6", "11.8", None]
    assert [(f.code, f.line) for f in table.findings] == [("code_other", 4)]


def test_french_labels_name_the_flags(tmp_path):
    path = _write(tmp_path, f"{HEAD},Tous les renseignements ont été divulgués,Demande retirée ou abandonnée\n"
                            "A-1,2025-02-03,2025-03-01,,X\nA-2,2025-02-03,2025-03-01,oui,\n")
    table, = read_log([path], log_spec(FIPPA), vocabulary(FIPPA.id), year=2025).tables
    assert table.values["outcome"] == ["7.6", "7.1"]


def test_a_cyfsa_outcome_takes_every_code_marked(tmp_path):
    path = _write(tmp_path, f"{HEAD},request type,Full access,No records,Withdrawn\n"
                            "C-1,2025-02-03,2025-03-01,,x,,\nC-2,2025-02-03,2025-03-01,,,x,x\n"
                            "C-3,2025-02-03,2025-03-01,correction,,,x\nC-4,2025-02-03,,,,,\n")
    loaded = load(CYFSA, [path], 2025)
    table_outcomes = read_log([path], log_spec(CYFSA), vocabulary(CYFSA.id), year=2025).tables[0].values["outcome"]
    assert table_outcomes == [frozenset({"6.1"}), frozenset({"6.7", "6.9"}), frozenset({"8.5"}), frozenset()]
    got = loaded.count.answers
    assert [got[(b, None)] for b in ("6.1", "6.7", "6.9", "8.5")] == [1, 1, 1, 1]


def test_a_leading_number_is_ignored_only_before_a_separator_and_a_word():
    spec = log_spec(FIPPA)
    header = ["file", "received", "1st Partial", "10 Day Notice", "2_No records", "3. Withdrawn", "4) Exempt"]
    found = layout([header, ["A-1", "2025-01-02"]], "log.csv", spec, vocabulary(FIPPA.id), None)
    assert found is not None
    assert found.flags["outcome"] == ((4, "no records", "2_No records"), (5, "withdrawn", "3. Withdrawn"),
                                      (6, "exempt", "4) Exempt"))
    assert [h for _, h in found.gaps.unnamed] == ["1st Partial", "10 Day Notice"]


def test_exemption_sections_as_headers_are_one_codes_column(tmp_path):
    path = _write(tmp_path, f"{HEAD},decision,s. 12,14.1,21\nA-1,2025-02-03,2025-03-01,partly exempt,x,,x\n")
    table, = read_log([path], log_spec(FIPPA), vocabulary(FIPPA.id), year=2025).tables
    assert table.values["exemptions"] == [frozenset({"8.1", "8.12"})]


def test_one_header_naming_a_code_is_no_flag_column_nor_one_that_fits_two_columns(tmp_path):
    path = _write(tmp_path, f"{HEAD},Withdrawn,Other,Search\nA-1,2025-02-03,2025-03-01,x,x,x\n")
    found = layout([line.split(",") for line in path.read_text().splitlines()], "log.csv", log_spec(FIPPA),
                   vocabulary(FIPPA.id), None)
    assert found is not None and found.flags == {}  # "Other" is a source, an exemption and a fee reason
    assert {"outcome", "source", "exemptions", "fee_reasons"} <= set(found.gaps.missing)


def test_a_column_with_its_own_header_is_read_from_it_not_from_flags(tmp_path):
    path = _write(tmp_path, f"{HEAD},Decision,All disclosed,No records\nA-1,2025-02-03,2025-03-01,withdrawn,x,\n")
    table, = read_log([path], log_spec(FIPPA), vocabulary(FIPPA.id), year=2025).tables
    assert table.values["outcome"] == ["7.6"]


def test_the_map_names_flags_and_can_unname_one(tmp_path):
    spec = log_spec(FIPPA)
    path = _write(tmp_path, f"{HEAD},Granted,Nothing disclosed,No records\nA-1,2025-02-03,2025-03-01,x,,\n"
                            "A-2,2025-02-03,2025-03-01,,,x\n")
    own = read_mapping(_write(tmp_path, 'flags: {outcome: {granted: 7.1}}\ncolumns: {"No records": null}\n',
                              "map.yaml"), spec)
    assert own.flags == {"outcome": {"granted": "7.1"}}
    table, = read_log([path], spec, vocabulary(FIPPA.id), year=2025, mapping=own).tables
    assert table.values["outcome"] == ["7.1", None]
    assert table.headers["outcome"] == "Granted, Nothing disclosed"


@pytest.mark.parametrize(("text", "key"), [
    ("flags: {outcome: {granted: '9.9'}}\n", "map_code"),
    ("flags: {outcom: {granted: '7.1'}}\n", "map_column"),
    ("flags: {received: {granted: '7.1'}}\n", "map_column"),
    ("flags: {outcome: [granted]}\n", "map_field"),
])
def test_a_maps_flags_are_checked_against_the_flow(tmp_path, text, key):
    with pytest.raises(LogError) as caught:
        read_mapping(_write(tmp_path, text, "map.yaml"), log_spec(FIPPA))
    assert caught.value.key.endswith(key)


def test_a_maps_flags_are_written_back_as_read(tmp_path):
    spec = log_spec(FIPPA)
    own = LogMap(flags={"outcome": {"5_REQUEST_WITHDRAWN,_ABANDONED": "7.6"}}, absent=["due"])
    path = tmp_path / "log.map.yaml"
    write_mapping(path, own, tmp_path / "db.sqlite3")
    assert read_mapping(path, spec) == own


@pytest.mark.parametrize(("header", "column"), [
    ("Personal/General", "records"), ("App Fee", "application_fee"), ("App Fees", "application_fee"),
])
def test_a_coordinators_own_headers_name_their_columns(header, column):
    found = layout([["file", "received", header]], "log.csv", log_spec(FIPPA), Vocabulary(), None)
    assert found is not None and found.positions[column] == 2
    assert header_key("Personal/General") == "personalgeneral"  # the / is dropped, not read as "or"


def test_a_workbooks_marks_may_be_booleans_numbers_or_words(tmp_path):
    import xlsxwriter

    path = tmp_path / "log.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("requests")
    sheet.write_row(0, 0, ["file", "received", "completed", "Personal", "General", "All disclosed", "No records"])
    sheet.write_row(1, 0, ["A-1", "2025-02-03", "2025-03-01", True, False, 1, 0])
    sheet.write_row(2, 0, ["A-2", "2025-02-03", "2025-03-01", None, "Yes", None, "X"])
    book.close()
    table, = read_log([path], log_spec(FIPPA), vocabulary(FIPPA.id), year=2025).tables
    assert table.values["records"] == ["personal", "general"]
    assert table.values["outcome"] == ["7.1", "7.5"]
    assert table.findings == []


def test_the_format_pages_example_map_is_a_map_fippa_reads(tmp_path):
    from reportbot.log_format import MAP_EXAMPLE

    own = read_mapping(_write(tmp_path, MAP_EXAMPLE, "map.yaml"), log_spec(FIPPA))
    assert own.flags == {"exemptions": {"Personal privacy": "8.12", "Law enforcement": "8.3"}}  # s.21, s.14


def test_sudburys_log_as_published_without_transfer_columns_counts_its_outcomes_once_never_is_said(tmp_path):
    # The published log has no transfer columns: every box over C reads them, so without a word its outcomes are asked.
    import csv

    with SUDBURY.open(encoding="utf-8", newline="") as f:
        rows = [row[:-2] for row in csv.reader(f)]  # TRANSFERRED_IN and TRANSFERRED_OUT dropped
    assert rows[0][-1].startswith("5_REQUEST_WITHDRAWN")
    log = tmp_path / "sudbury.csv"
    with log.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    asked = load(FIPPA, [log], 2015, mapping=_write(tmp_path, SUDBURY_MAP, "map.yaml")).count.answers
    assert ("7.1", "general") not in asked
    said = SUDBURY_MAP + "never: {transferred_in: 2015, transferred_out: 2015}\n"
    got = load(FIPPA, [log], 2015, mapping=_write(tmp_path, said, "map.yaml")).count.answers
    assert _both(got, "3.1") == (4, 10) and _both(got, "3.2") == (0, 0)  # FOI2015-11 was transferred in: now new
    assert _both(got, "7.1") == (2, 4) and _both(got, "7.2") == (0, 2) and _both(got, "7.5") == (0, 2)


def test_the_conversation_asks_which_value_a_flag_header_naming_none_marks_and_keeps_it_in_the_map(store, tmp_path):
    import datetime
    import shutil

    from reportbot.dialogue.conversation import Conversation

    log = tmp_path / "sudbury.csv"
    shutil.copy(SUDBURY, log)
    rid = store.create_report("fippa-year-end", 2015, "Greater Sudbury")
    conv = Conversation(store, language="en", report_id=rid, today=datetime.date(2016, 3, 1))
    try:
        conv.start()
        said = conv.reply(f"from log {log}")
        assert not any("add them under flags" in m.text for m in said)  # asked, not left to the map by hand
        said = conv.reply("none for the rest")  # the columns the log lacks
        ask = said[-1]
        assert ask.tag == "map outcome" and ask.text.startswith(
            "Your log's column 2_INFORMATION_DISCLOSED_IN_PART marks requests with one Outcome")
        assert {"7.2", "7.3"} <= {c.rsplit("(", 1)[-1].rstrip(")") for c in ask.choices[:4]}  # in part: 7.2 or 7.3
        said = conv.reply("7.2")
        assert said[-1].text.startswith("Your log's column 5_REQUEST_WITHDRAWN,_ABANDONED_OR_NON-JURISDICTIONAL")
        assert said[-1].choices[0].endswith("(7.6)")
        said = conv.reply("1")
        assert "Saved your answers in sudbury.map.yaml; it is read again next time." in [m.text for m in said]
        flags = read_mapping(tmp_path / "sudbury.map.yaml", log_spec(FIPPA)).flags
        assert flags == {"outcome": {"2_INFORMATION_DISCLOSED_IN_PART": "7.2",
                                     "5_REQUEST_WITHDRAWN,_ABANDONED_OR_NON-JURISDICTIONAL": "7.6"}}
        while conv.prompt.tag in ("log", "keep"):  # the rows to look at, each counted as it is
            conv.reply("")
        answers = store.answers(rid)
        assert (answers[("7.2", "general")], answers[("7.6", "personal")], answers[("7.6", "general")]) == (2, 1, 1)
    finally:
        conv.close()
