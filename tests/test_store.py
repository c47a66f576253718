"""The store: answers kept exactly, history and confirmation, locks, settings, and refusing files that are not ours."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportbot.liveness import identity
from reportbot.saying import say
from reportbot.store import (
    APPLICATION_ID,
    MIGRATIONS,
    ReportLocked,
    ReportNotFound,
    Store,
    StoreError,
    default_path,
    schema,
)
from reportbot.values import clean_text
from reportbot.wording import languages, wording

POSIX = os.name == "posix"


@pytest.fixture(autouse=True)
def _never_the_real_database(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTBOT_DB", str(tmp_path / "env" / "reportbot.sqlite3"))


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "data" / "reportbot.sqlite3"


@pytest.fixture
def store(db):
    s = Store.open(db)
    yield s
    s.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- values ---------------------------------------------------------------------------------


def test_values_come_back_exactly_with_their_types(store):
    rid = store.create_report("fippa-year-end", 2025)
    given_values = {
        ("3.1", "personal"): 12,
        ("9.2", "general"): Decimal("12.50"),
        ("9.6", "general"): Decimal("0.10"),
        ("1.3", None): Decimal("412.5"),
        ("1.1.institution", None): "Ministère de l’Exemple",
        ("1.2", None): "ministry",
    }
    for cell, value in given_values.items():
        store.set_answer(rid, cell, value)
    got = store.answers(rid)
    assert got == given_values
    assert type(got[("3.1", "personal")]) is int
    assert str(got[("9.2", "general")]) == "12.50"  # the cents are kept, not just the amount
    assert str(got[("9.6", "general")]) == "0.10"


def test_any_decimal_and_text_round_trips(store):
    rid = store.create_report("fippa-year-end", 2025)

    @settings(max_examples=150, deadline=None)
    @given(
        number=st.decimals(allow_nan=False, allow_infinity=False),
        count=st.integers(min_value=0, max_value=10**12),
        text=st.text(max_size=60),
    )
    def round_trip(number, count, text):
        store.set_answer(rid, ("9.2", "personal"), number)
        store.set_answer(rid, ("3.1", "personal"), count)
        store.set_answer(rid, ("6a", None), text)
        got = store.answers(rid)
        assert str(got[("9.2", "personal")]) == str(number)
        assert got[("3.1", "personal")] == count
        assert got[("6a", None)] == clean_text(text)

    round_trip()


def test_typed_text_is_stored_without_control_sequences(store):
    rid = store.create_report("fippa-year-end", 2025, organization="\x1b[31mRed\x1b[0m Org\x07")
    store.set_answer(rid, ("6a", None), "fine\x1b]0;owned\x07 text\x9b2J")
    assert store.answers(rid)[("6a", None)] == "fine text"  # the 8-bit CSI goes with its parameters
    assert store.get(rid).organization == "Red Org"


def test_bad_values_and_hows_are_refused(store):
    rid = store.create_report("fippa-year-end", 2025)
    with pytest.raises(TypeError):
        store.set_answer(rid, ("3.1", "personal"), True)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        store.set_answer(rid, ("3.1", "personal"), Decimal("NaN"))
    with pytest.raises(ValueError):
        store.set_answer(rid, ("3.1", "personal"), 1, how="guessed")
    assert store.answers(rid) == {}


# --- history, confirmation ------------------------------------------------------------------------


def test_several_answers_are_stored_in_one_transaction_all_or_none(store):
    rid = store.create_report("cyfsa-part-x", 2025)
    store.set_answers(rid, {("13.3.2", None): 0, ("13.3.3", None): 0}, "derived")
    assert store.answers(rid) == {("13.3.2", None): 0, ("13.3.3", None): 0}
    assert store.answer_sources(rid) == {("13.3.2", None): "derived", ("13.3.3", None): "derived"}
    with pytest.raises(ValueError):  # the second value cannot be stored: the first is not kept either
        store.set_answers(rid, {("13.3.4", None): 0, ("13.3.5", None): Decimal("NaN")}, "derived")
    assert ("13.3.4", None) not in store.answers(rid)


def test_none_removes_an_answer_and_history_keeps_old_and_new(store):
    rid = store.create_report("fippa-year-end", 2025)
    store.set_answer(rid, ("3.1", "personal"), 4)
    store.set_answer(rid, ("3.1", "personal"), 5, how="imported")
    store.set_answer(rid, ("3.1", "personal"), None)
    assert store.answers(rid) == {}
    rows = [(h.box, h.column, h.old, h.new, h.how) for h in store.history(rid)]
    assert rows == [
        ("3.1", "personal", None, 4, "said"),
        ("3.1", "personal", 4, 5, "imported"),
        ("3.1", "personal", 5, None, "said"),
    ]
    assert all(h.when for h in store.history(rid))


def test_the_same_answer_again_is_not_a_change(store):
    rid = store.create_report("fippa-year-end", 2025)
    store.set_answer(rid, ("3.1", "personal"), 4)
    store.confirm(rid)
    store.set_answer(rid, ("3.1", "personal"), 4)
    store.set_answer(rid, ("3.1", "personal"), 4, how="carried")  # how it came may change; the value did not
    assert store.get(rid).status == "confirmed"
    assert [h.how for h in store.history(rid)] == ["said", "confirmed"]
    assert store.answer_sources(rid) == {("3.1", "personal"): "carried"}


def test_a_change_after_confirmation_makes_a_draft_that_remembers_its_confirmation(store):
    rid = store.create_report("fippa-year-end", 2025)
    store.set_answer(rid, ("3.1", "personal"), 4)
    store.confirm(rid)
    confirmed = store.get(rid)
    assert confirmed.status == "confirmed" and confirmed.confirmed_at
    store.set_answer(rid, ("3.1", "personal"), 6)
    row = store.get(rid)
    assert row.status == "draft"
    assert row.confirmed_at == confirmed.confirmed_at
    assert row.changed_since_confirmation
    assert [h.how for h in store.history(rid)] == ["said", "confirmed", "said"]
    store.confirm(rid)
    assert store.get(rid).status == "confirmed"
    assert not store.get(rid).changed_since_confirmation


def test_acknowledgements_are_kept_with_their_reason_and_history(store):
    rid = store.create_report("fippa-year-end", 2025)
    store.acknowledge(rid, "fippa-7.7-within-7.6", "personal", "two were counted\x1b[2J twice")
    store.acknowledge(rid, "fippa-disposition-within-3.8:7.1", None, "right")
    store.confirm(rid)
    store.acknowledge(rid, "fippa-7.7-within-7.6", "personal", "two were counted twice")  # same: no change
    assert store.get(rid).status == "confirmed"
    store.acknowledge(rid, "fippa-7.7-within-7.6", "personal", "checked with the office")
    assert store.get(rid).status == "draft"
    assert store.acknowledgements(rid) == {
        ("fippa-7.7-within-7.6", "personal"): "checked with the office",
        ("fippa-disposition-within-3.8:7.1", None): "right",
    }
    hows = [(h.how, h.rule, h.new) for h in store.history(rid)]
    assert hows[0] == ("acknowledged", "fippa-7.7-within-7.6", "two were counted twice")
    assert ("acknowledged", "fippa-7.7-within-7.6", "checked with the office") in hows


def test_reports_come_most_recently_changed_first(store):
    a = store.create_report("fippa-year-end", 2024, "A")
    b = store.create_report("cyfsa-part-x", 2025, "B")
    assert [r.id for r in store.reports()] == [b, a]
    assert store.latest().id == b
    store.set_answer(a, ("2.1", None), 0)
    assert [r.id for r in store.reports()] == [a, b]
    assert store.latest().id == a
    store.set_organization(b, "B renamed")
    assert store.latest().id == b and store.latest().organization == "B renamed"


def test_an_empty_store_has_no_latest(store):
    assert store.reports() == [] and store.latest() is None


@pytest.mark.skipif("fr" not in languages(), reason="no French dialogs")
def test_store_errors_are_said_in_english_where_a_language_lacks_them():
    error = ReportLocked(3, 1234)
    text = say(error, wording("fr"))
    assert "3" in text and "1234" in text and "locked" not in text


def test_unknown_reports_are_named(store):
    with pytest.raises(ReportNotFound) as caught:
        store.get(42)
    assert "42" in str(caught.value)
    with pytest.raises(ReportNotFound):
        store.set_answer(42, ("2.1", None), 0)


def test_delete_removes_everything_of_the_report_and_ids_are_not_reused(store, db):
    keep = store.create_report("fippa-year-end", 2024)
    gone = store.create_report("fippa-year-end", 2025)
    for rid in (keep, gone):
        store.set_answer(rid, ("2.1", None), 1)
        store.acknowledge(rid, "x", None, "y")
    store.delete(gone)
    with pytest.raises(ReportNotFound):
        store.get(gone)
    raw = sqlite3.connect(db)
    for table in ("answers", "history", "acknowledgements"):
        assert {r[0] for r in raw.execute(f"SELECT report_id FROM {table}")} == {keep}
    raw.close()
    assert store.create_report("fippa-year-end", 2025) > gone


def test_settings(store):
    assert store.get_setting("language") is None
    store.set_setting("language", "fr")
    store.set_setting("language", "en")
    assert store.get_setting("language") == "en"
    store.set_setting("language", None)
    assert store.get_setting("language") is None


def test_language_and_organization_of_a_report(store):
    rid = store.create_report("cyfsa-part-x", 2025, language="en")
    store.set_language(rid, "fr")
    store.set_organization(rid, "  Children's Aid  ")
    row = store.get(rid)
    assert (row.language, row.organization) == ("fr", "Children's Aid")


# --- the file -------------------------------------------------------------------------------------


def test_default_location(monkeypatch, tmp_path):
    monkeypatch.setenv("REPORTBOT_DB", str(tmp_path / "x.sqlite3"))
    assert default_path() == tmp_path / "x.sqlite3"
    monkeypatch.delenv("REPORTBOT_DB")
    path = default_path()
    assert path.name == "reportbot.sqlite3" and path.parent.name == "reportbot"


def test_open_without_a_path_uses_reportbot_db(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTBOT_DB", str(tmp_path / "chosen.sqlite3"))
    with Store.open() as s:
        assert s.path == tmp_path / "chosen.sqlite3"
    assert (tmp_path / "chosen.sqlite3").is_file()


@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
def test_database_is_owner_only_in_an_owner_only_folder(tmp_path):
    old = os.umask(0)  # even with a permissive umask
    try:
        db = tmp_path / "new" / "deeper" / "reportbot.sqlite3"
        s = Store.open(db)
        rid = s.create_report("fippa-year-end", 2025)
        s.set_answer(rid, ("2.1", None), 1)
        mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
        assert mode(db) == 0o600
        assert mode(db.parent) == 0o700 and mode(db.parent.parent) == 0o700
        assert mode(Path(f"{db}-wal")) == 0o600  # SQLite gives its sidecars the database's mode
        s.close()
    finally:
        os.umask(old)


@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
def test_an_existing_folder_is_left_as_it_is(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    Store.open(folder / "r.sqlite3").close()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    assert stat.S_IMODE((folder / "r.sqlite3").stat().st_mode) == 0o600


def test_wal_and_schema_version(store, db):
    assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL: on disk before returning
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    raw.close()


@pytest.mark.parametrize("start", ["zero bytes", "empty sqlite"])
def test_an_empty_file_is_migrated_from_version_0(tmp_path, start):
    db = tmp_path / "r.sqlite3"
    if start == "zero bytes":
        db.write_bytes(b"")
    else:
        raw = sqlite3.connect(db)
        raw.execute("PRAGMA user_version = 0")
        raw.execute("VACUUM")  # writes the header: a real, empty SQLite database
        raw.close()
    with Store.open(db) as s:
        rid = s.create_report("cyfsa-part-x", 2025)
        s.set_answer(rid, ("3.1", None), 2)
    with Store.open(db) as s:
        assert s.answers(rid) == {("3.1", None): 2}


def _extra_migration(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE reports ADD COLUMN note TEXT")
    conn.execute("UPDATE reports SET note = 'migrated'")


def test_migrations_run_forward_from_every_version_and_keep_a_backup(tmp_path, monkeypatch):
    db = tmp_path / "r.sqlite3"
    with Store.open(db) as s:  # at the current version, with data in it
        rid = s.create_report("fippa-year-end", 2024, "Org")
        s.set_answer(rid, ("3.6", "personal"), 7)
    monkeypatch.setattr(schema, "MIGRATIONS", [*MIGRATIONS, _extra_migration])
    with Store.open(db) as s:
        assert s.answers(rid) == {("3.6", "personal"): 7}
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 1
    assert raw.execute("SELECT note FROM reports").fetchone()[0] == "migrated"
    raw.close()
    backup = tmp_path / f"r.sqlite3.v{len(MIGRATIONS)}.bak"
    raw = sqlite3.connect(backup)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert raw.execute("SELECT value FROM answers").fetchone()[0] == "7"
    raw.close()
    # and a new file goes from 0 through every step
    fresh = tmp_path / "fresh.sqlite3"
    Store.open(fresh).close()
    raw = sqlite3.connect(fresh)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 1
    assert "note" in {r[1] for r in raw.execute("PRAGMA table_info(reports)")}
    raw.close()


def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    db = tmp_path / "r.sqlite3"
    with Store.open(db) as s:
        rid = s.create_report("fippa-year-end", 2024)
        s.set_answer(rid, ("3.6", "personal"), 7)

    def broken(conn):
        conn.execute("ALTER TABLE reports ADD COLUMN half TEXT")
        conn.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(schema, "MIGRATIONS", [*MIGRATIONS, broken])
    with pytest.raises(StoreError):
        Store.open(db)
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert "half" not in {r[1] for r in raw.execute("PRAGMA table_info(reports)")}
    raw.close()
    monkeypatch.setattr(schema, "MIGRATIONS", MIGRATIONS)
    with Store.open(db) as s:
        assert s.answers(rid) == {("3.6", "personal"): 7}


# --- files that are not ours -------------------------------------------------------------------------


def _random(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def _text(path: Path) -> None:
    path.write_text("name,count\nx,1\n")


def _foreign_sqlite(path: Path) -> None:
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE contacts (name TEXT)")
    raw.execute("INSERT INTO contacts VALUES ('someone')")
    raw.commit()
    raw.close()


def _foreign_wal(path: Path) -> None:
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("CREATE TABLE t (x)")
    raw.execute("INSERT INTO t VALUES (1)")
    raw.commit()
    raw.close()


def _other_application(path: Path) -> None:
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA application_id = 1234")
    raw.execute("CREATE TABLE reports (id INTEGER)")
    raw.commit()
    raw.close()


def _newer(path: Path) -> None:
    Store.open(path).close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()


def _ours_truncated(path: Path) -> None:
    with Store.open(path) as s:
        for year in range(2000, 2030):
            rid = s.create_report("fippa-year-end", year, "x" * 500)
            for i in range(20):
                s.set_answer(rid, (f"t.{i}", None), "y" * 200)
    with open(path, "r+b") as f:
        f.truncate(path.stat().st_size // 2)


def _ours_scribbled(path: Path) -> None:
    with Store.open(path) as s:
        for year in range(2000, 2030):
            rid = s.create_report("fippa-year-end", year, "x" * 500)
            for i in range(20):
                s.set_answer(rid, (f"t.{i}", None), "y" * 200)
    with open(path, "r+b") as f:
        f.seek(4096)  # page 2: the root of the reports table
        f.write(os.urandom(4096))


def _ours_without_tables(path: Path) -> None:
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    raw.execute("PRAGMA user_version = 1")
    raw.execute("CREATE TABLE reports (id INTEGER)")
    raw.commit()
    raw.close()


UNUSABLE = {
    "random bytes": (_random, "not_sqlite"),
    "a text file": (_text, "not_sqlite"),
    "another program's sqlite": (_foreign_sqlite, "foreign"),
    "another program's sqlite in WAL mode": (_foreign_wal, "foreign"),
    "another application id": (_other_application, "foreign"),
    "a newer reportbot": (_newer, "newer"),
    "ours, truncated": (_ours_truncated, "damaged"),
    "ours, scribbled over": (_ours_scribbled, "damaged"),
    "ours, tables missing": (_ours_without_tables, "damaged"),
}


@pytest.mark.parametrize("name", list(UNUSABLE))
def test_an_unusable_file_is_refused_and_left_untouched(tmp_path, name):
    make, code = UNUSABLE[name]
    db = tmp_path / "r.sqlite3"
    make(db)
    before = _digest(db)
    listing = sorted(os.listdir(tmp_path))
    with pytest.raises(StoreError) as caught:
        Store.open(db)
    assert caught.value.code == code
    message = str(caught.value)
    assert str(db) in message and "\n" not in message
    assert _digest(db) == before
    assert sorted(os.listdir(tmp_path)) == listing  # no -wal/-shm left beside it either


def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(StoreError) as caught:
        Store.open(tmp_path)
    assert caught.value.code == "not_a_file"


# --- locks within one process --------------------------------------------------------------------------


def test_a_second_session_is_refused_and_may_read(db):
    first, second = Store.open(db), Store.open(db)
    rid = first.create_report("fippa-year-end", 2025)
    handle = first.open_report(rid)
    first.set_answer(rid, ("3.1", "personal"), 3)
    with pytest.raises(ReportLocked) as caught:
        second.open_report(rid)
    assert caught.value.owner_pid == os.getpid()
    with pytest.raises(ReportLocked):
        second.set_answer(rid, ("3.1", "personal"), 4)
    with pytest.raises(ReportLocked):
        second.delete(rid)
    with pytest.raises(ReportLocked):
        second.confirm(rid)
    assert second.answers(rid) == {("3.1", "personal"): 3}  # reading needs no lock
    assert first.answers(rid) == {("3.1", "personal"): 3}
    handle.close()
    with second.open_report(rid):
        second.set_answer(rid, ("3.1", "personal"), 4)
        with pytest.raises(ReportLocked):
            first.open_report(rid)
    first.close()
    second.close()


def test_one_store_cannot_open_a_report_twice_but_writes_through_its_own_lock(store):
    rid = store.create_report("fippa-year-end", 2025)
    with store.open_report(rid):
        with pytest.raises(ReportLocked):
            store.open_report(rid)
        store.set_answer(rid, ("3.1", "personal"), 1)  # the dialogue engine writes through the store
    assert store.answers(rid) == {("3.1", "personal"): 1}


def test_closing_the_store_lets_the_report_go(db):
    first = Store.open(db)
    rid = first.create_report("fippa-year-end", 2025)
    first.open_report(rid)
    first.close()
    with Store.open(db) as second:
        second.open_report(rid).close()


def _put_lock(db: Path, rid: int, pid: int, started: str | None, token: str = "t") -> None:
    raw = sqlite3.connect(db)
    raw.execute("INSERT OR REPLACE INTO locks VALUES (?, ?, ?, ?, '2025-01-01')", (rid, pid, started, token))
    raw.commit()
    raw.close()


def test_a_dead_owners_lock_is_taken_over(store, db):
    rid = store.create_report("fippa-year-end", 2025)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    _put_lock(db, rid, gone.pid, None)
    with store.open_report(rid):
        store.set_answer(rid, ("2.1", None), 0)
    assert store.answers(rid) == {("2.1", None): 0}


def test_a_leftover_lock_of_this_very_process_is_taken_over(store, db):
    rid = store.create_report("fippa-year-end", 2025)
    _put_lock(db, rid, os.getpid(), None, token="from a store never closed")
    store.open_report(rid).close()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="process start times from /proc")
def test_a_reused_pid_is_not_taken_for_the_owner(store, db):
    rid = store.create_report("fippa-year-end", 2025)
    parent = os.getppid()
    _put_lock(db, rid, parent, identity(parent))
    with pytest.raises(ReportLocked):
        store.open_report(rid)
    _put_lock(db, rid, parent, "another-boot:12345")  # same pid, another process
    store.open_report(rid).close()


def test_deleted_answers_do_not_linger_in_the_file(tmp_path, monkeypatch):
    import sqlite3

    real_connect = sqlite3.connect

    def connect_like_a_build_without_secure_delete(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.execute("PRAGMA secure_delete = OFF")  # the default of many SQLite builds
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect_like_a_build_without_secure_delete)
    path = tmp_path / "r.sqlite3"
    store = Store.open(path)
    keep = store.create_report("cyfsa-part-x", 2024)
    store.set_answer(keep, ("1.1.organization", None), "Kept Organization")
    report_id = store.create_report("cyfsa-part-x", 2025)
    for i in range(300):  # spread over many pages, as a long history does
        store.set_answer(report_id, ("1.1.mailing_address", None), f"Zebra Quokka Services, suite {i}")
    store.delete(report_id)
    store.close()
    data = b"".join(f.read_bytes() for f in tmp_path.iterdir())
    assert b"Kept Organization" in data
    assert b"Zebra Quokka" not in data
