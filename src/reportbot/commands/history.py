"""``reportbot history ID``: every change to a report, oldest first, and what changed since its confirmation."""

from __future__ import annotations

import argparse

from reportbot import explain
from reportbot.cli import report_number
from reportbot.commands.list_ import status_word
from reportbot.commands.store_errors import refused, say_notices
from reportbot.flow.loader import CompiledFlow, FlowError, load_flow
from reportbot.language import choose_language
from reportbot.render.sheet import local_time, value_text
from reportbot.store import LANGUAGE_SETTING, HistoryRow, Store, StoreError
from reportbot.values import Value, clean_text
from reportbot.wording import Wording, words_for


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", type=report_number, metavar="ID", help="the report's number (see reportbot list)")


def _value(flow: CompiledFlow | None, words: Wording, box: str, value: Value | None) -> str:
    if value is None:
        return words.t("history.none")
    if flow is not None and box in flow.by_id:
        return value_text(flow, words, box, value)[0]
    return clean_text(str(value))


def line(flow: CompiledFlow | None, words: Wording, h: HistoryRow) -> str:
    when = local_time(h.when)
    column = words.t("history.column", column=h.column) if h.column else ""
    if h.how == "confirmed":
        return words.t("history.confirmed", when=when)
    if h.how == "acknowledged":
        return words.t("history.acknowledged", when=when, rule=h.rule, column=column, reason=clean_text(str(h.new)))
    if h.how == "left_out":
        return words.t("history.left_out", when=when, file=clean_text(str(h.new)), reason=clean_text(h.note or ""))
    box = h.box or ""
    cell = explain.cell_name(flow, words, (box, h.column)) if flow else box
    return words.t(
        "history.answer", when=when, cell=cell, old=_value(flow, words, box, h.old),
        new=_value(flow, words, box, h.new), how=words.t(f"how.{h.how}"),
    )


def run(args: argparse.Namespace) -> int:
    words = words_for(choose_language(args.lang))
    try:
        with Store.open(args.db) as store:
            say_notices(store, words)
            words = words_for(choose_language(args.lang, store.get_setting(LANGUAGE_SETTING)))
            row = store.get(args.id)
            rows = store.history(args.id)
    except StoreError as e:
        return refused(e, words)
    try:
        flow: CompiledFlow | None = load_flow(row.form)
    except FlowError:
        flow = None
    print(words.t(
        "history.head", id=row.id, form=row.form, year=row.year,
        organization=row.organization or words.t("list.no_organization"), status=status_word(words, row),
    ))
    if not rows:
        print(words.t("history.empty"))
        return 0
    last_confirmation = max((i for i, h in enumerate(rows) if h.how == "confirmed"), default=None)
    for i, h in enumerate(rows):
        print(line(flow, words, h))
        if i == last_confirmation and i < len(rows) - 1:
            print(words.t("history.since", when=local_time(h.when)))
    return 0
