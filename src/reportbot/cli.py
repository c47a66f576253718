"""The ``reportbot`` command line.

Global options (``--db``, ``--plain``, ``--lang``) come before the command.
Each command lives in :mod:`reportbot.commands` and is imported only when
run, so ``reportbot check`` never pays for the TUI.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from collections.abc import Iterable
from typing import NoReturn

from reportbot import __version__

# command -> (module, one-line help); the module has add_arguments(parser) and run(args) -> int.
COMMANDS: dict[str, tuple[str, str]] = {
    "new": ("reportbot.commands.new", "start a report: cyfsa-part-x or fippa-year-end"),
    "resume": ("reportbot.commands.resume", "continue a report"),
    "check": ("reportbot.commands.check", "check report files against the workbook's rules"),
    "graph": ("reportbot.commands.graph", "print the conversation's states and a report's route as Mermaid diagrams"),
    "list": ("reportbot.commands.list_", "the reports in the database, with their status and progress"),
    "export": (
        "reportbot.commands.export", "a report as a file: json (reportbot/1), csv, or an md or html transcription sheet"
    ),
    "import": ("reportbot.commands.import_", "store a reportbot/1 file as a draft, after checking it"),
    "history": ("reportbot.commands.history", "every change to a report, and what changed since its confirmation"),
    "delete": ("reportbot.commands.delete", "delete a report with its answers and history (asks first)"),
    "log": ("reportbot.commands.log", "the request log: log template, log check, log count"),
}


# The commands that never open the database.
WITHOUT_DB = {"check", "graph", "log"}  # log only compares an output with the database path, by stat

# Conversations resume garbage collection in their front end, once it is built (see reportbot.startup).
CONVERSATIONS = {"new", "resume"}


def report_number(text: str) -> int:
    """A report's number as typed (ID): a whole number a database row can have, else one line saying so."""
    if re.fullmatch(r"[0-9]{1,18}", text.strip()) and int(text) > 0:  # SQLite's integers stop at 2**63 - 1
        return int(text)
    from reportbot.language import choose_language
    from reportbot.values import one_line
    from reportbot.wording import wording

    shown = one_line(text) or ascii(text)  # nothing but control characters: show them escaped
    shown = shown if len(shown) <= 24 else shown[:20] + "…"
    raise argparse.ArgumentTypeError(wording(choose_language(None)).t("args.bad_id", id=shown))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # exit 2 with one line, as for unusable files
        from reportbot.values import one_line

        self.print_usage(sys.stderr)
        print(f"reportbot: {one_line(message)}", file=sys.stderr)  # argparse repeats stray arguments as they are
        raise SystemExit(2)


def build_parser(only: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, the arguments of just those commands (the rest are listed, not imported)."""
    wanted = None if only is None else set(only)
    parser = _Parser(
        prog="reportbot",
        description="Fills in the IPC Ontario annual statistical reports, one plain question at a time.",
    )
    parser.add_argument("--version", action="version", version=f"reportbot {__version__}")
    parser.add_argument(
        "--db", metavar="PATH", help="the database file (default: your user data folder; or $REPORTBOT_DB)"
    )
    parser.add_argument(
        "--plain", action="store_true", help="plain line-by-line mode for screen readers (or $REPORTBOT_PLAIN=1)"
    )
    parser.add_argument(
        "--lang", choices=["en", "fr"], help="language (default: your remembered choice, else $LANG, else English)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if wanted is None or name in wanted:
            importlib.import_module(module).add_arguments(p)
    return parser


def entry() -> int:
    """The installed ``reportbot`` command: :func:`main`, with the collector paused while starting."""
    from reportbot import startup

    startup.pause()
    return main()


def _db_folder_missing(args: argparse.Namespace) -> int | None:
    """--db or $REPORTBOT_DB in a folder that does not exist: refused, nothing created (exit 2).

    A mistyped path would open a new empty database, whose "No reports yet" reads as if the reports were lost.
    """
    from pathlib import Path

    path = Path(args.db).expanduser()
    if path.parent.is_dir():
        return None
    from reportbot.commands.store_errors import refused
    from reportbot.language import choose_language
    from reportbot.store import StoreError
    from reportbot.wording import wording

    return refused(StoreError("no_folder", path=path, folder=path.parent), wording(choose_language(args.lang)))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Import only the command named on the line (any word of it that is a command name, to be safe).
    args = build_parser(only=argv).parse_args(argv)
    if args.db is None:
        args.db = os.environ.get("REPORTBOT_DB") or None
    uses_db = args.command not in WITHOUT_DB  # a $REPORTBOT_DB left in the shell does not stop `check`
    if uses_db and args.db is not None and (status := _db_folder_missing(args)) is not None:
        return status
    if not args.command:
        from reportbot.commands import converse

        return converse.run(args)
    module = importlib.import_module(COMMANDS[args.command][0])
    if args.command not in CONVERSATIONS:
        from reportbot import startup

        startup.resume()
    try:
        return module.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into a pager or head that closed early: not an error.
        sys.stderr.close()
        return 0
