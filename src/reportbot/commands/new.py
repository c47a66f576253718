"""``reportbot new cyfsa-part-x|fippa-year-end [--year YEAR]``: start a report."""

from __future__ import annotations

import argparse

from reportbot.commands.converse import converse
from reportbot.flow.loader import report_ids


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", choices=report_ids(), help="which report")
    parser.add_argument("--year", type=int, help="the reporting year (January to December)")


def run(args: argparse.Namespace) -> int:
    return converse(args, kind=args.report, year=args.year)
