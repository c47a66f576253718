"""``reportbot resume [ID]``: continue a report (without ID, the most recently updated)."""

from __future__ import annotations

import argparse

from reportbot.cli import report_number
from reportbot.commands.converse import converse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "id", nargs="?", type=report_number, metavar="ID", help="the report's number (see reportbot list)"
    )


def run(args: argparse.Namespace) -> int:
    if args.id is not None:
        return converse(args, report_id=args.id)
    # One store for the look at the latest report and the conversation: a second open of the file in
    # this process, closed early, would drop the locks SQLite holds for the first.
    return converse(args, latest=True)
