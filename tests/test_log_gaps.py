"""Rows counted in a total but in none of its breakdown's boxes: each named by file, row and column.

Each case is one completed request or incident missing the fact a breakdown reads, the warning it must get
(the column, the total it is counted in, the breakdown that misses it), and counts that show it is still
counted as it is. Tables are built directly (tests/logrows.py).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logrows import YEAR, breach, cyfsa_request, fippa_request, log_rows, table
from reportbot.cli import main
from reportbot.engine import evaluate
from reportbot.flow.loader import load_flow
from reportbot.log.count import count_log
from reportbot.wording import wording

CYFSA, FIPPA = "cyfsa-part-x", "fippa-year-end"
DONE = {"file": "A", "received": "2025-02-01", "completed": "2025-02-20"}  # completed in 19 days
OK_F = DONE | {"records": "personal", "source": "4.1", "outcome": "7.1"}
DENIED_F = OK_F | {"outcome": "7.2", "exemptions": {"8.1"}}
FEES = OK_F | {"additional_fees": 12, "fee_reasons": {"10.4"}}
DENIED_C = DONE | {"outcome": {"6.2"}, "provisions": {"7.1"}}
STOLEN = {"incident": "I-1", "date": "2025-05-05", "category": "11.1", "cause": "11.3.4", "affected": 3}
NONE = frozenset()

# name -> (report, table, a complete row, the fact taken from it, (column, counted in, breakdown that misses it),
#          {cell: count with the fact taken away, unchanged by the warning})
CASES = {
    "FIPPA access completed with no source": (
        FIPPA, "requests", OK_F, {"source": None}, ("source", "3.8", "4.9"),
        {("3.1", "personal"): 1, ("7.1", "personal"): 1, ("4.1", "personal"): 0},
    ),
    "FIPPA access completed with no outcome": (
        FIPPA, "requests", OK_F, {"outcome": None}, ("outcome", "3.8", "7.8"),
        {("4.1", "personal"): 1, ("7.1", "personal"): 0},
    ),
    "FIPPA access partly denied with no exemption": (
        FIPPA, "requests", DENIED_F, {"exemptions": NONE}, ("exemptions", "7.9", "8.19"),
        {("7.2", "personal"): 1, ("8.1", "personal"): 0},
    ),
    "FIPPA access fully denied with no exemption": (
        FIPPA, "requests", DENIED_F | {"outcome": "7.4", "records": "general"}, {"exemptions": NONE},
        ("exemptions", "7.9", "8.19"), {("7.4", "general"): 1},
    ),
    "FIPPA additional fees with no reason": (
        FIPPA, "requests", FEES, {"fee_reasons": NONE}, ("fee_reasons", "9.1", "10.7"),
        {("9.1", "personal"): 1, ("10.4", "personal"): 0},
    ),
    "FIPPA correction completed with no outcome": (
        FIPPA, "requests", DONE | {"request": "correction", "outcome": "11.5"}, {"outcome": None},
        ("outcome", "11.4", "11.9"), {("11.1", None): 1, ("11.5", None): 0},
    ),
    "CYFSA access completed with no outcome": (
        CYFSA, "requests", DONE | {"outcome": {"6.1"}}, {"outcome": NONE}, ("outcome", "4.4", "6.10"),
        {("4.1", None): 1, ("6.1", None): 0},
    ),
    "CYFSA access partly denied with no provision": (
        CYFSA, "requests", DENIED_C, {"provisions": NONE}, ("provisions", "6.11", "7.8"),
        {("6.2", None): 1, ("7.1", None): 0},
    ),
    "CYFSA access denied with no provision": (
        CYFSA, "requests", DENIED_C | {"outcome": {"6.6"}}, {"provisions": NONE}, ("provisions", "6.11", "7.8"),
        {("6.6", None): 1},
    ),
    "CYFSA correction completed with no outcome": (
        CYFSA, "requests", DONE | {"request": "correction", "outcome": {"8.2"}}, {"outcome": NONE},
        ("outcome", "9.5", "8.6"), {("9.1", None): 1, ("8.2", None): 0},
    ),
    "a breach with no category": (
        CYFSA, "breaches", STOLEN, {"category": None}, ("category", "10.1", "11.1 + 12.1 + 13.1 + 14.1"),
        {("10.1", None): 1, ("11.1", None): 0},
    ),
    "a breach with no cause": (
        CYFSA, "breaches", STOLEN, {"cause": None}, ("cause", "11.1", "11.3.6"), {("11.1", None): 1},
    ),
    "a breach with no number affected": (
        CYFSA, "breaches", STOLEN, {"affected": None}, ("affected", "11.1", "11.4.6"),
        {("11.1", None): 1, ("11.3.4", None): 1},
    ),
}


def _count(report, kind, rows):
    return count_log(load_flow(report), [table(report, kind, rows)], YEAR)


def _gaps(got):
    return [f for f in got.findings if f.code == "not_in_breakdown"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_row_missing_what_a_breakdown_reads_is_named_and_still_counted(case):
    report, kind, complete, taken, (column, counted, breakdown), after = CASES[case]
    assert _count(report, kind, [complete]).findings == []  # so the warning comes from the fact taken away
    row = complete | taken
    got = _count(report, kind, [row])
    assert [(f.severity, f.line, f.file, f.column, f.facts) for f in got.findings] == [
        ("warning", 2, row.get("file", row.get("incident")), column, {"counted": counted, "breakdown": breakdown}),
    ]
    for cell, value in after.items():
        assert got.answers[cell] == value, cell


def test_a_row_whose_gap_another_finding_explains_is_not_named_twice():
    due_missing = OK_F | {"extension": True}  # out of 6.7/6.8, so in none of 6.13's boxes
    got = _count(FIPPA, "requests", [due_missing])
    assert [f.code for f in got.findings] == ["notice_without_due"]
    t = table(CYFSA, "requests", [DONE])
    t.invalid["outcome"] = {0}  # the reading already said what is wrong with the cell
    assert _gaps(count_log(load_flow(CYFSA), [t], YEAR)) == []


def test_a_row_is_named_once_per_column_however_many_breakdowns_miss_it():
    got = _count(FIPPA, "requests", [OK_F | {"outcome": None, "source": None}])
    assert sorted(f.column for f in _gaps(got)) == ["outcome", "source"]


def test_the_warning_has_words_in_english_and_french_naming_both_boxes():
    for lang in ("en", "fr"):
        text = wording(lang).t("log.finding.not_in_breakdown", counted="3.8", breakdown="4.9")
        assert "3.8" in text and "4.9" in text, lang


SETTINGS = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
BLANK = {"source": None, "outcome": None, "exemptions": NONE, "fee_reasons": NONE, "provisions": NONE,
         "category": None, "cause": None, "affected": None}


def _blanked(data, rows, columns):
    """``rows`` with some of the facts in ``columns`` blanked, as a hurried coordinator leaves them."""
    out = [dict(r) for r in rows]
    for _ in range(data.draw(st.integers(0, min(len(out), 4)))):
        row = out[data.draw(st.integers(0, len(out) - 1))]
        column = data.draw(st.sampled_from(columns))
        row[column] = BLANK[column]
    return out


def _rejected_yet_unnamed(report, tables):
    got = count_log(load_flow(report), tables, YEAR)
    named = [f for f in got.findings if f.severity != "notice"]
    return [f.rule for f in evaluate(load_flow(report), got.answers).errors] if not named else []


@SETTINGS
@given(log_rows(fippa_request), st.data())
def test_a_fippa_report_the_rules_reject_for_a_blank_fact_has_that_row_named(requests, data):
    requests = _blanked(data, requests, ["source", "outcome", "exemptions", "fee_reasons"])
    assert _rejected_yet_unnamed(FIPPA, [table(FIPPA, "requests", requests)]) == []


@SETTINGS
@given(log_rows(cyfsa_request), log_rows(breach, most=15), st.data())
def test_a_cyfsa_report_the_rules_reject_for_a_blank_fact_has_that_row_named(requests, breaches, data):
    requests = _blanked(data, requests, ["outcome", "provisions"])
    breaches = _blanked(data, breaches, ["category", "cause", "affected"])
    tables = [table(CYFSA, "requests", requests), table(CYFSA, "breaches", breaches)]
    assert _rejected_yet_unnamed(CYFSA, tables) == []


def test_log_check_names_the_example_logs_file_without_a_source(capsys):
    """The example FIPPA log counts 4.9 = 12 against 3.8 = 13; log check names the file at fault."""
    log = "tests/data/logs/fippa-2025.csv"
    assert main(["--lang", "en", "log", "check", FIPPA, log, "--year", "2025"]) == 1
    lines = [line for line in capsys.readouterr().out.splitlines() if "not add up" in line]
    assert [line.split(": warning: ")[0] for line in lines] == [
        f"{log}, row 14, file FOI2025-012, Source of request", f"{log}, row 27, file FOI2025-025, Source of request",
    ]
    assert all("counted in 3.8" in line and "make up 4.9" in line for line in lines)
