"""Every check, route, column rule, total and provisional label of the FIPPA year-end flow.

The tables are written by hand from the 2005 completion guide
(shared/sources/004_9d461217c2c8653a.txt) and shared/notes/ipc-forms-evidence.md,
not generated from the flow: a rule removed from flows/fippa-year-end.yaml
fails its case, and a rule added without a case fails the completeness tests.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from reports import cells_of, changed, evaluate_doc, findings_of, load, parse, rule_ids

FULL = load("fippa-full")
ZERO = load("fippa-zero")
CORRECTIONS_ONLY = load("fippa-corrections-only")
P, G = "personal", "general"

# rule id -> (severity, column of the finding, the fewest answers to change in
#             fippa-full to break it, other rules that necessarily break with it)
CHECKS: dict[str, tuple[str, str | None, dict, set[str]]] = {
    # Stated by the guide: errors.
    "fippa-3.8-not-negative": (
        "error", G, {"3.6": {G: 300}},
        # 3.8 below 0 cannot equal a sum of counts, nor can a disposition stay within it.
        {"fippa-4.9-same-as-3.8", "fippa-5.7-equals-3.8", "fippa-6.13-equals-3.8", "fippa-disposition-within-3.8"},
    ),
    "fippa-4.9-same-as-3.8": ("error", G, {"4.8": {G: 3}}, set()),
    "fippa-5.7-equals-3.8": ("error", G, {"5.6": {G: 4}}, set()),
    "fippa-6.13-equals-3.8": ("error", G, {"6.11": {G: 2}}, set()),
    "fippa-7.8-at-least-3.8": ("error", P, {"7.1": {P: 100}}, set()),
    "fippa-8.19-at-least-7.9": ("error", P, {"8.14": {P: 30}}, set()),
    "fippa-10.7-at-least-9.1": ("error", P, {"10.4": {P: 9}}, set()),
    "fippa-11.4-not-negative": ("error", None, {"11.3": 17}, {"fippa-11.9-equals-11.4"}),
    "fippa-11.9-equals-11.4": ("error", None, {"11.8": 2}, set()),
    # A zero report chosen over figures: each deciding box that is not 0 is an error (here 11.1 and 11.2).
    "fippa-zero-report-is-zero": (
        "error", None, {"questionnaire": "zero", "3.1": {P: 0, G: 0}, "3.2": {P: 0, G: 0}, "3.3": {P: 0, G: 0}}, set(),
    ),
    # Parts of the same set: errors.
    "fippa-7.7-within-7.6": ("error", P, {"7.7": {P: 11}}, set()),
    "fippa-disposition-within-3.8": ("error", P, {"7.1": {P: 181}}, set()),
    "fippa-fee-reason-within-9.1": ("error", G, {"10.4": {G: 61}}, set()),
    # Judgement calls: warnings.
    "fippa-exemption-within-7.9": ("warning", G, {"8.8": {G: 101}}, set()),
    "fippa-9.4-within-9.1": ("warning", P, {"9.4": {P: 13}}, set()),
    "fippa-additional-fees-collected": ("warning", P, {"9.2.2": {P: 0}}, set()),
    "fippa-fees-waived-amount": ("warning", P, {"9.6": {P: 0}}, set()),
    "fippa-11.10-within-11.6-11.7": ("warning", None, {"11.10": 7}, set()),
}

# route id -> (answers to change in fippa-full, cells it must take off the route,
#              cells that must stay on it). Specs: see reports.cells.
ROUTES: dict[str, tuple[dict, list[str], list[str]]] = {
    "fippa-no-requests": (
        {"3.1": {P: 0, G: 0}, "3.2": {P: 0, G: 0}, "3.3": {P: 0, G: 0}},
        ["3.5..10.7"],
        ["3.1..3.4", "11.1..11.11"],
    ),
    "fippa-no-requests-in-column": (
        {"3.1": {P: 0}, "3.2": {P: 0}, "3.3": {P: 0}},
        ["3.5..10.7 personal"],
        ["3.4 personal", "3.5..10.7 general", "6a", "11.1"],
    ),
    "fippa-none-completed": (
        {"3.5": {P: 0, G: 0}, "3.6": {P: 200, G: 282}},
        ["4.1..8.19"],
        ["3.8", "9.1..9.6", "11.1"],
    ),
    "fippa-none-completed-in-column": (
        {"3.6": {G: 272}},
        ["4.1..8.19 general"],
        ["3.8 general", "4.1..8.19 personal", "6a", "9.1 general"],
    ),
    "fippa-none-withdrawn": ({"7.6": {P: 0}}, ["7.7 personal"], ["7.6 personal", "7.7 general", "7.8 personal"]),
    "fippa-no-exemptions": (
        {"7.2": {G: 0}, "7.4": {G: 0}},
        ["8.1..8.19 general"],
        ["7.9 general", "8.1..8.19 personal", "9.1 general"],
    ),
    "fippa-no-additional-fees-amount": (
        {"9.1": {P: 0}},
        ["9.2.2 personal"],
        ["9.2 personal", "9.2.3 personal", "9.2.2 general", "9.3..9.6 personal"],
    ),
    "fippa-nothing-waived": (
        {"9.3": {G: 0}, "9.4": {G: 0}},
        ["9.6 general"],
        ["9.5 general", "9.6 personal", "10.1..10.7 general"],
    ),
    "fippa-no-additional-fees-none-waived": (
        {"9.1": {P: 0}, "9.3": {P: 0}, "9.4": {P: 0}},
        ["9.6 personal", "10.3..10.7 personal"],
        ["9.5 personal", "9.6 general", "10.1..10.7 general", "11.1"],
    ),
    "fippa-no-additional-fees": (
        # Fees were waived in full (9.3) though none was collected: 9.6 stays, section 10 goes.
        {"9.1": {P: 0}, "9.4": {P: 0}},
        ["10.3..10.7 personal"],
        ["9.6 personal", "10.1..10.7 general", "11.1"],
    ),
    "fippa-no-correction-requests": ({"11.1": 0, "11.2": 0}, ["11.3..11.11"], ["11.1", "11.2"]),
    "fippa-no-corrections-completed": ({"11.3": 16}, ["11.5..11.11"], ["11.3", "11.4"]),
}

NOTICES: dict[str, object] = {}  # the guide has no notice (every institution files)

# derived box -> its value in fippa-full: (personal, general), or one value for section 11
DERIVED: dict[str, tuple | int] = {
    "3.4": (200, 282), "3.7": (20, 32), "3.8": (180, 250), "4.9": (180, 250), "5.7": (180, 250),
    "6.3": (158, 185), "6.6": (0, 25), "6.9": (22, 36), "6.12": (0, 4), "6.13": (180, 250),
    "7.8": (180, 252), "7.9": (51, 100), "8.19": (62, 150),
    "9.2.3": (Decimal("986.40"), Decimal("5512.75")), "9.5": (3, 13), "10.7": (13, 138),
    "11.4": 15, "11.9": 15,
}

# box -> the only column it has, and why (the guide's words)
COLUMN_RULES = {
    "8.12": (G, "Section 21"),
    "8.14": (P, "Section 49"),
    "10.1": (G, "reproduction and computer costs"),
    "10.2": (G, "reproduction and computer costs"),
    "10.5": (G, "reproduction and computer costs"),
    "10.6": (G, "reproduction and computer costs"),
}

# The labels the 2005 guide does not print (ipc-forms-evidence.md), numbered exactly as there.
PROVISIONAL_LABELS = {
    "4.1": "Individual/Public", "4.2": "Business", "4.3": "Academic/Researcher",
    "4.4": "Association/Group", "4.5": "Media", "4.6": "Government (all levels)",
    "4.7": "Other", "4.8": "Don't know",
    "5.1": "30 days or less", "5.2": "31–60 days", "5.3": "61–90 days",
    "5.4": "91–120 days", "5.5": "121–150 days", "5.6": "151 days or more",
    "10.1": "Search time", "10.2": "Preparation for disclosure", "10.3": "Computer costs",
    "10.4": "Reproduction", "10.5": "Shipping", "10.6": "Other",
}
EXEMPTION_SECTIONS = {
    "8.1": "s.12", "8.2": "s.13", "8.3": "s.14", "8.4": "s.14.1", "8.5": "s.14.2", "8.6": "s.15",
    "8.7": "s.16", "8.8": "s.17", "8.9": "s.18", "8.10": "s.19", "8.11": "s.20", "8.12": "s.21",
    "8.13": "s.22", "8.14": "s.49", "8.15": "s.65", "8.16": "s.10(1)(b)", "8.17": "s.67", "8.18": "Other",
}


# --- the fixtures -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["fippa-full", "fippa-zero", "fippa-corrections-only"])
def test_fixture_is_complete_and_consistent(name):
    ev = evaluate_doc(load(name))
    assert ev.findings == []
    assert ev.missing == []
    assert ev.stray == []
    assert ev.complete


def test_full_fixture_walks_every_section_in_both_columns(fippa):
    ev = evaluate_doc(FULL)
    assert ev.skipped_by == {}
    assert {fippa.section_of(b).id for b, _ in ev.route} == {s.id for s in fippa.flow.sections}
    assert {c for _, c in ev.route} == {None, P, G}


def test_zero_report_is_sections_1_and_2_and_the_deciding_boxes(fippa):
    assert fippa.flow.zero_report == ["3.1", "3.2", "3.3", "11.1", "11.2"]
    ev = evaluate_doc(ZERO)
    expected = cells_of(fippa, ["1.1.institution..questionnaire", "3.1..3.4", "11.1", "11.2"])
    assert ev.route == expected
    assert ev.complete


def test_corrections_only_is_sections_1_2_and_11(fippa):
    ev = evaluate_doc(CORRECTIONS_ONLY)
    assert ev.route == cells_of(fippa, ["1.1.institution..questionnaire", "3.1..3.4", "11.1..11.11"])
    assert ev.derived()[("11.4", None)] == 4
    assert ev.complete


# --- checks -------------------------------------------------------------------------------


def test_every_check_of_the_flow_has_a_case(fippa):
    assert {c.id for c in fippa.flow.checks} == set(CHECKS)


@pytest.mark.parametrize("rule", sorted(CHECKS))
def test_check_catches_its_break_in_its_column(fippa, rule):
    severity, column, changes, also = CHECKS[rule]
    assert rule not in rule_ids(evaluate_doc(changed(FULL, {})))
    ev = evaluate_doc(changed(FULL, changes))
    assert rule_ids(ev) == {rule} | also
    found = findings_of(ev, rule)
    assert {f.column for f in found} == {column}
    assert {f.severity for f in found} == {severity}
    assert next(c for c in fippa.flow.checks if c.id == rule).severity == severity


def test_column_checks_apply_to_each_column_separately():
    ev = evaluate_doc(changed(FULL, {"4.8": {P: 3, G: 1}}))
    found = findings_of(ev, "fippa-4.9-same-as-3.8")
    assert {(f.column, f.facts["left"], f.facts["right"]) for f in found} == {(P, 181, 180), (G, 249, 250)}


def test_exemption_check_covers_every_exemption_in_its_columns():
    for box, column in [("8.1", P), ("8.11", G), ("8.12", G), ("8.14", P), ("8.18", G)]:
        limit = 51 if column == P else 100
        ev = evaluate_doc(changed(FULL, {box: {column: limit + 1}}))
        found = findings_of(ev, "fippa-exemption-within-7.9")
        assert {(f.facts["subject"], f.column) for f in found} == {(box, column)}


# --- column rules -------------------------------------------------------------------------


def test_every_column_rule_of_the_flow_has_a_case(fippa):
    restricted = {i.id: i.box.columns for i in fippa.boxes if i.box.columns is not None}
    assert restricted == {box: [col] for box, (col, _) in COLUMN_RULES.items()}


@pytest.mark.parametrize("box", sorted(COLUMN_RULES))
def test_value_in_the_forbidden_column_is_an_error(box):
    allowed, words = COLUMN_RULES[box]
    forbidden = P if allowed == G else G
    report = parse(changed(FULL, {box: {forbidden: 3}}))
    (f,) = report.problems
    assert (f.severity, f.rule, f.boxes, f.column) == ("error", "column-rule", (box,), forbidden)
    assert words in f.facts["problem"]
    assert (box, forbidden) not in report.answers
    assert report.answers[(box, allowed)] == FULL["answers"][box][allowed]


def test_s21_is_8_12_and_s49_is_8_14(fippa):
    assert fippa.by_id["8.12"].box.label.startswith("s.21 ")
    assert fippa.by_id["8.14"].box.label.startswith("s.49 ")
    assert fippa.by_id["8.12"].columns == (G,)
    assert fippa.by_id["8.14"].columns == (P,)


# --- provisional labels -------------------------------------------------------------------


def test_exactly_the_unprinted_labels_are_provisional(fippa):
    provisional = {i.id for i in fippa.boxes if i.box.provisional}
    assert provisional == {"1.3", *PROVISIONAL_LABELS, *EXEMPTION_SECTIONS}
    for box_id in provisional:
        evidence = fippa.by_id[box_id].box.evidence
        assert evidence and "ipc-forms-evidence.md" in evidence, box_id


@pytest.mark.parametrize("box", sorted(PROVISIONAL_LABELS))
def test_provisional_label_is_the_evidence_numbering(fippa, box):
    assert fippa.by_id[box].box.label == PROVISIONAL_LABELS[box]


@pytest.mark.parametrize("box", sorted(EXEMPTION_SECTIONS))
def test_exemption_is_numbered_in_the_order_of_the_act(fippa, box):
    assert fippa.by_id[box].box.label.split(" ")[0] == EXEMPTION_SECTIONS[box]


def test_1_3_is_a_number_of_full_time_equivalents(fippa):
    box = fippa.by_id["1.3"].box
    assert box.kind == "decimal" and box.provisional
    assert "full-time equivalents" in box.label
    report = parse(changed(FULL, {"1.3": Decimal("0.5")}))
    assert report.problems == [] and report.answers[("1.3", None)] == Decimal("0.5")


# --- derived totals -----------------------------------------------------------------------


def test_every_derived_box_has_a_value(fippa):
    assert {i.id for i in fippa.boxes if i.box.kind == "derived"} == set(DERIVED)


@pytest.mark.parametrize("box", sorted(DERIVED))
def test_derived_total_is_computed(box):
    d = evaluate_doc(changed(FULL, {})).derived()
    expected = DERIVED[box]
    if isinstance(expected, tuple):
        assert (d[(box, P)], d[(box, G)]) == expected
    else:
        assert d[(box, None)] == expected


def test_3_8_is_3_4_minus_3_7():
    d = evaluate_doc(changed(FULL, {"3.2": {P: 7}, "3.6": {P: 30}})).derived()
    assert (d[("3.4", P)], d[("3.7", P)], d[("3.8", P)]) == (202, 34, 168)
    assert d[("3.8", G)] == 250


def test_11_4_is_11_1_plus_11_2_minus_11_3():
    d = evaluate_doc(changed(FULL, {"11.1": 20, "11.2": 4, "11.3": 9})).derived()
    assert d[("11.4", None)] == 15
    d = evaluate_doc(changed(FULL, {"11.3": 5})).derived()
    assert d[("11.4", None)] == 11


@pytest.mark.parametrize(
    "box,given,column,computed",
    [
        ("3.8", {P: 181}, P, 180),
        ("7.9", {G: 99}, G, 100),
        ("9.2.3", {P: Decimal("986.41")}, P, Decimal("986.40")),
        ("11.4", 14, None, 15),
    ],
)
def test_given_total_that_disagrees_is_an_error(box, given, column, computed):
    ev = evaluate_doc(changed(FULL, {box: given}, keep_totals=True))
    assert rule_ids(ev) == {"derived-total"}
    (f,) = ev.findings
    assert (f.severity, f.boxes[0], f.column) == ("error", box, column)
    assert f.facts["computed"] == computed


# --- routes -------------------------------------------------------------------------------


def test_every_route_of_the_flow_has_a_case(fippa):
    assert set(fippa.routes) == set(ROUTES)


def test_every_notice_of_the_flow_has_a_case(fippa):
    assert {n.id for n in fippa.flow.notices} == set(NOTICES)


@pytest.mark.parametrize("route_id", sorted(ROUTES))
def test_route_takes_its_cells_off_and_keeps_the_rest(fippa, route_id):
    changes, off, on = ROUTES[route_id]
    off_cells, on_cells = cells_of(fippa, off), cells_of(fippa, on)
    before = evaluate_doc(changed(FULL, {}))
    assert all(c in before.route for c in off_cells)
    after = evaluate_doc(changed(FULL, changes))
    for c in off_cells:
        assert after.skipped_by.get(c) == route_id, c
        assert c not in after.missing
    for c in on_cells:
        assert c in after.route, c


def test_one_column_without_requests_leaves_the_other_to_fill(fippa):
    # The full report's personal column alone, and no general-records request at all.
    answers = {}
    for box, value in FULL["answers"].items():
        if not isinstance(value, dict):
            answers[box] = value
        elif P in value:
            answers[box] = {P: value[P]}
    doc = changed({**FULL, "answers": answers}, {"3.1": {G: 0}, "3.2": {G: 0}, "3.3": {G: 0}})
    ev = evaluate_doc(doc)
    assert ev.findings == [] and ev.missing == [] and ev.complete
    assert [c for c in ev.route if c[1] == G] == cells_of(fippa, ["3.1..3.4 general"])
    assert all(c in ev.route for c in cells_of(fippa, ["3.5..10.7 personal"]))
    # And the general column, once it has a request again, is asked in full.
    ev = evaluate_doc(changed(doc, {"3.1": {G: 1}}))
    assert ("3.5", G) in ev.missing and ("10.4", G) in ev.missing


def test_11_4_zero_takes_the_rest_of_section_11_off(fippa):
    ev = evaluate_doc(changed(CORRECTIONS_ONLY, {"11.3": 4}))
    assert ev.route[-1] == ("11.4", None)
    assert ev.stray == [(b, None) for b in ["11.5", "11.6", "11.7", "11.10", "11.11"]]
