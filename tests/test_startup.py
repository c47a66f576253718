"""Start-up pauses the garbage collector; the front end resumes it before the first question."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

from reportbot.cli import main


def _run(code: str, stdin: str = "") -> str:
    done = subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_pause_then_resume_freezes_what_start_up_made():
    out = _run(
        "import gc\n"
        "from reportbot import startup\n"
        "startup.pause(); print(gc.isenabled())\n"
        "startup.resume(); print(gc.isenabled(), gc.get_freeze_count() > 0)\n"
        "startup.resume(); startup.pause(); print(gc.isenabled())\n"  # a second pause is refused: once per process
    )
    assert out.split() == ["False", "True", "True", "True"]


def test_the_plain_mode_collects_again_before_the_first_question(tmp_path):
    # Through the installed entry point: collection is paused at start and back on at the first prompt.
    out = _run(
        "import gc, sys\n"
        "from reportbot.frontends import plain\n"
        "ask = plain.ask\n"
        "def spy(prompt, out):\n"
        "    print('collecting' if gc.isenabled() else 'paused', file=sys.__stdout__)\n"
        "    ask(prompt, out)\n"
        "plain.ask = spy\n"
        "from reportbot.cli import entry\n"
        f"sys.argv = ['reportbot', '--db', {str(tmp_path / 'r.sqlite3')!r}, '--plain', 'new', 'cyfsa-part-x', '--year', '2025']\n"
        "raise SystemExit(entry())\n",
        stdin="quit\n",
    )
    assert [line for line in out.splitlines() if line in ("collecting", "paused")][0] == "collecting"


def test_other_commands_collect_while_they_work(tmp_path):
    out = _run(
        "import gc, sys\n"
        "from reportbot.commands import list_\n"
        "run = list_.run\n"
        "list_.run = lambda args: print('collecting' if gc.isenabled() else 'paused') or run(args)\n"
        "from reportbot.cli import entry\n"
        f"sys.argv = ['reportbot', '--db', {str(tmp_path / 'r.sqlite3')!r}, 'list']\n"
        "raise SystemExit(entry())\n"
    )
    assert out.splitlines()[0] == "collecting"


def test_main_called_in_process_leaves_the_collector_alone(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "r.sqlite3"), "list"]) == 0
    assert gc.isenabled()


def test_the_tui_collects_again_before_its_first_frame(tmp_path):
    out = _run(
        "import gc\n"
        "from reportbot import startup\n"
        "from reportbot.store import Store\n"
        "from reportbot.frontends.tui import app\n"
        "app.ReportbotApp.run = lambda self: print('collecting' if gc.isenabled() else 'paused') or 0\n"
        "startup.pause()\n"
        f"app.run_tui(Store.open({str(tmp_path / 'r.sqlite3')!r}), form='cyfsa-part-x', year=2025)\n"
    )
    assert out.splitlines()[0] == "collecting"


def test_opening_a_draft_never_confirmed_loads_no_sheet_code(tmp_path):
    """Start-up does without the transcription sheets: only a report once confirmed needs their time format."""
    code = (
        "import io, sys\n"
        "from reportbot.cli import main\n"
        "sys.stdin = io.StringIO('quit\\n')\n"
        f"main(['--db', {str(tmp_path / 'r.sqlite3')!r}, '--plain', 'new', 'cyfsa-part-x', '--year', '2025'])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('reportbot.render', 'reportbot.export'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_starting_a_report_loads_no_log_counting_code(tmp_path):
    """The request log's reading and rules (and the flow's compiled rules for it) load when a log is counted, not before."""
    env = {**os.environ, "REPORTBOT_CACHE_DIR": str(tmp_path / "cache")}
    for db in ("first", "second"):  # the first start compiles the flows into the cache, which takes the rule compiler
        code = (
            "import io, sys\n"
            "from reportbot.cli import main\n"
            "sys.stdin = io.StringIO('quit\\n')\n"
            f"main(['--db', {str(tmp_path / db)!r}, '--plain', 'new', 'fippa-year-end', '--year', '2025'])\n"
            "print(sorted(m for m in sys.modules if m.startswith(('reportbot.log', 'reportbot.flow.log'))))\n"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60,
                             env=env).stdout
    assert "2005 form" in out and out.strip().splitlines()[-1] == "[]"
