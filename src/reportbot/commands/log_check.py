"""``reportbot log check REPORT FILE... --year Y``: a request log's row findings, one per line, like ``check``.

Exit 0 when no row has an error or a warning (notices, such as rows of other
years, are said but pass); 1 otherwise; 2 when a file cannot be read at all.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from reportbot.flow.loader import report_ids

if TYPE_CHECKING:
    from reportbot.log_load import Loaded
    from reportbot.wording import Wording


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", choices=report_ids(), help="which report the log is counted for")
    parser.add_argument("files", nargs="+", metavar="FILE", help="the log: .csv, .xlsx, .xls or .ods files")
    parser.add_argument("--year", required=True, help="the reporting year (January to December)")
    reading_arguments(parser)


def reading_arguments(parser: argparse.ArgumentParser) -> None:
    """How to read a log: a map of its columns and values, and the order of dates that cannot say it."""
    parser.add_argument("--map", metavar="MAP", help="a YAML file naming your log's columns and values")
    order = parser.add_mutually_exclusive_group()
    order.add_argument("--day-first", dest="date_order", action="store_const", const="day_first",
                       help="the log's dates such as 03/04/2025 are day/month/year")
    order.add_argument("--month-first", dest="date_order", action="store_const", const="month_first",
                       help="the log's dates such as 03/04/2025 are month/day/year")


def counted(args: argparse.Namespace) -> tuple[Loaded | None, Wording, int]:
    """The log counted (or None), the words to say it in, and the exit status so far (2: the year or a file)."""
    from reportbot.log.files import ReadAhead, map_for
    from reportbot.values import YEARS, due_year, year_of

    year = year_of(args.year)
    paths = [Path(f) for f in args.files]
    # Begun before the rest is loaded: a spreadsheet is parsed meanwhile, in a thread (see ReadAhead).
    files = ReadAhead(paths) if year is not None else None

    from reportbot.errors import ReportbotError
    from reportbot.flow.loader import load_flow
    from reportbot.language import choose_language
    from reportbot.log_load import load
    from reportbot.saying import say
    from reportbot.wording import words_for

    words = words_for(choose_language(args.lang), args.report)
    if year is None or files is None:
        message = words.t("new.bad_year", first=YEARS[0], last=YEARS[-1], example=due_year(date.today()))
        print(f"reportbot: {message}", file=sys.stderr)
        return None, words, 2
    try:
        flow = load_flow(args.report)
        # The map a conversation wrote beside the log is read here too, so check and count agree with it.
        mapping = map_for(paths, Path(args.map) if args.map else None)
        result = load(flow, files, year, mapping=mapping, date_order=args.date_order)
    except ReportbotError as e:
        print(f"reportbot: {say(e, words)}", file=sys.stderr)
        return None, words, 2
    return result, words, 0


def say_findings(loaded: Loaded, words: Wording, out) -> int:
    """Each sheet notice and row finding on its own line; 1 when any is an error or a warning, else 0."""
    from reportbot import explain

    lines = [explain.log_notice(words, n) for n in loaded.notices]
    lines += explain.row_findings(words, loaded.count.findings)
    # One write: standard error is line buffered, and a big log's 20,000 findings were 20,000 system calls.
    out.write("".join(f"{line}\n" for line in lines))
    # A sheet none of whose rows can be counted is an error said once, where a row's would be said a row at a time.
    unheaded = any(n.code == "required_column" for n in loaded.notices)
    return 1 if unheaded or any(f.severity in ("error", "warning") for f in loaded.count.findings) else 0


def run(args: argparse.Namespace) -> int:
    from reportbot import explain

    result, words, status = counted(args)
    if result is None:
        return status
    status = say_findings(result, words, sys.stdout)
    print(explain.log_summary(words, int(args.year), result.count.summary))
    return status
