"""The interview over an open report: which exchange is under way, and where the filer is.

The planner decides what comes next; the interview enters that exchange (the
conversation's machine moves to its state) and keeps what outlasts one exchange:
the box last asked, the error being fixed, the errors put off.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from reportbot import explain
from reportbot.dialogue import planner
from reportbot.dialogue.exchanges import Asking, ChoosingQuestionnaire, Exchange, Resolving, for_plan
from reportbot.dialogue.groups import same_as
from reportbot.dialogue.messages import Message
from reportbot.dialogue.report import OpenReport
from reportbot.dialogue.understand import NotUnderstood
from reportbot.engine import Finding
from reportbot.flow.loader import Cell
from reportbot.values import Value
from reportbot.wording import Wording

if TYPE_CHECKING:
    from reportbot.dialogue.from_log import LogRun, LogSource


class Machine(Protocol):
    """The conversation's state machine (:mod:`reportbot.dialogue.machine`), as the interview moves it."""

    state: str

    def trigger(self, trigger_name: str) -> bool: ...


class Interview:
    """The questions over ``report``, one exchange at a time."""

    def __init__(self, report: OpenReport, machine: Machine, front: str = "plain") -> None:
        self.report = report
        self.machine = machine
        self.front = front
        self.exchange: Exchange | None = None  # None until the first question
        self.prompt: Message | None = None
        self.cursor: Cell | None = None  # where the filer is in the questionnaire
        self.asking: Cell | None = None  # the box asked last (may be a detour)
        self.detour = False  # asking a box to fix a conflict: return to the cursor after
        self.declined: Cell | None = None  # a box whose proposed remainder the filer turned down
        self.deferred: set[tuple] = set()  # errors put off ("later")
        self.finding: Finding | None = None  # the error being fixed, or the warning being accepted
        self.filled: tuple[Cell, ...] = ()  # the boxes last filled without asking: "back" returns to the first
        self.together: set[Cell] = set()  # second columns given with the first in one answer: "back" returns to it
        self.hinted: set[str] = set()  # the sections whose prompt said both columns may be answered at once
        self.more: str | None = None  # the full explanation of the error just said, for "why"
        self.about: str | None = None  # the rule or warning a [resolve] or [accept] is about, in full, for "why"
        self.log_run: LogRun | None = None  # a request log being loaded
        self.pending_log: LogSource | None = None  # a log to load before the next question (new --from-log)

    @property
    def words(self) -> Wording:
        return self.report.words

    def t_front(self, key: str, **fields) -> str:
        """``key`` in words, as this front end acts: ``key.tui`` names the TUI's keys, not a shell command."""
        variant = f"{key}.{self.front}"
        return self.words.t(variant if variant in self.words.common.messages else key, **fields)

    # ----- exchanges ------------------------------------------------------------------------------

    def enter(self, exchange: Exchange) -> list[Message]:
        """Make ``exchange`` the one under way (the machine refuses a move its tables do not allow)."""
        if self.machine.state != exchange.state:
            self.machine.trigger(exchange.trigger)
        self.exchange = exchange
        self.more = self.about = None
        return exchange.begin(self)

    def reply(self, text: str) -> list[Message]:
        assert self.exchange is not None, "the interview has begun"
        return self.exchange.reply(self, text)

    def repeat(self) -> list[Message]:
        """The current question again, in the current words."""
        return self.enter(self.exchange.again()) if self.exchange is not None else self.reprompt()

    def next(self) -> list[Message]:
        """The exchange the planner says comes next."""
        if self.pending_log is not None:  # after last year's identification, if it was offered
            from reportbot.dialogue import from_log

            source, self.pending_log = self.pending_log, None
            return from_log.begin(self, source)
        report = self.report
        plan = planner.next_exchange(
            report.ev, cursor=self.cursor, declined=self.declined, deferred=self.deferred,
            acknowledged=report.acknowledged, warnings=report.warnings,
        )
        if isinstance(plan, planner.Resolve) and plan.reopened:
            # Deferred errors: confirmation needs them resolved.
            self.deferred.clear()
            return [Message("say", self.words.t("confirm.errors_first"))] + self.enter(Resolving(plan.finding))
        if isinstance(plan, planner.Fill):
            return self.fill(plan)
        return self.enter(for_plan(plan))

    def fill(self, plan: planner.Fill) -> list[Message]:
        """Store what the arithmetic already knows (as reportbot's inference), say it in one line, move on."""
        report = self.report
        if report.read_only:
            return self.ask(plan.cells[0])
        report.write_all(list(plan.cells), plan.value, "derived")  # one commit: one wait for the disk, not one a box
        self.filled = plan.cells
        # From the first filled box on: in a two-column report the other column's parts come next.
        return report.section_intro(plan.cells[0]) + [Message("say", self._filled_line(plan))] + self.after_change(
            plan.cells[0]
        )

    def _filled_line(self, plan: planner.Fill) -> str:
        report, words = self.report, self.words
        total = report.name(plan.total)
        if plan.same:
            value = report.display(plan.total, plan.value)
            return words.t("fill.same", cell=report.name(plan.cells[0]), total=total, value=value)
        given = report.ev.values[plan.total]
        assert given is not None  # the planner fills only from a known total
        value = report.display(plan.total, given)
        if len(plan.cells) == 1:
            return words.t("fill.zero", value=value, total=total, cell=report.name(plan.cells[0]))
        cells = words.t("fill.range", first=report.name(plan.cells[0]), last=report.name(plan.cells[-1]))
        return words.t("fill.zeros", value=value, total=total, cells=cells)

    def ask(self, cell: Cell) -> list[Message]:
        if cell == self.report.questionnaire():
            return self.enter(ChoosingQuestionnaire())
        return self.enter(Asking(cell))

    def current_box(self) -> str | None:
        """The box "help" and "why" speak of: the one asked, if a box is asked."""
        if self.exchange is not None and self.exchange.asks_box and self.asking is not None:
            return self.asking[0]
        return None

    def finish(self) -> None:
        self.machine.trigger("finish")
        self.prompt = None

    # ----- answers ---------------------------------------------------------------------------------

    def set(self, cell: Cell, value: Value, how: str) -> list[Message]:
        if self.report.read_only:
            return self.refuse_read_only()
        was = self.report.answers.get(cell)
        self.report.write(cell, value, how)
        self.together.discard(cell)
        return self.follow(cell, was) + self.after_change(cell)

    def follow(self, cell: Cell, was: Value | None) -> list[Message]:
        """A box the form defines as the same as ``cell`` (CYFSA 5.2, "same as box 4.3") follows its change, and says
        so: it held ``was``, the old figure, so it is the copy, not a figure the filer gave against it."""
        report = self.report
        value = report.answers.get(cell)
        out: list[Message] = []
        for same in same_as(report.flow, cell):
            if was is None or value is None or value == was or report.answers.get(same) != was:
                continue
            report.write(same, value, "derived")
            names = {"cell": report.name(same), "total": report.name(cell)}
            out.append(Message("say", self.words.t("fill.same_followed", value=report.display(cell, value), **names)))
        return out

    def set_together(self, values: dict[Cell, Value]) -> list[Message]:
        """Both columns given in one answer: each stored and its consequences said in turn, as if typed alone."""
        if self.report.read_only:
            return self.refuse_read_only()
        out: list[Message] = []
        for cell, value in values.items():
            self.report.write(cell, value, "said")
            before = self.report.refresh()
            out += self.report.announce(before, self.report.ev)
        self.together.add(cell)
        return out + self.after_answer(cell)

    def after_change(self, cell: Cell) -> list[Message]:
        """Say what the change implies (totals, warnings, skips, an error it put right), then move on."""
        before = self.report.refresh()
        out = self.report.announce(before, self.report.ev)
        # A fix made outside the resolve step (go to, change, the TUI's review) is thanked as one made in it.
        now = {f.key for f in self.report.ev.errors}
        if not self.detour and any(f.key not in now for f in before.errors):
            out.append(Message("say", self.words.t("resolve.fixed")))
        return out + self.after_answer(cell)

    def after_answer(self, cell: Cell) -> list[Message]:
        if self.detour:
            self.detour = False
            fixed = self.finding is not None and all(f.key != self.finding.key for f in self.report.ev.errors)
            if fixed:
                self.finding = None
                return [Message("say", self.words.t("resolve.fixed"))] + self.next()
            return self.next()
        self.cursor = cell
        return self.next()

    def fix(self, cell: Cell) -> list[Message]:
        """Ask ``cell`` to fix the error under way, then come back to where the filer was."""
        problem = self.report.not_here(cell)
        if problem is not None:
            return self.again(problem, self.skipped_why(cell))
        self.detour = True
        return self.ask(cell)

    def skipped_why(self, cell: Cell) -> str | None:
        """Why the route skips ``cell`` (said on "why" after "is skipped"); None when it does not."""
        report = self.report
        if report.ev.on_route(cell):
            return None
        return explain.route_reason(report.flow, self.words, report.ev.skipped_by[cell])

    def defer(self) -> list[Message]:
        assert self.finding is not None
        self.deferred.add(self.finding.key)
        self.finding = None
        return [Message("say", self.words.t("resolve.deferred"))] + self.next()

    def choose_questionnaire(self, option: str, confirmed: bool = False, changed: bool = False) -> list[Message]:
        """Store the questionnaire chosen.

        A zero report puts 0 in the deciding boxes, after asking what it cannot know.
        """
        report = self.report
        cell = report.questionnaire()
        assert cell is not None
        if report.read_only:
            return self.refuse_read_only()
        out: list[Message] = []
        if option == "zero":
            problem = report.zero_refused()
            if problem is not None:
                return self.enter(ChoosingQuestionnaire(problem))
            # Last year's report proves nothing was carried forward; otherwise only the filer knows.
            if not confirmed and report.carried_zero_cells() and report.last_year() is None:
                return self.enter(ChoosingQuestionnaire(zero_pending=True))
            report.write(cell, "zero", "said")
            out += self.said_changed(cell, changed)
            for deciding in report.deciding():
                if report.answers.get(deciding) != 0:
                    report.write(deciding, 0, "derived")
            out.append(Message("say", self.words.t("type.zero_filled", boxes=", ".join(report.flow.flow.zero_report))))
        else:
            was_zero = report.answers.get(cell) == "zero"
            report.write(cell, option, "said")
            out += self.said_changed(cell, changed)
            if was_zero:
                # The zeros the zero report put in are asked again, as the IPC's system takes you to those sections.
                sources = report.store.answer_sources(report.id)
                for deciding in report.deciding():
                    if report.answers.get(deciding) == 0 and sources.get(deciding) == "derived":
                        report.write(deciding, None, "said")
        return out + self.after_change(cell)

    def said_changed(self, cell: Cell, changed: bool) -> list[Message]:
        if not changed:
            return []
        value = self.report.display(cell, self.report.answers[cell])
        return [Message("say", self.words.t("change.done", box=self.report.name(cell), value=value))]

    # ----- prompts ---------------------------------------------------------------------------------

    def ask_prompt(
        self, tag: str, text: str, choices: list[str] | tuple[str, ...] = (), cell: Cell | None = None
    ) -> list[Message]:
        self.prompt = Message("prompt", text, tag=tag, choices=tuple(choices), cell=cell)
        return [self.prompt]

    def reprompt(self) -> list[Message]:
        return [self.prompt] if self.prompt is not None else []

    def again(self, problem: str | NotUnderstood, more: str | None = None) -> list[Message]:
        """Not understood: say what is expected in one short line, and ask again (without reading its choices
        again); ``more``, the full explanation, is said on "why". Nothing is stored."""
        if isinstance(problem, NotUnderstood):
            more = problem.more
        self.more = more
        if self.prompt is not None:
            self.prompt = replace(self.prompt, again=True)
        return [Message("error", self.words.t("error.line", text=str(problem)))] + self.reprompt()

    def refuse_read_only(self) -> list[Message]:
        return self.again(self.words.t("start.read_only"))
