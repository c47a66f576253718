"""Terminal escape sequences typed as an organization name go nowhere.

A filer (or a file they were sent) types an organization name full of escape
sequences: a window-title change, a screen clear, colours, a clipboard write
(OSC 52), 8-bit CSI, a device-control string. They must not reach the plain
transcript, the TUI's output, the store, the exports (md, html, csv, json),
``list``, ``history`` or ``check``. The same goes for markup meant for the
exports (HTML, a spreadsheet formula) and for the TUI (Textual markup).
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reportbot.cli import main
from reportbot.dialogue.conversation import Conversation
from reportbot.frontends import plain
from reportbot.store import Store
from terminal import Terminal

CONVERSATIONS = Path(__file__).parent / "data" / "conversations"
# Payload words that only appear if a sequence got through: "pwned" is a window title, ZXZpbA== a clipboard write.
EVIL_ORG = (
    "\x1b]0;pwned\x07\x1b[2J\x1b[H\x1b[31mACME\x1b[0m \x9b1mCorp\x1b]52;c;ZXZpbA==\x07"
    "\x1bP+qpwned\x1b\\ <script>alert(1)</script> [@click=app.quit]Quit[/] [bold red]Bold[/]\x07\x08\x7f"
)
EVIL_NAME = "=HYPERLINK(\"http://example.invalid/x\",\"click\")\x1b[8m"
EVIL_PHONE = "+1 416\x1b[6n 555\x00 0199"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
PAYLOADS = ("pwned", "ZXZpbA==")


def fippa_lines() -> list[str]:
    lines = (CONVERSATIONS / "fippa-full.txt").read_text(encoding="utf-8").splitlines()
    return [EVIL_ORG, EVIL_NAME, EVIL_NAME, EVIL_PHONE, *lines[4:]]


def assert_clean(text: str, where: str) -> None:
    bad = CONTROL.search(text)
    assert bad is None, f"{where}: {bad.group()!r} at {bad.start()}: {text[max(0, bad.start() - 60):bad.start() + 60]!r}"
    for payload in PAYLOADS:
        assert payload not in text, f"{where}: {payload!r} got through"


@pytest.fixture
def filled(tmp_path):
    """A store with a confirmed FIPPA report whose identification was typed with escape sequences."""
    db = tmp_path / "r.sqlite3"
    store = Store.open(db)
    conv = Conversation(store, language="en", form="fippa-year-end", year=2025)
    out = io.StringIO()
    plain.run(conv, io.StringIO("".join(line + "\n" for line in fippa_lines())), out, echo=False)
    store.close()
    return db, out.getvalue()


def test_the_plain_transcript_has_no_escape_sequence(filled):
    _, transcript = filled
    assert "Report 1 is confirmed" in transcript
    assert_clean(transcript, "plain transcript")


def test_the_store_keeps_the_name_without_them(filled):
    db, _ = filled
    with Store.open(db) as store:
        (row,) = store.reports()
        assert row.status == "confirmed"
        assert row.organization.startswith("ACME") and "Corp" in row.organization
        assert_clean(row.organization, "reports.organization")
        for cell, value in store.answers(row.id).items():
            if isinstance(value, str):
                assert_clean(value, f"answer {cell}")
        for h in store.history(row.id):
            for v in (h.old, h.new):
                if isinstance(v, str):
                    assert_clean(v, "history")


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_exports_carry_no_escape_sequence_and_no_live_markup(filled, capsys, fmt):
    db, _ = filled
    assert main(["--db", str(db), "--lang", "en", "export", "1", "--format", fmt]) == 0
    text = capsys.readouterr().out
    assert "ACME" in text
    assert_clean(text.replace("\n", " ").replace("\r", " ").replace("\t", " "), f"export {fmt}")
    if fmt == "json":
        doc = json.loads(text)
        for value in doc["answers"].values():
            if isinstance(value, str):
                assert_clean(value, "export json value")
    if fmt == "html":
        assert "<script>" not in text and "&lt;script&gt;" in text
    if fmt == "csv":
        assert ",=HYPERLINK" not in text and '"=HYPERLINK' not in text  # a formula a spreadsheet would run


@pytest.mark.parametrize("args", [["list"], ["history", "1"], ["--plain", "resume", "1"]])
def test_other_commands_show_the_name_cleanly(filled, capsys, monkeypatch, args):
    db, _ = filled
    monkeypatch.setattr(sys, "stdin", io.StringIO("review\nquit\n"))
    assert main(["--db", str(db), "--lang", "en", *args]) == 0
    out, err = capsys.readouterr()
    assert_clean(out.replace("\n", " ") + err.replace("\n", " "), " ".join(args))


def test_a_report_file_with_escape_sequences_is_imported_clean(tmp_path, capsys):
    doc = json.loads((Path(__file__).parent / "data" / "reports" / "cyfsa-full.json").read_text(encoding="utf-8"))
    doc["answers"]["1.1.organization"] = EVIL_ORG
    doc["answers"]["1.1.contact_name"] = EVIL_NAME
    doc["answers"]["1.2"] = "\x1b]0;pwned\x07childrens_aid_society"  # not an option: a finding that quotes it
    doc["answers"]["\x1b]0;pwned\x07"] = 1  # not a box
    path = tmp_path / "report.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    db = tmp_path / "r.sqlite3"
    assert main(["--lang", "en", "check", str(path)]) == 1
    out, err = capsys.readouterr()
    assert_clean(out.replace("\n", " ") + err, "check")
    assert main(["--db", str(db), "--lang", "en", "import", str(path)]) in (0, 1)
    out, err = capsys.readouterr()
    assert_clean(out.replace("\n", " ") + err, "import")
    with Store.open(db) as store:
        (row,) = store.reports()
        assert row.organization.startswith("ACME") and "Corp" in row.organization
        for value in store.answers(row.id).values():
            if isinstance(value, str):
                assert_clean(value, "imported answer")


def test_the_echo_of_piped_input_has_no_escape_sequence(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
    env["REPORTBOT_DB"] = str(tmp_path / "r.sqlite3")
    proc = subprocess.run(
        [sys.executable, "-m", "reportbot", "--plain", "--lang", "en", "new", "fippa-year-end", "--year", "2025"],
        input="".join(line + "\n" for line in fippa_lines()), capture_output=True, text=True, env=env, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Report 1 is confirmed" in proc.stdout
    assert_clean(proc.stdout.replace("\n", " "), "plain transcript with echo")


def test_a_file_name_with_escape_sequences_is_shown_clean(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    good = "\x1b]0;pwned\x07report.json"
    bad = "\x1b]0;pwned\x07broken.json"
    Path(good).write_bytes((Path(__file__).parent / "data" / "reports" / "cyfsa-zero.json").read_bytes())
    Path(bad).write_text("{", encoding="utf-8")
    main(["--lang", "en", "check", good, bad])
    out, err = capsys.readouterr()
    assert_clean(out.replace("\n", " ") + err.replace("\n", " "), "check file names")


def _on_pty(cmd: list[str], env: dict, wanted: bytes, seconds: float = 30) -> bytes:
    """What ``cmd`` writes to a pseudo-terminal until ``wanted`` shows (escape sequences kept)."""
    with Terminal(cmd, env, rows=40, columns=160) as term:
        term.read_until(lambda new: re.sub(rb"\x1b\[[0-?]*[ -/]*[@-~]", b"", new).count(wanted) >= 1 and b"Corp" in new, seconds)
        term.read_until(lambda new: False, seconds=0.3)  # let the rest of the screen arrive
        return term.seen


def test_the_tui_draws_the_name_without_its_escape_sequences(filled):
    if sys.platform == "win32":
        pytest.skip("a pseudo-terminal is POSIX only")
    pytest.importorskip("reportbot.frontends.tui.app")
    db, _ = filled
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
    env.update(REPORTBOT_DB=str(db), TERM="xterm-256color", LANG="en_CA.UTF-8", TEXTUAL_ANIMATIONS="none")
    raw = _on_pty([sys.executable, "-m", "reportbot", "--lang", "en"], env, b"ACME")
    assert b"ACME" in raw, raw[-2000:]
    for payload in PAYLOADS:
        assert payload.encode() not in raw
    assert "\x9b" not in raw.decode("utf-8", errors="replace")  # no 8-bit CSI of ours
    shown = re.sub(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.", b"", raw).decode(errors="replace")
    assert "[@click=app.quit]Quit[/]" in shown, "Textual markup in a name must be shown as typed, not run"
