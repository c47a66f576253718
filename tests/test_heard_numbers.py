"""Item 6 of issue 13: a number typed in words (or with a typo) is said back as digits before moving on."""

from __future__ import annotations

import pytest

from test_plain_mode import FIPPA_TO_TYPE, converse


def _answered(out: str, typed: str) -> list[str]:
    """The lines after the prompt answered with ``typed`` (the line mode echoes what it reads), up to the next prompt."""
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("[") and line.endswith(" " + typed))
    after = []
    for line in lines[at + 1:]:
        if line.startswith("["):
            break
        after.append(line)
    return after


@pytest.mark.parametrize(("lang", "typed", "heard"), [
    ("en", "twelve", "12."), ("en", "fourty-two", "42."), ("en", "twelve hundred", "1,200."),
    ("fr", "vingt et un", "Soit 21."),
])
def test_a_number_in_words_is_said_back_as_digits(tmp_path, monkeypatch, capsys, lang, typed, heard):
    en = lang == "en"
    lines = [*FIPPA_TO_TYPE[:7], "agency" if en else "organisme", typed, "0", "quit" if en else "quitter"]
    lines[4] = "skip" if en else "passer"
    code, out = converse(tmp_path / "r.sqlite3", ["--lang", lang, "new", "fippa-year-end", "--year", "2025"],
                         lines, monkeypatch, capsys)
    assert code == 0
    assert _answered(out, typed)[0] == heard


def test_digits_are_not_said_back(tmp_path, monkeypatch, capsys):
    lines = [*FIPPA_TO_TYPE[:8], "12", "none", "quit"]
    code, out = converse(tmp_path / "r.sqlite3", ["new", "fippa-year-end", "--year", "2025"], lines, monkeypatch, capsys)
    assert code == 0
    assert "12." not in _answered(out, "12") and "0." not in _answered(out, "none")
