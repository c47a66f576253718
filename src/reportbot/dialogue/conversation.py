"""The conversation: one question at a time, from the rule engine's route.

Front ends pass text in (:meth:`Conversation.reply`), or call a command
directly (:meth:`Conversation.go_to`, :meth:`Conversation.help`, ...), and get
:class:`Message` lists out, each ending with the next prompt. Until a report is
open the launcher asks which one (:mod:`~reportbot.dialogue.launcher`); then the
interview asks its boxes (:mod:`~reportbot.dialogue.interview`). Every answer is
written to the store before the next question is produced.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from reportbot import carry
from reportbot.dialogue import confirmation, understand
from reportbot.dialogue import interview_commands as run
from reportbot.dialogue.commands import BY_NAME
from reportbot.dialogue.exchanges import Identifying
from reportbot.dialogue.interview import Interview
from reportbot.dialogue.launcher import ChoosingDraft, ChoosingDuplicate, ChoosingReport, ChoosingYear, Launching
from reportbot.dialogue.machine import attach
from reportbot.dialogue.messages import Message
from reportbot.dialogue.report import OpenReport
from reportbot.dialogue.understand import Command
from reportbot.engine import Evaluation
from reportbot.findings import Findings
from reportbot.flow.loader import Cell, CompiledFlow, report_ids
from reportbot.values import Value, clean_text, due_year
from reportbot.wording import Wording, languages, wording

if TYPE_CHECKING:
    from reportbot.dialogue.from_log import LogSource
    from reportbot.dialogue.ports import ReportStore


class Conversation:
    """One filer, one report, one conversation."""

    state: str  # set by the transitions machine
    trigger: Callable[[str], bool]  # likewise: moves the machine by a trigger's name

    def __init__(
        self,
        store: ReportStore,
        *,
        language: str = "en",
        report_id: int | None = None,
        form: str | None = None,
        year: int | None = None,
        read_only: bool = False,
        today: _dt.date | None = None,
        front: str = "plain",
        log: LogSource | None = None,
    ) -> None:
        self.store = store
        self.language = language
        self.front = front  # "tui": say the full-screen app's keys where the line mode names a command
        self.common = wording(language)
        self.form = form
        self.year = year
        self.today = today or _dt.date.today()
        self.interview: Interview | None = None  # the interview, once a report is open
        self.launching: Launching | None = None  # the launcher's question, before
        self._report_id = report_id
        self._read_only = read_only
        self._prompt: Message | None = None  # the launcher's question, as asked
        self._identification: carry.Offer | None = None
        self._log = log  # a request log to count the report from, once it is open (new --from-log)
        self._held = contextlib.ExitStack()
        attach(self)

    # ----- what front ends read ------------------------------------------------------------------

    @property
    def report_id(self) -> int | None:
        return self.interview.report.id if self.interview is not None else self._report_id

    @property
    def read_only(self) -> bool:
        return self.interview.report.read_only if self.interview is not None else self._read_only

    @property
    def words(self) -> Wording:
        return self.interview.words if self.interview is not None else self.common

    @property
    def flow(self) -> CompiledFlow | None:
        return self.interview.report.flow if self.interview is not None else None

    @property
    def ev(self) -> Evaluation | None:
        return self.interview.report.ev if self.interview is not None else None

    def findings(self) -> Findings:
        """Everything said about the open report: the list ``check`` and the exports show (none before one is open)."""
        return self.interview.report.findings() if self.interview is not None else Findings(())

    @property
    def answers(self) -> dict[Cell, Value]:
        return self.interview.report.answers if self.interview is not None else {}

    @property
    def prompt(self) -> Message | None:
        """The question waiting for an answer; None once the conversation is over."""
        if self.finished:
            return None
        return self.interview.prompt if self.interview is not None else self._prompt

    @property
    def finished(self) -> bool:
        return self.state == "done"

    def progress(self) -> tuple[int, int]:
        """(answered, needed) for the filer's progress bar: see :meth:`Evaluation.progress`."""
        return (0, 0) if self.interview is None else self.interview.report.ev.progress()

    def close(self) -> None:
        """Let go of the report's lock (everything is already saved)."""
        self._held.close()

    # ----- starting ---------------------------------------------------------------------------

    def start(self) -> list[Message]:
        """The greeting and the first question."""
        if self._report_id is not None:
            return self.open(self._report_id, resumed=True)
        if self.form is not None:
            if self.form not in report_ids():
                raise ValueError(self.common.t("start.unknown_report", form=self.form, known=", ".join(report_ids())))
            return self.create() if self.year is not None else self.launch(ChoosingYear())
        drafts = [r.id for r in self.store.reports() if r.status == "draft"]
        if drafts:
            return self.launch(ChoosingDraft(drafts))
        return self.launch(ChoosingReport())

    def launch(self, question: Launching) -> list[Message]:
        self.trigger(question.trigger)
        self.launching = question
        return question.begin(self)

    def launch_prompt(self, tag: str, text: str, choices: list[str] | tuple[str, ...] = ()) -> list[Message]:
        self._prompt = Message("prompt", text, tag=tag, choices=tuple(choices))
        return [self._prompt]

    def launch_again(self, problem: str) -> list[Message]:
        """Not understood: say what is expected, and ask again."""
        if self._prompt is not None:
            self._prompt = replace(self._prompt, again=True)
        return [Message("error", self.common.t("error.line", text=problem))] + self._reprompt()

    def default_year(self) -> int:
        return due_year(self.today)

    def create(self, second: bool = False) -> list[Message]:
        """Create the report chosen, and open it; first ask to open the one this form and year already have."""
        assert self.form is not None and self.year is not None
        held = None if second else carry.same_report(self.store, self.form, self.year)
        if held is not None:
            return self.launch(ChoosingDuplicate(held.id))
        report_id = self.store.create_report(self.form, self.year, language=self.language)
        self._identification = carry.offer(self.store, self.form, self.year)
        return self.open(report_id, resumed=False)

    def open(self, report_id: int, resumed: bool) -> list[Message]:
        """Open a report (read-only when another session holds it) and ask its first question."""
        from reportbot.store import ReportLocked

        row = self.store.get(report_id)
        self._report_id, self.form, self.year = row.id, row.form, row.year
        read_only = self._read_only
        if not read_only:
            try:
                self._held.enter_context(self.store.open_report(report_id))
            except ReportLocked:
                read_only = True
        report = OpenReport(self.store, row, self.language, read_only)
        self.interview = interview = Interview(report, self, front=self.front)
        if not read_only:
            interview.pending_log, self._log = self._log, None
        key = "start.resumed" if resumed else "start.created"
        out = [Message("say", report.words.t(key, id=row.id, title=report.report.title, year=row.year))]
        if read_only:
            out.append(Message("notice", report.words.t("start.read_only")))
        out += confirmation.on_opening(report, row)
        if not resumed:
            out.append(Message("say", report.words.t("start.how_it_works")))
        form_year = report.flow.flow.form_year
        if form_year is not None and form_year != row.year:
            out.append(Message("notice", report.words.t("start.form_year", form_year=form_year, year=row.year)))
        offered = self._identification
        if offered is None and resumed and not read_only and not report.answers:
            # Nothing answered yet: last year's identification is offered again (after a quit at [same]).
            offered = carry.offer(self.store, row.form, row.year)
        if offered is not None and not read_only:
            return out + interview.enter(Identifying(offered))
        return out + interview.next()

    # ----- the main loop --------------------------------------------------------------------------

    def reply(self, text: str) -> list[Message]:
        """The filer's answer in; what reportbot says out, ending with the next prompt.

        The turn's writes (the answer, what the arithmetic then fills, their history) are
        committed together before anything is said: one wait for the disk a turn.
        """
        text = clean_text(text)
        if self.finished:
            return []
        with self.store.one_commit():
            return self._reply(text)

    def _reply(self, text: str) -> list[Message]:
        cmd = understand.command(self.words, text)
        if cmd is not None:
            if self.interview is None and not BY_NAME[cmd.name].launcher:
                return self._not_yet()
            return RUN[cmd.name](self, cmd)
        if self.interview is not None:
            return self.interview.reply(text)
        assert self.launching is not None, "start() comes first"
        return self.launching.reply(self, text)

    def _reprompt(self) -> list[Message]:
        prompt = self.prompt
        return [prompt] if prompt is not None else []

    def _not_yet(self) -> list[Message]:
        # No report is open yet: nothing to review, go to or change.
        return self.launch_again(self.common.t("start.not_yet"))

    # ----- commands, for front ends to call ------------------------------------------------------

    def help(self) -> list[Message]:
        """What the question under way means, and what can be typed."""
        if self.interview is None:
            return [Message("help", self.common.t("help.start"))] + self._reprompt()
        return run.help_(self.interview)

    def list_choices(self) -> list[Message]:
        """The question under way again, with its choices read out."""
        prompt = self.prompt
        if prompt is None or not prompt.choices:
            return [Message("say", self.words.t("list.no_choices"))] + self._reprompt()
        listed = replace(prompt, again=False)
        if self.interview is not None:
            every = self.interview.exchange.listed(self.interview) if self.interview.exchange else ()
            listed = replace(listed, choices=every or listed.choices)
            self.interview.prompt = listed
        else:
            self._prompt = listed
        return [listed]

    def why(self, box: str | None = None) -> list[Message]:
        """Why a box (the one asked, when None) is asked, or skipped."""
        return run.why(self.interview, box) if self.interview is not None else self._not_yet()

    def back(self) -> list[Message]:
        return run.back(self.interview) if self.interview is not None else self._not_yet()

    def skip(self) -> list[Message]:
        return run.skip(self.interview) if self.interview is not None else self._not_yet()

    def later(self) -> list[Message]:
        return run.later(self.interview) if self.interview is not None else self._not_yet()

    def review(self) -> list[Message]:
        return run.review(self.interview) if self.interview is not None else self._not_yet()

    def left(self) -> list[Message]:
        return run.left(self.interview) if self.interview is not None else self._not_yet()

    def go_to(self, box: str, column: str | None = None) -> list[Message]:
        """Ask ``box`` again (in ``column``, a column id, for a two-column box), or a section's first box."""
        return run.go_to(self.interview, _cell_text(box, column)) if self.interview is not None else self._not_yet()

    def change(self, box: str, value: str | None = None, column: str | None = None) -> list[Message]:
        """Change ``box`` to ``value`` as typed; without a value, ask it again."""
        if self.interview is None:
            return self._not_yet()
        return run.change(self.interview, _cell_text(box, column), value)

    def from_log(self, files: str) -> list[Message]:
        """``from log FILE...``: count the report's boxes from the filer's request log (names quoted as in a shell)."""
        if self.interview is None:
            return self._not_yet()
        import shlex

        from reportbot.dialogue import from_log

        try:
            paths = tuple(Path(p).expanduser() for p in shlex.split(files))
        except ValueError:  # an unclosed quote
            paths = (Path(files.strip()).expanduser(),)
        return from_log.begin(self.interview, from_log.LogSource(paths))

    def set_language(self, language: str | None = None) -> list[Message]:
        """``language fr``, or the next language when None: the filer and the report remember it."""
        available = languages()
        if language is not None:
            wanted = language.lower()[:2]
            if wanted not in available:
                problem = self.words.t("language.unknown", languages=", ".join(available))
                return self.interview.again(problem) if self.interview is not None else self.launch_again(problem)
        else:
            wanted = available[(available.index(self.language) + 1) % len(available)]
        self.language = wanted
        self.common = wording(wanted)
        self.store.set_setting("language", wanted)
        if self.interview is None:
            assert self.launching is not None
            said = Message("say", self.common.t("language.now", language=self.common.common.language_name))
            return [said] + self.launching.begin(self)
        report = self.interview.report
        report.words = wording(wanted, report.form)
        if not report.read_only:
            self.store.set_language(report.id, wanted)
        report.section = None
        self.interview.hinted.clear()  # the new words say again that both columns may be answered at once
        said = Message("say", report.words.t("language.now", language=report.words.common.language_name))
        return [said] + self.interview.repeat()

    def leave(self) -> list[Message]:
        """Stop here: everything is saved."""
        if self.finished:
            return []
        self.trigger("finish")
        if self.interview is None:
            return [Message("say", self.common.t("quit.nothing"))]
        self.interview.prompt = None
        return [Message("say", self.interview.words.t("quit.saved", id=self.interview.report.id))]


def _cell_text(box: str, column: str | None) -> str:
    return box if column is None else f"{box} {column}"


def _split(cmd: Command) -> tuple[str, str | None]:
    box, _, column = (cmd.box or "").partition(" ")
    return box, column or None


# Every command of the registry (reportbot.dialogue.commands), and what runs it.
RUN: dict[str, Callable[[Conversation, Command], list[Message]]] = {
    "help": lambda conv, cmd: conv.help(),
    "list": lambda conv, cmd: conv.list_choices(),
    "why": lambda conv, cmd: conv.why(cmd.box),
    "back": lambda conv, cmd: conv.back(),
    "skip": lambda conv, cmd: conv.skip(),
    "review": lambda conv, cmd: conv.review(),
    "left": lambda conv, cmd: conv.left(),
    "quit": lambda conv, cmd: conv.leave(),
    "language": lambda conv, cmd: conv.set_language(cmd.value),
    "later": lambda conv, cmd: conv.later(),
    "goto": lambda conv, cmd: conv.go_to(*_split(cmd)),
    "change": lambda conv, cmd: conv.change(_split(cmd)[0], cmd.value, _split(cmd)[1]),
    "fromlog": lambda conv, cmd: conv.from_log(cmd.value or ""),
}
