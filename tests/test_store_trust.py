"""The store keeps its promises when other processes, killed writers, full or read-only disks,
and hand edits get in the way: every acknowledged answer is in the file, and every failure is one
true line, never a traceback."""

from __future__ import annotations

import io
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest

from reportbot import store as store_module
from reportbot.cli import main
from reportbot.store import Store, StoreError
from reports import REPORTS_DIR

POSIX = os.name == "posix"
TIMEOUT = 60
# Answers for a CYFSA report from its first question on (identification, then section 2 and 3).
ANSWERS = [
    "Children's Aid Society of Anytown", "Pat Lee", "416-555-0100", "pat@cas.example",
    "1 Main St, Anytown ON A1A 1A1", "children's aid society", "none", "2", "40", "30", "6", "4",
]


@pytest.fixture(autouse=True)
def _never_the_real_database(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTBOT_DB", str(tmp_path / "env" / "reportbot.sqlite3"))
    monkeypatch.delenv("REPORTBOT_PLAIN", raising=False)


def _cli(*args: str, **kw) -> list[str]:
    return [sys.executable, "-m", "reportbot", "--lang", "en", *args]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "REPORTBOT_DB"}


def _new_report(db: Path) -> int:
    with Store.open(db) as s:
        return s.create_report("cyfsa-part-x", 2025)


# --- resume alongside other commands ---------------------------------------------------------------


