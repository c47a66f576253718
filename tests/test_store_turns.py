"""One commit a turn: the answer, what the arithmetic then fills and their history wait for one sync of the disk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reportbot.dialogue.conversation import Conversation
from reportbot.store import Store, StoreError, logs

FIPPA = (Path(__file__).parent / "data" / "conversations" / "fippa-full.txt").read_text(encoding="utf-8").splitlines()


def _commits(store: Store) -> list[str]:
    """The COMMITs the store's connection runs from now on."""
    seen: list[str] = []
    store._conn.set_trace_callback(lambda sql: seen.append(sql) if sql.strip().upper() == "COMMIT" else None)
    return seen


def test_a_turn_that_fills_two_boxes_is_committed_once(tmp_path):
    """FIPPA 4.7 general: its answer, then 4.8 personal and 4.8 general worked out as 0 (three writes before)."""
    with Store.open(tmp_path / "r.sqlite3") as store:
        conv = Conversation(store, language="en", form="fippa-year-end", year=2025)
        conv.start()
        for line in FIPPA[:34]:
            conv.reply(line)
        assert conv.prompt.tag == "4.7 general"
        commits = _commits(store)
        said = " ".join(m.text for m in conv.reply(FIPPA[34]))
        assert "4.8 personal is 0" in said and "4.8 general is 0" in said
        assert len(commits) == 1
        rid = conv.report_id
        conv.close()
    with Store.open(tmp_path / "r.sqlite3") as store:
        answers = store.answers(rid)
        assert answers[("4.7", "general")] == int(FIPPA[34])
        assert answers[("4.8", "personal")] == 0 and answers[("4.8", "general")] == 0


def test_a_write_that_fails_in_a_turn_takes_back_only_itself(tmp_path, monkeypatch):
    db = tmp_path / "r.sqlite3"
    with Store.open(db) as store:
        rid = store.create_report("cyfsa-part-x", 2025)
        with pytest.raises(ValueError), store.one_commit():
            store.set_answer(rid, ("3.1", None), 4)
            with monkeypatch.context() as m:  # a load of the log that fails half-way, its boxes already written
                m.setattr(logs, "record_load", lambda *a: (_ for _ in ()).throw(OSError("cut short")))
                with pytest.raises(StoreError):
                    store.fill_from_log(rid, {("4.1", None): 2}, {("4.1", None): "C"}, {("4.1", None): ["A"]}, [], {})
            store.set_answer(rid, ("4.2", None), 1)
            raise ValueError("a slip after the writes")  # what was written is still committed, as write by write
    with Store.open(db) as store:
        assert store.answers(rid) == {("3.1", None): 4, ("4.2", None): 1}
        assert store.log_cells(rid) == {}


def test_a_turn_the_disk_refuses_keeps_nothing_of_it_and_says_so(tmp_path, monkeypatch):
    db = tmp_path / "r.sqlite3"
    with Store.open(db) as store:
        rid = store.create_report("cyfsa-part-x", 2025)
        store.set_answer(rid, ("2.1", None), 7)
        real = store._conn

        class Full:  # the connection, but its COMMIT finds the disk full
            def __getattr__(self, name):
                return getattr(real, name)

            def execute(self, sql, *args):
                if sql == "COMMIT":
                    full = sqlite3.OperationalError("database or disk is full")
                    full.sqlite_errorcode = sqlite3.SQLITE_FULL
                    raise full
                return real.execute(sql, *args)

        monkeypatch.setattr(store, "_conn", Full())
        with pytest.raises(StoreError) as refused, store.one_commit():
            store.set_answer(rid, ("3.1", None), 4)
        assert refused.value.code == "full"
        assert not real.in_transaction
        monkeypatch.undo()
    with Store.open(db) as store:
        assert store.answers(rid) == {("2.1", None): 7}
