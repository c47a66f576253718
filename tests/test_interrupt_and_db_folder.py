"""Item 14 of issue 13: Ctrl-C in the line mode ends as quit does; a --db (or $REPORTBOT_DB) in a folder that does not
exist is refused."""

from __future__ import annotations

import io

import pytest

from reportbot.cli import main
from reportbot.dialogue.conversation import Conversation
from reportbot.frontends import plain
from reportbot.store import Store
from reports import REPORTS_DIR


class _Interrupted(io.StringIO):
    """Input that gives its lines, then Ctrl-C at the next read."""

    def readline(self, size: int = -1) -> str:
        line = super().readline(size)
        if not line:
            raise KeyboardInterrupt
        return line


def test_ctrl_c_in_the_line_mode_ends_as_quit(tmp_path):
    store = Store.open(tmp_path / "r.sqlite3")
    out = io.StringIO()
    with store:
        status = plain.run(Conversation(store, form="cyfsa-part-x", year=2025), _Interrupted("Ministry of Examples\n"), out)
        assert store.get(1).status == "draft"
        assert "Ministry of Examples" in str(store.answers(1).values())
    assert status == 130
    assert out.getvalue().splitlines()[-1] == "Everything is saved. To continue, run: reportbot resume 1"


@pytest.mark.parametrize(("lang", "words"), [("en", "does not exist. Nothing was created."), ("fr", "n'existe pas. Rien n'a été créé.")])
@pytest.mark.parametrize("command", [["list"], ["--plain", "new", "cyfsa-part-x", "--year", "2025"], []])
def test_a_db_in_a_missing_folder_is_refused_and_nothing_is_created(tmp_path, capsys, monkeypatch, command, lang, words):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    db = tmp_path / "mistyped" / "reports.sqlite3"
    assert main(["--db", str(db), "--lang", lang, *command]) == 2
    err = capsys.readouterr().err
    assert str(db) in err and str(db.parent) in err and words in err
    assert not db.parent.exists()


@pytest.mark.parametrize("command", [["list"], ["--plain", "new", "cyfsa-part-x", "--year", "2025"], [],
                                     ["export", "1"], ["import", str(REPORTS_DIR / "cyfsa-zero.json")]])
def test_reportbot_db_in_a_missing_folder_is_refused_as_db_is(tmp_path, capsys, monkeypatch, command):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    db = tmp_path / "mistyped" / "reports.sqlite3"
    monkeypatch.setenv("REPORTBOT_DB", str(db))
    assert main(["--lang", "en", *command]) == 2
    err = capsys.readouterr().err
    assert str(db) in err and str(db.parent) in err and "does not exist. Nothing was created." in err
    assert not db.parent.exists()


def test_reportbot_db_in_a_missing_folder_does_not_stop_check(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("REPORTBOT_DB", str(tmp_path / "mistyped" / "reports.sqlite3"))
    assert main(["check", str(REPORTS_DIR / "cyfsa-full.json")]) == 0
    assert not (tmp_path / "mistyped").exists()


def test_the_default_data_folder_is_still_made_on_first_use(tmp_path, monkeypatch):
    default = tmp_path / "data" / "reportbot" / "reports.sqlite3"
    monkeypatch.setattr("reportbot.store.repository.default_path", lambda: default)
    with Store.open():
        pass
    assert default.is_file()
