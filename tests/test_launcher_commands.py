"""Every command typed at the launcher's questions (which draft, which report, which year): no traceback."""

from __future__ import annotations

import datetime
import io
import sys

import pytest

from reportbot.cli import main
from reportbot.dialogue.conversation import Conversation
from reportbot.store import Store
from reportbot.values import due_year
from reportbot.wording import wording

COMMANDS = ["help", "?", "why", "why 6.3", "back", "skip", "later", "review", "what's left", "go to 6.3",
            "change 4.1 to 7", "4.1 is 7", "language", "language fr", "langue en", "language xx"]
# state -> (how to get there from the start, the prompt's tag, its question's message key)
STATES = {
    "choosing_draft": ([], "resume", "start.resume_question"),
    "choosing_report": (["2"], "report", "start.report_question"),
    "choosing_year": (["2", "1"], "year", "start.year_question"),
}


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "r.sqlite3")
    store.create_report("cyfsa-part-x", 2024, language="en")  # a draft, so that the first question is which one
    yield store
    store.close()


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("state", sorted(STATES))
def test_a_command_at_the_launcher_is_answered_and_the_question_asked_again(store, state, command):
    steps, tag, question = STATES[state]
    conv = Conversation(store, language="en", today=datetime.date(2026, 3, 1))
    try:
        conv.start()
        for line in steps:
            conv.reply(line)
        assert conv.state == state
        said = conv.reply(command)
        assert conv.state == state
        assert said[-1].role == "prompt" and said[-1].tag == tag
        assert len(said) >= 2 and said[0].role in ("say", "help", "error")
        language = "fr" if command in ("language", "language fr") else "en"
        assert said[-1].text == wording(language).t(question, year=2025)
        if command.startswith(("why", "back", "skip", "later", "review", "what", "go to", "change", "4.1")):
            assert said[0].text == "Error: " + wording("en").t("start.not_yet")
        # The question still takes its answer.
        for line in {"choosing_draft": ["1"], "choosing_report": ["1", "2025"], "choosing_year": ["2025"]}[state]:
            conv.reply(line)
        assert conv.state not in STATES and conv.report_id is not None
    finally:
        conv.close()


@pytest.mark.parametrize("at", ["report", "year"])
def test_language_fr_at_the_report_or_year_question_in_the_plain_mode(at, tmp_path, monkeypatch, capsys):
    lines = (["language fr"] if at == "report" else ["1", "language fr"]) + ["quitter"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in lines)))
    code = main(["--db", str(tmp_path / "r.sqlite3"), "--plain", "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0 and "Traceback" not in out
    question = "start.report_question" if at == "report" else "start.year_question"
    assert f"[{at}] {wording('fr').t(question, year=due_year(datetime.date.today()))} " in out
    assert out.rstrip().endswith(wording("fr").t("quit.nothing"))


def test_language_fr_at_last_years_identification_asks_it_again_in_french(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    last_year = ["Org", "Pat", "416-555-0100", "a@b.example", "1 Main St", "1", "0", "1", "yes"]
    for args, lines in ((["new", "cyfsa-part-x", "--year", "2024"], last_year),
                        (["new", "cyfsa-part-x", "--year", "2025"], ["language fr", "oui", "quitter"])):
        monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in lines)))
        assert main(["--db", str(db), "--plain", "--lang", "en", *args]) == 0
    out = capsys.readouterr().out
    assert f"[same] {wording('fr').t('same.question', year=2024)} oui" in out
    assert wording("fr").t("same.copied", year=2024) in out
