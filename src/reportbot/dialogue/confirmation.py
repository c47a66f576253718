"""A confirmed report in the conversation: said when it is opened, and at the first change; what changed since the
last confirmation, listed before confirming again; and the exported sheets it has left behind."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportbot.dialogue.messages import Message
from reportbot.values import Value, one_line

if TYPE_CHECKING:
    from reportbot.dialogue.report import OpenReport
    from reportbot.flow.loader import Cell
    from reportbot.store import ReportRow


def on_opening(report: OpenReport, row: ReportRow) -> list[Message]:
    """A confirmed report says so and when, a changed one that it waits for confirmation; then the sheets on disk
    that no longer match it."""
    out = []
    if row.confirmed_at is not None:
        from reportbot.render.sheet import local_time  # only for a report once confirmed: start-up does without

        key = "start.confirmed" if row.status == "confirmed" else "start.changed"
        out.append(Message("notice", report.words.t(key, id=report.id, when=local_time(row.confirmed_at))))
    return out + stale_sheets(report)


def draft_again(report: OpenReport) -> list[Message]:
    """Said at the first change to a confirmed report, at once: it is a draft again."""
    if not report.confirmed or report.store.get(report.id).status == "confirmed":
        return []  # the store moves a confirmed report back to draft only when a figure really changed
    report.confirmed = False
    return [Message("notice", report.words.t("confirm.draft_again", id=report.id))]


def changes_since(report: OpenReport) -> list[Message]:
    """What changed since the last confirmation (from the store's history), each box once: first to last."""
    from reportbot.render.sheet import local_time

    rows = report.store.history(report.id)
    last = max((i for i, h in enumerate(rows) if h.how == "confirmed"), default=None)
    if last is None:
        return []
    was: dict[tuple, Value | None] = {}
    now: dict[tuple, Value | None] = {}
    for h in rows[last + 1:]:
        key = (h.box, h.column, h.rule)
        was.setdefault(key, h.old)
        now[key] = h.new
    words = report.words
    lines = []
    for (box, column, rule), new in now.items():
        if new == was[(box, column, rule)]:
            continue  # changed and changed back
        if rule is not None:
            where = words.t("history.column", column=column) if column else ""
            lines.append(words.t("confirm.changed_warning", rule=rule, column=where, reason=new))
        else:
            cell = (box or "", column)
            old, value = (_shown(report, cell, v) for v in (was[(box, column, rule)], new))
            lines.append(words.t("confirm.changed_line", cell=report.name(cell), old=old, new=value))
    if not lines:
        return []
    said = words.t("confirm.changed_since", when=local_time(rows[last].when))
    return [Message("say", said)] + [Message("say", line) for line in lines]


def stale_sheets(report: OpenReport) -> list[Message]:
    """The sheets exported to disk that no longer match the report."""
    stale = report.store.stale_exports(report.id)
    if not stale:
        return []
    from reportbot.render.sheet import local_time

    return [
        Message("notice", report.words.t("export.stale", path=one_line(s.path), when=local_time(s.when), id=report.id))
        for s in stale
    ]


def _shown(report: OpenReport, cell: Cell, value: Value | None) -> str:
    if value is None:
        return report.words.t("history.none")
    return report.display(cell, value) if cell[0] in report.flow.by_id else str(value)
