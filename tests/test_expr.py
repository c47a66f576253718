"""The small language of formulas, relations and conditions in flow files."""

from __future__ import annotations

from fractions import Fraction

import pytest

from reportbot.flow import expr
from reportbot.flow.expr import Bounds, Choice, ExprError, compare, impossible

ORDER = ["6.1", "6.2", "6.3", "6.4", "11.3.1", "11.3.2", "11.3.3"]


def expand(a: str, b: str) -> list[str]:
    return ORDER[ORDER.index(a) : ORDER.index(b) + 1]


@pytest.mark.parametrize(
    "text,terms,const",
    [
        ("4.1 + 4.2 + 4.3", (("4.1", 1), ("4.2", 1), ("4.3", 1)), 0),
        ("3.4 - 3.7", (("3.4", 1), ("3.7", -1)), 0),
        ("11.1 + 11.2 - 11.3", (("11.1", 1), ("11.2", 1), ("11.3", -1)), 0),
        ("11.3.1+11.3.2", (("11.3.1", 1), ("11.3.2", 1)), 0),
        ("4.1 + 2", (("4.1", 1),), 2),
        ("10", (), 10),
        ("-4.1 + 3", (("4.1", -1),), 3),
        ("4.1 - 1", (("4.1", 1),), -1),
    ],
)
def test_formula(text, terms, const):
    lin = expr.parse_formula(text)
    assert (lin.terms, lin.const) == (terms, const)


def test_range_covers_every_box_between_its_ends():
    lin = expr.parse_formula("6.1 .. 6.4", expand)
    assert lin.boxes() == ["6.1", "6.2", "6.3", "6.4"]
    assert all(coef == 1 for _, coef in lin.terms)


def test_range_after_a_minus_subtracts_every_box():
    lin = expr.parse_formula("6.4 - 11.3.1 .. 11.3.3", expand)
    assert lin.terms == (("6.4", 1), ("11.3.1", -1), ("11.3.2", -1), ("11.3.3", -1))


def test_range_needs_the_flows_order():
    with pytest.raises(ExprError, match="ranges"):
        expr.parse_formula("6.1 .. 6.4")


@pytest.mark.parametrize("op", ["==", "!=", "<=", ">=", "<", ">"])
def test_relation_operators(op):
    rel = expr.parse_relation(f"5.7 {op} 4.4")
    assert rel.op == op
    assert (rel.left.boxes(), rel.right.boxes()) == (["5.7"], ["4.4"])


def test_relation_with_sums_on_both_sides():
    rel = expr.parse_relation("11.1 + 12.1 + 13.1 + 14.1 == 10.1")
    assert rel.left.boxes() == ["11.1", "12.1", "13.1", "14.1"]
    assert rel.boxes() == ["11.1", "12.1", "13.1", "14.1", "10.1"]


def test_placeholder_stands_for_each_box():
    rel = expr.parse_relation("_ <= 4.4", placeholder="6.3")
    assert rel.left.boxes() == ["6.3"]
    with pytest.raises(ExprError, match="each"):
        expr.parse_relation("_ <= 4.4")


def test_condition_is_and_is_not():
    cond = expr.parse_condition("1.2 is phipa_custodian and 3.1 == 0 and 8.1 == 0")
    assert cond.clauses[0] == Choice("1.2", "phipa_custodian", False)
    assert [c.op for c in cond.clauses[1:]] == ["==", "=="]
    assert cond.boxes() == ["1.2", "3.1", "8.1"]
    (neg,) = expr.parse_condition("1.2 is not other").clauses
    assert neg == Choice("1.2", "other", True)


def test_condition_with_a_sum():
    (clause,) = expr.parse_condition("11.1 + 11.2 == 0").clauses
    assert clause.left.boxes() == ["11.1", "11.2"] and clause.right.const == 0


@pytest.mark.parametrize(
    "parse,text,match",
    [
        (expr.parse_formula, "", "ends too soon"),
        (expr.parse_formula, "4.1 +", "ends too soon"),
        (expr.parse_formula, "4.1 * 2", "cannot read"),
        (expr.parse_formula, "4.1 4.2", "unexpected"),
        (expr.parse_formula, "4.1 + other", "expected a box or a number"),
        (expr.parse_relation, "5.7 = 4.4", "cannot read"),
        (expr.parse_relation, "5.7 4.4", "expected one of"),
        (expr.parse_relation, "5.7 == 4.4 == 3.8", "unexpected"),
        (expr.parse_condition, "1.2 is", "ends too soon"),
        (expr.parse_condition, "1.2 is 3", "option id"),
        (expr.parse_condition, "3.1 == 0 or 8.1 == 0", "expected 'and'"),
    ],
)
def test_unreadable_text_is_an_expr_error(parse, text, match):
    with pytest.raises(ExprError, match=match):
        parse(text)


def test_range_must_end_at_a_box():
    with pytest.raises(ExprError, match="after '..'"):
        expr.parse_formula("6.1 .. 3", expand)


@pytest.mark.parametrize(
    "diff,op,holds",
    [(0, "==", True), (1, "==", False), (-1, "<=", True), (1, "<=", False), (0, "<", False),
     (1, ">=", True), (-1, ">=", False), (0, ">", False), (1, "!=", True), (Fraction(1, 2), ">", True)],
)
def test_compare(diff, op, holds):
    assert compare(diff, op) is holds


@pytest.mark.parametrize(
    "low,high,op,result",
    [
        (1, None, "==", True),  # already over, and unknown parts only add
        (None, -1, "==", True),  # already under, and unknown parts only take away
        (0, None, "==", False),
        (None, None, "==", False),
        (1, None, "<=", True),
        (0, None, "<=", False),
        (0, None, "<", True),
        (None, -1, ">=", True),
        (None, 0, ">=", False),
        (None, 0, ">", True),
        (5, 5, "!=", False),  # != is never decided early
    ],
)
def test_impossible(low, high, op, result):
    assert impossible(Bounds(low, high), op) is result
