"""Row findings that need more than one cell: each named by file number, line and column, and what it leaves out.

One case per finding: the rows, the finding the checks must give, and the boxes that show what the row
was left out of (or counted in). Tables are built directly (tests/logrows.py).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from logrows import YEAR, table
from reportbot.flow.loader import load_flow
from reportbot.log.count import count_log
from reportbot.log.table import RowFinding
from reportbot.wording import DialogError, load_report_dialog, validate_report_dialog, wording

CYFSA, FIPPA = "cyfsa-part-x", "fippa-year-end"
DONE = {"received": "2025-02-01", "completed": "2025-02-20"}  # an access request completed in 19 days
OK_C = DONE | {"outcome": {"6.1"}}
OK_F = DONE | {"records": "personal", "source": "4.1", "outcome": "7.1"}
LOST = {"category": "12.1", "cause": "12.2.4", "affected": 3}  # a breach with every fact its boxes need


def _count(report, rows, **kw):
    return count_log(load_flow(report), [table(report, "requests", rows, **kw)], YEAR)


# name -> (report, rows, (severity, code, column, line of the finding, facts it holds), {cell: value after})
CASES = {
    "file number missing": (
        CYFSA, [OK_C | {"file": "A"}, OK_C], ("error", "required_missing", "file", 3, {}), {("4.1", None): 1},
    ),
    "received missing": (
        CYFSA, [OK_C | {"file": "A", "received": None}], ("error", "required_missing", "received", 2, {}),
        {("4.1", None): 0, ("6.1", None): 0},
    ),
    "a date before 1990": (
        CYFSA, [OK_C | {"file": "A", "received": "1301-01-01"}],
        ("error", "date_out_of_range", "received", 2, {"date": "1301-01-01"}), {("6.1", None): 0},
    ),
    "a date after next year": (
        CYFSA, [OK_C | {"file": "A", "due": "2027-01-01"}],
        ("error", "date_out_of_range", "due", 2, {"date": "2027-01-01", "latest": "2026-12-31"}), {("6.1", None): 0},
    ),
    "completed before received": (
        CYFSA, [OK_C | {"file": "A", "completed": "2025-01-20"}],
        ("error", "completed_before_received", "completed", 2, {"completed": "2025-01-20", "received": "2025-02-01"}),
        {("6.1", None): 0},
    ),
    "one file number on rows that disagree": (
        CYFSA, [OK_C | {"file": "A"}, OK_C | {"file": "A", "outcome": {"6.7"}}],
        ("error", "conflicting_rows", "outcome", 3, {"line": "2"}), {("6.1", None): 0, ("6.7", None): 0},
    ),
    "one file number on identical rows": (
        CYFSA, [OK_C | {"file": "A"}, OK_C | {"file": "A"}], ("notice", "duplicate_row", None, 3, {"line": "2"}),
        {("6.1", None): 1, ("3.1", None): 1},
    ),
    "a notice without its due date": (
        CYFSA, [DONE | {"file": "A", "completed": "2025-04-01", "extension": True, "outcome": {"6.1"}}],
        ("error", "notice_without_due", "due", 2, {}), {("4.2", None): 1, ("5.4", None): 0, ("5.5", None): 0},
    ),
    "records missing on an access request": (
        FIPPA, [OK_F | {"file": "A", "records": None}, {"file": "K", "request": "correction", **DONE,
                                                       "outcome": "11.5"}],
        ("error", "records_missing", "records", 2, {}),
        {("3.1", "personal"): 0, ("3.1", "general"): 0, ("11.1", None): 1, ("11.5", None): 1},
    ),
    "s.21 on a personal-information request": (
        FIPPA, [OK_F | {"file": "A", "outcome": "7.2", "exemptions": {"8.12", "8.1"}}],
        ("error", "code_not_for_column", "exemptions", 2, {"code": "8.12", "records": "personal"}),
        {("8.1", "personal"): 1, ("8.12", "general"): 0},
    ),
    "s.49 on a general-records request": (
        FIPPA, [OK_F | {"file": "A", "records": "general", "outcome": "7.4", "exemptions": {"8.14"}}],
        ("error", "code_not_for_column", "exemptions", 2, {"code": "8.14", "records": "general"}),
        {("8.14", "personal"): 0},
    ),
    "search fees on a personal-information request": (
        FIPPA, [OK_F | {"file": "A", "additional_fees": 10, "fee_reasons": {"10.1", "10.4"}}],
        ("error", "code_not_for_column", "fee_reasons", 2, {"code": "10.1", "records": "personal"}),
        {("10.4", "personal"): 1, ("10.1", "general"): 0},
    ),
    "exemptions on a request that denied nothing": (
        FIPPA, [OK_F | {"file": "A", "exemptions": {"8.2"}}],
        ("warning", "counts_only_with", "exemptions", 2, {"other": "outcome", "codes": "7.2, 7.4"}),
        {("8.2", "personal"): 0, ("7.1", "personal"): 1},
    ),
    "provisions on a request that denied nothing": (
        CYFSA, [OK_C | {"file": "A", "provisions": {"7.1"}}],
        ("warning", "counts_only_with", "provisions", 2, {"other": "outcome", "codes": "6.2, 6.6"}),
        {("7.1", None): 0},
    ),
    "after a fee estimate, but not withdrawn": (
        FIPPA, [OK_F | {"file": "A", "after_fee_estimate": True}],
        ("warning", "counts_only_with", "after_fee_estimate", 2, {"codes": "7.6"}), {("7.7", "personal"): 0},
    ),
    "fees waived without additional fees": (
        FIPPA, [OK_F | {"file": "A", "fees_waived": "all", "additional_fees": 0}],
        ("warning", "waived_without_fees", "fees_waived", 2, {}), {("9.3", "personal"): 1},
    ),
    "more waived than charged": (
        FIPPA, [OK_F | {"file": "A", "fees_waived": "part", "additional_fees": 10, "waived_amount": 12}],
        ("warning", "waived_more_than_charged", "waived_amount", 2, {}), {("9.6", "personal"): Decimal("12.00")},
    ),
    "transferred out and completed": (
        FIPPA, [OK_F | {"file": "A", "transferred_out": "2025-02-10"}],
        ("warning", "transferred_and_completed", "transferred_out", 2, {}), {("3.5", "personal"): 1},
    ),
    "an outcome on an open file": (
        FIPPA, [OK_F | {"file": "A", "completed": None}],
        ("warning", "outcome_on_open_file", "outcome", 2, {}), {("3.6", "personal"): 1, ("7.1", "personal"): 0},
    ),
    "an access outcome on a correction": (
        FIPPA, [DONE | {"file": "K", "request": "correction", "outcome": "7.1"}],
        ("warning", "code_for_other_kind", "outcome", 2, {"code": "7.1", "kind": "correction"}),
        {("11.1", None): 1, ("7.1", "personal"): 0},
    ),
    "a correction outcome on an access request": (
        CYFSA, [OK_C | {"file": "A", "outcome": {"6.1", "8.2"}}],
        ("warning", "code_for_other_kind", "outcome", 2, {"code": "8.2", "kind": "access"}),
        {("6.1", None): 1, ("8.2", None): 0},
    ),
    "received after the year": (
        CYFSA, [OK_C | {"file": "A", "received": "2026-01-05", "completed": None}],
        ("notice", "after_year", None, 2, {}), {("3.1", None): 0},
    ),
    "completed before the year": (
        CYFSA, [OK_C | {"file": "A", "received": "2024-01-05", "completed": "2024-01-20"}],
        ("notice", "before_year", None, 2, {}), {("4.1", None): 0},
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_row_finding_names_its_row_and_leaves_out_what_it_should(case):
    report, rows, (severity, code, column, line, facts), after = CASES[case]
    got = _count(report, rows)
    found = [f for f in got.findings if f.code == code and f.line == line]
    assert len(found) == 1, got.findings
    finding = found[0]
    assert (finding.severity, finding.column, finding.source) == (severity, column, "log.csv")
    assert finding.file == rows[line - 2].get("file")
    assert facts.items() <= finding.facts.items()
    for cell, value in after.items():
        assert got.answers[cell] == value, cell


def test_clean_rows_have_no_findings():
    """The cases' base rows are clean, so each finding above comes from what its case changes."""
    assert _count(CYFSA, [OK_C | {"file": "A"}]).findings == []
    assert _count(FIPPA, [OK_F | {"file": "A"}]).findings == []


