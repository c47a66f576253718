"""What the commands say about what they were given: one clean line and exit 1 or 2, never a traceback.

``resume 99`` (no such report), a ``--year`` no report file could hold, and a
``--db`` path carrying escape sequences or a line break.
"""

from __future__ import annotations

import io
import json
import re

import pytest

from reportbot.cli import main
from reportbot.reportfile import UnusableFile, parse_report
from reportbot.store import Store
from reports import load

UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]|pwned")


pytestmark = pytest.mark.usefixtures("never_the_real_database")


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "r.sqlite3")


def _run(capsys, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    try:
        status = main(list(args))
    except SystemExit as e:  # refused by the argument parser
        status = e.code
    out, err = capsys.readouterr()
    return status, out, err


def _one_line(err: str) -> None:
    assert len(err.splitlines()) == 1 and err.startswith("reportbot: ") and "Traceback" not in err, err
    assert not UNSAFE.search(err), err


@pytest.mark.parametrize("lang, words", [("en", "There is no report 99"), ("fr", "Il n'y a pas de rapport 99")])
def test_resume_of_a_report_that_does_not_exist(capsys, monkeypatch, db, lang, words):
    status, out, err = _run(capsys, monkeypatch, "--db", db, "--plain", "--lang", lang, "resume", "99")
    assert status == 1 and out == ""
    _one_line(err)
    assert words in err


@pytest.mark.parametrize("year", ["9999999999999999999999999", "0", "-5", "1989", "2201", "20 25",
                                  pytest.param("1" * 5000, id="5000-digits")])
def test_new_refuses_a_year_no_report_file_could_hold(capsys, monkeypatch, db, year):
    status, out, err = _run(capsys, monkeypatch, "--db", db, "--plain", "new", "cyfsa-part-x", "--year", year)
    assert status == 2 and out == ""
    _one_line(err)
    assert "from 1990 to 2200" in err
    with Store.open(db) as store:
        assert store.reports() == []


@pytest.mark.parametrize("year", [1989, 1990, 2025, 2200, 2201])
def test_new_takes_exactly_the_years_a_report_file_takes(capsys, monkeypatch, db, tmp_path, year):
    """A report ``new`` starts can be exported and imported again; one it refuses, a file cannot hold."""
    doc = load("cyfsa-zero")
    doc["year"] = year
    try:
        parse_report(doc)
        in_files = True
    except UnusableFile:
        in_files = False
    status, _, _ = _run(capsys, monkeypatch, "--db", db, "--plain", "new", "cyfsa-part-x", "--year", str(year),
                        stdin="quit\n")
    assert (status == 0) == in_files
    if in_files:
        out = tmp_path / "r.json"
        assert _run(capsys, monkeypatch, "--db", db, "export", "1", "-o", str(out))[0] == 0
        assert json.loads(out.read_text(encoding="utf-8"))["year"] == year
        assert _run(capsys, monkeypatch, "--db", db, "import", str(out))[0] == 0


@pytest.mark.parametrize("command", [["list"], ["history", "1"], ["export", "1"], ["delete", "--yes", "1"],
                                     ["--plain", "new", "cyfsa-part-x", "--year", "2025"], ["--plain", "resume", "1"]])
def test_a_database_path_with_escapes_and_a_line_break_is_shown_on_one_clean_line(capsys, monkeypatch, tmp_path, command):
    path = tmp_path / "bad\x1b]0;pwned\x07\x1b[31m\x9b2J\nname.sqlite3"
    path.write_bytes(b"not a database at all" * 100)
    status, out, err = _run(capsys, monkeypatch, "--db", str(path), *command)
    assert status == 2 and out == ""
    _one_line(err)
    assert "bad?name.sqlite3" in err


@pytest.mark.parametrize("command", [["history"], ["export"], ["delete", "--yes"], ["--plain", "resume"]])
@pytest.mark.parametrize("number", ["99999999999999999999999", "0", "-1", pytest.param("9" * 5000, id="5000-digits")])
def test_a_report_number_no_database_can_hold_is_refused_before_the_store(capsys, monkeypatch, db, command, number):
    """Past SQLite's integers, Python raised OverflowError from deep in the store."""
    status, out, err = _run(capsys, monkeypatch, "--db", db, *command, number)
    assert status == 2 and out == "" and "Traceback" not in err
    last = err.splitlines()[-1]
    assert last.startswith("reportbot: ") and "is not the number of a report" in last and len(last) < 200


def test_a_stray_argument_with_escapes_is_repeated_cleanly(capsys, monkeypatch, db):
    status, out, err = _run(capsys, monkeypatch, "--db", db, "list", "\x1b]0;pwned\x07\x1b[2J\nsecond")
    assert status == 2 and out == ""
    last = err.splitlines()[-1]
    assert last.startswith("reportbot: unrecognized arguments") and "second" in last
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", err)


def test_the_tui_says_why_it_cannot_start_on_one_clean_line(capsys, monkeypatch, db):
    from reportbot.frontends.tui import app as tui
    from reportbot.store import StoreError

    def begin(self):
        raise StoreError("io", path=f"{db}\x1b]0;pwned\x07\nsecond", detail="disk I/O error")

    monkeypatch.setattr(tui.ReportbotApp, "begin", begin)
    with Store.open(db) as store:
        assert tui.run_tui(store, "en", report_id=1) == 2
    _, err = capsys.readouterr()
    _one_line(err)
    assert "?second cannot be used: disk I/O error" in err
