"""Issue 13, loose end: a box the form defines as the same as another (CYFSA 5.2, "same as box 4.3") follows it."""

from __future__ import annotations

import re

from test_plain_mode import CONVERSATIONS, converse, stored


def _to_5_1(lang: str) -> list[str]:
    """The CYFSA transcript up to 5.1's answer: 4.3 = 4, and 5.2 filled from it."""
    name = "cyfsa-full.txt" if lang == "en" else "cyfsa-full-fr.txt"
    return (CONVERSATIONS / name).read_text(encoding="utf-8").splitlines()[:17]


def _cyfsa(tmp_path, monkeypatch, capsys, lines: list[str], lang: str = "en"):
    db = tmp_path / "r.sqlite3"
    code, out = converse(db, ["--lang", lang, "new", "cyfsa-part-x", "--year", "2025"], [*_to_5_1(lang), *lines],
                         monkeypatch, capsys)
    assert code == 0
    assert re.search(r"^5\.2 is the same as 4\.3: 4\.$|^5\.2 est identique à 4\.3 : 4\.$", out, flags=re.M)
    return out, stored(db)[2]


def test_changing_the_box_changes_its_copy_and_says_so(tmp_path, monkeypatch, capsys):
    out, answers = _cyfsa(tmp_path, monkeypatch, capsys, ["change 4.3 to 6", "quit"])
    assert re.search(r"^4\.3 is now 6\.\n5\.2 is the same as 4\.3, so it is now 6 too\.$", out, flags=re.M)
    assert answers[("5.2", None)] == answers[("4.3", None)] == 6
    assert "Error:" not in out


def test_answering_the_box_again_changes_its_copy(tmp_path, monkeypatch, capsys):
    out, answers = _cyfsa(tmp_path, monkeypatch, capsys, ["go to 4.3", "7", "quit"])
    assert re.search(r"^\[4\.3\] .* 7\n5\.2 is the same as 4\.3, so it is now 7 too\.$", out, flags=re.M)
    assert answers[("5.2", None)] == 7 and "Error:" not in out


def test_a_figure_the_filer_gave_against_it_is_not_overwritten(tmp_path, monkeypatch, capsys):
    out, answers = _cyfsa(tmp_path, monkeypatch, capsys, ["change 5.2 to 3", "later", "change 4.3 to 9", "quit"])
    assert answers[("5.2", None)] == 3 and answers[("4.3", None)] == 9
    assert "so it is now" not in out


def test_in_french(tmp_path, monkeypatch, capsys):
    out, answers = _cyfsa(tmp_path, monkeypatch, capsys, ["changer 4.3 à 6", "quitter"], lang="fr")
    assert "5.2 est identique à 4.3 : la case vaut donc maintenant 6, elle aussi." in out
    assert answers[("5.2", None)] == 6
