"""A warning is accepted with a reason that says something: the IPC reads it on the sheet."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest

from reportbot.cli import main
from reportbot.dialogue import understand
from reportbot.store import Store
from reportbot.wording import languages, wording

SCRIPT = Path(__file__).parent / "data" / "conversations" / "fippa-full.txt"
REASON = "One refused request had two statements of disagreement attached."


@pytest.mark.parametrize("said", ["yes", "ok", "y", "Okay.", "oui", "d'accord", "non", "n", "no", "correct", "typo",
                                  "because", "yes yes yes", "ok, ok, ok", "Oui, c'est exact", "7" * 30, "a b"])
def test_yes_no_or_a_word_is_not_a_reason(said):
    assert not understand.is_reason(said)


@pytest.mark.parametrize("said", [REASON, "two re-filed", "Counted twice in March", "Demandes reportées de l'an dernier",
                                  "verified by staff"])
def test_a_few_words_are_a_reason(said):
    assert understand.is_reason(said)


def test_every_languages_yes_and_no_words_are_refused():
    for language in languages():
        vocabulary = wording(language).common.vocabulary
        for word in vocabulary["yes"] + vocabulary["no"]:
            assert not understand.is_reason(word), (language, word)


def test_the_conversation_asks_again_for_a_reason_that_says_something(tmp_path, monkeypatch, capsys):
    script = SCRIPT.read_text(encoding="utf-8").splitlines()
    db = tmp_path / "r.sqlite3"
    args = ["--db", str(db), "--plain", "--lang", "en", "new", "fippa-year-end", "--year", "2025"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in script)))
    assert main(args) == 0
    tags = re.findall(r"^\[([^\]]+)\] ", capsys.readouterr().out, flags=re.M)
    at = tags.index("accept")
    assert script[at] == REASON
    lines = script[:at] + ["yes", "ok", "y", "oui", "typo"] + script[at:]
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in lines)))
    db.unlink()
    assert main(args) == 0
    out = capsys.readouterr().out
    words = wording("en")
    assert out.count("\n" + words.t("error.line", text=words.t("accept.say_more")) + "\n") == 5
    assert len(re.findall(r"^\[accept\] ", out, flags=re.M)) == 6
    store = Store.open(db)
    try:
        assert list(store.acknowledgements(store.latest().id).values()) == [REASON]
    finally:
        store.close()
