"""The store keeps the columns a log load found missing (flow column ids only), and reads an older file as having none."""

from __future__ import annotations

import sqlite3

import pytest

from reportbot.store import MIGRATIONS, Store, schema
from reportbot.store.errors import StoreError

CELL = ("3.1", None)


def _load(store, rid, missing=()):
    store.fill_from_log(rid, {CELL: 2}, {CELL: "A"}, {CELL: ["x", "y"]}, ["l.csv"], {"rows": 2}, missing=missing)


def test_a_load_keeps_the_columns_it_found_missing_and_the_next_load_replaces_them(store):
    rid = store.create_report("cyfsa-part-x", 2025)
    _load(store, rid, ("extension", "due"))
    load = store.log_load(rid)
    assert load is not None and load.missing == ("extension", "due") and load.sources == ("l.csv",)
    _load(store, rid)  # the filer added the columns and loaded the log again
    load = store.log_load(rid)
    assert load is not None and load.missing == ()


def test_a_database_of_the_previous_version_migrates_and_reads_back_no_missing_column(tmp_path, monkeypatch):
    """A load recorded before the store kept missing columns is read as missing none, never as damaged."""
    db = tmp_path / "r.sqlite3"
    previous = len(MIGRATIONS) - 1
    with monkeypatch.context() as m:
        m.setattr(schema, "MIGRATIONS", MIGRATIONS[:previous])
        with Store.open(db) as s:
            rid = s.create_report("cyfsa-part-x", 2025, "CAS")
        raw = sqlite3.connect(db)  # a load as the previous version recorded it: no missing column to write
        raw.execute("INSERT INTO log_loads (report_id, sources, summary, at) VALUES (?, '[\"l.csv\"]', "
                    "'{\"rows\": 2}', '2026-01-01T00:00:00')", (rid,))
        raw.commit()
        assert raw.execute("PRAGMA user_version").fetchone()[0] == previous
        raw.close()
    with Store.open(db) as s:
        load = s.log_load(rid)
        assert load is not None and load.missing == () and load.sources == ("l.csv",) and load.summary == {"rows": 2}
        _load(s, rid, ("extension",))
        assert s.log_load(rid).missing == ("extension",)
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    raw.close()


EDITS = {
    "not JSON": "UPDATE log_loads SET missing = '[\"due\", '",
    "a list of numbers": "UPDATE log_loads SET missing = '[1, 2]'",
    "a mapping": "UPDATE log_loads SET missing = '{\"due\": 1}'",
    "a number": "UPDATE log_loads SET missing = 7",
    "a blob": "UPDATE log_loads SET missing = x'00ff'",
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_missing_columns_edited_by_hand_are_called_damaged_naming_the_report(tmp_path, edit):
    """Never read as "nothing missing" (a why that would blame the wrong thing): damaged, as the other fields are."""
    db = tmp_path / "r.sqlite3"
    with Store.open(db) as s:
        rid = s.create_report("cyfsa-part-x", 2025)
        _load(s, rid, ("extension",))
    raw = sqlite3.connect(db)
    raw.execute(EDITS[edit])
    raw.commit()
    raw.close()
    with Store.open(db) as s, pytest.raises(StoreError) as caught:
        s.log_load(rid)
    assert caught.value.code == "bad_log" and caught.value.facts["id"] == rid
