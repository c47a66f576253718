"""Numbers as filers type them: one number or a clear refusal, never a figure silently changed."""

from __future__ import annotations

import io
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from reportbot.cli import main
from reportbot.dialogue import understand
from reportbot.flow.loader import load_flow
from reportbot.store import Store
from reportbot.wording import wording

CONVERSATIONS = Path(__file__).parent / "data" / "conversations"
SCRIPTS = {"cyfsa-full": "cyfsa-part-x", "fippa-full": "fippa-year-end"}
# Prompts of each script that are choices or yes/no, not boxes: 11.3 is a group choice.
SPECIAL = {"cyfsa-full": {"type", "resolve", "11.3", "confirm"}, "fippa-full": {"type", "resolve", "accept", "confirm"}}
BIG = "7" * 4301  # one digit more than Python's int/str conversion allows


@pytest.fixture(scope="module")
def fippa():
    return load_flow("fippa-year-end")


def _value(language: str, flow, box: str, said: str):
    return understand.value_for(wording(language, "fippa-year-end"), flow.by_id[box].box, said)


@pytest.mark.parametrize("said", ["12 30", "1 2", "1234 567", "12 34 567", "12,30", "12,5", "1,2,3", "1,234 567",
                                  "1 234,5", "1\u00a02", "12\u202f30", "$12,30", "1.000.000"])
def test_english_refuses_what_is_not_one_number(fippa, said):
    # One short line; the rule is said on "why" (issue 13, item 7: the line ran to about 260 characters).
    with pytest.raises(understand.NotUnderstood, match=r"as one number\. .*for example 1230") as refused:
        _value("en", fippa, "3.1", said)
    assert "(1,234 or 1 234)" in str(refused.value.more)


@pytest.mark.parametrize("said", ["$12 30", "$12,30", "1 2.50"])
def test_english_refuses_an_amount_that_is_not_one_number(fippa, said):
    with pytest.raises(understand.NotUnderstood, match="as one number"):
        _value("en", fippa, "9.2", said)


@pytest.mark.parametrize("said,value", [("1 234", 1234), ("12 345 678", 12345678), ("1\u00a0234", 1234),
                                        ("1\u202f234", 1234), ("1,234", 1234), ("12,345,678", 12345678), ("1_000", 1000),
                                        ("1234", 1234), ("+7", 7)])
def test_english_reads_thousands_in_groups_of_three(fippa, said, value):
    assert _value("en", fippa, "3.1", said) == value


@pytest.mark.parametrize("said,value", [("$1,234.50", "1234.50"), ("$ 1 234.50", "1234.50"), ("1,234.5", "1234.50"),
                                        ("$12.30", "12.30")])
def test_english_reads_amounts(fippa, said, value):
    assert _value("en", fippa, "9.2", said) == Decimal(value)


@pytest.mark.parametrize("said", ["12 30", "1 2", "1234 567", "12\u00a030", "1 2,50 $", "12 30,00 $"])
def test_french_refuses_what_is_not_one_number(fippa, said):
    with pytest.raises(understand.NotUnderstood, match=r"comme un seul nombre\. .*par exemple 1230") as refused:
        _value("fr", fippa, "9.2", said)
    assert "(1 234)" in str(refused.value.more)


@pytest.mark.parametrize("said,value", [("1 234,50 $", "1234.50"), ("12 345 678", "12345678"),
                                        ("1\u202f234,50\u00a0$", "1234.50"), ("12,30 $", "12.30")])
def test_french_reads_thousands_in_groups_of_three(fippa, said, value):
    assert _value("fr", fippa, "9.2", said) == Decimal(value)


@pytest.mark.parametrize("language,said", [("en", "twelve thirty"), ("en", "one two"), ("fr", "douze trente")])
def test_two_numbers_in_words_are_not_one_number(fippa, language, said):
    # text2num refuses these itself; kept here so that a change of library cannot make 1230 of them.
    with pytest.raises(understand.NotUnderstood):
        _value(language, fippa, "3.1", said)


