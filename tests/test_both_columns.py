"""Item 1 of issue 13: both columns of a FIPPA box in one answer, at the first column's prompt."""

from __future__ import annotations

import re

import pytest

from reportbot.dialogue import understand
from reportbot.dialogue.understand import NotUnderstood
from reportbot.wording import wording
from test_plain_mode import FIPPA_TO_TYPE, converse, prompts, stored

COLUMNS = ("personal", "general")
FULL = [*FIPPA_TO_TYPE, "2"]  # up to 3.1 personal
FRENCH = ["Ministère des Exemples", "A. Sous-ministre", "Sam Lee", "416-555-0199", "passer", "aiprp@exemple.on.ca",
          "99, rue Queen", "organisme", "douze", "0", "2"]


def _fippa(tmp_path, monkeypatch, capsys, lines: list[str], lang: str = "en") -> tuple[str, dict]:
    db = tmp_path / "r.sqlite3"
    args = ["--lang", lang, "new", "fippa-year-end", "--year", "2025"]
    code, out = converse(db, args, lines, monkeypatch, capsys)
    assert code == 0
    return out, stored(db)[2]


def _lines_after(out: str, answered: str) -> list[str]:
    """The lines after the prompt answered with ``answered``, up to and with the next prompt."""
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("[") and line.endswith(" " + answered))
    after = []
    for line in lines[at + 1 :]:
        after.append(line)
        if line.startswith("["):
            break
    return after


@pytest.mark.parametrize(("lang", "typed", "personal", "general"), [
    ("en", "12 and 30", "12", "30"), ("en", "12 / 30", "12", "30"), ("en", "12/30", "12", "30"),
    ("en", "personal 12 general 30", "12", "30"), ("en", "general 30, personal 12", "12", "30"),
    ("en", "Personal information: 12 and general records: 30", "12", "30"),
    ("en", "twelve and thirty", "twelve", "thirty"),
    ("en", "two hundred and ten and five", "two hundred and ten", "five"),
    ("en", "$1,234.50 and $20", "$1,234.50", "$20"),
    ("fr", "12 et 30", "12", "30"), ("fr", "vingt et un et trente", "vingt et un", "trente"),
    ("fr", "personnel 12 général 30", "12", "30"), ("fr", "1 234,50 $ / 20 $", "1 234,50 $", "20 $"),
])
def test_the_forms_of_two_figures(lang, typed, personal, general):
    got = understand.figures(wording(lang), typed, COLUMNS)
    assert got is not None
    assert (got["personal"], got["general"]) == (understand.normalize(personal), understand.normalize(general))


@pytest.mark.parametrize(("lang", "typed"), [("en", "12, 30"), ("en", "12 30"), ("en", "1,234, 5"), ("fr", "12, 30")])
def test_a_comma_or_a_space_between_two_figures_is_refused_naming_the_forms_that_work(lang, typed):
    with pytest.raises(NotUnderstood) as refused:
        understand.figures(wording(lang), typed, COLUMNS)
    said = str(refused.value)
    assert ("12 and 30" if lang == "en" else "12 et 30") in said and "12 / 30" in said


@pytest.mark.parametrize("typed", ["lots", "12 and lots and more", "personal 12"])
def test_what_is_not_two_figures_is_left_to_the_one_figure_error(typed):
    assert understand.figures(wording("en"), typed, COLUMNS) is None


def test_both_figures_fill_both_cells_and_the_next_box_is_asked(tmp_path, monkeypatch, capsys):
    out, answers = _fippa(tmp_path, monkeypatch, capsys, [*FULL, "120 and two hundred and ten", "0 / 5", "quit"])
    assert answers[("3.1", "personal")] == 120 and answers[("3.1", "general")] == 210
    assert answers[("3.2", "personal")] == 0 and answers[("3.2", "general")] == 5
    assert prompts(out)[-3:] == ["3.1 personal", "3.2 personal", "3.3 personal"]
    # Said back in digits, one line that names both columns (a screen reader hears it alone).
    assert _lines_after(out, "120 and two hundred and ten")[0] == (
        "That is 120 for personal information and 210 for general records.")
    assert _lines_after(out, "0 / 5") == [_lines_after(out, "0 / 5")[0]]  # digits: nothing said back


