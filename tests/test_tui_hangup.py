"""The TUI leaves, with every answer kept, when its terminal goes away without a SIGHUP."""

from __future__ import annotations

import os
import select
import sys

import pytest

from reportbot.store import Store
from terminal import Terminal, visible

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty") or not hasattr(select, "poll"), reason="needs a pseudo-terminal")


def test_a_closed_terminal_ends_the_tui_and_keeps_the_answers(tmp_path):
    db = tmp_path / "r.sqlite3"
    env = dict(os.environ, TERM="xterm-256color", TEXTUAL_ANIMATIONS="none")
    cmd = [sys.executable, "-m", "reportbot", "--db", str(db), "new", "cyfsa-part-x", "--year", "2025"]

    def wait_for(term: Terminal, text: bytes) -> None:
        assert text in visible(term.read_until(lambda new: text in visible(new))), f"{text!r} never shown"

    # A session of its own without this terminal as its controlling one: closing it sends no SIGHUP.
    with Terminal(cmd, env) as term:
        wait_for(term, b"What is the name of your organization?")
        term.write(b"Lakeshore CAS")
        wait_for(term, b"Lakeshore CAS")
        term.write(b"\r")
        wait_for(term, b"[1.1.contact_name]")
        term.close()
        assert term.proc.wait(timeout=10) == 129  # as if hung up, and not spinning on the closed terminal
    store = Store.open(db)
    try:
        assert store.answers(1)[("1.1.organization", None)] == "Lakeshore CAS"
    finally:
        store.close()
