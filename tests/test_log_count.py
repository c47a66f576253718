"""Counting a log: every box's rule against the issue's rules written by hand, the workbook's relations, speed.

Tables are built directly (tests/logrows.py), apart from any reader.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logrows import (
    YEAR,
    breach,
    cyfsa_request,
    d,
    expected_cyfsa,
    expected_fippa,
    fippa_request,
    log_rows,
    table,
)
from reportbot.engine import evaluate
from reportbot.flow.loader import load_flow
from reportbot.log.count import count_log

CYFSA, FIPPA = "cyfsa-part-x", "fippa-year-end"
SETTINGS = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def _count(report, requests=(), breaches=None, columns=None):
    tables = [table(report, "requests", list(requests), columns)]
    if breaches is not None:
        tables.append(table(report, "breaches", list(breaches)))
    return count_log(load_flow(report), tables, YEAR)


def _dedupe(rows):
    seen = {}
    for r in rows:
        seen.setdefault(r.get("file") or r.get("incident"), r)
    return list(seen.values())


@SETTINGS
@given(log_rows(cyfsa_request, noisy=True), log_rows(breach, most=15, noisy=True), st.booleans())
def test_cyfsa_every_box_counts_as_the_issue_says(requests, breaches, with_breaches):
    got = _count(CYFSA, requests, breaches if with_breaches else None)
    assert not [f for f in got.findings if f.severity == "error"]
    assert got.answers == expected_cyfsa(_dedupe(requests), _dedupe(breaches) if with_breaches else None)


@SETTINGS
@given(log_rows(fippa_request, noisy=True))
def test_fippa_every_box_counts_as_the_issue_says_in_each_column(requests):
    got = _count(FIPPA, requests)
    assert not [f for f in got.findings if f.severity == "error"]
    assert got.answers == expected_fippa(_dedupe(requests))


def test_every_box_with_a_rule_is_compared_by_the_reference_counts():
    """The hand-written counts above cover every box the flows count (no rule without its case)."""
    rows = [{"file": "A", "received": d(f"{YEAR}-02-01")}]
    for report, want in ((CYFSA, expected_cyfsa(rows, [{"incident": "B", "date": d(f"{YEAR}-02-01")}])),
                         (FIPPA, expected_fippa(rows))):
        ruled = {(b.box, c) for b in load_flow(report).log.boxes for c in load_flow(report).by_id[b.box].columns}
        assert ruled == set(want)


@SETTINGS
@given(log_rows(cyfsa_request), log_rows(breach, most=15))
def test_a_counted_cyfsa_report_keeps_the_workbooks_relations(requests, breaches):
    got = _count(CYFSA, requests, breaches)
    assert [f for f in got.findings if f.severity != "notice"] == []
    assert [f.rule for f in evaluate(load_flow(CYFSA), got.answers).errors] == []
    _files_match_counts(CYFSA, got, requests + breaches)


@SETTINGS
@given(log_rows(fippa_request))
def test_a_counted_fippa_report_keeps_the_workbooks_relations(requests):
    got = _count(FIPPA, requests)
    assert [f for f in got.findings if f.severity != "notice"] == []
    assert [f.rule for f in evaluate(load_flow(FIPPA), got.answers).errors] == []
    _files_match_counts(FIPPA, got, requests)


def _files_match_counts(report, got, rows):
    """Every count names as many files as it counts, each a file of the log; every decided box has its rule."""
    flow, known = load_flow(report), {r.get("file") or r.get("incident") for r in rows}
    for cell, value in got.answers.items():
        assert set(got.files[cell]) <= known and cell in got.rules
        if flow.by_id[cell[0]].box.sum is None:
            assert len(got.files[cell]) == value, cell


def test_files_are_in_log_order_and_a_sum_names_the_rows_adding_to_it():
    rows = [
        {"file": "K-2", "request": "correction", "received": "2025-02-01", "completed": "2025-02-10",
         "outcome": {"8.2"}, "notices_sent": 2},
        {"file": "K-1", "request": "correction", "received": "2025-03-01", "completed": "2025-03-10",
         "outcome": {"8.2"}, "notices_sent": 0},
    ]
    got = _count(CYFSA, rows)
    assert got.files[("8.2", None)] == ["K-2", "K-1"]
    assert (got.answers[("8.8", None)], got.files[("8.8", None)]) == (2, ["K-2"])
    assert got.rules[("8.8", None)] == "notices_sent over K"


def test_money_is_summed_to_the_cent():
    rows = [{"file": f"P-{n}", "records": "general", "received": "2025-01-10", "completed": "2025-01-20",
             "outcome": "7.1", "source": "4.1", "application_fee": 5, "additional_fees": fee}
            for n, fee in enumerate(["12.30", "0.05"])]
    got = _count(FIPPA, rows)
    assert got.answers[("9.2.2", "general")] == Decimal("12.35")
    assert str(got.answers[("9.2", "personal")]) == "0.00"


def test_a_box_whose_column_the_log_lacks_is_not_decided():
    rows = [{"file": "A", "received": "2025-01-10", "completed": "2025-01-20", "outcome": {"6.1"}}]
    got = _count(CYFSA, rows, columns=["file", "received", "completed", "outcome"])
    assert got.answers[("6.1", None)] == 1 and got.answers[("3.1", None)] == 1  # request: blank means access
    assert ("4.2", None) not in got.answers  # extension is not in this log
    assert ("5.4", None) not in got.answers and ("8.8", None) not in got.answers
    assert ("10.1", None) not in got.answers  # no breaches table


def test_days_start_at_first_received_and_leave_out_paused_days():
    base = {"records": "personal", "source": "4.1", "outcome": "7.1", "received": "2025-03-01",
            "completed": "2025-04-10"}  # 40 days
    rows = [base | {"file": "A"}, base | {"file": "B", "paused_days": 15},
            base | {"file": "C", "fee_estimate_sent": "2025-03-05", "deposit_paid": "2025-03-20"},
            base | {"file": "D", "transferred_in": True, "first_received": "2025-01-01"}]
    got = _count(FIPPA, rows)
    assert got.files[("5.2", "personal")] == ["A"]
    assert got.files[("5.1", "personal")] == ["B", "C"]
    assert got.files[("5.4", "personal")] == ["D"]  # 99 days from the first institution's receipt


def test_a_hundred_thousand_rows_are_each_counted():
    # How fast is bench/run.py's (a log count row); here, that a big table counts right, box by box.
    rows = [{"file": f"F{n}", "records": ("personal", "general")[n % 2], "received": 739252 + n % 300,
             "completed": 739260 + n % 300 if n % 7 else None, "source": f"4.{n % 8 + 1}",
             "outcome": f"7.{n % 6 + 1}" if n % 7 else None, "extension": n % 3 == 0, "due": 739300 + n % 300,
             "exemptions": {"8.1", "8.2"} if n % 6 in (1, 3) else set()} for n in range(100_000)]
    got = count_log(load_flow(FIPPA), [table(FIPPA, "requests", rows)], YEAR)
    assert got.summary.rows == 100_000
    assert got.answers[("3.1", "personal")] == got.answers[("3.1", "general")] == 50_000  # all received in 2025
    # 7.1: personal (n even), completed (n % 7), outcome 7.1 (n % 6 == 0); 8.1: general, outcome 7.2 or 7.4.
    assert got.answers[("7.1", "personal")] == sum(1 for n in range(0, 100_000, 2) if n % 7 and n % 6 == 0)
    assert got.answers[("8.1", "general")] == sum(1 for n in range(1, 100_000, 2) if n % 7 and n % 6 in (1, 3))
    assert (got.answers[("7.1", "general")], got.answers[("8.1", "personal")]) == (0, 0)


@pytest.mark.parametrize("report,undecided", [
    (CYFSA, {"1.2", "1.2.other", "2.1", "questionnaire", "factors"}),
    (FIPPA, {"1.2", "1.3", "2.1", "questionnaire", "6a"}),
])
def test_the_log_decides_every_box_but_identification_and_the_filers_own_words(report, undecided):
    """Identification, 2.1, the questionnaire and the free-text factors are asked; totals are worked out."""
    flow = load_flow(report)
    ruled = {b.box for b in flow.log.boxes}
    asked = {i.id for i in flow.boxes if not i.is_total and i.id not in ruled and not i.id.startswith("1.1.")}
    assert asked == undecided