def test_the_section_says_once_that_both_columns_may_be_given(tmp_path, monkeypatch, capsys):
    out, _ = _fippa(tmp_path, monkeypatch, capsys, [*FULL, "1 and 2", "3", "4", "quit"])
    hint = "You can answer both columns at once, personal information and general records, for example 12 and 30."
    asked = [line for line in out.splitlines() if line.startswith("[3.")]
    assert asked[0].startswith("[3.1 personal] How many new access requests") and hint in asked[0]
    assert sum(hint in line for line in out.splitlines()) == 1
    # The second column's prompt takes one figure, and says so.
    assert re.search(r"^\[3\.2 general\] .* 4$", out, flags=re.M)


def test_two_figures_at_the_second_columns_prompt_say_only_that_column_is_asked(tmp_path, monkeypatch, capsys):
    out, answers = _fippa(tmp_path, monkeypatch, capsys, [*FULL, "go to 3.1 general", "12 and 30", "quit"])
    assert "Error: Only general records is asked here: type one figure." in out
    assert ("3.1", "general") not in answers


def test_a_comma_between_two_figures_stores_nothing(tmp_path, monkeypatch, capsys):
    out, answers = _fippa(tmp_path, monkeypatch, capsys, [*FULL, "12, 30", "quit"])
    assert ("Error: I cannot tell the two columns apart in '12, 30': type 12 and 30, 12 / 30, "
            "or personal 12 general 30.") in out
    assert ("3.1", "personal") not in answers and ("3.1", "general") not in answers


@pytest.mark.parametrize(("typed", "error"), [
    ("0 / -5", "Error: General records: a count cannot be negative"),
    ("2.5 and 3", "Error: Personal information: I need a whole number here, not 2.5."),
])
def test_each_figure_is_checked_as_if_typed_alone(tmp_path, monkeypatch, capsys, typed, error):
    out, answers = _fippa(tmp_path, monkeypatch, capsys, [*FULL, typed, "quit"])
    assert _lines_after(out, typed)[0].startswith(error)
    assert ("3.1", "personal") not in answers and ("3.1", "general") not in answers


def test_a_finding_of_either_figure_is_said_at_once(tmp_path, monkeypatch, capsys):
    out, answers = _fippa(tmp_path, monkeypatch, capsys, [*FULL, "10 and 10", "0 and 0", "0 and 0", "20 and 0", "quit"])
    after = _lines_after(out, "20 and 0")
    assert after[0].startswith("Error: Personal information: 3.7 (3.5 + 3.6) already comes to 20, more than 3.4")
    assert after[-1].startswith("[resolve] ")
    assert answers[("3.5", "personal")] == 20 and answers[("3.5", "general")] == 0


def test_back_after_two_figures_returns_to_the_prompt_that_took_them(tmp_path, monkeypatch, capsys):
    out, answers = _fippa(tmp_path, monkeypatch, capsys, [*FULL, "12 and 30", "back", "", "back", "13 and 31", "quit"])
    assert prompts(out)[-6:] == ["3.1 personal", "3.2 personal"] * 3
    assert re.search(r"^\[3\.1 personal\] How many new access requests .*\(now 12 and 30; press Enter to keep them\) $",
                     out, flags=re.M)
    assert answers[("3.1", "personal")] == 13 and answers[("3.1", "general")] == 31


def test_french_both_columns(tmp_path, monkeypatch, capsys):
    out, answers = _fippa(tmp_path, monkeypatch, capsys, [*FRENCH, "12 et 30", "vingt et un et trente", "quitter"],
                          lang="fr")
    assert "Vous pouvez répondre pour les deux colonnes à la fois, renseignements personnels et documents généraux, " \
           "par exemple 12 et 30." in out
    assert answers[("3.1", "personal")] == 12 and answers[("3.1", "general")] == 30
    assert answers[("3.2", "personal")] == 21 and answers[("3.2", "general")] == 30
    assert "Soit 21 en renseignements personnels et 30 en documents généraux." in out


def test_a_proposed_remainder_takes_both_figures_too(tmp_path, monkeypatch, capsys):
    lines = [*FULL, "10 and 10", *["0 and 0"] * 4, *["1 and 1"] * 7, "3 and 3", "quit"]
    out, answers = _fippa(tmp_path, monkeypatch, capsys, lines)
    assert re.search(r"^\[4\.8 personal\] That leaves 3 for .* 3 and 3$", out, flags=re.M)
    assert answers[("4.8", "personal")] == answers[("4.8", "general")] == 3
    assert prompts(out)[-1] == "5.1 personal"


def test_a_new_language_says_again_that_both_columns_may_be_given(tmp_path, monkeypatch, capsys):
    out, _ = _fippa(tmp_path, monkeypatch, capsys, [*FULL, "language fr", "quitter"])
    assert "for example 12 and 30." in out and "par exemple 12 et 30." in out
