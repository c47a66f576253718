"""Every check, route, notice and total of the CYFSA Part X flow, against the workbook.

The tables below are written by hand from the workbook
(shared/sources/002_febdd78ea5489417.txt), not generated from the flow: a
rule removed from flows/cyfsa-part-x.yaml fails its case, and a rule added
without a case fails the completeness tests.
"""

from __future__ import annotations

import pytest

from reportbot.engine import evaluate
from reports import cells_of, changed, evaluate_doc, findings_of, load, rule_ids

FULL = load("cyfsa-full")
ZERO = load("cyfsa-zero")
PHIPA_ZERO = load("cyfsa-phipa-zero")

# rule id -> (severity, the fewest answers to change in cyfsa-full to break it,
#             other rules that necessarily break with it)
CHECKS: dict[str, tuple[str, dict, set[str]]] = {
    # Stated by the workbook: errors.
    "cyfsa-5.2-same-as-4.3": ("error", {"5.2": 3, "5.1": 30}, set()),
    "cyfsa-5.7-equals-4.4": ("error", {"4.1": 32}, set()),
    "cyfsa-6.10-at-least-4.4": ("error", {"6.1": 17}, set()),
    "cyfsa-7.8-at-least-6.11": ("error", {"7.4": 2}, set()),
    "cyfsa-9.5-equals-8.6": ("error", {"9.1": 4}, set()),
    "cyfsa-breaches-sum-to-10.1": ("error", {"10.1": 8}, set()),
    "cyfsa-11.3.6-equals-11.1": ("error", {"11.3.5": 1}, set()),
    "cyfsa-11.4.6-equals-11.1": ("error", {"11.4.2": 1}, set()),
    "cyfsa-12.2.6-equals-12.1": ("error", {"12.2.1": 1}, set()),
    "cyfsa-12.3.6-equals-12.1": ("error", {"12.3.2": 1}, set()),
    "cyfsa-13.2.4-equals-13.1": ("error", {"13.2.3": 1}, set()),
    "cyfsa-13.3.6-equals-13.1": ("error", {"13.3.2": 1}, set()),
    "cyfsa-14.2.4-equals-14.1": ("error", {"14.2.1": 1}, set()),
    "cyfsa-14.3.6-equals-14.1": ("error", {"14.3.1": 1}, set()),
    # A zero report chosen over figures: each deciding box that is not 0 is an error.
    "cyfsa-zero-report-is-zero": ("error", {"questionnaire": "zero"}, set()),
    # Parts of the same set: errors. With 5.2 = 4.3 and 5.7 = 4.4, 5.1 + 5.6 = 4.1 + 4.2, so
    # 5.1 <= 4.1 and 5.6 >= 4.2 can only break together or with one of those errors.
    "cyfsa-5.1-within-4.1": ("error", {"5.1": 32, "5.2": 1}, {"cyfsa-5.2-same-as-4.3"}),
    "cyfsa-5.6-covers-4.2": ("error", {"5.4": 4}, {"cyfsa-5.7-equals-4.4"}),
    "cyfsa-5.5-within-4.2": ("error", {"4.1": 37, "4.2": 0}, set()),
    "cyfsa-outcome-within-4.4": ("error", {"6.1": 40}, set()),
    "cyfsa-8.7-within-8.3-8.4": ("error", {"8.7": 3}, set()),
    # A part of 11.1 over 11.1 also breaks the (judgement) sum of the two parts.
    "cyfsa-11.2-within-11.1": ("error", {"11.2.1": 3}, {"cyfsa-11.2-sums-to-11.1"}),
    # Judgement calls: warnings.
    "cyfsa-provision-within-6.11": ("warning", {"7.4": 12}, set()),
    "cyfsa-11.2-sums-to-11.1": ("warning", {"11.2.2": 2}, set()),
}