@pytest.mark.parametrize("said,value", [("1\u202e23", 123), ("\u20661\u2069\u200b2", 12), ("\ufeff3", 3), ("4\u200f", 4)])
def test_invisible_characters_are_removed_before_a_number_is_read(fippa, said, value):
    assert _value("en", fippa, "3.1", said) == value


def converse(db: Path, args: list[str], lines: list[str], monkeypatch, capsys) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in lines)))
    code = main(["--db", str(db), "--plain", *args])
    return code, capsys.readouterr().out


def test_plain_mode_refuses_two_numbers_and_asks_again(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    lines = ["Org", "Pat", "416-555-0100", "a@b.example", "1 Main St", "1", "0", "2", "12 30", "1 2", "1 234"]
    code, out = converse(db, ["new", "cyfsa-part-x", "--year", "2025"], lines, monkeypatch, capsys)
    assert code == 0
    assert out.count("Error: I cannot read '12 30' as one number") == 1
    assert out.count("Error: I cannot read '1 2' as one number") == 1
    assert len(re.findall(r"^\[3\.1\] ", out, flags=re.M)) == 3  # asked again after each refusal
    store = Store.open(db)
    try:
        assert store.answers(store.latest().id)[("3.1", None)] == 1234
    finally:
        store.close()


def _tags(transcript: str) -> list[str]:
    return re.findall(r"^\[([^\]]+)\] ", transcript, flags=re.M)


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_a_4301_digit_answer_at_every_prompt_is_refused_in_one_line(name, tmp_path, monkeypatch, capsys):
    """The scripted conversation with 4,301 digits (and commands naming them) typed before every answer."""
    script = (CONVERSATIONS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    args = ["new", SCRIPTS[name], "--year", "2025"]
    code, plain = converse(tmp_path / "plain.sqlite3", args, script, monkeypatch, capsys)
    tags = _tags(plain)
    assert code == 0 and len(tags) == len(script)
    assert SPECIAL[name] <= set(tags)
    commands = [BIG, f"go to {BIG}", f"why {BIG}", f"change 4.1 to {BIG}", f"change 9.2 to {BIG}", f"4.{BIG} is 3",
                f"change {BIG} to 1", f"{BIG}.5", f"${BIG}"]
    hostile = [line for i, answer in enumerate(script) for line in (commands[i % len(commands)], BIG, answer)]
    code, out = converse(tmp_path / "hostile.sqlite3", args, hostile, monkeypatch, capsys)
    assert code == 0 and "Traceback" not in out
    errors = [line for line in out.splitlines() if line.startswith("Error:")]
    assert len(errors) == 2 * len(script) + plain.count("\nError:")  # the script's own conflicts as well
    assert max(map(len, errors)) < 300
    assert _tags(out) == [t for t in tags for _ in range(3)]  # each prompt asked again, twice
    assert _document(tmp_path / "hostile.sqlite3") == _document(tmp_path / "plain.sqlite3")


def _document(db: Path) -> dict:
    store = Store.open(db)
    try:
        report_id = store.latest().id
    finally:
        store.close()
    path = db.with_suffix(".json")
    assert main(["--db", str(db), "export", str(report_id), "--format", "json", "-o", str(path)]) == 0
    document = json.loads(path.read_text(encoding="utf-8"))
    document.pop("exported", None)
    return document


@pytest.mark.parametrize("drafts", [0, 1])
def test_a_4301_digit_answer_at_the_launcher_is_refused_in_one_line(drafts, tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    for _ in range(drafts):
        assert converse(db, ["new", "cyfsa-part-x", "--year", "2024"], [], monkeypatch, capsys)[0] == 0
    lines = ([BIG, str(drafts + 1)] if drafts else []) + [BIG, "1", BIG, f"{BIG}.5", "2025", "quit"]
    code, out = converse(db, [], lines, monkeypatch, capsys)
    assert code == 0 and "Traceback" not in out
    errors = [line for line in out.splitlines() if line.startswith("Error:")]
    assert len(errors) == 3 + drafts and max(map(len, errors)) < 300
    assert _tags(out)[-2:] == ["year", "1.1.organization"]