def test_an_unreadable_cell_leaves_the_row_out_of_its_columns_boxes_only():
    t = table(CYFSA, "requests", [OK_C | {"file": "A", "outcome": None}])
    t.invalid["outcome"] = {0}
    t.findings.append(RowFinding("error", "bad_code", "log.csv", 2, "A", "outcome", {"value": "granted?"}))
    got = count_log(load_flow(CYFSA), [t], YEAR)
    assert got.answers[("4.1", None)] == 1 and got.answers[("6.1", None)] == 0
    assert got.findings == t.findings  # the reading's finding, said once


def test_an_unreadable_date_leaves_the_row_out_entirely():
    t = table(CYFSA, "requests", [OK_C | {"file": "A", "completed": None}, OK_C | {"file": "B"}])
    t.invalid["completed"] = {0}
    got = count_log(load_flow(CYFSA), [t], YEAR)
    assert got.answers[("3.1", None)] == 1 and got.files[("3.1", None)] == ["B"]
    assert got.summary.left_out == 1


def test_repeated_file_numbers_are_told_apart_group_by_group_and_a_row_left_out_is_no_repeat():
    rows = [OK_C | {"file": "A"}, OK_C | {"file": "B"}, OK_C | {"file": "A"}, OK_C | {"file": "B", "due": "2025-03-01"},
            OK_C | {"file": "A", "completed": "2025-01-01"}, OK_C | {"file": "C"}, OK_C | {"file": "B"},
            OK_C | {"file": None}, OK_C | {"file": None}]
    got = _count(CYFSA, rows)
    said = sorted((f.line, f.code, f.column, f.facts.get("line")) for f in got.findings if f.code != "required_missing")
    assert said == [  # A's third row completes before it was received: left out, it makes A's other two copies
        (3, "conflicting_rows", "due", "5"), (4, "duplicate_row", None, "2"),
        (5, "conflicting_rows", "due", "3"), (6, "completed_before_received", "completed", None),
        (8, "conflicting_rows", "due", "3"),
    ]
    assert got.answers[("3.1", None)] == 2  # A once, C


