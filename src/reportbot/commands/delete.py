"""``reportbot delete ID [--yes]``: remove a report with its answers and history, after asking."""

from __future__ import annotations

import argparse
import sys

from reportbot.cli import report_number
from reportbot.commands.list_ import status_word
from reportbot.commands.store_errors import refused, say_notices
from reportbot.language import choose_language
from reportbot.store import LANGUAGE_SETTING, Store, StoreError
from reportbot.wording import words_for


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", type=report_number, metavar="ID", help="the report's number (see reportbot list)")
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask first")


def run(args: argparse.Namespace) -> int:
    words = words_for(choose_language(args.lang))
    try:
        with Store.open(args.db) as store:
            say_notices(store, words)
            words = words_for(choose_language(args.lang, store.get_setting(LANGUAGE_SETTING)))
            row = store.get(args.id)
            if not args.yes:
                question = words.t(
                    "delete.ask", id=row.id, form=row.form, year=row.year,
                    organization=row.organization or words.t("list.no_organization"), status=status_word(words, row),
                )
                print(question, end="", flush=True)
                answer = sys.stdin.readline()
                if not answer:
                    print()
                if answer.strip().casefold() not in words.t("delete.yes_words").casefold().split():
                    print(words.t("delete.kept"))
                    return 1
            store.delete(row.id)
    except StoreError as e:
        return refused(e, words)
    print(words.t("delete.done", id=args.id))
    return 0
