"""``reportbot export -o``: the file it writes, and the files it must never write.

An export holds the filer's contacts, so it is owner-only whatever the umask;
it is written whole (synced, then renamed); a temporary file left by a killed
export is cleaned up by the next one; and the database itself is never an
output, whatever name it goes by.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reportbot import export, ownfiles
from reportbot.cli import main
from reportbot.store import Store
from reports import REPORTS_DIR

CONTROL = "\x1b]0;pwned\x07\x1b[31m\x9b1m"


pytestmark = pytest.mark.usefixtures("never_the_real_database")


@pytest.fixture
def db(tmp_path, capsys) -> Path:
    """A database holding two reports."""
    path = tmp_path / "r.sqlite3"
    for name in ("fippa-full", "cyfsa-zero"):
        assert main(["--db", str(path), "import", str(REPORTS_DIR / f"{name}.json")]) == 0
    capsys.readouterr()
    return path


def _run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", ""])
    proc.wait()
    return proc.pid


# --- never the database ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["{db}", "{db}-wal", "{db}-shm", "{db}-journal", "./r.sqlite3", "../{parent}/r.sqlite3",
                                  "link", "hard link"])
def test_an_export_over_the_database_is_refused_and_every_report_stays(db, capsys, monkeypatch, tmp_path, name):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "link").symlink_to(db)
    os.link(db, tmp_path / "hard link")
    before = db.read_bytes()
    target = name.format(db=db, parent=tmp_path.name)
    status, out, err = _run(capsys, "--db", str(db), "export", "1", "--format", "md", "-o", target)
    assert status == 2 and out == ""
    assert len(err.splitlines()) == 1 and "database" in err and "Traceback" not in err
    assert db.read_bytes() == before
    assert not Path(f"{db}-journal").exists()
    with Store.open(db) as store:
        assert [r.id for r in store.reports()] == [2, 1]
        assert len(store.answers(1)) > 100
    assert [p.name for p in tmp_path.iterdir() if ownfiles.TEMP_MARK in p.name] == []


def test_the_database_is_compared_by_identity_without_being_opened(db, tmp_path, monkeypatch):
    """Opening the database with plain I/O and closing it would drop this process's SQLite locks."""
    opened: list[str] = []
    real_open = os.open

    def watch(path, *args, **kwargs):
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", watch)
    with pytest.raises(export.IsTheDatabase):
        export.write_file(tmp_path / "r.sqlite3", "# sheet\n", database=db)
    assert not any(Path(p).name.startswith("r.sqlite3") for p in opened)
    assert not export.is_the_database(tmp_path / "sheet.md", db)


# --- owner-only, whole ---------------------------------------------------------------------------------------------


def test_an_export_is_owner_only_whatever_the_umask(db, capsys, tmp_path):
    old = os.umask(0)
    try:
        for fmt in ("md", "json"):
            target = tmp_path / f"sheet.{fmt}"
            assert _run(capsys, "--db", str(db), "export", "1", "-o", str(target))[0] == 0
            assert _mode(target) == 0o600, fmt
        target.write_text("an older export, readable by all")
        target.chmod(0o666)
        assert _run(capsys, "--db", str(db), "export", "1", "-o", str(target))[0] == 0
        assert _mode(target) == 0o600 and target.read_text().startswith("{")
    finally:
        os.umask(old)


def test_an_export_reaches_the_disk_before_its_rename(db, capsys, tmp_path, monkeypatch):
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        calls.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        return real_fsync(fd)

    def replace(a, b):
        calls.append("rename")
        return real_replace(a, b)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    assert _run(capsys, "--db", str(db), "export", "1", "-o", str(tmp_path / "sheet.md"))[0] == 0
    assert calls[-3:] == ["file", "rename", "folder"]


def test_a_killed_export_leaves_a_recognisable_file_that_the_next_export_removes(db, tmp_path):
    target = tmp_path / "out" / "sheet.md"
    target.parent.mkdir()
    code = (
        "import os, signal, sys\n"
        "os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)\n"
        "from reportbot.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    env = {**os.environ, "REPORTBOT_CACHE": "0"}  # so the export's is the only rename
    proc = subprocess.Popen([sys.executable, "-c", code, "--db", str(db), "export", "1", "-o", str(target)], env=env)
    assert proc.wait(120) == -signal.SIGKILL
    left = [p.name for p in target.parent.iterdir()]
    assert left == [f".sheet.md{ownfiles.TEMP_MARK}{proc.pid}"]
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        running = target.parent / f".other.csv{ownfiles.TEMP_MARK}{live.pid}"  # another export, still writing
        running.write_text("half")
        dead = target.parent / f".other.csv{ownfiles.TEMP_MARK}{_dead_pid()}"
        dead.write_text("half")
        assert main(["--db", str(db), "export", "1", "-o", str(target)]) == 0
        assert sorted(p.name for p in target.parent.iterdir()) == sorted([running.name, "sheet.md"])
    finally:
        live.kill()
        live.wait()


def test_a_pipe_is_written_as_it_is_and_dash_is_standard_output(db, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    status, out, _ = _run(capsys, "--db", str(db), "export", "1", "-f", "csv", "-o", str(fifo))
    reader.join(30)
    assert status == 0 and got and got[0].startswith(b"box,column,label,value")
    assert stat.S_ISFIFO(fifo.lstat().st_mode), "the pipe was replaced by a file"
    status, out, _ = _run(capsys, "--db", str(db), "export", "1", "-f", "csv", "-o", "-")
    assert status == 0 and out.startswith("box,column,label,value")
    assert not (tmp_path / "-").exists()


# --- paths on the terminal ----------------------------------------------------------------------------------------


def test_an_output_name_with_escapes_and_a_line_break_is_shown_on_one_clean_line(db, capsys, tmp_path):
    target = tmp_path / f"sheet{CONTROL}\nsecond line.md"
    status, out, err = _run(capsys, "--db", str(db), "export", "1", "-o", str(target))
    assert status == 0 and target.exists()
    assert len(out.splitlines()) == 1 and "sheet?second line.md" in out
    assert not any(c in out for c in "\x1b\x07\x9b") and "pwned" not in out
    missing = tmp_path / f"no{CONTROL}\nfolder" / "sheet.md"
    status, out, err = _run(capsys, "--db", str(db), "export", "1", "-o", str(missing))
    assert status == 2 and len(err.splitlines()) == 1 and "cannot write" in err
    assert not any(c in err for c in "\x1b\x07\x9b") and "pwned" not in err


@pytest.mark.parametrize("target", ["", ".", "{tmp}"])
def test_a_folder_as_the_output_is_refused_in_one_line(db, capsys, monkeypatch, tmp_path, target):
    monkeypatch.chdir(tmp_path)
    status, out, err = _run(capsys, "--db", str(db), "export", "1", "-o", target.format(tmp=tmp_path))
    assert status == 2 and out == ""
    assert len(err.splitlines()) == 1 and "cannot write" in err and "Traceback" not in err
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("r.sqlite3")] == []  # nothing written
