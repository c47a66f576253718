"""Confirmed means confirmed (issue 13, item 10): a confirmed report says so, a change says it needs confirming
again, confirming again lists what changed, and a sheet on disk that no longer matches is named."""

from __future__ import annotations

import io
import os
import sqlite3
from pathlib import Path

import pytest

from reportbot.cli import main
from reportbot.dialogue.conversation import Conversation
from reportbot.render.sheet import local_time
from reportbot.store import Store, schema
from reportbot.wording import wording
from reports import load, parse

pytestmark = pytest.mark.usefixtures("never_the_real_database")


def _confirmed(store: Store, language: str = "en") -> int:
    """A complete CYFSA report, confirmed."""
    report = parse(load("cyfsa-full"))
    rid = store.import_report("cyfsa-part-x", 2025, dict(report.answers), language=language)
    store.set_answer(rid, ("questionnaire", None), "full")
    store.confirm(rid)
    return rid


def _texts(messages) -> list[str]:
    return [m.text for m in messages]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_reopening_a_confirmed_report_says_so_and_when(store, language):
    rid = _confirmed(store, language)
    words = wording(language)
    when = local_time(store.get(rid).confirmed_at)
    conv = Conversation(store, language=language, report_id=rid)
    try:
        said = conv.start()
        assert words.t("start.confirmed", id=rid, when=when) in _texts(said)
        assert said[-1].tag == "confirm" and said[-1].text == words.t("confirm.still", id=rid)
        assert words.t("confirm.question") not in _texts(said)  # not asked to confirm what is confirmed
        assert _texts(conv.reply({"en": "yes", "fr": "oui"}[language]))[-1] == words.t("confirm.unchanged", id=rid)
    finally:
        conv.close()
    assert store.get(rid).status == "confirmed"


def test_the_first_change_says_at_once_that_the_report_is_a_draft_again(store):
    rid = _confirmed(store)
    words = wording("en")
    again = words.t("confirm.draft_again", id=rid)
    assert again == f"Report {rid} is a draft again: confirm it to file the change."
    conv = Conversation(store, report_id=rid)
    try:
        conv.start()
        same = conv.reply("change 3.1 to 40")  # the figure it already has: still confirmed
        assert again not in _texts(same) and store.get(rid).status == "confirmed"
        first = _texts(conv.reply("change 3.1 to 41"))
        assert first[:2] == [words.t("change.done", box="3.1", value="41"), again]
        assert again not in _texts(conv.reply("change 3.1 to 42"))  # said once
    finally:
        conv.close()


def test_confirming_again_lists_the_changes_since_the_last_confirmation(store):
    rid = _confirmed(store)
    store.set_answer(rid, ("4.1", None), 30)  # changed before ...
    store.set_answer(rid, ("4.1", None), 31)  # ... and back: the report as confirmed
    store.set_answer(rid, ("3.1", None), 41)
    store.confirm(rid)  # the last confirmation: what came before is not listed
    store.set_answer(rid, ("3.1", None), 42)
    store.set_answer(rid, ("3.1", None), 41)  # 41 → 42 → 41: no change in the end
    store.set_answer(rid, ("6.1", None), 19)
    store.set_answer(rid, ("6.1", None), 21)
    store.set_answer(rid, ("6.9", None), 1)  # 6.10 still adds up
    words = wording("en")
    confirmed_at = local_time(store.get(rid).confirmed_at)
    conv = Conversation(store, report_id=rid)
    try:
        said = _texts(conv.start())
        assert words.t("start.changed", id=rid, when=confirmed_at) in said
        at = said.index(words.t("confirm.changed_since", when=confirmed_at))
        assert said[at + 1:at + 3] == ["  6.1: 20 → 21", "  6.9: 2 → 1"]
        assert said[at + 3] == words.t("confirm.question")
        conv.reply("yes")
    finally:
        conv.close()
    assert store.get(rid).status == "confirmed"


def test_a_report_never_confirmed_lists_nothing(store):
    report = parse(load("cyfsa-full"))
    rid = store.import_report("cyfsa-part-x", 2025, dict(report.answers))
    store.set_answer(rid, ("questionnaire", None), "full")
    conv = Conversation(store, report_id=rid)
    try:
        said = _texts(conv.start())
        assert said[-2:] == [wording("en").t("confirm.ready"), wording("en").t("confirm.question")]
    finally:
        conv.close()


# --- sheets on disk ---------------------------------------------------------------------------------------------


def _export(capsys, db: Path, rid: int, *out: str) -> tuple[int, str, str]:
    status = main(["--db", str(db), "export", str(rid), *out])
    got, err = capsys.readouterr()
    return status, got, err


