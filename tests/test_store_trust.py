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

from reportbot.cli import main
from reportbot.store import Store, StoreError, opening, schema
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
        self.proc.stdin.write(b"quit\n")  # type: ignore[union-attr]
        self.proc.stdin.close()  # type: ignore[union-attr]
        self.proc.wait(TIMEOUT)
        self._reader.join(TIMEOUT)  # the reader, not communicate(), has all of standard output
        assert self.proc.returncode == 0, self.proc.stderr.read().decode()  # type: ignore[union-attr]
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
    assert opened[0]._shared.key not in opening.CONNECTIONS  # and with it the connection


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
    from reportbot.wording import words_for
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
            db.parent.mkdir()  # --db in a folder that does not exist is refused (issue 13, item 14)
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
    real = schema.migrate

    def migrate(conn, path):
        seen.append((path, db.exists()))
        real(conn, path)

    monkeypatch.setattr(schema, "migrate", migrate)
    Store.open(db).close()
    (built, published), = seen[:1]
    assert built != db and built.parent == db.parent and not published
    assert not built.exists() and sorted(p.name for p in db.parent.iterdir()) == ["r.sqlite3"]
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
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


LONG_READER = textwrap.dedent(
    """
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN")
    print(conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0], flush=True)  # reading, and goes on
    sys.stdin.readline()
    conn.execute("COMMIT")
    print("done", flush=True)
    sys.stdin.readline()  # still open, no longer reading
    """
)


def test_a_wal_kept_by_a_long_read_is_emptied_when_the_store_closes(tmp_path, monkeypatch):
    monkeypatch.setattr(opening, "BUSY_SECONDS", 0.2)  # how long a delete waits for the reading to end
    db = tmp_path / "r.sqlite3"
    store = Store.open(db)
    gone = store.create_report("cyfsa-part-x", 2025, "Zebra Quokka Services")
    store.set_answer(gone, ("1.1.mailing_address", None), "Zebra Quokka Lane")
    reader = subprocess.Popen([sys.executable, "-c", LONG_READER, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "1"  # type: ignore[union-attr]
        store.delete(gone)
        assert b"Zebra Quokka" in Path(f"{db}-wal").read_bytes()  # kept while read (no lock lives on -wal)
        reader.stdin.write("\n")  # type: ignore[union-attr]
        reader.stdin.flush()  # type: ignore[union-attr]
        assert reader.stdout.readline().strip() == "done"  # type: ignore[union-attr]
        store.close()
        data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("r.sqlite3"))
        assert b"Zebra Quokka" not in data
    finally:
        reader.communicate("\n", timeout=TIMEOUT)


# --- a full disk, a read-only file or folder: one true line ---------------------------------------------


def _capped(monkeypatch) -> None:
    """Connections that cannot grow the file, as on a full disk: SQLite's own SQLITE_FULL."""
    real = sqlite3.connect

    def connect(*args, **kwargs):
        conn = real(*args, **kwargs)
        conn.execute("PRAGMA max_page_count = 1")  # never below the file's present size
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)


