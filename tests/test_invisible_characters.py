"""Bidirectional overrides and zero-width characters typed in answers reach neither the terminal nor an export.

They are invisible, yet "1\\u202e23" shows as 132: a figure or a name could read differently from what is stored.
"""

from __future__ import annotations

import io
import re
import sys

import pytest

from reportbot.cli import main
from reportbot.store import Store
from reportbot.values import clean_text

INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u2028\u2029]")
EVERY = "".join(chr(c) for c in [0x61C, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065),
                                 *range(0x2066, 0x206A), 0xFEFF, 0x2028, 0x2029])

CYFSA_ZERO = [
    "Children's Aid\u202e Society\u200b of Anytown",
    "Pat\u2066 Lee\u2069",
    "416\ufeff-555-0100",
    "pat@cas.example\u200d",
    "1 Main St\u2028Anytown ON",
    "children's aid society",
    "12",  # numbers typed with them: tests/test_typed_numbers.py
    "1",
    "review",
    "yes",
]


def test_clean_text_removes_every_invisible_character():
    assert clean_text(f"a{EVERY}b") == "a  b"  # line and paragraph separators become spaces
    assert not INVISIBLE.search(clean_text(EVERY.join("figure 1234")))


@pytest.fixture
def typed(tmp_path, monkeypatch, capsys):
    """A CYFSA zero report typed with invisible characters in every answer: the database and the transcript."""
    db = tmp_path / "r.sqlite3"
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in CYFSA_ZERO)))
    assert main(["--db", str(db), "--plain", "new", "cyfsa-part-x", "--year", "2025"]) == 0
    return db, capsys.readouterr().out


def test_the_transcript_and_the_store_hold_none_of_them(typed):
    db, transcript = typed
    assert "Report 1 is confirmed" in transcript
    assert not INVISIBLE.search(transcript)
    store = Store.open(db)
    try:
        row = store.latest()
        answers = store.answers(row.id)
    finally:
        store.close()
    assert row.organization == "Children's Aid Society of Anytown"
    assert answers[("2.1", None)] == 12
    assert answers[("1.1.mailing_address", None)] == "1 Main St Anytown ON"
    assert not any(INVISIBLE.search(str(v)) for v in answers.values())


@pytest.mark.parametrize("fmt", ["md", "csv", "json", "html"])
def test_no_export_holds_them(typed, fmt, tmp_path, capsys):
    db, _ = typed
    path = tmp_path / f"report.{fmt}"
    assert main(["--db", str(db), "export", "1", "--format", fmt, "-o", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    assert "Society of Anytown" in text
    assert not INVISIBLE.search(text)
    assert not INVISIBLE.search(capsys.readouterr().out)
