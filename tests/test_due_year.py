"""The reporting year offered by default, and the FIPPA flow's one form year (issue 13, item 13)."""

from __future__ import annotations

import datetime as dt

import pytest

from reportbot.dialogue.conversation import Conversation
from reportbot.values import due_year
from reportbot.wording import wording


@pytest.mark.parametrize(
    ("today", "year"),
    [((2026, 1, 1), 2025), ((2026, 3, 31), 2025), ((2026, 4, 1), 2026), ((2026, 12, 31), 2026)],
)
def test_the_default_year_is_the_one_whose_report_is_due_next(store, today, year):
    assert due_year(dt.date(*today)) == year
    conv = Conversation(store, form="cyfsa-part-x", today=dt.date(*today))
    try:
        said = conv.start()
        assert said[-1].tag == "year" and said[-1].text == wording("en").t("start.year_question", year=year)
        conv.reply("")
        assert conv.report_id is not None and store.get(conv.report_id).year == year
    finally:
        conv.close()


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("year", [2005, 2025])
def test_a_fippa_report_for_another_year_says_the_form_is_the_2005_one(store, language, year):
    conv = Conversation(store, language=language, form="fippa-year-end", year=year, today=dt.date(2026, 5, 1))
    try:
        said = [m.text for m in conv.start()]
    finally:
        conv.close()
    line = wording(language).t("start.form_year", form_year=2005, year=year)
    assert (line in said) == (year != 2005)
    assert "2005" in line and str(year) in line


def test_a_cyfsa_report_says_nothing_of_a_form_year(store):
    conv = Conversation(store, form="cyfsa-part-x", year=2019, today=dt.date(2026, 5, 1))
    try:
        said = [m.text for m in conv.start()]
    finally:
        conv.close()
    assert not any("form" in t and "2005" in t for t in said)
