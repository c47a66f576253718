"""Last year's figures (issue 13, item 3): what the workbook carries over is offered, Enter keeps it; and last
year's identification is offered again after a quit at [same]."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest

from reportbot.cli import main
from reportbot.dialogue.conversation import Conversation
from reportbot.store import Store
from reportbot.wording import wording
from reports import load, parse


def _last_year(store, year: int = 2024) -> int:
    """The FIPPA fixture as last year's confirmed report: 1.3 = 412.5, 3.6 = 16 and 22, 11.3 = 1."""
    report = parse(load("fippa-full"))
    rid = store.import_report("fippa-year-end", year, dict(report.answers))
    store.confirm(rid)
    return rid


def _new(store, language: str = "en") -> Conversation:
    conv = Conversation(store, language=language, form="fippa-year-end", year=2025)
    said = conv.start()
    assert said[-1].tag == "same"
    conv.reply({"en": "yes", "fr": "oui"}[language])
    return conv


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    ("box", "column", "value", "then", "stored"),
    [
        ("1.3", None, "412.5", "1.3", Decimal("412.5")),
        ("3.3", "personal", "16", "3.6 personal", 16),
        ("3.3", "general", "22", "3.6 general", 22),
        ("11.2", None, "1", "11.3", 1),
    ],
)
def test_what_the_workbook_carries_over_is_offered_and_enter_keeps_it(store, language, box, column, value, then,
                                                                       stored):
    _last_year(store)
    conv = _new(store, language)
    words = wording(language, "fippa-year-end")
    if language == "fr":
        value, then = value.replace(".", ","), then.replace("personal", "personnel").replace("general", "général")
    try:
        prompt = conv.go_to(box, column)[-1]
        question = words.report.boxes[box].question
        # The first two-column prompt of a section also says, once, that both columns may be answered at once.
        assert prompt.text.startswith(words.t("ask.last_year", question=question, value=value, cell=then))
        conv.reply("")
        cell = (box, column)
        assert store.answers(conv.report_id)[cell] == stored
        assert store.answer_sources(conv.report_id)[cell] == "carried"
    finally:
        conv.close()


def test_the_english_offer_reads_as_the_issue_asks(store):
    _last_year(store)
    conv = _new(store)
    try:
        assert " Press Enter for 16 (last year's 3.6 personal)." in conv.go_to("3.3", "personal")[-1].text
    finally:
        conv.close()


def test_a_figure_typed_instead_is_kept_and_compared(store):
    _last_year(store)
    conv = _new(store)
    try:
        conv.go_to("3.3", "personal")
        said = conv.reply("5")
        assert store.answers(conv.report_id)[("3.3", "personal")] == 5
        assert any(m.role == "warning" and "16" in m.text for m in said)  # last year carried 16 over
    finally:
        conv.close()


def test_without_last_years_report_nothing_is_offered(store):
    _last_year(store, year=2023)  # two years back: not last year's
    conv = Conversation(store, form="fippa-year-end", year=2025)
    try:
        conv.start()
        prompt = conv.go_to("3.3", "personal")[-1]
        question = wording("en", "fippa-year-end").report.boxes["3.3"].question
        assert prompt.text.startswith(question) and "Press Enter" not in prompt.text
        assert conv.reply("")[0].role == "error"
        assert ("3.3", "personal") not in store.answers(conv.report_id)
    finally:
        conv.close()


def test_an_answered_box_offers_its_own_figure_not_last_years(store):
    _last_year(store)
    conv = _new(store)
    try:
        store.set_answer(conv.report_id, ("11.2", None), 3)
        conv.interview.report.reload()
        prompt = conv.go_to("11.2")[-1]
        assert "(now 3; press Enter to keep it)" in prompt.text and "last year" not in prompt.text
    finally:
        conv.close()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_identification_offer_survives_a_quit_at_same(store, language):
    _last_year(store)
    words = wording(language)
    conv = Conversation(store, language=language, form="fippa-year-end", year=2025)
    said = conv.start()
    assert said[-1].tag == "same"
    conv.reply({"en": "quit", "fr": "quitter"}[language])
    rid = conv.report_id
    conv.close()
    again = Conversation(store, language=language, report_id=rid)
    try:
        said = again.start()
        assert said[-1].tag == "same" and said[-1].text == words.t("same.question", year=2024)
        again.reply({"en": "yes", "fr": "oui"}[language])
        assert store.get(rid).organization == "Ministry of Natural Heritage and Parks"
    finally:
        again.close()


def test_once_answered_the_identification_is_not_offered_again(store):
    _last_year(store)
    conv = Conversation(store, form="fippa-year-end", year=2025)
    conv.start()
    conv.reply("no")
    conv.reply("Ministry of Something Else")  # the first identification box
    rid = conv.report_id
    conv.close()
    again = Conversation(store, report_id=rid)
    try:
        assert again.start()[-1].tag != "same"
    finally:
        again.close()


def test_the_line_mode_offers_last_years_figure_and_enter_keeps_it(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    with Store.open(db) as store:
        _last_year(store)
    # same identification; Enter at 1.3; 2.1; full report; 3.1 and 3.2 in both columns; Enter at 3.3 personal
    answers = ["yes", "", "2", "2", "10", "2", "0", "0", "", "quit"]
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(a + "\n" for a in answers)))
    assert main(["--db", str(db), "--plain", "new", "fippa-year-end", "--year", "2025"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^\[1\.3\] .* Press Enter for 412\.5 \(last year's 1\.3\)\. $", out, flags=re.M)
    assert re.search(r"^\[3\.3 personal\] .* Press Enter for 16 \(last year's 3\.6 personal\)\. $", out, flags=re.M)
    with Store.open(db) as store:
        row = store.latest()
        assert store.answers(row.id)[("3.3", "personal")] == 16 and store.answers(row.id)[("1.3", None)] == 412.5
