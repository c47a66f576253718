"""The conversation as front ends call it: its commands' table, its machine's guards, its typed commands."""

from __future__ import annotations

import datetime
import inspect
import io
import subprocess
import sys
from pathlib import Path

import pytest
from transitions import MachineError

from reportbot.cli import main
from reportbot.dialogue import understand
from reportbot.dialogue.commands import COMMANDS
from reportbot.dialogue.conversation import RUN, Conversation
from reportbot.dialogue.machine import mermaid
from reportbot.dialogue.ports import ReportStore
from reportbot.store import Store
from reportbot.wording import wording

README = Path(__file__).parent.parent / "README.md"
TODAY = datetime.date(2026, 3, 1)


def conversation(store, lines=(), language="en", **where):
    conv = Conversation(store, language=language, today=TODAY, **where)
    conv.start()
    for line in lines:
        conv.reply(line)
    return conv


# ----- one table of commands ------------------------------------------------------------------------------------


def test_every_command_understood_is_run_and_every_command_run_is_understood():
    assert list(RUN) == [spec.name for spec in COMMANDS]
    for language in ("en", "fr"):
        words = wording(language)
        for spec in COMMANDS:
            if "alone" in spec.forms:
                assert understand.command(words, words.common.vocabulary[spec.name][0]).name == spec.name


# ----- the machine guards the moves ---------------------------------------------------------------------------


def test_an_open_report_never_goes_back_to_the_launcher(store):
    conv = conversation(store, form="cyfsa-part-x", year=2025)
    try:
        assert conv.state == "asking"
        for trigger in ("offer_drafts", "choose_report", "choose_year", "offer_identification"):
            with pytest.raises(MachineError):
                conv.trigger(trigger)
        assert conv.state == "asking"
    finally:
        conv.close()


def test_last_years_identification_is_offered_only_to_a_report_just_created(store):
    store.create_report("cyfsa-part-x", 2024, language="en")
    conv = conversation(store)
    try:
        assert conv.state == "choosing_draft"
        with pytest.raises(MachineError):
            conv.trigger("offer_identification")
    finally:
        conv.close()


def test_nothing_follows_done(store):
    conv = conversation(store, form="cyfsa-part-x", year=2025)
    try:
        conv.leave()
        assert conv.finished and conv.prompt is None
        with pytest.raises(MachineError):
            conv.trigger("ask")
        assert conv.reply("4") == [] and conv.leave() == []
    finally:
        conv.close()


def test_the_readme_draws_the_machine_as_reportbot_graph_does():
    text = README.read_text(encoding="utf-8")
    start = text.index("```mermaid\nstateDiagram-v2\n") + len("```mermaid\n")
    assert text[start:text.index("```", start)] == mermaid()


# ----- typed commands ----------------------------------------------------------------------------------------------


def test_go_to_a_column_is_going_to_it_in_words(store):
    fippa = ["Ministry of Examples", "Pat Lee", "416-555-0100", "pat@example.org", "ministry", "none", "2"]
    typed = conversation(store, fippa, form="fippa-year-end", year=2025)
    called = conversation(store, ["no", *fippa], form="fippa-year-end", year=2025)  # "no": a second report for 2025
    try:
        by_words = typed.reply("go to 3.1 general")
        assert called.go_to("3.1", "general") == by_words
        assert called.prompt.cell == ("3.1", "general")
        assert called.go_to("3.1") == typed.reply("go to 3.1")
        assert called.prompt.cell == ("3.1", "personal")
    finally:
        typed.close()
        called.close()


def test_help_and_leave_need_no_words_of_the_filers_language(store):
    conv = conversation(store, ["Société"], language="fr", form="cyfsa-part-x", year=2025)
    try:
        assert conv.prompt.tag == "1.1.contact_name"
        said = conv.help()
        assert said[:-1] and all(m.role == "help" for m in said[:-1]) and said[-1] == conv.prompt
        assert said == conv.reply("aide")
        bye = conv.leave()
        assert bye[-1].text == wording("fr").t("quit.saved", id=conv.report_id)
        assert ("1.1.contact_name", None) not in store.answers(conv.report_id)
    finally:
        conv.close()


def test_commands_before_a_report_is_open_say_not_yet(store):
    conv = conversation(store)
    try:
        said = conv.go_to("6.3")
        assert said[0].text == "Error: " + wording("en").t("start.not_yet") and said[-1].tag == "report"
        assert conv.change("4.1", "7")[0].text == said[0].text
        assert conv.help()[0].text == wording("en").t("help.start")
    finally:
        conv.close()


def test_end_of_input_in_french_leaves_without_storing_a_word(tmp_path, monkeypatch, capsys):
    # "quit" is no French command: typed for the filer at end of input, it was the e-mail address.
    lines = ["Société", "Pat", "416-555-0100"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in lines)))
    db = tmp_path / "r.sqlite3"
    assert main(["--db", str(db), "--plain", "--lang", "fr", "new", "cyfsa-part-x", "--year", "2025"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith(wording("fr").t("quit.saved", id=1))
    with Store.open(db) as store:
        assert ("1.1.email", None) not in store.answers(1)


def test_the_conversation_imports_no_pydantic():
    # The plain mode starts without pydantic (a warm flow cache needs none): the dialogue must not bring it in.
    code = "import sys, reportbot.dialogue.conversation; print([m for m in sys.modules if m.startswith('pydantic')])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_store_has_every_method_the_conversation_asks_of_it():
    asked = [name for name, _ in inspect.getmembers(ReportStore, inspect.isfunction) if not name.startswith("_")]
    assert {"answers", "set_answer", "acknowledge", "confirm", "open_report"} <= set(asked)
    for name in asked:
        wanted = inspect.signature(getattr(ReportStore, name)).parameters
        assert list(inspect.signature(getattr(Store, name)).parameters) == list(wanted), name
