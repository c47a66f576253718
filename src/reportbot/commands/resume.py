"""``reportbot resume [ID]``: continue a report (without ID, the most recently updated)."""

from __future__ import annotations

import argparse
import sys

from reportbot.commands.converse import converse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", nargs="?", type=int, help="the report's number (see reportbot list)")


def run(args: argparse.Namespace) -> int:
    if args.id is not None:
        return converse(args, report_id=args.id)
    from reportbot.store import Store, StoreError

    try:
        store = Store.open(args.db)
    except StoreError as e:
        print(f"reportbot: {e}", file=sys.stderr)
        return 2
    try:
        latest = store.latest()
    except StoreError as e:
        store.close()
        print(f"reportbot: {e}", file=sys.stderr)
        return 2
    if latest is None:
        store.close()
        print("reportbot: there is no report to resume; start one with: reportbot new cyfsa-part-x", file=sys.stderr)
        return 1
    return converse(args, store, report_id=latest.id)  # the conversation holds this store, and closes it
