"""``reportbot export [ID] --format json|csv|md|html [-o FILE]``: a report as a file.

Without ID, the most recently changed report; without -o (or with -o -), to
standard output. Without --format, the suffix of -o decides, else md. A file
is written owner-only and whole (see :func:`reportbot.export.write_file`);
the database itself is never an output.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from reportbot import export
from reportbot.cli import report_number
from reportbot.commands.output import unwritten
from reportbot.commands.store_errors import refused, say_notices
from reportbot.flow.loader import FlowError
from reportbot.language import choose_language
from reportbot.render.sheet import local_time
from reportbot.store import Store, StoreError
from reportbot.values import one_line
from reportbot.wording import Wording, languages, words_for


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "id", type=report_number, nargs="?", metavar="ID",
        help="the report's number (default: the most recently changed)",
    )
    parser.add_argument(
        "--format", "-f", choices=export.FORMATS,
        help="json (a reportbot/1 file), csv, md or html (default: from -o, else md)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE instead of standard output (-: standard output)"
    )
    parser.add_argument(
        "--appendix", action="store_true",
        help="instead of the report: the files behind each box counted from the request log (md or csv), to keep",
    )


def _appendix(store: Store, row, fmt: str, words) -> str | None:
    """The files behind each box counted from the log, or None when no box of the report comes from a log."""
    from reportbot import appendix
    from reportbot.flow.loader import load_flow

    sources = store.answer_sources(row.id)
    cells = {c: v for c, v in store.log_cells(row.id).items() if sources.get(c) == "log"}
    if not cells:
        return None
    flow, answers = load_flow(row.form), store.answers(row.id)
    if fmt == "csv":
        return appendix.to_csv(flow, words, cells, answers, row.year)
    title = words.t("appendix.title", id=row.id, year=row.year)
    return appendix.to_markdown(flow, words, cells, answers, row.year, title, store.log_load(row.id))


def run(args: argparse.Namespace) -> int:
    words = words_for(choose_language(args.lang))
    output = None if args.output in (None, "-") else Path(args.output)
    fmt = args.format or (export.SUFFIXES.get(output.suffix.lower()) if output else None) or "md"
    try:
        with Store.open(args.db) as store:
            say_notices(store, words)
            row = store.get(args.id) if args.id is not None else store.latest()
            if row is None:
                print(words.t("export.none"), file=sys.stderr)
                return 1
            language = args.lang or (row.language if row.language in languages() else None)
            report_words = words_for(language, row.form)
            if args.appendix and fmt not in ("md", "csv"):
                print(f"reportbot: {words.t('appendix.format', format=fmt)}", file=sys.stderr)
                return 2
            if args.appendix:
                text = _appendix(store, row, fmt, report_words)
                if text is None:
                    print(words.t("appendix.none", id=row.id), file=sys.stderr)
                    return 1
            else:
                text = export.render(fmt, export.subject_from_store(store, row.id), report_words)
            _say_stale(store, row.id, output, words)
            if output is None:
                sys.stdout.write(text)
                sys.stdout.flush()
                return 0
            return _write(store, row.id, output, text, args.output, fmt, words)
    except StoreError as e:
        return refused(e, words)
    except FlowError as e:  # a report of a form this reportbot no longer knows
        print(f"reportbot: {e}", file=sys.stderr)
        return 2


def _say_stale(store: Store, report_id: int, output: Path | None, words: Wording) -> None:
    """Name the sheets exported earlier that no longer match the report (not the one about to be replaced)."""
    replaced = os.path.abspath(output) if output is not None else None
    for sheet in store.stale_exports(report_id):
        if sheet.path != replaced:
            print(words.t("export.stale", path=one_line(sheet.path), when=local_time(sheet.when), id=report_id),
                  file=sys.stderr)


def _write(store: Store, report_id: int, output: Path, text: str, named: str, fmt: str, words: Wording) -> int:
    try:
        export.write_kept(store, report_id, output, text)
    except (export.IsTheDatabase, OSError) as e:
        return unwritten(e, named, words)
    print(words.t("export.written", id=report_id, path=one_line(named), format=fmt))
    return 0
