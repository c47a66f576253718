"""Before a report is open: which draft, which report, which year.

Each question is an exchange of its own; its answer opens a report (the
conversation's :meth:`~reportbot.dialogue.conversation.Conversation.open`) or
leads to the next question.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from reportbot.dialogue import understand
from reportbot.dialogue.messages import Message
from reportbot.dialogue.understand import NotUnderstood
from reportbot.flow.loader import report_ids
from reportbot.wording import wording

if TYPE_CHECKING:
    from reportbot.dialogue.conversation import Conversation


class Launching:
    """A question of the launcher; the machine's ``state`` while it is asked, and the ``trigger`` that leads there."""

    state: ClassVar[str]
    trigger: ClassVar[str]

    def begin(self, conv: Conversation) -> list[Message]:
        raise NotImplementedError

    def reply(self, conv: Conversation, text: str) -> list[Message]:
        raise NotImplementedError


class ChoosingDraft(Launching):
    """[resume] a draft to go on with, or a new report."""

    state, trigger = "choosing_draft", "offer_drafts"

    def __init__(self, drafts: list[int]) -> None:
        self.choices: list[int | None] = [*drafts, None]
        self.shown: list[str] = []  # each choice's line, as last asked

    def begin(self, conv: Conversation) -> list[Message]:
        common = conv.common
        rows = [conv.store.get(i) for i in self.choices if i is not None]
        lines = []
        for row in rows:
            title = _title(conv.language, row.form)
            org = row.organization or common.t("start.no_organization")
            lines.append(common.t("start.report_line", id=row.id, title=title, year=row.year, organization=org))
        self.shown = [*lines, common.t("start.new")]
        return conv.launch_prompt("resume", common.t("start.resume_question"), self.shown)

    def reply(self, conv: Conversation, text: str) -> list[Message]:
        try:
            picked = understand.pick(conv.common, [(str(i), c) for i, c in enumerate(self.shown)], text)
        except NotUnderstood as e:
            return conv.launch_again(str(e))
        report_id = self.choices[int(picked)]
        return conv.launch(ChoosingReport()) if report_id is None else conv.open(report_id, resumed=True)


class ChoosingReport(Launching):
    """[report] which report to start."""

    state, trigger = "choosing_report", "choose_report"

    def __init__(self) -> None:
        self.shown: list[str] = []  # each report's title, as last asked

    def begin(self, conv: Conversation) -> list[Message]:
        self.shown = [_title(conv.language, r) for r in report_ids()]
        return conv.launch_prompt("report", conv.common.t("start.report_question"), self.shown)

    def reply(self, conv: Conversation, text: str) -> list[Message]:
        ids = report_ids()
        try:
            # By number, title, or words of the id ("fippa"): the id is a name, not a numbered choice.
            shown = list(zip(ids, self.shown, strict=True))
            conv.form = understand.pick(conv.common, shown, text, aliases=[(r, r) for r in ids])
        except NotUnderstood as e:
            return conv.launch_again(str(e))
        return conv.create() if conv.year is not None else conv.launch(ChoosingYear())


class ChoosingYear(Launching):
    """[year] the reporting year (Enter for the one whose report is due next)."""

    state, trigger = "choosing_year", "choose_year"

    def begin(self, conv: Conversation) -> list[Message]:
        return conv.launch_prompt("year", conv.common.t("start.year_question", year=conv.default_year()))

    def reply(self, conv: Conversation, text: str) -> list[Message]:
        if not text.strip():
            conv.year = conv.default_year()
            return conv.create()
        try:
            n = understand.number(conv.common, text)
        except NotUnderstood:
            return conv.launch_again(conv.common.t("start.bad_year", year=conv.default_year()))
        if n != n.to_integral() or not 1990 <= n <= conv.today.year:
            return conv.launch_again(conv.common.t("start.bad_year", year=conv.default_year()))
        conv.year = int(n)
        return conv.create()


class ChoosingDuplicate(Launching):
    """[open] this form and year already have a report: open it (yes), or start a second one (no)."""

    state, trigger = "choosing_duplicate", "offer_duplicate"

    def __init__(self, report_id: int) -> None:
        self.report_id = report_id

    def begin(self, conv: Conversation) -> list[Message]:
        row = conv.store.get(self.report_id)
        status = conv.common.t(f"status.{row.status}")
        return conv.launch_prompt("open", conv.common.t("start.duplicate", id=row.id, year=row.year, status=status))

    def reply(self, conv: Conversation, text: str) -> list[Message]:
        answer = understand.yes_no(conv.common, text)
        if answer is None:
            return conv.launch_again(conv.common.t("start.duplicate_yes_no", id=self.report_id))
        return conv.open(self.report_id, resumed=True) if answer else conv.create(second=True)


def _title(language: str, form: str) -> str:
    report = wording(language, form).report
    return report.title if report is not None else form