class _Session:
    """``reportbot --plain resume`` on a pipe, answered one prompt at a time."""

    PROMPT = re.compile(r"(?:^|\n)\[[^\]\n]+\] ")

    def __init__(self, db: Path) -> None:
        self.proc = subprocess.Popen(
            _cli("--plain", "--db", str(db), "resume"), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=_env(),
        )
        self.out = b""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while chunk := os.read(self.proc.stdout.fileno(), 65536):  # type: ignore[union-attr]
            self.out += chunk

    def prompts(self) -> int:
        return len(self.PROMPT.findall(self.out.decode("utf-8", "replace")))

    def answer(self, text: str) -> None:
        """Send ``text`` once the next prompt is on screen (so the previous answer is stored)."""
        wanted = self.prompts() + 1
        self.proc.stdin.write(text.encode() + b"\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]
        deadline = time.monotonic() + TIMEOUT
        while self.prompts() < wanted:
            assert self.proc.poll() is None, self.out.decode() + self.proc.stderr.read().decode()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, self.out.decode()
            time.sleep(0.005)

    def quit(self) -> str:
        _, err = self.proc.communicate(b"quit\n", timeout=TIMEOUT)
        self._reader.join(TIMEOUT)
        assert self.proc.returncode == 0, err.decode()
        return self.out.decode()


def _scripted(db: Path, alongside=None) -> dict:
    """Answer :data:`ANSWERS` in a resumed session; ``alongside()`` before each answer; the stored answers."""
    rid = _new_report(db)
    session = _Session(db)
    deadline = time.monotonic() + TIMEOUT
    while session.prompts() < 1:
        assert time.monotonic() < deadline and session.proc.poll() is None, session.out.decode()
        time.sleep(0.005)
    for text in ANSWERS:
        if alongside:
            alongside()
        session.answer(text)
    assert "Everything is saved" in session.quit()
    with Store.open(db) as s:
        return s.answers(rid)


def test_resume_keeps_every_answer_while_other_commands_run_alongside(tmp_path):
    alone = _scripted(tmp_path / "alone.sqlite3")
    assert len(alone) >= len(ANSWERS) - 2  # the script does store answers
    db = tmp_path / "busy.sqlite3"
    runs = []

    def one_more_command() -> None:
        """list, history or export, run to its end on the same file between two answers."""
        command = [["list"], ["history", "1"], ["export", "1", "--format", "json"]][len(runs) % 3]
        proc = subprocess.run(_cli("--db", str(db), *command), capture_output=True, text=True, env=_env(),
                              timeout=TIMEOUT)
        runs.append(proc.returncode)

    assert _scripted(db, one_more_command) == alone
    assert runs == [0] * len(ANSWERS)


def test_resume_opens_the_database_once(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    _new_report(db)
    opened = []
    real = Store.open.__func__  # type: ignore[attr-defined]

    def counting(cls, path=None):
        store = real(cls, path)
        opened.append(store)
        return store

    monkeypatch.setattr(Store, "open", classmethod(counting))
    monkeypatch.setattr("sys.stdin", io.StringIO("quit\n"))
    assert main(["--plain", "--db", str(db), "resume"]) == 0
    assert len(opened) == 1 and opened[0]._closed  # one Store, closed when the conversation ends
    assert not store_module._CONNECTIONS


# --- one connection per file per process -----------------------------------------------------------------


def test_stores_of_one_file_share_one_connection_until_the_last_closes(tmp_path):
    db = tmp_path / "r.sqlite3"
    first = Store.open(db)
    second = Store.open(str(db))
    link = tmp_path / "link.sqlite3"
    link.symlink_to(db)
    third = Store.open(link)  # the same file by another name
    assert first._conn is second._conn is third._conn
    first.close()
    third.close()
    rid = second.create_report("fippa-year-end", 2025)  # still open for the last one
    second.close()
    with pytest.raises(sqlite3.ProgrammingError):
        first._conn.execute("SELECT 1")
    with pytest.raises(RuntimeError):
        first.get(rid)
    with Store.open(db) as again:
        assert again.get(rid).year == 2025


def test_opening_a_file_in_use_here_never_reads_it_with_plain_io(tmp_path, monkeypatch):
    """A plain open()/close() of the file would drop this process's SQLite locks (POSIX fcntl)."""
    db = tmp_path / "r.sqlite3"
    with Store.open(db):
        import builtins

        real_open = builtins.open

        def watched(file, *args, **kwargs):
            assert Path(os.fsdecode(file)).resolve() != db.resolve(), "plain I/O on a database in use"
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", watched)
        Store.open(db).close()


# --- first open, by several processes at once ------------------------------------------------------------

RACER = textwrap.dedent(
    """
    import os, sys, time
    from reportbot.cli import main
    from reportbot.export import words_for
    import reportbot.commands.import_  # all but the store's work done before the start
    words_for("en", "cyfsa-part-x")
    print("ready", flush=True)
    for line in sys.stdin:  # a round: wait for the start, import into a database nobody made yet
        go, db, report = line.split()
        while not os.path.exists(go):
            time.sleep(0.0005)
        status = main(["--lang", "en", "--db", db, "import", report])
        print("exit", status, flush=True)
    """
)


def test_processes_creating_one_database_at_once_keep_every_import(tmp_path):
    racers = [
        subprocess.Popen([sys.executable, "-c", RACER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=_env())
        for _ in range(8)
    ]
    try:
        for p in racers:
            assert p.stdout.readline() == "ready\n", p.stderr.read()  # type: ignore[union-attr]
        for round_ in range(24):
            db = tmp_path / f"round{round_}" / "new.sqlite3"
            go = tmp_path / f"go{round_}"
            for p in racers:
                p.stdin.write(f"{go} {db} {REPORTS_DIR / 'cyfsa-zero.json'}\n")  # type: ignore[union-attr]
                p.stdin.flush()  # type: ignore[union-attr]
            go.touch()
            stored = []
            for p in racers:
                lines = []
                while not (lines and lines[-1].startswith("exit ")):
                    lines.append(p.stdout.readline())  # type: ignore[union-attr]
                    assert lines[-1], p.stderr.read()  # type: ignore[union-attr]
                assert lines[-1] == "exit 0\n", "".join(lines)
                stored += [int(n) for n in re.findall(r"Stored as report (\d+)", "".join(lines))]
            assert len(stored) == 8
            with Store.open(db) as s:
                assert sorted(r.id for r in s.reports()) == sorted(stored)
            assert [p.name for p in db.parent.iterdir() if not p.name.startswith("new.sqlite3")] == []
    finally:
        for p in racers:
            p.communicate("", timeout=TIMEOUT)


@pytest.mark.parametrize("make", ["another program's sqlite in WAL mode", "a newer reportbot", "ours, truncated"])
def test_a_refusal_removes_nothing_beside_the_file(tmp_path, monkeypatch, make):
    """-wal and -shm files beside a database may be another process's, in use: only SQLite may remove them."""
    from test_store import UNUSABLE

    db = tmp_path / "r.sqlite3"
    UNUSABLE[make][0](db)
    removed = []
    for module, name in ((os, "unlink"), (os, "remove")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda p, *a, real=real, **k: (removed.append(str(p)), real(p, *a, **k))[1])
    with pytest.raises(StoreError):
        Store.open(db)
    assert [p for p in removed if p.endswith(("-wal", "-shm"))] == []
    assert sorted(os.listdir(tmp_path)) == ["r.sqlite3"]


def test_a_new_file_appears_whole_or_not_at_all(tmp_path, monkeypatch):
    db = tmp_path / "data" / "r.sqlite3"
    seen = []
    real = store_module._migrate

    def migrate(conn, path):
        seen.append((path, db.exists()))
        real(conn, path)

    monkeypatch.setattr(store_module, "_migrate", migrate)
    Store.open(db).close()
    (built, published), = seen[:1]
    assert built != db and built.parent == db.parent and not published
    assert not built.exists() and sorted(p.name for p in db.parent.iterdir()) == ["r.sqlite3"]
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("PRAGMA application_id").fetchone()[0] == store_module.APPLICATION_ID
    raw.close()


def test_what_a_killed_creator_left_is_removed(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    folder = tmp_path / "data"
    folder.mkdir()
    leftovers = [folder / f".r.sqlite3.{gone.pid}.0badf00d.creating", folder / f".r.sqlite3.{gone.pid}.0badf00d.creating-journal"]
    for p in leftovers:
        p.write_bytes(b"half a database")
    alive = folder / f".r.sqlite3.{os.getppid()}.12345678.creating"  # a creator still at work: left alone
    alive.write_bytes(b"")
    Store.open(folder / "r.sqlite3").close()
    assert sorted(p.name for p in folder.iterdir()) == sorted([alive.name, "r.sqlite3"])


# --- a hot journal left by a killed writer ------------------------------------------------------------------

KILLED_WRITER = textwrap.dedent(
    """
    import os, signal, sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")  # a rollback journal, as a first open writes
    conn.execute("PRAGMA cache_size = 2")  # spill into the file itself before committing
    conn.execute("BEGIN IMMEDIATE")
    for i in range(400):
        conn.execute("INSERT INTO settings VALUES (?, ?)", (f"half-written {i}", "x" * 2000))
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_a_hot_journal_is_rolled_back_and_said(tmp_path, capsys):
    db = tmp_path / "r.sqlite3"
    with Store.open(db) as s:
        rid = s.create_report("fippa-year-end", 2025, "Kept Organization")
    killed = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(db)], timeout=TIMEOUT)
    assert killed.returncode == -signal.SIGKILL
    assert Path(f"{db}-journal").stat().st_size > 0  # hot: the file holds half a transaction
    assert main(["--lang", "fr", "--db", str(db), "list"]) == 0
    out, err = capsys.readouterr()
    assert "Kept Organization" in out
    assert len(err.strip().splitlines()) == 1 and "annulée" in err and "Traceback" not in err
    assert main(["--db", str(db), "list"]) == 0  # once: nothing to say the next time
    assert capsys.readouterr().err == ""
    with Store.open(db) as s:
        assert s.get(rid).organization == "Kept Organization" and s.get_setting("half-written 0") is None


# --- a deleted report leaves no copy in the WAL -------------------------------------------------------------

READER = textwrap.dedent(
    """
    import sys
    from reportbot.store import Store
    store = Store.open(sys.argv[1])
    print(len(store.reports()), flush=True)
    sys.stdin.readline()  # stays open, as another session would
    store.close()
    """
)


def test_a_deleted_report_is_not_left_in_the_wal_while_another_session_is_open(tmp_path):
    db = tmp_path / "r.sqlite3"
    with Store.open(db) as s:
        keep = s.create_report("cyfsa-part-x", 2024, "Kept Organization")
    other = subprocess.Popen([sys.executable, "-c", READER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    try:
        assert other.stdout.readline().strip() == "1"  # type: ignore[union-attr]
        with Store.open(db) as s:
            gone = s.create_report("cyfsa-part-x", 2025, "Zebra Quokka Services")
            for i in range(200):
                s.set_answer(gone, ("1.1.mailing_address", None), f"Zebra Quokka Lane, suite {i}")
            s.delete(gone)
        assert Path(f"{db}-wal").exists()  # the other session keeps the WAL
        data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("r.sqlite3"))
        assert b"Kept Organization" in data
        assert b"Zebra Quokka" not in data
    finally:
        other.communicate("\n", timeout=TIMEOUT)
    with Store.open(db) as s:
        assert [r.id for r in s.reports()] == [keep]