# route id -> (answers to change in cyfsa-full, cells it must take off the route,
#              cells that must stay on it, changes under which those cells are on the route)
ROUTES: dict[str, tuple[dict, list[str], list[str], dict]] = {
    "cyfsa-not-other": ({}, ["1.2.other"], ["1.2", "2.1"], {"1.2": "other", "1.2.other": "Lead agency"}),
    "cyfsa-no-access-requests": ({"3.1": 0}, ["4.1..7.8"], ["3.1", "8.1", "10.1"], {}),
    "cyfsa-no-denials": ({"6.2": 0, "6.6": 0}, ["7.1..7.8"], ["6.10", "6.11", "8.1"], {}),
    "cyfsa-no-correction-requests": ({"8.1": 0}, ["8.2..9.5"], ["8.1", "10.1"], {}),
    "cyfsa-no-corrections-completed": (
        {"8.2": 0, "8.3": 0, "8.4": 0, "8.5": 0}, ["8.7..9.5"], ["8.1", "8.6", "10.1"], {},
    ),
    "cyfsa-no-breaches": ({"10.1": 0}, ["11.1..14.3.6"], ["10.1"], {}),
    "cyfsa-no-thefts": ({"11.1": 0}, ["11.2.1..11.4.6"], ["11.1", "12.1"], {}),
    "cyfsa-no-losses": ({"12.1": 0}, ["12.2.1..12.3.6"], ["12.1", "13.1"], {}),
    "cyfsa-no-uses": ({"13.1": 0}, ["13.2.1..13.3.6"], ["13.1", "14.1"], {}),
    "cyfsa-no-disclosures": ({"14.1": 0}, ["14.2.1..14.3.6"], ["14.1"], {}),
}

# notice id -> (a report where it shows, reports where it does not)
NOTICES: dict[str, tuple[dict, list[dict]]] = {
    "cyfsa-phipa-custodian-need-not-file": (
        PHIPA_ZERO,
        [
            ZERO,  # a zero report from a service provider that is not a PHIPA custodian
            changed(PHIPA_ZERO, {"3.1": 1, "4.1": 1, "5.1": 1, "5.2": 0, "5.4": 0, "5.5": 0}),
            changed(PHIPA_ZERO, {"8.1": 1}),
            changed(PHIPA_ZERO, {"10.1": 1}),
        ],
    ),
}

# derived box -> its value in cyfsa-full
DERIVED = {
    "4.4": 39, "5.3": 33, "5.6": 6, "5.7": 39, "6.10": 41, "6.11": 11, "7.8": 14,
    "8.6": 5, "9.5": 5, "11.3.6": 2, "11.4.6": 2, "12.2.6": 1, "12.3.6": 1,
    "13.2.4": 3, "13.3.6": 3, "14.2.4": 1, "14.3.6": 1,
}


# --- the fixtures -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cyfsa-full", "cyfsa-zero", "cyfsa-phipa-zero"])
def test_fixture_is_complete_and_consistent(name):
    ev = evaluate_doc(load(name))
    assert ev.findings == []
    assert ev.missing == []
    assert ev.stray == []
    assert ev.complete


def test_full_fixture_walks_every_section(cyfsa):
    ev = evaluate_doc(FULL)
    sections = {cyfsa.section_of(box).id for box, _ in ev.route}
    assert sections == {str(n) for n in range(1, 15)}
    assert list(ev.skipped_by) == [("1.2.other", None)]


# --- checks -------------------------------------------------------------------------------


def test_every_check_of_the_flow_has_a_case(cyfsa):
    assert {c.id for c in cyfsa.flow.checks} == set(CHECKS)


@pytest.mark.parametrize("rule", sorted(CHECKS))
def test_check_catches_its_break(cyfsa, rule):
    severity, changes, also = CHECKS[rule]
    assert rule not in rule_ids(evaluate_doc(changed(FULL, {})))
    ev = evaluate_doc(changed(FULL, changes))
    assert rule_ids(ev) == {rule} | also
    found = findings_of(ev, rule)
    assert found and all(f.severity == severity for f in found)
    assert all(f.type == "relation" and not f.facts["partial"] for f in found)
    assert next(c for c in cyfsa.flow.checks if c.id == rule).severity == severity


def test_findings_name_the_numbers():
    (f,) = findings_of(evaluate_doc(changed(FULL, {"4.1": 32})), "cyfsa-5.7-equals-4.4")
    assert (f.facts["left"], f.facts["right"], f.facts["gap"]) == (39, 40, -1)
    assert f.facts["test"] == "5.7 == 4.4"
    assert set(f.boxes) == {"5.7", "4.4"}


def test_each_outcome_box_is_checked_against_4_4():
    for box in ["6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7", "6.8"]:
        ev = evaluate_doc(changed(FULL, {box: 40}))
        subjects = {f.facts["subject"] for f in findings_of(ev, "cyfsa-outcome-within-4.4")}
        assert subjects == {box}


