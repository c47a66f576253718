"""``reportbot import FILE``: a reportbot/1 file into the database, as a draft.

The file is checked by the rule engine as ``reportbot check`` does; its
answers are stored (how: imported) in one transaction, and the conversation
then asks only what is missing or wrong. Totals given in the file are
checked, not stored: reportbot works them out from their parts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reportbot import carry
from reportbot.commands.check import as_text
from reportbot.commands.store_errors import refused, say_notices
from reportbot.dialogue.understand import is_reason
from reportbot.engine import evaluate
from reportbot.explain import summary
from reportbot.language import choose_language
from reportbot.reportfile import UnusableFile, read_report_file
from reportbot.saying import say
from reportbot.store import LANGUAGE_SETTING, Store, StoreError
from reportbot.values import one_line
from reportbot.wording import words_for


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        metavar="FILE",
        help="a reportbot/1 file (JSON or YAML), such as one from reportbot export --format json",
    )


def run(args: argparse.Namespace) -> int:
    words = words_for(choose_language(args.lang))
    try:
        report = read_report_file(Path(args.file))
    except UnusableFile as e:
        print(f"reportbot: {say(e, words)}", file=sys.stderr)
        return 2
    flow = report.flow
    answers = {c: v for c, v in report.answers.items() if not flow.by_id[c[0]].is_total}
    org_box = carry.organization_box(flow)
    named = answers.get((org_box, None)) if org_box else None
    organization = named if isinstance(named, str) else None
    # A reason that says nothing ("yes", "ok") is not kept: the warning is asked again, as in the conversation.
    acknowledged = {(a["rule"], a.get("column")): a["reason"] for a in report.acknowledged if is_reason(a["reason"])}
    unexplained = [a for a in report.acknowledged if not is_reason(a["reason"])]
    try:
        with Store.open(args.db) as store:
            say_notices(store, words)
            lang = choose_language(args.lang, report.language or store.get_setting(LANGUAGE_SETTING))
            report_words = words_for(lang, flow.id)
            held = carry.same_report(store, flow.id, report.year, organization)
            report_id = store.import_report(
                flow.id,
                report.year,
                answers,
                organization,
                report.language,
                acknowledged,
            )
            evaluation = evaluate(flow, report.answers)
            row = store.get(report_id)
            carried = carry.carried_forward_findings(store, row, evaluate(flow, answers))
    except StoreError as e:
        return refused(e, words)
    print(as_text(one_line(args.file), report, evaluation, report_words))
    for f in carried:
        print(report_words.t("import.carry", text=summary(flow, report_words, f)))
    for a in unexplained:
        print(report_words.t("import.no_reason", rule=a["rule"], reason=a["reason"]))
    if held is not None:
        status = report_words.t(f"status.{held.status}")
        print(report_words.t("import.duplicate", id=held.id, year=held.year, status=status))
    print(report_words.t("import.stored", id=report_id, count=len(answers)))
    return 0
