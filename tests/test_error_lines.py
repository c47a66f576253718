"""Item 7 of issue 13: an error line is short (about 160 characters), with the full explanation one ``why`` away.

Every message the conversation says as an error line is filled in with realistic fields, in English and in French:
the longest route reason and formula of each report, a 40-character excerpt (what ``understand`` shows of what was
typed), both columns' names. The findings are every error each report can have, as the conversation words them.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from reportbot import explain
from reportbot.engine import evaluate
from reportbot.flow.loader import load_flow
from reportbot.wording import wording
from reports import load, parse
from test_plain_mode import CONVERSATIONS, FIPPA_TO_TYPE, converse

LIMIT = 160
FORMS = ("cyfsa-part-x", "fippa-year-end")
TYPED = "x" * 37 + "..."  # what understand shows of a long answer (_excerpt)


def _longest(texts) -> str:
    return max(texts, key=len)


def _fields(lang: str, form: str) -> dict[str, dict[str, object]]:
    """Each error message's fields, at their realistic longest."""
    flow, words = load_flow(form), wording(lang, form)
    reason = _longest(explain.route_reason(flow, words, r) for r in flow.routes)
    formula = _longest(explain.formula_text(flow, words, b.id) for b in flow.boxes if b.formula is not None)
    column = _longest(explain.column_label(flow, words, c.id) for c in flow.flow.columns) if flow.flow.columns else ""
    cell = "11.3.5" if form == "cyfsa-part-x" else f"8.18 {words.column('personal')}"
    cells = f"3.1 {words.column('personal')} = 120, 3.1 {words.column('general')} = 210, 11.1 = 3"
    return {
        "understand.yes_no": {}, "understand.empty": {},
        "understand.not_a_number": {"text": TYPED}, "understand.not_one_number": {"text": TYPED},
        "understand.two_figures": {"text": TYPED}, "understand.one_column": {"column": column.lower()},
        "understand.whole_number": {"value": TYPED}, "understand.derived": {"box": "11.3.6"},
        "understand.choose": {"count": 10}, "start.read_only": {}, "start.not_yet": {},
        "start.bad_year": {"year": 2025}, "start.duplicate_yes_no": {"id": 123}, "language.unknown": {"languages": "en, fr"},
        "type.zero_answered": {"boxes": "3.1, 3.2, 3.3, 11.1, 11.2", "cells": cells},
        "type.zero_carried": {"year": 2024, "cells": cells},
        "resolve.name_a_box": {"example": cell}, "resolve.is_total": {"box": f"6.13 {words.column('general')}",
                                                                      "formula": formula},
        "accept.need_reason": {}, "accept.say_more": {}, "goto.unknown": {"box": TYPED},
        "goto.skipped": {"box": cell, "why": reason}, "goto.section_skipped": {"section": "6a", "why": reason},
        "change.which_column": {"box": "10.3"},
        "value.error.count_negative": {"got": "-1234567"}, "value.error.count_too_large": {"got": "1,000,000,000"},
        "value.error.cents": {"got": TYPED}, "value.error.text_too_long": {"limit": 2000},
    }


def _error_line(words, text: str) -> str:
    return words.t("error.line", text=text)


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("form", FORMS)
def test_every_error_message_makes_a_short_line(lang, form):
    words = wording(lang, form)
    long = {}
    for key, fields in _fields(lang, form).items():
        line = _error_line(words, words.t(key, **fields))
        if key == "understand.one_column" or key.startswith("value.error."):
            line = _error_line(words, words.t("understand.in_column", column="Renseignements personnels", text=line))
        if len(line) > LIMIT:
            long[key] = f"{len(line)}: {line}"
    assert long == {}


def _errors(form: str):
    """Every error a report can have: each answer of a full report made larger, or 0, one at a time."""
    report = parse(load("cyfsa-full" if form == "cyfsa-part-x" else "fippa-full"))
    flow, base = report.flow, dict(report.answers)
    seen = {}
    for cell, value in base.items():
        if flow.by_id[cell[0]].formula is not None or not isinstance(value, int | Decimal):
            continue
        for changed in (value + 1, value + 137, 0, 9999):
            answers = {**base, cell: changed}
            for f in evaluate(flow, answers).errors:
                seen.setdefault((f.rule, f.column), f)
            partial = {c: v for c, v in answers.items() if flow.by_id[c[0]].index <= flow.by_id[cell[0]].index}
            for f in evaluate(flow, partial).errors:  # decided before the last parts are given
                seen.setdefault((f.rule, f.column, "partial"), f)
    return flow, list(seen.values())


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("form", FORMS)
def test_every_finding_makes_a_short_error_line_and_why_has_the_rest(lang, form):
    words = wording(lang, form)
    flow, findings = _errors(form)
    assert len(findings) > 10
    for f in findings:
        line = _error_line(words, explain.headline(flow, words, f))
        assert len(line) <= LIMIT, line
        assert explain.summary(flow, words, f).startswith(explain.headline(flow, words, f))


# ----- in the conversation ----------------------------------------------------------------------------------------

FIPPA_FULL = (CONVERSATIONS / "fippa-full.txt").read_text(encoding="utf-8").splitlines()


def _fippa(tmp_path, monkeypatch, capsys, lines, args=("new", "fippa-year-end", "--year", "2025")) -> str:
    code, out = converse(tmp_path / "r.sqlite3", list(args), lines, monkeypatch, capsys)
    assert code == 0
    return out


