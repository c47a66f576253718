"""``reportbot log template REPORT -o FILE``: an empty request log (see :mod:`reportbot.log_template`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reportbot.flow.loader import load_flow, report_ids


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", choices=report_ids(), help="which report's log")
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE",
        help="log.xlsx (a workbook), a FOLDER (requests.csv, breaches.csv in it) or log.csv (log-requests.csv...)",
    )


def run(args: argparse.Namespace) -> int:
    from reportbot import export, log_template
    from reportbot.commands.output import unwritten
    from reportbot.language import choose_language
    from reportbot.store import default_path
    from reportbot.values import one_line
    from reportbot.wording import words_for

    words = words_for(choose_language(args.lang), args.report)
    shown = one_line(args.output)  # a file name can carry escape sequences and line breaks
    database = Path(args.db).expanduser() if args.db else default_path()
    try:
        written = log_template.write_template(load_flow(args.report), words, Path(args.output), database=database)
    except log_template.BadOutput:
        print(f"reportbot: {words.t('log.template.bad_output', path=shown)}", file=sys.stderr)
        return 2
    except (export.IsTheDatabase, OSError) as e:
        return unwritten(e, args.output, words)
    paths = ", ".join(one_line(str(p)) for p in written)
    print(words.t("log.template.written", report=args.report, paths=paths))
    return 0
