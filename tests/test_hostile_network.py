"""reportbot opens no network connection, in any command.

An audit hook (PEP 578) records every attempt to resolve a name or to open,
connect, bind or send on a network socket, and refuses it. Every command of
``reportbot.cli.COMMANDS`` runs under it in a fresh interpreter (the CLI
commands one after another in one process; the TUI under a pseudo-terminal
through the real ``python -m reportbot`` with the hook installed by a
sitecustomize), and the record must stay empty. Local (AF_UNIX) sockets, as
asyncio uses for its self-pipe, are allowed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reportbot.cli import COMMANDS
from terminal import Terminal

REPORTS = Path(__file__).parent / "data" / "reports"
CONVERSATIONS = Path(__file__).parent / "data" / "conversations"

GUARD = r'''
import os, socket, sys

_LOG = os.environ["REPORTBOT_NETWORK_LOG"]
_NAMES = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr",
          "socket.getnameinfo", "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect",
          "poplib.connect", "imaplib.open", "nntplib.connect", "telnetlib.Telnet.open", "webbrowser.open"}
_SOCKETS = {"socket.__new__", "socket.connect", "socket.connect_ex", "socket.bind", "socket.sendto", "socket.sendmsg"}
_LOCAL = {getattr(socket, "AF_UNIX", -1)}


def _family(event, args):
    if event == "socket.__new__":  # (self, family, type, proto); -1: from a file descriptor, judged on use
        return args[1] if len(args) > 1 and args[1] != -1 else _LOCAL_FAMILY
    try:
        return args[0].family
    except (AttributeError, OSError, IndexError):
        return None


_LOCAL_FAMILY = getattr(socket, "AF_UNIX", -1)


def _hook(event, args):
    if event in _NAMES or (event in _SOCKETS and _family(event, args) not in _LOCAL):
        with open(_LOG, "a", encoding="utf-8") as f:
            f.write(f"{event} {args[1:] if event.startswith('socket.') else args!r}\n")
        raise OSError(f"reportbot test: no network allowed ({event})")


sys.addaudithook(_hook)
'''

DRIVER = r'''
import contextlib, io, json, sys
from pathlib import Path

from reportbot.cli import main

runs = json.loads(Path(sys.argv[1]).read_text())
done = []
for args, stdin in runs:
    sys.stdin = io.StringIO(stdin)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = main(args)
    except SystemExit as e:  # --help, --version
        code = e.code
    done.append([args, code, out.getvalue()[-300:]])
print(json.dumps(done))
'''


@pytest.fixture
def guarded(tmp_path):
    """An environment whose Python records and refuses network use; the log path."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = tmp_path / "network.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
    env.update(
        PYTHONPATH=os.pathsep.join([str(site), *filter(None, [os.environ.get("PYTHONPATH")])]),
        REPORTBOT_NETWORK_LOG=str(log),
        REPORTBOT_DB=str(tmp_path / "r.sqlite3"),
        HOME=str(tmp_path / "home"),  # no user folders of the real account
        XDG_DATA_HOME=str(tmp_path / "home" / "data"),
        XDG_CACHE_HOME=str(tmp_path / "home" / "cache"),
        NO_COLOR="1",
        TERM="xterm-256color",
        TEXTUAL_ANIMATIONS="none",
        LANG="en_CA.UTF-8",
    )
    return env, log


def test_the_guard_catches_a_connection(tmp_path, guarded):
    env, log = guarded
    code = "import socket\ntry:\n    socket.create_connection(('192.0.2.1', 80), timeout=0.01)\nexcept OSError:\n    pass\n"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    assert log.read_text().startswith(("socket.getaddrinfo", "socket.__new__", "socket.connect"))


