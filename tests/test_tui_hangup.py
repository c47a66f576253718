"""The TUI leaves, with every answer kept, when its terminal goes away without a SIGHUP."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time

import pytest

from reportbot.store import Store

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty") or not hasattr(select, "poll"), reason="needs a pseudo-terminal")

ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[P^_X][^\x1b]*\x1b\\|\x1b.")


def _until_on_screen(master: int, text: bytes, seconds: float = 30) -> None:
    seen = b""
    deadline = time.monotonic() + seconds
    while text not in ESCAPES.sub(b"", seen):
        left = deadline - time.monotonic()
        assert left > 0 and select.select([master], [], [], left)[0], f"{text!r} never shown"
        seen += os.read(master, 65536)


def test_a_closed_terminal_ends_the_tui_and_keeps_the_answers(tmp_path):
    db = tmp_path / "r.sqlite3"
    master, slave = os.openpty()
    env = dict(os.environ, TERM="xterm-256color", TEXTUAL_ANIMATIONS="none")
    # A new session without this pty as its controlling terminal: closing the pty sends no SIGHUP.
    proc = subprocess.Popen(
        [sys.executable, "-m", "reportbot", "--db", str(db), "new", "cyfsa-part-x", "--year", "2025"],
        stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
    )
    os.close(slave)
    try:
        _until_on_screen(master, b"What is the name of your organization?")
        os.write(master, b"Lakeshore CAS")
        _until_on_screen(master, b"Lakeshore CAS")
        os.write(master, b"\r")
        _until_on_screen(master, b"[1.1.contact_name]")
        os.close(master)
        master = -1
        assert proc.wait(timeout=10) == 129  # as if hung up, and not spinning on the closed terminal
    finally:
        if master >= 0:
            os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    store = Store.open(db)
    try:
        assert store.answers(1)[("1.1.organization", None)] == "Lakeshore CAS"
    finally:
        store.close()
