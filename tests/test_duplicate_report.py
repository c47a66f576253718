"""A second report for the same form and year is flagged before it is made (issue 13, item 11)."""

from __future__ import annotations

import datetime as dt

import pytest

from reportbot.dialogue.conversation import Conversation
from reportbot.wording import wording

TODAY = dt.date(2026, 3, 1)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(("answer", "opened"), [("yes", 1), ("no", 2)])
def test_a_second_report_for_the_same_year_asks_to_open_the_first(store, language, answer, opened):
    store.create_report("cyfsa-part-x", 2025, language=language)
    conv = Conversation(store, language=language, form="cyfsa-part-x", year=2025, today=TODAY)
    try:
        said = conv.start()
        words = wording(language)
        status = words.t("status.draft")
        assert said[-1].tag == "open" and said[-1].text == words.t("start.duplicate", id=1, year=2025, status=status)
        assert [r.id for r in store.reports()] == [1]
        wrong = conv.reply("maybe")
        assert wrong[-1].tag == "open" and words.t("start.duplicate_yes_no", id=1) in wrong[0].text
        conv.reply({"yes": {"en": "yes", "fr": "oui"}, "no": {"en": "no", "fr": "non"}}[answer][language])
        assert conv.report_id == opened and len(store.reports()) == opened
    finally:
        conv.close()


def test_another_year_or_form_is_not_flagged(store):
    store.create_report("cyfsa-part-x", 2024)
    store.create_report("fippa-year-end", 2025)
    conv = Conversation(store, form="cyfsa-part-x", year=2025, today=TODAY)
    try:
        said = conv.start()
        assert said[-1].tag != "open" and conv.report_id == 3
    finally:
        conv.close()