def test_a_sheet_exported_before_a_change_is_named_by_export_and_the_conversation(tmp_path, capsys):
    db = tmp_path / "r.sqlite3"
    sheet, other = tmp_path / "sheet.md", tmp_path / "report.json"
    with Store.open(db) as store:
        rid = _confirmed(store)
    assert _export(capsys, db, rid, "-o", str(sheet))[0] == 0
    status, _, err = _export(capsys, db, rid, "-o", str(other))
    assert status == 0 and err == ""  # nothing has changed: the sheet matches
    with Store.open(db) as store:
        assert store.stale_exports(rid) == []
        store.set_answer(rid, ("3.1", None), 41)
        stale = store.stale_exports(rid)
        assert sorted(Path(s.path) for s in stale) == sorted([sheet, other])
        when = local_time(stale[0].when)
        conv = Conversation(store, report_id=rid)
        try:
            said = _texts(conv.start())
            named = wording("en").t("export.stale", path=str(sheet), when=when, id=rid)
            assert named in said
            confirmed = _texts(conv.reply("yes"))  # a sheet showing 40 is still out of date once confirmed again
            assert confirmed[0] == wording("en").t("confirm.done", id=rid) and named in confirmed[1:]
        finally:
            conv.close()
    # export names the other stale sheet, not the one it replaces; then that one matches again
    status, _, err = _export(capsys, db, rid, "-o", str(sheet))
    assert status == 0 and str(other) in err and str(sheet) not in err
    with Store.open(db) as store:
        assert [Path(s.path) for s in store.stale_exports(rid)] == [other]


def test_a_sheet_changed_by_hand_or_removed_is_not_named(tmp_path, capsys):
    db = tmp_path / "r.sqlite3"
    edited, removed = tmp_path / "edited.md", tmp_path / "removed.md"
    with Store.open(db) as store:
        rid = _confirmed(store)
    for path in (edited, removed):
        assert _export(capsys, db, rid, "-o", str(path))[0] == 0
    edited.write_text("my own notes\n", encoding="utf-8")
    removed.unlink()
    with Store.open(db) as store:
        store.set_answer(rid, ("3.1", None), 41)
        assert store.stale_exports(rid) == []


def test_the_database_is_never_read_as_a_sheet(tmp_path, monkeypatch):
    db = tmp_path / "r.sqlite3"
    with Store.open(db) as store:
        rid = _confirmed(store)
        store.record_export(rid, db, b"")  # as a hand edit could leave it
        store.record_export(rid, Path(f"{db}-wal"), b"")
        read: list[Path] = []
        real = Path.read_bytes
        monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or real(self))
        store.set_answer(rid, ("3.1", None), 41)
        assert store.stale_exports(rid) == [] and read == []
        assert store.answers(rid)[("3.1", None)] == 41  # the store's locks and connection are intact


def test_an_older_database_gains_the_sheets_table(tmp_path, monkeypatch):
    db = tmp_path / "r.sqlite3"
    with monkeypatch.context() as m:
        m.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
        with Store.open(db) as store:
            rid = store.create_report("cyfsa-part-x", 2025)
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    raw.close()
    with Store.open(db) as store:
        assert store.stale_exports(rid) == []
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS)
    raw.close()


def test_the_line_mode_says_it_line_by_line(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    with Store.open(db) as store:
        rid = _confirmed(store)
        when = local_time(store.get(rid).confirmed_at)
    monkeypatch.setattr("sys.stdin", io.StringIO("change 3.1 to 41\nyes\n"))
    assert main(["--db", str(db), "--plain", "resume", str(rid)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"Report {rid} is confirmed (on {when}). A change makes it a draft again, to be confirmed again." in lines
    at = lines.index("3.1 is now 41.")
    assert lines[at - 1] == f"[confirm] Report {rid} is confirmed as it stands. Keep it as it is? change 3.1 to 41"
    assert lines[at + 1] == f"Report {rid} is a draft again: confirm it to file the change."
    assert lines[at + 3:at + 5] == [f"Changed since you confirmed it on {when}:", "  3.1: 40 → 41"]
    assert lines[at + 5].startswith("[confirm] Confirm the report as final? yes")
    with Store.open(db) as store:
        assert store.get(rid).status == "confirmed"


def test_every_export_to_a_file_is_kept_but_not_one_to_a_device(tmp_path):
    """The CLI and the TUI both write through export.write_kept."""
    from reportbot import export
    from reportbot.wording import words_for

    with Store.open(tmp_path / "r.sqlite3") as store:
        rid = _confirmed(store)
        text = export.render("md", export.subject_from_store(store, rid), words_for("en", "cyfsa-part-x"))
        export.write_kept(store, rid, tmp_path / "sheet.md", text)
        export.write_kept(store, rid, Path(os.devnull), text)
        store.set_answer(rid, ("3.1", None), 41)
        assert [s.path for s in store.stale_exports(rid)] == [str(tmp_path / "sheet.md")]
        rows = store._read("SELECT path FROM exports WHERE report_id = ?", (rid,))
        assert rows == [(str(tmp_path / "sheet.md"),)]