def test_each_provision_box_is_checked_against_6_11():
    for box in ["7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "7.7"]:
        ev = evaluate_doc(changed(FULL, {box: 12}))
        subjects = {f.facts["subject"] for f in findings_of(ev, "cyfsa-provision-within-6.11")}
        assert subjects == {box}


# --- early detection ----------------------------------------------------------------------


def test_breakdown_over_its_total_is_caught_before_it_is_finished():
    doc = {"format": "reportbot/1", "report": "cyfsa-part-x", "year": 2025,
           "answers": {"10.1": 3, "11.1": 3, "11.3.1": 2, "11.3.2": 2}}
    (f,) = findings_of(evaluate_doc(doc), "cyfsa-11.3.6-equals-11.1")
    assert f.severity == "error"
    assert f.facts["partial"] is True
    assert (f.facts["left"], f.facts["left_exact"], f.facts["right"], f.facts["right_exact"]) == (4, False, 3, True)


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"10.1": 3, "11.1": 3, "11.3.1": 2},  # 11.3.3 .. 11.3.5 may still be 1 or 0
        {"10.1": 3, "11.1": 3, "11.3.1": 3},  # equal so far: the rest may all be 0
        {"3.1": 10, "4.1": 10, "6.1": 2},  # 6.10 >= 4.4 still possible
        {"3.1": 10, "5.1": 9},  # 5.1 <= 4.1 with 4.1 unanswered
    ],
)
def test_undecidable_relation_gives_no_finding(answers):
    doc = {"format": "reportbot/1", "report": "cyfsa-part-x", "year": 2025, "answers": answers}
    ev = evaluate_doc(doc)
    assert ev.findings == []
    assert not ev.complete  # much is still missing


# --- derived totals -----------------------------------------------------------------------


def test_every_derived_box_has_a_value(cyfsa):
    assert {i.id for i in cyfsa.boxes if i.box.kind == "derived"} == set(DERIVED)


@pytest.mark.parametrize("box", sorted(DERIVED))
def test_derived_total_is_computed(box):
    ev = evaluate_doc(changed(FULL, {}))  # totals left for reportbot to work out
    assert ev.derived()[(box, None)] == DERIVED[box]


def test_derived_totals_follow_their_parts():
    ev = evaluate_doc(changed(FULL, {"4.1": 20, "6.2": 1, "12.2.5": 3}))
    d = ev.derived()
    assert (d[("4.4", None)], d[("6.11", None)], d[("12.2.6", None)]) == (28, 3, 4)


@pytest.mark.parametrize("box,given", [("5.7", 40), ("4.4", 38), ("12.2.6", 0), ("6.11", 12)])
def test_given_total_that_disagrees_is_an_error(box, given):
    ev = evaluate_doc(changed(FULL, {box: given}, keep_totals=True))
    assert rule_ids(ev) == {"derived-total"}
    (f,) = ev.findings
    assert f.severity == "error" and f.boxes[0] == box and f.column is None
    assert (f.facts["given"], f.facts["computed"]) == (given, DERIVED[box])


# --- routes -------------------------------------------------------------------------------


def test_every_route_of_the_flow_has_a_case(cyfsa):
    assert set(cyfsa.routes) == set(ROUTES)


@pytest.mark.parametrize("route_id", sorted(ROUTES))
def test_route_takes_its_boxes_off_and_keeps_the_rest(cyfsa, route_id):
    changes, off, on, control = ROUTES[route_id]
    off_cells = cells_of(cyfsa, off)
    on_cells = cells_of(cyfsa, on)
    before = evaluate_doc(changed(FULL, control))
    assert all(c in before.route for c in off_cells)
    after = evaluate_doc(changed(FULL, changes))
    for c in off_cells:
        assert c not in after.route
        assert after.skipped_by[c] == route_id
        assert c not in after.missing
    for c in on_cells:
        assert c in after.route


def test_no_breaches_route_goes_to_the_end(cyfsa):
    route = next(r for r in cyfsa.flow.routes if r.id == "cyfsa-no-breaches")
    assert route.goto == "end"
    assert "section 15" in route.note and "end" in route.note
    ev = evaluate_doc(changed(FULL, {"10.1": 0}))
    assert ev.route[-1] == ("10.1", None)


