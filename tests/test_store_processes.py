"""The store across processes: answers survive SIGKILL, and two sessions cannot both write one report."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from reportbot.cli import main
from reportbot.store import ReportLocked, Store

WRITER = textwrap.dedent(
    """
    import sys
    from reportbot.store import Store
    store = Store.open(sys.argv[1])
    report_id = int(sys.argv[2])
    i = 0
    while True:
        store.set_answer(report_id, (f"t.{i}", None), i)
        print(i, flush=True)  # reported as written only once set_answer has returned
        i += 1
    """
)

HOLDER = textwrap.dedent(
    """
    import sys, pathlib, time
    from reportbot.store import Store, ReportLocked
    store = Store.open(sys.argv[1])
    report_id = int(sys.argv[2])
    go = pathlib.Path(sys.argv[3]) if len(sys.argv) > 3 else None
    while go is not None and not go.exists():
        time.sleep(0.005)
    try:
        handle = store.open_report(report_id)
    except ReportLocked as e:
        print("locked", e.owner_pid, flush=True)
    else:
        store.set_answer(report_id, ("3.1", "personal"), 11)
        print("held", flush=True)
    sys.stdin.readline()  # hold on until told
    """
)


@pytest.fixture(autouse=True)
def _never_the_real_database(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTBOT_DB", str(tmp_path / "env" / "reportbot.sqlite3"))


def _spawn(script: str, *args: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _line(proc: subprocess.Popen) -> str:
    line = proc.stdout.readline()  # type: ignore[union-attr]
    assert line, proc.stderr.read()  # type: ignore[union-attr]
    return line.strip()


@pytest.mark.parametrize("after", [1, 40, 400])
def test_every_answer_reported_written_survives_sigkill(tmp_path, after):
    db = tmp_path / "r.sqlite3"
    with Store.open(db) as s:
        rid = s.create_report("fippa-year-end", 2025)
    writer = _spawn(WRITER, db, rid)
    reported = [int(_line(writer)) for _ in range(after)]
    writer.kill()  # SIGKILL in the middle of the loop, without warning
    rest, err = writer.communicate(timeout=20)
    reported += [int(x) for x in rest.split()]  # written and reported just before it died
    assert writer.returncode != 0
    with Store.open(db) as s:
        answers = s.answers(rid)
    for i in reported:
        assert answers.get((f"t.{i}", None)) == i
    # and nothing half-written: at most the one being written when it died is extra
    assert len(answers) - len(reported) in (0, 1)
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.close()


def test_a_second_process_is_refused_until_the_first_dies(tmp_path, capsys):
    db = tmp_path / "r.sqlite3"
    with Store.open(db) as s:
        rid = s.create_report("fippa-year-end", 2025)
    holder = _spawn(HOLDER, db, rid)
    assert _line(holder) == "held"
    with Store.open(db) as s:
        with pytest.raises(ReportLocked) as caught:
            s.open_report(rid)
        assert caught.value.owner_pid == holder.pid
        with pytest.raises(ReportLocked):
            s.set_answer(rid, ("3.1", "personal"), 99)
        assert s.answers(rid) == {("3.1", "personal"): 11}  # reading needs no lock
    assert main(["--db", str(db), "delete", "--yes", str(rid)]) == 1
    err = capsys.readouterr().err
    assert f"process {holder.pid}" in err and len(err.strip().splitlines()) == 1
    holder.kill()
    holder.wait(timeout=20)
    with Store.open(db) as s:
        with s.open_report(rid):  # the dead owner's lock is taken over
            s.set_answer(rid, ("3.1", "personal"), 12)
        assert s.answers(rid) == {("3.1", "personal"): 12}


def test_a_lock_is_let_go_when_its_process_ends_normally(tmp_path):
    db = tmp_path / "r.sqlite3"
    with Store.open(db) as s:
        rid = s.create_report("fippa-year-end", 2025)
    holder = _spawn(HOLDER, db, rid)
    assert _line(holder) == "held"
    holder.communicate("\n", timeout=20)
    assert holder.returncode == 0
    raw = sqlite3.connect(db)
    assert raw.execute("SELECT COUNT(*) FROM locks").fetchone()[0] == 0
    raw.close()


def test_two_processes_racing_for_one_report_get_it_once(tmp_path):
    db = tmp_path / "r.sqlite3"
    go = tmp_path / "go"
    with Store.open(db) as s:
        rid = s.create_report("fippa-year-end", 2025)
    racers = [_spawn(HOLDER, db, rid, go) for _ in range(3)]
    time.sleep(0.3)
    go.touch()
    outcomes = sorted(_line(p).split()[0] for p in racers)
    for p in racers:
        p.communicate("\n", timeout=20)
    assert outcomes == ["held", "locked", "locked"]
