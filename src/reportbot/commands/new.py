"""``reportbot new cyfsa-part-x|fippa-year-end [--year YEAR] [--from-log FILE...]``: start a report.

With ``--from-log``, the report is counted from the filer's request log first
(see :mod:`reportbot.dialogue.from_log`); the conversation then asks the rest.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from reportbot.commands.converse import converse
from reportbot.commands.log_check import reading_arguments
from reportbot.flow.loader import report_ids
from reportbot.values import YEARS, due_year, year_of


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", choices=report_ids(), help="which report")
    parser.add_argument("--year", help="the reporting year (January to December)")
    parser.add_argument("--from-log", nargs="+", metavar="FILE", help="count the report from your request log first")
    reading_arguments(parser)


def run(args: argparse.Namespace) -> int:
    year = None if args.year is None else year_of(args.year)
    if args.year is not None and year is None:
        from reportbot.language import choose_language
        from reportbot.wording import wording

        words = wording(choose_language(args.lang))
        message = words.t("new.bad_year", first=YEARS[0], last=YEARS[-1], example=due_year(date.today()))
        print(f"reportbot: {message}", file=sys.stderr)
        return 2
    if args.from_log:
        from pathlib import Path

        from reportbot.dialogue.from_log import LogSource

        source = LogSource(
            tuple(Path(f).expanduser() for f in args.from_log), Path(args.map) if args.map else None, args.date_order
        )
        return converse(args, form=args.report, year=year, log=source)
    return converse(args, form=args.report, year=year)