def test_no_command_opens_a_network_connection(tmp_path, guarded):
    env, log = guarded
    lines = (CONVERSATIONS / "cyfsa-full.txt").read_text(encoding="utf-8")
    report_file = str(REPORTS / "fippa-full.json")
    out_file = str(tmp_path / "sheet.html")
    runs = [
        (["--version"], ""),
        (["--help"], ""),
        (["--plain", "new", "cyfsa-part-x", "--year", "2025"], lines),  # report 1, confirmed
        (["--plain", "new", "fippa-year-end", "--year", "2025"], "Ministry\nA. Deputy\n"),  # report 2, a draft
        (["--plain", "resume"], "Sam Lee\nquit\n"),
        (["--plain", "resume", "1"], "review\nquit\n"),
        (["--plain"], "quit\n"),
        (["--plain", "--lang", "fr", "new", "cyfsa-part-x", "--year", "2024"], "Organisme\nquitter\n"),  # report 3
        (["list"], ""),
        (["history", "1"], ""),
        *[(["export", "1", "--format", fmt], "") for fmt in ("json", "csv", "md", "html")],
        (["export", "2", "-o", out_file], ""),
        (["check", report_file, str(REPORTS / "cyfsa-zero.json")], ""),
        (["check", "--format", "json", report_file], ""),
        (["import", report_file], ""),  # report 4
        (["graph"], ""),
        (["graph", "fippa-year-end"], ""),
        (["delete", "3", "--yes"], ""),
        (["delete", "4"], "no\n"),
        (["log", "template", "cyfsa-part-x", "-o", str(tmp_path / "log.xlsx")], ""),
        (["--lang", "fr", "log", "template", "fippa-year-end", "-o", str(tmp_path / "log.csv")], ""),
    ]
    covered = {next((a for a in args if a in COMMANDS), None) for args, _ in runs}
    assert set(COMMANDS) <= covered, f"add a run of: {sorted(set(COMMANDS) - covered)}"
    script = tmp_path / "runs.json"
    script.write_text(json.dumps(runs), encoding="utf-8")
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(driver), str(script)], env=env, capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(proc.stdout.splitlines()[-1])
    assert not log.exists(), log.read_text()
    codes = {" ".join(args): code for args, code, _ in results}
    # The runs did what they were meant to (so the guard saw the real work, not an early error).
    assert codes["--plain new cyfsa-part-x --year 2025"] == 0
    assert codes["check --format json " + report_file] == 0
    assert codes["import " + report_file] == 0
    assert codes["export 1 --format html"] == 0 and Path(out_file).exists()
    assert codes[f"log template cyfsa-part-x -o {tmp_path / 'log.xlsx'}"] == 0 and (tmp_path / "log.xlsx").exists()


def _on_pty(cmd: list[str], env: dict, wanted: bytes, seconds: float) -> bytes:
    """Run ``cmd`` on a pseudo-terminal until ``wanted`` shows (or it exits, or time runs out); what it drew."""
    with Terminal(cmd, env, rows=40, columns=120) as term:
        term.read_until(lambda new: wanted in new, seconds)
        if term.proc.poll() is None:
            term.write(b"\x11")  # ctrl+q: leave as a filer would
            try:
                term.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
        return term.seen


def test_the_tui_opens_no_network_connection(tmp_path, guarded):
    if sys.platform == "win32":
        pytest.skip("a pseudo-terminal is POSIX only")
    pytest.importorskip("reportbot.frontends.tui.app")
    env, log = guarded
    cmd = [sys.executable, "-m", "reportbot", "new", "cyfsa-part-x", "--year", "2025"]
    _on_pty(cmd, env, b"name of your organization", seconds=30)
    assert not log.exists(), log.read_text()


def test_checking_email_addresses_and_phone_numbers_looks_nothing_up(tmp_path, guarded):
    """email-validator checks syntax only (no DNS look-up of the domain), phonenumbers reads its own metadata."""
    env, log = guarded
    code = (
        "import sys\n"
        "from reportbot.details import looks_right\n"
        "print(looks_right('email', 'privacy@ipc.on.ca'), looks_right('email', 'nobody@no-such-domain-for-reportbot.ca'),\n"
        "      looks_right('email', 'pat at cas'), looks_right('phone', '416-326-3333'), looks_right('phone', '12'))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'dns'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.splitlines() == ["True True False True False", "[]"], out.stderr
    assert not log.exists() or log.read_text() == ""
