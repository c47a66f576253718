"""``reportbot new cyfsa-part-x|fippa-year-end [--year YEAR]``: start a report."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date

from reportbot.commands.converse import converse
from reportbot.flow.loader import report_ids
from reportbot.values import YEARS, due_year


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", choices=report_ids(), help="which report")
    parser.add_argument("--year", help="the reporting year (January to December)")


def year_of(text: str) -> int | None:
    """The reporting year ``text`` names, or None for one a report file could not hold (0, -5, 2201, 10**25)."""
    # Four ASCII digits before int(): a 5,000-digit year must not reach int()'s own limit.
    if not re.fullmatch(r"[0-9]{4}", text.strip()):
        return None
    year = int(text)
    return year if year in YEARS else None


def run(args: argparse.Namespace) -> int:
    year = None if args.year is None else year_of(args.year)
    if args.year is not None and year is None:
        from reportbot.language import choose_language
        from reportbot.wording import wording

        words = wording(choose_language(args.lang))
        message = words.t("new.bad_year", first=YEARS[0], last=YEARS[-1], example=due_year(date.today()))
        print(f"reportbot: {message}", file=sys.stderr)
        return 2
    return converse(args, form=args.report, year=year)
