"""``reportbot list``: the reports in the database, with form, year, organization, status and progress."""

from __future__ import annotations

import argparse

from reportbot.commands import linemode
from reportbot.commands.store_errors import refused, say_notices
from reportbot.export import progress_of
from reportbot.language import choose_language
from reportbot.render.sheet import local_time
from reportbot.store import LANGUAGE_SETTING, ReportRow, Store, StoreError
from reportbot.wording import Wording, words_for


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def status_word(words: Wording, row: ReportRow) -> str:
    """draft, confirmed, or draft changed since its confirmation."""
    return words.t("status.changed" if row.changed_since_confirmation else f"status.{row.status}")


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def run(args: argparse.Namespace) -> int:
    words = words_for(choose_language(args.lang))
    try:
        with Store.open(args.db) as store:
            say_notices(store, words)
            words = words_for(choose_language(args.lang, store.get_setting(LANGUAGE_SETTING)))
            rows = [(row, progress_of(store, row)) for row in store.reports()]
    except StoreError as e:
        return refused(e, words)
    if not rows:
        print(words.t("list.empty"))
        return 0
    if linemode.asked(args) is not None:  # as the conversation reads --plain, $REPORTBOT_PLAIN and $ACCESSIBLE
        for row, done in rows:
            answered, needed = done or ("?", "?")
            print(words.t(
                "list.line", id=row.id, form=row.form, year=row.year,
                organization=row.organization or words.t("list.no_organization"),
                status=status_word(words, row), answered=answered, needed=needed, updated=local_time(row.updated),
            ))
        return 0
    columns = ("id", "report", "year", "organization", "status", "progress", "updated")
    heads = [words.t(f"list.head.{k}") for k in columns]
    table = [
        [
            str(row.id), row.form, str(row.year), _short(row.organization or words.t("list.no_organization")),
            status_word(words, row),
            words.t("list.progress", answered=done[0], needed=done[1]) if done else words.t("list.unknown_progress"),
            local_time(row.updated),
        ]
        for row, done in rows
    ]
    widths = [max(len(r[i]) for r in [heads, *table]) for i in range(len(heads))]
    right = {0, 2, 5}
    for r in [heads, *table]:
        cells = (c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        print("  ".join(cells).rstrip())
    return 0