def test_a_wrong_choice_says_the_range_and_list_reads_the_choices_again(tmp_path, monkeypatch, capsys):
    out = _fippa(tmp_path, monkeypatch, capsys, [*FIPPA_TO_TYPE[:7], "ministries", "3", "list", "agency", "quit"])
    asked = out.split("[1.1.mailing_address]")[1]
    assert asked.count("  1. Ministry") == 2  # when first asked, and on "list"; not after each wrong answer
    assert re.search(r"^\[1\.2\] .* ministries\nError: Type a number from 1 to 2, or list to hear them again\.\n"
                     r"\[1\.2\] .* 3\nError: Type a number from 1 to 2, or list to hear them again\.\n"
                     r"\[1\.2\] .* list\n  1\. Ministry\n  2\. Agency\n\[1\.2\] .* agency$", asked, flags=re.M)


def test_list_where_there_is_no_list_says_so(tmp_path, monkeypatch, capsys):
    out = _fippa(tmp_path, monkeypatch, capsys, ["list", "quit"])
    assert re.search(r"^\[1\.1\.institution\] .* list\nThis question has no list of choices\.\n\[1\.1\.institution\] ",
                     out, flags=re.M)


def test_list_at_the_launcher_reads_the_reports_again(tmp_path, monkeypatch, capsys):
    out = _fippa(tmp_path, monkeypatch, capsys, ["3", "list", "fippa-year-end", "quit"], args=())
    assert re.search(r"^\[report\] .* 3\nError: Type a number from 1 to 2, or list to hear them again\.\n"
                     r"\[report\] .* list\n  1\. ", out, flags=re.M)
    assert out.count("  1. ") == 2
    assert "[year] " in out  # a report's id still picks it


def test_why_after_a_short_error_says_the_rest(tmp_path, monkeypatch, capsys):
    out = _fippa(tmp_path, monkeypatch, capsys, [*FIPPA_TO_TYPE, "2", "12 30 40", "why", "why", "quit"])
    error = next(line for line in out.splitlines() if line.startswith("Error: I cannot read '12 30 40'"))
    assert len(error) <= LIMIT
    rule, box_why = (line for line in out.splitlines() if not line.startswith("[") and "(1,234 or 1 234)" in line
                     or line == wording("en", "fippa-year-end").report.boxes["3.1"].why)
    assert rule.startswith("A space or a comma may only separate thousands")  # the first why: the error's rule
    assert box_why  # the second: why the box is asked, as before


def test_why_at_resolve_says_the_rule_in_words(tmp_path, monkeypatch, capsys):
    lines = FIPPA_FULL[: FIPPA_FULL.index("8.14 personal")]  # up to the [resolve] of 8.19 and 7.9
    out = _fippa(tmp_path, monkeypatch, capsys, [*lines, "why", "99.99", "why", "quit"])
    said = out.splitlines()
    asked = [i for i, line in enumerate(said) if line.startswith("[resolve] ") and line.endswith(" why")]
    assert len(asked) == 2  # "why" says the rule, and again after a box number it cannot read
    for at in asked:
        assert said[at + 1].startswith("The exemptions and exclusions counted in 8.1 to 8.18 (8.19) must be at least")
    errors = [line for line in said if line.startswith("Error: ")]
    assert errors and all(len(line) <= LIMIT for line in errors)


def test_a_warning_is_said_once_before_it_is_accepted(tmp_path, monkeypatch, capsys):
    out = _fippa(tmp_path, monkeypatch, capsys, FIPPA_FULL)
    assert out.count("Warning: 11.10 = 3, but it should be at most 11.6 + 11.7 = 2") == 1
    assert "[accept] If 11.10 and 11.6 + 11.7 are right" in out


def test_a_warning_is_said_once_after_reopening_the_report(tmp_path, monkeypatch, capsys):
    reason = FIPPA_FULL.index("One refused request had two statements of disagreement attached.")
    _fippa(tmp_path, monkeypatch, capsys, [*FIPPA_FULL[:reason], "quit"])
    out = _fippa(tmp_path, monkeypatch, capsys, ["change 11.11 to 3", "why", "quit"], args=("resume",))
    assert out.count("Warning: 11.10 = 3, but it should be at most 11.6 + 11.7 = 2") == 1
    assert out.count("[accept] ") == 3  # on reopening, after the change, after "why"
    # The warning in full is one "why" away at [accept].
    assert re.search(r"^\[accept\] .* why\n11\.10 = 3, but it should be at most", out, flags=re.M)


def test_a_warning_fixed_and_then_brought_back_is_said_again(tmp_path, monkeypatch, capsys):
    reason = FIPPA_FULL.index("One refused request had two statements of disagreement attached.")
    out = _fippa(tmp_path, monkeypatch, capsys, [*FIPPA_FULL[:reason], "change 11.10 to 2", "change 11.10 to 3", "quit"])
    assert out.count("Warning: 11.10 = 3, but it should be at most 11.6 + 11.7 = 2") == 2


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_help_at_resolve_and_accept_says_why_is_there(lang):
    words = wording(lang)
    why = words.common.vocabulary["why"][0]
    assert f" {why} " in words.t("help.resolving") and f" {why} " in words.t("help.accepting")
