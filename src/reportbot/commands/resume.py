"""``reportbot resume [ID]``: continue a report (without ID, the most recently updated)."""

from __future__ import annotations

import argparse
import sys

from reportbot.cli import report_number
from reportbot.commands.converse import converse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", nargs="?", type=report_number, metavar="ID", help="the report's number (see reportbot list)")


def run(args: argparse.Namespace) -> int:
    report_id = args.id
    if report_id is None:
        from reportbot.store import Store, StoreError

        try:
            latest = Store.open(args.db).latest()
        except StoreError as e:
            print(f"reportbot: {e}", file=sys.stderr)
            return 2
        if latest is None:
            print("reportbot: there is no report to resume; start one with: reportbot new cyfsa-part-x", file=sys.stderr)
            return 1
        report_id = latest.id
    from reportbot.store import ReportNotFound

    try:
        return converse(args, report_id=report_id)
    except ReportNotFound as e:  # resume 99: one line, as reportbot history 99 says it
        from reportbot.commands.store_errors import refused
        from reportbot.dialogs import wording
        from reportbot.language import choose_language

        return refused(e, wording(choose_language(args.lang)))