def test_findings_come_in_source_and_line_order_with_the_readings():
    first = table(CYFSA, "requests", [OK_C | {"file": "A", "completed": "2025-01-01"}, OK_C | {"file": "B"}],
                  source="a.csv")
    first.findings.append(RowFinding("warning", "read_note", "a.csv", 3, "B"))
    second = table(CYFSA, "requests", [OK_C | {"file": None}], source="b.csv")
    got = count_log(load_flow(CYFSA), [first, second], YEAR)
    assert [(f.source, f.line, f.code) for f in got.findings] == [
        ("a.csv", 2, "completed_before_received"), ("a.csv", 3, "read_note"), ("b.csv", 2, "required_missing"),
    ]


def test_the_summary_counts_rows_kinds_years_and_problems():
    rows = [
        OK_C | {"file": "A"},
        OK_C | {"file": "B", "request": "correction", "outcome": {"8.2"}},
        OK_C | {"file": "C", "received": "2026-02-01", "completed": None},
        OK_C | {"file": "D", "received": "2024-02-01", "completed": "2024-03-01"},
        OK_C | {"file": "E", "completed": "2025-01-01"},
        OK_C | {"file": "F", "provisions": {"7.1"}},
    ]
    breaches = table(CYFSA, "breaches", [{"incident": "I-1", "date": "2025-05-05", **LOST}])
    got = count_log(load_flow(CYFSA), [table(CYFSA, "requests", rows), breaches], YEAR)
    s = got.summary
    assert (s.rows, s.access, s.corrections, s.incidents) == (7, 5, 1, 1)
    assert (s.before, s.after, s.left_out, s.to_look_at) == (1, 1, 1, 2)


# The words: every finding the checks give and every row set has them, in English and French.


def test_every_row_finding_has_words_in_english_and_french():
    codes = {case[2][1] for case in CASES.values()}
    for lang in ("en", "fr"):
        messages = wording(lang).common.messages
        assert [c for c in sorted(codes) if f"log.finding.{c}" not in messages] == [], lang


@pytest.mark.parametrize("report", [CYFSA, FIPPA])
def test_every_row_set_says_what_it_holds_with_its_year(report):
    for lang in ("en", "fr"):
        sets = wording(lang, report).report.log.sets
        assert set(sets) == set(load_flow(report).log.sets)
        assert all("{year}" in text for text in sets.values()), lang


def test_a_dialog_without_a_row_sets_words_is_refused():
    dialog = load_report_dialog("fr", FIPPA)
    broken = dialog.model_copy(update={"log": dialog.log.model_copy(update={"sets": {
        k: v for k, v in dialog.log.sets.items() if k != "C"}})})
    with pytest.raises(DialogError, match="log set C"):
        validate_report_dialog(broken, load_flow(FIPPA), Path("dialogs/fr/fippa-year-end.yaml"))


def test_a_breach_of_another_year_is_counted_nowhere():
    rows = [{"incident": "I-1", "date": "2024-12-31", **LOST},
            {"incident": "I-2", "date": "2026-01-01", **LOST},
            {"incident": "I-3", "date": "2025-06-01", **LOST}]
    got = count_log(load_flow(CYFSA), [table(CYFSA, "breaches", rows)], YEAR)
    assert [(f.code, f.file) for f in got.findings] == [("before_year", "I-1"), ("after_year", "I-2")]
    assert got.files[("12.1", None)] == ["I-3"] and (got.summary.before, got.summary.after) == (1, 1)
