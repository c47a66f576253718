"""What the store keeps of a request log: boxes filled from it, the rules and file numbers behind them, rows left out."""

from __future__ import annotations

import sqlite3

import pytest

from reportbot.store import MIGRATIONS, Store, schema
from reportbot.store.errors import StoreError


def test_a_version_1_database_gains_the_log_tables_and_keeps_its_reports(tmp_path, monkeypatch):
    db = tmp_path / "r.sqlite3"
    with monkeypatch.context() as m:
        m.setattr(schema, "MIGRATIONS", MIGRATIONS[:1])
        with Store.open(db) as s:
            rid = s.create_report("cyfsa-part-x", 2025, "CAS")
            s.set_answer(rid, ("3.1", None), 4)
    with Store.open(db) as s:
        assert s.answers(rid) == {("3.1", None): 4}
        s.fill_from_log(rid, {("3.1", None): 5}, {("3.1", None): "A"}, {("3.1", None): ["f1"]}, ["log.csv"], {"rows": 5})
        assert s.log_cells(rid)[("3.1", None)].files == ("f1",)
    raw = sqlite3.connect(tmp_path / "r.sqlite3.v1.bak")
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    raw.close()


def test_a_load_fills_its_boxes_keeps_what_the_filer_chose_and_empties_what_it_no_longer_decides(store):
    rid = store.create_report("cyfsa-part-x", 2025)
    store.set_answer(rid, ("2.1", None), 3)  # typed: no log decides it
    store.set_answer(rid, ("4.1", None), 9)  # typed, and the filer keeps it over the log's count
    first = {("3.1", None): 5, ("4.1", None): 4, ("4.2", None): 1}
    rules = {cell: f"rule {cell[0]}" for cell in first}
    files = {("3.1", None): ["a", "b", "c", "d", "e"], ("4.1", None): ["a", "b", "c", "d"], ("4.2", None): ["e"]}
    store.fill_from_log(rid, first, rules, files, ["log.xlsx"], {"rows": 5}, keep=frozenset({("4.1", None)}))
    answers, sources = store.answers(rid), store.answer_sources(rid)
    assert answers == {("2.1", None): 3, ("3.1", None): 5, ("4.1", None): 9, ("4.2", None): 1}
    assert sources[("3.1", None)] == "log" and sources[("4.1", None)] == "said" and sources[("2.1", None)] == "said"
    assert store.log_cells(rid)[("4.2", None)].files == ("e",)
    assert store.log_cells(rid)[("3.1", None)].rule == "rule 3.1"
    load = store.log_load(rid)
    assert load is not None and load.sources == ("log.xlsx",) and load.summary == {"rows": 5}
    # The log loses the column deciding 4.2: the box is emptied, to be asked; the rest follows the log.
    second = {("3.1", None): 6, ("4.1", None): 4}
    store.fill_from_log(rid, second, rules, files, ["log.xlsx"], {"rows": 6}, keep=frozenset({("4.1", None)}))
    assert store.answers(rid) == {("2.1", None): 3, ("3.1", None): 6, ("4.1", None): 9}
    assert ("4.2", None) not in store.log_cells(rid)
    changes = [(h.box, h.old, h.new, h.how) for h in store.history(rid) if h.how == "log"]
    assert ("3.1", 5, 6, "log") in changes and ("4.2", 1, None, "log") in changes


def test_a_row_left_out_keeps_its_reason_in_the_history(store):
    rid = store.create_report("fippa-year-end", 2025)
    store.leave_out(rid, "2025-014", "a test file, not a request")
    assert store.left_out(rid) == {"2025-014": "a test file, not a request"}
    row = store.history(rid)[-1]
    assert (row.how, row.new, row.note) == ("left_out", "2025-014", "a test file, not a request")


def test_deleting_a_report_deletes_every_file_number_it_kept(store):
    rid = store.create_report("cyfsa-part-x", 2025)
    store.fill_from_log(rid, {("3.1", None): 1}, {("3.1", None): "A"}, {("3.1", None): ["SECRET-77"]}, ["x"], {})
    store.leave_out(rid, "SECRET-78", "duplicate")
    store.delete(rid)
    raw = sqlite3.connect(store.path)
    for table in ("log_cells", "log_loads", "log_left_out"):
        assert raw.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
    raw.close()


def test_history_says_a_row_left_out_and_a_box_from_the_log(tmp_path, capsys):
    from reportbot.cli import main

    db = tmp_path / "r.sqlite3"
    with Store.open(db) as s:
        rid = s.create_report("cyfsa-part-x", 2025)
        s.fill_from_log(rid, {("3.1", None): 2}, {("3.1", None): "A"}, {("3.1", None): ["x", "y"]}, ["l.csv"], {})
        s.leave_out(rid, "2025-014", "entered twice")
    assert main(["--db", str(db), "--lang", "en", "history", str(rid)]) == 0
    out = capsys.readouterr().out
    assert "3.1: (none) → 2 (from the log)" in out
    assert "log row 2025-014 left out: entered twice" in out


LOG_EDITS = {
    "a file list that is not JSON": "UPDATE log_cells SET files = '[\"x\", '",
    "a file list of numbers": "UPDATE log_cells SET files = '[1, 2]'",
    "a file list as a number": "UPDATE log_cells SET files = 7",
    "a summary that is not a mapping": "UPDATE log_loads SET summary = '[1]'",
    "a summary count as text": "UPDATE log_loads SET summary = '{\"rows\": \"many\"}'",
    "the files read as a blob": "UPDATE log_loads SET sources = x'00ff'",
}


@pytest.mark.parametrize("edit", list(LOG_EDITS))
def test_a_log_record_edited_by_hand_is_called_damaged_naming_the_report(tmp_path, capsys, edit):
    """Never read as "no files" (a why that names nothing, an appendix with holes): damaged, as an answer would be."""
    from reportbot.cli import main

    db = tmp_path / "r.sqlite3"
    with Store.open(db) as s:
        rid = s.create_report("cyfsa-part-x", 2025)
        s.fill_from_log(rid, {("3.1", None): 2}, {("3.1", None): "A"}, {("3.1", None): ["x", "y"]}, ["l.csv"],
                        {"rows": 2})
    raw = sqlite3.connect(db)
    raw.execute(LOG_EDITS[edit])
    raw.commit()
    raw.close()
    with Store.open(db) as s, pytest.raises(StoreError) as caught:
        s.log_cells(rid), s.log_load(rid)
    assert caught.value.code == "bad_log" and caught.value.facts["id"] == rid
    assert main(["--db", str(db), "--lang", "en", "export", str(rid), "--appendix", "-o", str(tmp_path / "a.md")]) == 2
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1 and "is damaged" in said[0] and f"report {rid}" in said[0], said