def test_a_full_disk_mid_conversation_is_said_and_nothing_saved_is_lost(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    rid = _new_report(db)
    _capped(monkeypatch)
    long_answers = [f"{name} " + "x" * 1500 for name in ("Organization", "Contact", "Address")]
    monkeypatch.setattr("sys.stdin", io.StringIO("Short Org\n" + "\n".join(long_answers * 3) + "\nquit\n"))
    assert main(["--plain", "--lang", "en", "--db", str(db), "resume", str(rid)]) == 2
    out, err = capsys.readouterr()
    last = out.strip().splitlines()[-1]
    assert last.startswith("Error: The disk holding") and "full" in last and f"reportbot resume {rid}" in last
    assert "damaged" not in out + err and "Everything is saved" not in out and err == ""
    monkeypatch.undo()
    with Store.open(db) as s:
        assert s.answers(rid)[("1.1.organization", None)] == "Short Org"  # given before the disk filled


def test_a_full_disk_is_said_by_the_store_commands(tmp_path, monkeypatch, capsys):
    db = tmp_path / "r.sqlite3"
    _new_report(db)
    _capped(monkeypatch)
    assert main(["--lang", "fr", "--db", str(db), "import", str(REPORTS_DIR / "fippa-full.json")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "est plein" in err and "endommagé" not in err


@pytest.fixture
def small_disk(tmp_path):
    """A 256 KiB file system of its own (tmpfs; needs the right to mount, else the test is skipped)."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root on Linux")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_a_really_full_disk_is_said(small_disk):
    db = small_disk / "r.sqlite3"
    rid = _new_report(db)
    free = os.statvfs(small_disk)
    (small_disk / "filler").write_bytes(bytes(free.f_bavail * free.f_frsize - 64 * 1024))
    answers = "Short Org\n" + "".join(f"Name {i} {'x' * 1500}\n" for i in range(20)) + "quit\n"
    proc = subprocess.run(_cli("--plain", "--db", str(db), "resume", str(rid)), input=answers, capture_output=True,
                          text=True, env=_env(), timeout=TIMEOUT)
    assert proc.returncode == 2 and proc.stderr == "", proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("Error: The disk holding") and f"reportbot resume {rid}" in last
    (small_disk / "filler").unlink()
    with Store.open(db) as s:
        assert s.get(rid).form == "cyfsa-part-x"


@pytest.fixture
def someone_else(tmp_path):
    """Run reportbot as a user that file permissions apply to (root ignores them): nobody, when we are root."""
    if not POSIX:
        pytest.skip("POSIX permissions")
    base = Path(tempfile.mkdtemp(prefix="reportbot-ro-"))
    os.chmod(base, 0o755)
    user = None
    if os.geteuid() == 0:
        user = 65534
        probe = subprocess.run([sys.executable, "-c", "pass"], user=user, group=user, extra_groups=[],
                               capture_output=True)
        if probe.returncode:
            pytest.skip("cannot run a process as nobody here")
    env = {**_env(), "REPORTBOT_CACHE_DIR": str(base / "cache"), "HOME": str(base)}
    (base / "cache").mkdir()

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        kw = {"user": user, "group": user, "extra_groups": []} if user else {}
        return subprocess.run(_cli(*args), input=stdin, capture_output=True, text=True, env=env,
                              timeout=TIMEOUT, cwd=base, **kw)

    def own(*paths: Path) -> None:
        for p in paths:
            if user:
                os.chown(p, user, user)

    own(base, base / "cache")
    yield base, run, own
    for p in sorted(base.rglob("*"), reverse=True):
        if p.is_dir():
            os.chmod(p, 0o700)
    subprocess.run(["rm", "-rf", str(base)])


def test_a_read_only_database_file_is_said(someone_else):
    base, run, own = someone_else
    folder = base / "data"
    db = folder / "r.sqlite3"
    rid = _new_report(db)
    own(folder, db)
    os.chmod(db, 0o400)
    proc = run("--plain", "--db", str(db), "resume", str(rid), stdin="Org\n")
    assert proc.returncode == 2, proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    assert "cannot be written" in last and "read-only" in last and f"reportbot resume {rid}" in last
    assert "Traceback" not in proc.stderr and "damaged" not in proc.stdout + proc.stderr
    proc = run("--db", str(db), "list")  # reading is still fine
    assert proc.returncode == 0 and "cyfsa-part-x" in proc.stdout, proc.stderr


def test_a_read_only_folder_is_said(someone_else):
    base, run, own = someone_else
    folder = base / "data"
    db = folder / "r.sqlite3"
    _new_report(db)
    own(folder, db)
    os.chmod(folder, 0o500)  # no -wal or -shm can be made beside the file
    for args in (["list"], ["--plain", "resume"], ["--plain", "new", "cyfsa-part-x", "--year", "2025"]):
        proc = run("--db", str(db), *args, stdin="Org\n")
        assert proc.returncode == 2, proc.stdout + proc.stderr
        said = (proc.stdout + proc.stderr).strip().splitlines()
        assert "cannot be written" in said[-1] and "read-only" in said[-1], said
        assert "Traceback" not in proc.stderr
    proc = run("--db", str(folder / "new.sqlite3"), "list")  # nor can a new file be made there
    assert proc.returncode == 2 and "cannot be written" in proc.stderr and "Traceback" not in proc.stderr


# --- rows edited by hand ---------------------------------------------------------------------------------------

HAND_EDITS = {
    "a text where a count goes (its type)": ("UPDATE answers SET vtype = 'str', value = 'lots' WHERE box = '3.1'", "3.1"),
    "a text where a count goes (its value)": ("UPDATE answers SET value = 'lots' WHERE box = '3.1'", "3.1"),
    "a 5,000-digit count": ("UPDATE answers SET value = printf('%.*c', 5000, '9') WHERE box = '3.1'", "3.1"),
    "NaN as an amount": ("UPDATE answers SET vtype = 'decimal', value = 'NaN' WHERE box = '3.1'", "3.1"),
    "inf as an amount": ("UPDATE answers SET vtype = 'decimal', value = 'inf' WHERE box = '3.1'", "3.1"),
    "a text as the year": ("UPDATE reports SET year = 'last year'", "last year"),
    "a history row": ("UPDATE history SET new = 'x' || printf('%.*c', 5000, '9') WHERE box = '3.1'", "row"),
}


@pytest.mark.parametrize("edit", list(HAND_EDITS))
def test_a_row_edited_by_hand_is_called_damaged_naming_the_report(tmp_path, monkeypatch, capsys, edit):
    sql, named = HAND_EDITS[edit]
    db = tmp_path / "r.sqlite3"
    rid = _new_report(db)
    with Store.open(db) as s:
        s.set_answer(rid, ("3.1", None), 4)
    raw = sqlite3.connect(db)
    raw.execute(sql)
    raw.commit()
    raw.close()
    commands = [["history", str(rid)]] if named == "row" else [["list"], ["export", str(rid)], ["--plain", "resume"]]
    for args in commands:
        monkeypatch.setattr("sys.stdin", io.StringIO("quit\n"))
        assert main(["--lang", "en", "--db", str(db), *args]) == 2, args
        out, err = capsys.readouterr()
        said = err if err else out.strip().splitlines()[-1]
        assert len(said.strip().splitlines()) == 1, said
        assert "is damaged" in said and f"report {rid}" in said and named in said, said