def test_route_is_a_function_of_the_answers_alone(cyfsa):
    zero = changed(FULL, {"3.1": 0})
    first = evaluate_doc(zero)
    evaluate_doc(FULL)
    again = evaluate_doc(zero)
    assert again.route == first.route and again.skipped_by == first.skipped_by
    assert evaluate_doc(changed(zero, {"3.1": 40})).route == evaluate_doc(changed(FULL, {})).route


# --- zero reports and the PHIPA custodian -------------------------------------------------


def test_zero_report_asks_only_the_deciding_boxes(cyfsa):
    assert cyfsa.flow.zero_report == ["3.1", "8.1", "10.1"]
    ev = evaluate_doc(ZERO)
    after_identification = [b for b, _ in ev.route if not b.startswith("1.")]
    assert after_identification == ["2.1", "questionnaire", "3.1", "8.1", "10.1"]
    assert ev.complete and ev.notices == []


def test_zero_report_missing_a_deciding_box_is_not_complete():
    ev = evaluate_doc(changed(ZERO, {"8.1": None}))
    assert ev.missing[0] == ("8.1", None)
    assert not ev.complete


def test_every_notice_of_the_flow_has_a_case(cyfsa):
    assert {n.id for n in cyfsa.flow.notices} == set(NOTICES)


@pytest.mark.parametrize("notice", sorted(NOTICES))
def test_notice_shows_exactly_when_it_applies(notice):
    shows, not_shown = NOTICES[notice]
    assert evaluate_doc(shows).notices == [notice]
    for doc in not_shown:
        assert notice not in evaluate_doc(doc).notices


# --- the workbook's slips -----------------------------------------------------------------


def test_8_1_says_january_to_december_and_notes_the_slip(cyfsa):
    box = cyfsa.by_id["8.1"].box
    assert "January to December" in box.label
    assert "December to January" not in box.label
    assert box.note and "December to January" in box.note


def test_12_2_6_is_the_total_checked_against_12_1(cyfsa):
    box = cyfsa.by_id["12.2.6"].box
    assert box.kind == "derived" and box.note and "12.2.5" in box.note
    assert cyfsa.by_id["12.2.6"].formula.boxes() == ["12.2.1", "12.2.2", "12.2.3", "12.2.4", "12.2.5"]
    check = next(c for c in cyfsa.flow.checks if c.id == "cyfsa-12.2.6-equals-12.1")
    assert check.test.replace(" ", "") == "12.2.6==12.1"
    # 12.2.5 alone equal to 12.1 is not enough: the total of all five is what counts.
    ev = evaluate_doc(changed(FULL, {"12.2.3": 1}))  # 12.2.5 = 0 ... 12.2.6 = 2, 12.1 = 1
    assert rule_ids(ev) == {"cyfsa-12.2.6-equals-12.1"}


def test_1_2_options_are_the_workbooks_in_order(cyfsa):
    options = [o.id for o in cyfsa.by_id["1.2"].box.options]
    assert options == [
        "childrens_aid_society", "indigenous_child_well_being_society", "residential_licensee",
        "adoption_licensee", "youth_justice", "developmental_services", "community_support",
        "ministry", "phipa_custodian", "other",
    ]


def test_engine_is_pure_over_plain_answers(cyfsa):
    answers = {("3.1", None): 0, ("8.1", None): 0, ("10.1", None): 0}
    ev = evaluate(cyfsa, answers)
    assert ev.values[("4.4", None)] == 0 and ("4.4", None) in ev.skipped_by
    assert answers == {("3.1", None): 0, ("8.1", None): 0, ("10.1", None): 0}


def test_progress_counts_the_boxes_the_filer_must_answer():
    # A finished report is "all of all": totals and optional boxes (5.factors) are not counted.
    answered, needed = evaluate_doc(FULL).progress()
    assert answered == needed > 0
    with_factors = changed(FULL, {"factors": "Staff shortage in March"})
    assert evaluate_doc(with_factors).progress() == (answered, needed)
    # Each box taken away is one fewer answered; a skipped section is fewer needed.
    assert evaluate_doc(changed(FULL, {"4.1": None})).progress() == (answered - 1, needed)
    zero_answered, zero_needed = evaluate_doc(ZERO).progress()
    assert zero_answered == zero_needed < needed


def test_zero_report_with_its_questionnaire_is_complete():
    ev = evaluate_doc(changed(ZERO, {"questionnaire": "zero"}))
    assert ev.findings == [] and ev.complete
    assert evaluate_doc(changed(ZERO, {"questionnaire": "full"})).findings == []  # a full report may hold zeros
