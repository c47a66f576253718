"""``reportbot list | export | import | history | delete``: output, exit codes, and unusable databases."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from reportbot.cli import COMMANDS, main
from reportbot.store import Store
from reportbot.wording import languages
from reports import REPORTS_DIR, changed, load

pytestmark = pytest.mark.usefixtures("never_the_real_database")


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "r.sqlite3")


def _run(capsys, *args: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def _import(capsys, db: str, name: str = "fippa-full") -> None:
    assert main(["--db", db, "import", str(REPORTS_DIR / f"{name}.json")]) == 0
    capsys.readouterr()


def test_the_commands_are_registered():
    assert {"list", "export", "import", "history", "delete"} <= set(COMMANDS)


# --- list ---------------------------------------------------------------------------------------------


def test_list_without_reports(capsys, db):
    status, out, _ = _run(capsys, "--db", db, "list")
    assert status == 0 and "No reports yet" in out


def test_list_shows_kind_year_organization_status_and_progress(capsys, db):
    _import(capsys, db, "fippa-full")
    _import(capsys, db, "cyfsa-zero")
    with Store.open(db) as s:
        s.set_answer(1, ("2.1", None), None)
        s.confirm(2)
    status, out, _ = _run(capsys, "--db", db, "list")
    assert status == 0
    head, first, second = out.splitlines()
    assert head.split()[:5] == ["ID", "Report", "Year", "Organization", "Status"]
    assert first.split()[:3] == ["2", "cyfsa-part-x", "2025"]  # the most recently changed first
    assert "Northern Lights Adoption Services" in first and "confirmed" in first and "10/10" in first
    assert second.split()[:3] == ["1", "fippa-year-end", "2005"]
    assert "draft" in second and "139/140" in second
    with Store.open(db) as s:
        s.set_answer(2, ("2.1", None), 1)
    assert "draft, changed since confirmed" in _run(capsys, "--db", db, "list")[1]


def test_list_in_plain_mode_says_it_in_sentences(capsys, db):
    _import(capsys, db, "cyfsa-zero")
    status, out, _ = _run(capsys, "--db", db, "--plain", "list")
    assert status == 0
    assert out.startswith("Report 1: cyfsa-part-x, 2025, Northern Lights Adoption Services, draft, 10 of 10 questions answered")


@pytest.mark.parametrize(("variable", "value", "sentences"), [
    ("ACCESSIBLE", "1", True), ("ACCESSIBLE", "true", True), ("ACCESSIBLE", "0", False), ("REPORTBOT_PLAIN", "yes", True),
])
def test_list_reads_the_line_mode_variables_as_the_conversation_does(capsys, db, monkeypatch, variable, value, sentences):
    # Issue 13: a screen-reader user sets ACCESSIBLE once; every command that formats for one honours it.
    _import(capsys, db, "cyfsa-zero")
    monkeypatch.setenv(variable, value)
    status, out, _ = _run(capsys, "--db", db, "list")
    assert status == 0
    assert out.startswith("Report 1: cyfsa-part-x, 2025,") is sentences


def test_reportbot_db_chooses_the_file(capsys, tmp_path, monkeypatch):
    chosen = tmp_path / "elsewhere" / "mine.sqlite3"
    chosen.parent.mkdir()  # a folder that does not exist is refused (test_interrupt_and_db_folder)
    monkeypatch.setenv("REPORTBOT_DB", str(chosen))
    assert main(["list"]) == 0
    assert chosen.is_file()


@pytest.mark.skipif("fr" not in languages(), reason="no French dialogs")
def test_list_in_another_language_never_fails(capsys, db):
    _import(capsys, db, "cyfsa-zero")
    status, out, _ = _run(capsys, "--db", db, "--lang", "fr", "list")
    assert status == 0 and "Northern Lights" in out


# --- unusable databases -------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["list"], ["export"], ["history", "1"], ["delete", "--yes", "1"],
                                     ["import", str(REPORTS_DIR / "cyfsa-zero.json")]])
@pytest.mark.parametrize("content", [b"\x00\xffnot a database at all" * 300, b"SQLite format 3\x00" + b"\x07" * 5000])
def test_an_unusable_database_exits_2_with_one_line_and_is_left_untouched(capsys, tmp_path, command, content):
    path = tmp_path / "damaged.sqlite3"
    path.write_bytes(content)
    status, out, err = _run(capsys, "--db", str(path), *command)
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and str(path) in err and "Traceback" not in err
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["damaged.sqlite3"]


# --- export ---------------------------------------------------------------------------------------------------


def test_export_without_an_id_takes_the_most_recently_changed(capsys, db):
    _import(capsys, db, "fippa-full")
    _import(capsys, db, "cyfsa-zero")
    status, out, err = _run(capsys, "--db", db, "export", "--format", "json")
    assert status == 0 and err == ""
    assert json.loads(out)["report"] == "cyfsa-part-x"
    with Store.open(db) as s:
        s.set_answer(1, ("2.1", None), 3)
    assert json.loads(_run(capsys, "--db", db, "export", "--format", "json")[1])["report"] == "fippa-year-end"


def test_export_to_a_file_takes_the_format_from_its_name(capsys, db, tmp_path):
    _import(capsys, db, "fippa-full")
    target = tmp_path / "sheet.html"
    status, out, _ = _run(capsys, "--db", db, "export", "1", "-o", str(target))
    assert status == 0 and "sheet.html" in out and "(html)" in out
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    status, out, _ = _run(capsys, "--db", db, "export", "1")
    assert out.startswith("# ")  # md by default


def test_export_csv_and_md_to_stdout(capsys, db):
    _import(capsys, db, "cyfsa-zero")
    assert _run(capsys, "--db", db, "export", "--format", "csv")[1].startswith(  # issue 13 item 20: the report's facts follow
        "box,column,label,value,state,report,year,organization,status,questionnaire\r\n")
    assert "## Section 1: Identification" in _run(capsys, "--db", db, "export", "1", "-f", "md")[1]


def test_export_with_nothing_to_export(capsys, db):
    status, out, err = _run(capsys, "--db", db, "export")
    assert status == 1 and out == "" and "No reports yet" in err
    _import(capsys, db)
    status, out, err = _run(capsys, "--db", db, "export", "7")
    assert status == 1 and "There is no report 7" in err


# --- import ------------------------------------------------------------------------------------------------------


def test_import_stores_a_draft_and_says_what_is_wrong(capsys, db, tmp_path):
    doc = changed(load("fippa-full"), {"4.1": {"personal": 171}, "2.1": None, "3.1": {"personal": "lots"}})
    doc["status"] = "confirmed"
    doc["answers"]["3.4"] = {"personal": 1, "general": 1}  # a total given wrong: checked, not stored
    doc["acknowledged"] = [{"rule": "fippa-7.7-within-7.6", "column": "personal", "reason": "counted twice by mistake"}]
    doc["language"] = "en"
    path = tmp_path / "in.json"
    path.write_text(json.dumps(doc, default=float), encoding="utf-8")
    status, out, err = _run(capsys, "--db", db, "import", str(path))
    assert status == 0 and err == ""
    assert "value-kind" in out and "derived-total" in out and "missing" in out
    assert out.rstrip().splitlines()[-1].startswith("Stored as report 1, a draft")
    with Store.open(db) as s:
        row = s.get(1)
        answers = s.answers(1)
        assert (row.status, row.language, row.organization) == ("draft", "en", "Ministry of Natural Heritage and Parks")
        assert ("3.4", "personal") not in answers and ("3.1", "personal") not in answers
        assert answers[("4.1", "personal")] == 171
        assert set(s.answer_sources(1).values()) == {"imported"}
        assert s.acknowledgements(1) == {("fippa-7.7-within-7.6", "personal"): "counted twice by mistake"}
        assert {h.how for h in s.history(1)} == {"imported"}


def test_import_keeps_an_address_s_lines_only_and_the_line_mode_says_them_on_one_line(capsys, db, tmp_path, monkeypatch):
    address = "120 Harbour Street\nSuite 300\nBarrie ON L4M 1A1"
    doc = changed(load("cyfsa-full"), {"1.1.organization": "Lakeshore\nChildren's Aid Society", "1.1.mailing_address": address})
    path = tmp_path / "in.json"
    path.write_text(json.dumps(doc, default=float), encoding="utf-8")
    assert _run(capsys, "--db", db, "import", str(path))[0] == 0
    with Store.open(db) as s:
        assert s.get(1).organization == "Lakeshore Children's Aid Society"
        assert s.answers(1)[("1.1.mailing_address", None)] == address
    status, out, _ = _run(capsys, "--db", db, "--plain", "resume", "1", stdin="review\nquit\n", monkeypatch=monkeypatch)
    assert status == 0
    said = next(line for line in out.splitlines() if "Mailing address" in line)
    assert "120 Harbour Street, Suite 300, Barrie ON L4M 1A1" in said


@pytest.mark.parametrize("reason", ["yes", "ok", "oui", "because"])
def test_import_does_not_keep_a_reason_that_says_nothing(capsys, db, tmp_path, reason):
    doc = load("fippa-full")
    doc["acknowledged"] = [{"rule": "fippa-7.7-within-7.6", "column": "personal", "reason": reason}]
    path = tmp_path / "in.json"
    path.write_text(json.dumps(doc, default=float), encoding="utf-8")
    status, out, err = _run(capsys, "--db", db, "--lang", "en", "import", str(path))
    assert status == 0 and err == ""
    assert f'("{reason}") does not say why' in out
    with Store.open(db) as s:
        assert s.acknowledgements(1) == {}


def test_import_of_an_unusable_file_exits_2_with_one_line(capsys, db, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "something/9"}', encoding="utf-8")
    status, out, err = _run(capsys, "--db", db, "import", str(path))
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "not a reportbot/1 file" in err
    assert not Path(db).exists()


def test_import_compares_with_last_years_report(capsys, db, tmp_path):
    _import(capsys, db, "fippa-full")  # 2005: carries 16 / 22 requests over
    doc = changed(load("fippa-full"), {"3.3": {"personal": 16, "general": 21}})
    doc["year"] = 2006
    path = tmp_path / "2006.json"
    path.write_text(json.dumps(doc, default=float), encoding="utf-8")
    status, out, _ = _run(capsys, "--db", db, "import", str(path))
    assert status == 0
    assert "warning: 3.3 general: 21 carried forward from last year, but last year's report (2005) carried 22" in out


def test_a_second_import_for_the_same_organization_and_year_is_flagged_and_stored(capsys, db, tmp_path):
    _import(capsys, db, "fippa-full")
    status, out, _ = _run(capsys, "--db", db, "--lang", "en", "import", str(REPORTS_DIR / "fippa-full.json"))
    assert status == 0
    assert "You already have report 1 for 2005 (draft): this file is stored as a second report." in out
    assert out.rstrip().splitlines()[-1].startswith("Stored as report 2, a draft")
    doc = load("fippa-full")
    doc["answers"]["1.1.institution"] = "Another Ministry"
    path = tmp_path / "other.json"
    path.write_text(json.dumps(doc, default=float), encoding="utf-8")
    status, out, _ = _run(capsys, "--db", db, "--lang", "en", "import", str(path))
    assert status == 0 and "You already have" not in out


# --- history ---------------------------------------------------------------------------------------------------------


def test_history_shows_changes_and_what_changed_since_the_confirmation(capsys, db):
    with Store.open(db) as s:
        rid = s.create_report("fippa-year-end", 2025, "Org")
        s.set_answer(rid, ("3.1", "personal"), 4)
        s.set_answer(rid, ("9.2", "personal"), Decimal("1234.50"))
        s.set_answer(rid, ("1.2", None), "agency")
        s.confirm(rid)
        s.set_answer(rid, ("3.1", "personal"), 5)
        s.acknowledge(rid, "fippa-7.7-within-7.6", "general", "checked")
    status, out, _ = _run(capsys, "--db", db, "history", str(rid))
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "Report 1: fippa-year-end, 2025, Org (draft, changed since confirmed)"
    assert lines[1].endswith("3.1 personal: (none) → 4 (said)")
    assert lines[2].endswith("9.2 personal: (none) → $1,234.50 (said)")
    assert lines[3].endswith("1.2: (none) → Agency (said)")
    assert lines[4].endswith("confirmed")
    assert lines[5].startswith("Changed since the confirmation of")
    assert lines[6].endswith("3.1 personal: 4 → 5 (said)")
    assert lines[7].endswith("warning fippa-7.7-within-7.6 (general) accepted: checked")


def test_history_of_an_unknown_report(capsys, db):
    status, _, err = _run(capsys, "--db", db, "history", "3")
    assert status == 1 and "There is no report 3" in err


# --- delete ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["n\n", "\n", "", "maybe\n"])
def test_delete_asks_and_keeps_the_report_unless_told_yes(capsys, db, monkeypatch, answer):
    _import(capsys, db)
    status, out, _ = _run(capsys, "--db", db, "delete", "1", stdin=answer, monkeypatch=monkeypatch)
    assert status == 1
    assert out.startswith("Delete report 1 (fippa-year-end, 2005, Ministry of Natural Heritage and Parks, draft)? [y/N] ")
    assert "Nothing deleted." in out
    with Store.open(db) as s:
        assert s.get(1)


@pytest.mark.parametrize("answer", ["y\n", "YES\n"])
def test_delete_after_yes(capsys, db, monkeypatch, answer):
    _import(capsys, db)
    status, out, _ = _run(capsys, "--db", db, "delete", "1", stdin=answer, monkeypatch=monkeypatch)
    assert status == 0 and "Report 1 deleted." in out
    with Store.open(db) as s:
        assert s.reports() == []


def test_delete_with_yes_does_not_ask(capsys, db, monkeypatch):
    _import(capsys, db)
    status, out, _ = _run(capsys, "--db", db, "delete", "--yes", "1", stdin="", monkeypatch=monkeypatch)
    assert status == 0 and "[y/N]" not in out
    status, _, err = _run(capsys, "--db", db, "delete", "--yes", "1")
    assert status == 1 and "There is no report 1" in err

