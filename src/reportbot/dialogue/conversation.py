"""The conversation: one question at a time, from the rule engine's route.

Front ends pass text in (:meth:`Conversation.reply`) and get :class:`Message`
lists out, each ending with the next prompt. Every answer is written to the
store before the next question is produced. The report is the state: what to
ask next, the totals and the findings are worked out again from the stored
answers after every answer; the conversation only remembers where the filer
is and what kind of exchange is under way.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
from typing import Callable

from reportbot import carry, explain
from reportbot.dialogs import Wording, languages, wording
from reportbot.dialogue import planner, understand
from reportbot.dialogue.groups import Group, groups_of
from reportbot.dialogue.machine import attach
from reportbot.dialogue.messages import Message
from reportbot.dialogue.understand import Command, NotUnderstood
from reportbot.engine import Evaluation, Finding, evaluate
from reportbot.flow.loader import Cell, CompiledFlow, cell_in_column, load_flow, report_ids
from reportbot.values import Value, clean_text


class Conversation:
    """One filer, one report, one conversation."""

    state: str  # set by the transitions machine

    def __init__(
        self,
        store,
        *,
        language: str = "en",
        report_id: int | None = None,
        kind: str | None = None,
        year: int | None = None,
        read_only: bool = False,
        today: _dt.date | None = None,
    ) -> None:
        self.store = store
        self.language = language
        self.common = wording(language)
        self.report_id = report_id
        self.kind = kind
        self.year = year
        self.read_only = read_only
        self.today = today or _dt.date.today()
        self.flow: CompiledFlow | None = None
        self.words: Wording = self.common
        self.answers: dict[Cell, Value] = {}
        self.ev: Evaluation | None = None
        self.cursor: Cell | None = None  # where the filer is in the questionnaire
        self.asking: Cell | None = None  # the box being asked now (may be a detour)
        self.detour = False  # asking a box to fix a conflict: return to the cursor after
        self.group: Group | None = None
        self.proposal: tuple[Cell, Value] | None = None
        self.declined_proposal: Cell | None = None
        self.finding: Finding | None = None
        self.suggested: Cell | None = None
        self.deferred: set[tuple] = set()
        self.said_warnings: set[tuple] = set()
        self.zero_pending = False  # [zero]: a zero report chosen, its carried-forward zeros to confirm
        self.recent: list[Cell] = []
        self.section: str | None = None
        self.prompt: Message | None = None
        self.draft_choices: list[int | None] = []
        self.identification: carry.Offer | None = None
        self.last_year: dict[str | None, tuple | None] = {}  # organization -> (last year's row, its evaluation)
        self._held = contextlib.ExitStack()
        attach(self)

    def progress(self) -> tuple[int, int]:
        """(answered, needed) for the filer's progress bar: see :meth:`Evaluation.progress`."""
        return (0, 0) if self.ev is None else self.ev.progress()

    def close(self) -> None:
        """Let go of the report's lock (everything is already saved)."""
        self._held.close()

    # ----- starting ---------------------------------------------------------------------------

    def start(self) -> list[Message]:
        """The greeting and the first question."""
        if self.report_id is not None:
            return self._open(self.report_id, resumed=True)
        if self.kind is not None:
            if self.kind not in report_ids():
                raise ValueError(self.common.t("start.unknown_report", report=self.kind, known=", ".join(report_ids())))
            return self._create() if self.year is not None else self._ask_year()
        drafts = [r for r in self.store.reports() if r.status == "draft"]
        if drafts:
            return self._offer_drafts(drafts)
        return self._ask_report()

    def _offer_drafts(self, drafts) -> list[Message]:
        self.offer_drafts()
        self.draft_choices = [r.id for r in drafts] + [None]
        return self._drafts_prompt()

    def _drafts_prompt(self) -> list[Message]:
        """The drafts question, in the current words (asked again after ``language``)."""
        drafts = [self.store.get(i) for i in self.draft_choices if i is not None]
        choices = [self._report_line(r) for r in drafts] + [self.common.t("start.new")]
        return self._prompt("resume", self.common.t("start.resume_question"), choices)

    def _report_line(self, row) -> str:
        title = wording(self.language, row.kind).report.title  # type: ignore[union-attr]
        org = row.organization or self.common.t("start.no_organization")
        return self.common.t("start.report_line", id=row.id, title=title, year=row.year, organization=org)

    def _ask_report(self) -> list[Message]:
        self.choose_report()
        return self._report_prompt()

    def _report_prompt(self) -> list[Message]:
        choices = [wording(self.language, r).report.title for r in report_ids()]  # type: ignore[union-attr]
        return self._prompt("report", self.common.t("start.report_question"), choices)

    def _default_year(self) -> int:
        return self.today.year - 1

    def _ask_year(self) -> list[Message]:
        self.choose_year()
        return self._year_prompt()

    def _year_prompt(self) -> list[Message]:
        return self._prompt("year", self.common.t("start.year_question", year=self._default_year()))

    def _create(self) -> list[Message]:
        assert self.kind is not None and self.year is not None
        self.report_id = self.store.create_report(self.kind, self.year, language=self.language)
        self.identification = carry.offer(self.store, self.kind, self.year)
        return self._open(self.report_id, resumed=False)

    def _open(self, report_id: int, resumed: bool) -> list[Message]:
        from reportbot.store import ReportLocked

        row = self.store.get(report_id)
        self.report_id, self.kind, self.year = row.id, row.kind, row.year
        if not self.read_only:
            try:
                self._held.enter_context(self.store.open_report(report_id))
            except ReportLocked:
                self.read_only = True
        self.flow = load_flow(row.kind)
        self.words = wording(self.language, row.kind)
        self.answers = dict(self.store.answers(report_id))
        self.ev = evaluate(self.flow, self.answers)
        title = self.words.report.title  # type: ignore[union-attr]
        out = [Message("say", self.words.t("start.resumed" if resumed else "start.created", id=row.id, title=title, year=row.year))]
        if self.read_only:
            out.append(Message("notice", self.words.t("start.read_only")))
        if not resumed:
            out.append(Message("say", self.words.t("start.how_it_works")))
        if self.identification is not None and not self.read_only:
            return out + self._offer_identification(self.identification)
        return out + self._next()

    def _reply_launcher(self, text: str) -> list[Message]:
        if self.state == "choosing_draft":
            try:
                picked = understand.pick(self.common, [(str(i), c) for i, c in enumerate(self.prompt.choices)], text)  # type: ignore[union-attr]
            except NotUnderstood as e:
                return self._again(str(e))
            report_id = self.draft_choices[int(picked)]
            return self._ask_report() if report_id is None else self._open(report_id, resumed=True)
        if self.state == "choosing_report":
            ids = report_ids()
            try:
                self.kind = understand.pick(self.common, [(r, c) for r, c in zip(ids, self.prompt.choices)] + [(r, r) for r in ids], text)  # type: ignore[union-attr]
            except NotUnderstood as e:
                return self._again(str(e))
            return self._create() if self.year is not None else self._ask_year()
        # choosing_year
        if not text.strip():
            self.year = self._default_year()
        else:
            try:
                n = understand.number(self.common, text)
            except NotUnderstood:
                return self._again(self.common.t("start.bad_year", year=self._default_year()))
            if n != n.to_integral() or not 1990 <= n <= self.today.year:
                return self._again(self.common.t("start.bad_year", year=self._default_year()))
            self.year = int(n)
        return self._create()

    # ----- the main loop --------------------------------------------------------------------------

    def reply(self, text: str) -> list[Message]:
        """The filer's answer in; what reportbot says out, ending with the next prompt."""
        text = clean_text(text)
        if self.state == "done":
            return []
        words = self.words
        cmd = understand.command(words, text)
        if cmd is not None and cmd.name == "quit":
            return self._quit()
        if self.state in ("choosing_draft", "choosing_report", "choosing_year"):
            if cmd is not None and cmd.name == "help":
                return [Message("help", self.common.t("help.start"))] + self._reprompt()
            if cmd is not None and cmd.name == "language":
                return self._cmd_language(cmd)
            if cmd is not None:
                # No report is open yet: nothing to review, go to or change.
                return self._again(self.common.t("start.not_yet"))
            return self._reply_launcher(text)
        if cmd is not None:
            return self._command(cmd)
        handler: Callable[[str], list[Message]] = getattr(self, f"_reply_{self.state}")
        return handler(text)

    def _reply_asking(self, text: str) -> list[Message]:
        cell = self.asking
        assert cell is not None and self.flow is not None
        box = self.flow.by_id[cell[0]].box
        current = self.answers.get(cell)
        if not text.strip() and current is not None:
            return self._after_answer(cell)
        try:
            value = understand.value_for(self.words, box, text, self._option_labels(cell[0]))
        except NotUnderstood as e:
            return self._again(str(e))
        return self._set(cell, value, "said")

    def _reply_choosing_type(self, text: str) -> list[Message]:
        cell = self._questionnaire()
        assert cell is not None and self.flow is not None
        if self.zero_pending:
            answer = understand.yes_no(self.words, text)
            if answer is None:
                return self._again(self.words.t("understand.yes_no"))
            self.zero_pending = False
            if answer:
                return self._choose_questionnaire("zero", confirmed=True)
            cells = _cells_text(self, self._carried_zero_cells())
            declined = Message("say", self.words.t("type.zero_declined", year=self.year - 1, cells=cells))  # type: ignore[operator]
            return [declined] + self._choose_questionnaire("full")
        if not text.strip() and self.answers.get(cell) is not None:
            return self._after_answer(cell)
        try:
            picked = understand.value_for(self.words, self.flow.by_id[cell[0]].box, text, self._option_labels(cell[0]))
        except NotUnderstood as e:
            return self._again(str(e))
        return self._choose_questionnaire(picked)  # type: ignore[arg-type]

    # ----- the questionnaire: zero or full report ------------------------------------------------

    def _questionnaire(self) -> Cell | None:
        """The box recording the questionnaire chosen after section 2, if the report has one."""
        box = self.flow.flow.questionnaire if self.flow is not None else None
        return (box, None) if box else None

    def _deciding(self) -> list[Cell]:
        """The cells a zero report puts 0 in."""
        assert self.flow is not None
        return [c for b in self.flow.flow.zero_report for c in self.flow.by_id[b].cells()]

    def _carried_zero_cells(self) -> list[Cell]:
        """The deciding cells that count requests carried forward from last year (FIPPA 3.3, 11.2)."""
        assert self.flow is not None
        carried = {pair.box for pair in self.flow.flow.carried_forward}
        return [c for c in self._deciding() if c[0] in carried]

    def _last_year(self) -> tuple | None:
        """The same organization's report of last year and its evaluation, read once."""
        assert self.flow is not None
        organization = self.answers.get((self.flow.flow.organization, None))
        if organization not in self.last_year:
            previous = carry.previous_report(self.store, self.kind, self.year, organization)  # type: ignore[arg-type]
            self.last_year[organization] = (  # type: ignore[index]
                (previous, evaluate(self.flow, self.store.answers(previous.id))) if previous else None
            )
        return self.last_year[organization]  # type: ignore[index]

    def _zero_refused(self) -> str | None:
        """Why a zero report is not possible, if it is not: figures already given, or carried over last year."""
        assert self.flow is not None
        answered = [c for c in self._deciding() if self.answers.get(c) not in (None, 0)]
        if answered:
            cells = ", ".join(f"{self._name(c)} = {explain.display(self.flow, self.words, c[0], self.answers[c])}" for c in answered)
            return self.words.t("type.zero_answered", boxes=", ".join(self.flow.flow.zero_report), cells=cells)
        last = self._last_year() if self._carried_zero_cells() else None
        if last is None:
            return None
        carried = []
        for pair in self.flow.flow.carried_forward:
            for column in self.flow.by_id[pair.box].columns:
                then_cell = cell_in_column(self.flow.by_id[pair.last_year], column)
                then = last[1].values.get(then_cell) if then_cell else None
                if then:
                    carried.append(f"{self._name(then_cell)} = {explain.display(self.flow, self.words, pair.last_year, then)}")  # type: ignore[arg-type]
        if carried:
            return self.words.t("type.zero_carried", year=last[0].year, cells=", ".join(carried))
        return None

    def _choose_questionnaire(self, option: str, confirmed: bool = False, changed: bool = False) -> list[Message]:
        """Store the questionnaire chosen; a zero report puts 0 in the deciding boxes, after asking what it cannot know."""
        cell = self._questionnaire()
        assert cell is not None and self.flow is not None
        if self.read_only:
            return self._read_only()
        out: list[Message] = []
        if option == "zero":
            problem = self._zero_refused()
            if problem is not None:
                return self._offer_type(problem)
            # Last year's report proves nothing was carried forward; otherwise only the filer knows.
            if not confirmed and self._carried_zero_cells() and self._last_year() is None:
                self.offer_type()
                self.zero_pending = True
                cells = _cells_text(self, self._carried_zero_cells())
                return self._prompt("zero", self.words.t("type.zero_confirm", cells=cells, year=self.year - 1))  # type: ignore[operator]
            out += self._store(cell, "zero", "said") + self._said_changed(cell, changed)
            for deciding in self._deciding():
                if self.answers.get(deciding) != 0:
                    out += self._store(deciding, 0, "derived")
            out.append(Message("say", self.words.t("type.zero_filled", boxes=", ".join(self.flow.flow.zero_report))))
        else:
            was_zero = self.answers.get(cell) == "zero"
            out += self._store(cell, option, "said") + self._said_changed(cell, changed)
            if was_zero:
                # The zeros the zero report put in are asked again, as the IPC's system takes you to those sections.
                sources = self.store.answer_sources(self.report_id)
                for deciding in self._deciding():
                    if self.answers.get(deciding) == 0 and sources.get(deciding) == "derived":
                        out += self._store(deciding, None, "said")
        return out + self._after_change(cell)

    def _reply_choosing_group(self, text: str) -> list[Message]:
        group = self.group
        assert group is not None and self.flow is not None
        options = [(f"{p[0]}", self._label(p[0])) for p in group.parts]
        neither = self._neither(group)
        if neither is not None:
            options.append(("neither", neither))
        try:
            picked = "neither" if neither and understand.is_word(self.words, "neither", text) else understand.pick(self.words, options, text)
        except NotUnderstood as e:
            return self._again(str(e))
        if self.read_only:
            return self._read_only()
        out: list[Message] = []
        for part in group.parts:
            out += self._store(part, 1 if part[0] == picked else 0, "said" if picked in (part[0], "neither") else "derived")
        if picked == "neither":
            # The filer said none applies: the sum's warning is answered by that, with its words as the reason.
            self.store.acknowledge(self.report_id, group.rule, group.total[1], neither)
            parts = ", ".join(self._name(p) for p in group.parts)
            out.append(Message("say", self.words.t("group.neither_kept", parts=parts, reason=neither)))
        self.group = None
        return out + self._after_change(group.parts[-1])

    def _offered_cells(self) -> tuple[Cell, ...]:
        """The cells the open one-choice or proposal would write, and those it was worked out from."""
        if self.state == "choosing_group" and self.group is not None:
            return (*self.group.parts, self.group.total)
        if self.state == "proposing" and self.proposal is not None:
            cell = self.proposal[0]
            return (cell, *(c for g in groups_of(self.flow, cell) for c in (*g.parts, g.total)))  # type: ignore[arg-type]
        return ()

    def _neither(self, group: Group) -> str | None:
        """The "none of these" answer of a breakdown that need not add up, if its dialog words one."""
        text = self.words.report.checks.get(group.rule) if self.words.report else None  # type: ignore[union-attr]
        return text.neither if text is not None and not group.binding else None

    def _reply_proposing(self, text: str) -> list[Message]:
        assert self.proposal is not None and self.flow is not None
        cell, value = self.proposal
        self.proposal = None
        answer = understand.yes_no(self.words, text)
        if answer is True or (not text.strip()):
            return self._set(cell, value, "derived")
        if answer is False:
            self.declined_proposal = cell
            return self._ask(cell)
        box = self.flow.by_id[cell[0]].box
        try:
            typed = understand.value_for(self.words, box, text)
        except NotUnderstood as e:
            self.proposal = (cell, value)
            return self._again(str(e))
        return self._set(cell, typed, "said")

    def _reply_resolving(self, text: str) -> list[Message]:
        assert self.finding is not None and self.flow is not None
        if not text.strip():
            if self.suggested is None:
                return self._again(self.words.t("resolve.name_a_box", example=self._name(self._example_cell())))
            return self._fix(self.suggested)
        if understand.is_word(self.words, "later", text):
            return self._defer()
        cell = self._cell_from(text.strip(), self.finding.column)
        if cell is None or cell[1] is None and self.flow.by_id[cell[0]].columns != (None,):
            return self._again(self.words.t("resolve.name_a_box", example=self._name(self._example_cell())))
        return self._fix(cell)

    def _reply_accepting(self, text: str) -> list[Message]:
        assert self.finding is not None
        reason = text.strip()
        if not reason:
            return self._again(self.words.t("accept.need_reason"))
        if not understand.is_reason(reason):
            return self._again(self.words.t("accept.say_more"))
        if self.read_only:
            return self._read_only()
        rule, column = self.finding.key
        self.store.acknowledge(self.report_id, rule, column, reason)
        self.finding = None
        return [Message("say", self.words.t("accept.kept"))] + self._next()

    def _reply_confirming(self, text: str) -> list[Message]:
        answer = understand.yes_no(self.words, text)
        if answer is None:
            return self._again(self.words.t("understand.yes_no"))
        if not answer:
            return [Message("say", self.words.t("confirm.kept_draft", id=self.report_id))] + self._reprompt()
        if self.read_only:
            return self._read_only()
        self.store.confirm(self.report_id)
        self.finish()
        self.prompt = None
        return [Message("say", self.words.t("confirm.done", id=self.report_id))]

    def _reply_identifying(self, text: str) -> list[Message]:
        offered = self.identification
        assert offered is not None and self.flow is not None
        answer = understand.yes_no(self.words, text)
        if answer is None:
            return self._again(self.words.t("understand.yes_no"))
        self.identification = None
        if not answer:
            return self._next()
        carry.accept(self.store, self.report_id, offered)
        self.answers = dict(self.store.answers(self.report_id))
        self.ev = evaluate(self.flow, self.answers)
        return [Message("say", self.words.t("same.copied", year=offered.previous.year))] + self._next()

    def _offer_identification(self, offered: carry.Offer) -> list[Message]:
        """Last year's identification, shown and offered as one answer."""
        self.offer_identification()
        return self._identification_prompt(offered)

    def _identification_prompt(self, offered: carry.Offer) -> list[Message]:
        assert self.flow is not None
        out = [Message("say", self.words.t("same.intro", year=offered.previous.year))]
        for cell, value in offered.answers.items():
            if value in (None, ""):
                continue
            shown = explain.display(self.flow, self.words, cell[0], value)
            out.append(Message("say", self.words.t("same.line", label=self._label(cell[0]), value=shown)))
        return out + self._prompt("same", self.words.t("same.question", year=offered.previous.year))

    def _warnings(self, ev: Evaluation) -> list[Finding]:
        """The engine's warnings, and where carried-forward figures differ from last year's report."""
        if not ev.flow.flow.carried_forward:
            return ev.warnings
        last = self._last_year()
        if last is None:
            return ev.warnings
        return ev.warnings + carry.compare(ev.flow, last[0], last[1], ev, self.words)

    # ----- answers ----------------------------------------------------------------------------------

    def _store(self, cell: Cell, value: Value, how: str) -> list[Message]:
        """Write one answer through to the store (committed before anything else happens)."""
        if self.read_only:
            return self._read_only()
        self.store.set_answer(self.report_id, cell, value, how)
        if cell[0] == self.flow.flow.organization:  # type: ignore[union-attr]
            self.store.set_organization(self.report_id, value)
        self.answers[cell] = value
        if cell in self.recent:
            self.recent.remove(cell)
        self.recent.append(cell)
        return []

    def _set(self, cell: Cell, value: Value, how: str) -> list[Message]:
        if self.read_only:
            return self._read_only()
        out = self._store(cell, value, how)
        return out + self._after_change(cell)

    def _after_change(self, cell: Cell) -> list[Message]:
        """Say what the change implies (totals, warnings, skips), then move on."""
        before = self.ev
        assert self.flow is not None and before is not None
        self.ev = evaluate(self.flow, self.answers)
        out = self._announce(before, self.ev)
        return out + self._after_answer(cell)

    def _after_answer(self, cell: Cell) -> list[Message]:
        if self.detour:
            self.detour = False
            fixed = self.finding is not None and all(f.key != self.finding.key for f in self.ev.errors)  # type: ignore[union-attr]
            if fixed:
                self.finding = None
                return [Message("say", self.words.t("resolve.fixed"))] + self._next()
            return self._next()
        self.cursor = cell
        return self._next()

    def _announce(self, before: Evaluation, after: Evaluation) -> list[Message]:
        flow = after.flow
        out: list[Message] = []
        old = before.derived()
        for cell, value in after.derived().items():
            if old.get(cell) != value:
                total = self.words.report.boxes[cell[0]].total  # type: ignore[union-attr]
                kind = explain.box_kind(flow, cell[0])
                # A plural phrase after "1" reads wrongly, so 1 has its own wording.
                key = "total.makes_one" if value == 1 and kind == "count" else "total.makes"
                out.append(Message("total", self.words.t(key, value=self.words.value(value, kind), total=total, cell=self._name(cell)), cell=cell))
        new_stray = [c for c in after.stray if c not in before.stray]
        if new_stray:
            reason = explain.route_reason(flow, self.words, after.skipped_by[new_stray[0]])
            out.append(Message("notice", self.words.t("route.now_skipped", cells=_cells_text(self, new_stray), why=reason)))
        for f in self._warnings(after):
            if f.key not in self.said_warnings and f.key not in self._acknowledged():
                self.said_warnings.add(f.key)
                out.append(Message("warning", self.words.t("warning.line", text=explain.summary(flow, self.words, f))))
        out += self._announce_notices(set(before.notices))
        return out

    def _announce_notices(self, before: set[str]) -> list[Message]:
        assert self.ev is not None
        return [
            Message("notice", self.words.report.notices[n])  # type: ignore[union-attr]
            for n in self.ev.notices
            if n not in before
        ]

    def _acknowledged(self) -> dict:
        return self.store.acknowledgements(self.report_id)

    # ----- what comes next ----------------------------------------------------------------------------

    def _next(self) -> list[Message]:
        ev = self.ev
        assert ev is not None and self.flow is not None
        plan = planner.next_exchange(
            ev, cursor=self.cursor, declined=self.declined_proposal, deferred=self.deferred,
            acknowledged=self._acknowledged, warnings=self._warnings,
        )
        if isinstance(plan, planner.Resolve):
            if not plan.reopened:
                return self._open_conflict(plan.finding)
            # Deferred errors: confirmation needs them resolved.
            self.deferred.clear()
            return [Message("say", self.words.t("confirm.errors_first"))] + self._open_conflict(plan.finding)
        if isinstance(plan, planner.ChooseQuestionnaire):
            return self._offer_type()
        if isinstance(plan, planner.ChooseGroup):
            return self._offer_group(plan.group)
        if isinstance(plan, planner.Propose):
            return self._propose(plan.cell, plan.value)
        if isinstance(plan, planner.Ask):
            return self._ask(plan.cell)
        if isinstance(plan, planner.Accept):
            return self._accept(plan.finding)
        return self._confirm()

    def _askable(self) -> list[Cell]:
        assert self.ev is not None
        return planner.askable(self.ev)

    def _next_cell(self) -> Cell | None:
        assert self.ev is not None
        return planner.next_cell(self.ev, self.cursor)

    # ----- prompts -------------------------------------------------------------------------------------

    def _prompt(self, tag: str, text: str, choices: list[str] | tuple[str, ...] = ()) -> list[Message]:
        self.prompt = Message("prompt", text, tag=tag, choices=tuple(choices))
        return [self.prompt]

    def _reprompt(self) -> list[Message]:
        return [self.prompt] if self.prompt is not None else []

    def _again(self, problem: str) -> list[Message]:
        """Not understood: say what is expected, and ask again. Nothing is stored."""
        return [Message("error", self.words.t("error.line", text=problem))] + self._reprompt()

    def _name(self, cell: Cell) -> str:
        return explain.cell_name(self.flow, self.words, cell)  # type: ignore[arg-type]

    def _label(self, box_id: str) -> str:
        text = self.words.report.boxes[box_id]  # type: ignore[union-attr]
        return text.label or self.flow.by_id[box_id].box.label  # type: ignore[union-attr]

    def _option_labels(self, box_id: str) -> dict[str, str] | None:
        return self.words.report.boxes[box_id].options  # type: ignore[union-attr]

    def _section_intro(self, cell: Cell) -> list[Message]:
        section = self.flow.section_of(cell[0])  # type: ignore[union-attr]
        if section.id == self.section:
            return []
        self.section = section.id
        text = self.words.report.sections.get(section.id)  # type: ignore[union-attr]
        title = (text.title if text and text.title else None) or section.title
        out = [Message("section", self.words.t("section.title", id=section.id, title=title))]
        if text and text.intro:
            out.append(Message("say", text.intro))
        if section.provisional or any(b.provisional for b in section.boxes):
            out.append(Message("notice", self.words.t("section.provisional")))
        return out

    def _ask(self, cell: Cell) -> list[Message]:
        assert self.flow is not None
        if cell == self._questionnaire():
            return self._offer_type()
        self.ask()
        self.asking = cell
        info = self.flow.by_id[cell[0]]
        text = self.words.report.boxes[cell[0]]  # type: ignore[union-attr]
        question = text.question
        current = self.answers.get(cell)
        if current is not None:
            question = self.words.t("ask.with_current", question=question, value=explain.display(self.flow, self.words, cell[0], current))
        elif info.box.optional:
            question = self.words.t("ask.optional", question=question)
        choices: list[str] = []
        if info.box.kind == "choice":
            labels = self._option_labels(cell[0]) or {}
            choices = [labels.get(o.id, o.label) for o in info.box.options or []]
        out = self._section_intro(cell)
        self.prompt = Message("prompt", question, tag=self._name(cell), choices=tuple(choices), cell=cell)
        return out + [self.prompt]

    def _said_changed(self, cell: Cell, changed: bool) -> list[Message]:
        if not changed:
            return []
        value = explain.display(self.flow, self.words, cell[0], self.answers[cell])  # type: ignore[arg-type]
        return [Message("say", self.words.t("change.done", box=self._name(cell), value=value))]

    def _offer_type(self, problem: str | None = None) -> list[Message]:
        """[type]: the questionnaire box, asked as the IPC's system asks it at the end of section 2."""
        cell = self._questionnaire()
        assert cell is not None and self.flow is not None
        self.offer_type()
        self.zero_pending = False
        self.asking = cell
        question = self.words.report.boxes[cell[0]].question  # type: ignore[union-attr]
        current = self.answers.get(cell)
        if current is not None:
            question = self.words.t("ask.with_current", question=question, value=explain.display(self.flow, self.words, cell[0], current))
        labels = self._option_labels(cell[0]) or {}
        choices = [labels.get(o.id, o.label) for o in self.flow.by_id[cell[0]].box.options or []]
        out = [Message("error", self.words.t("error.line", text=problem))] if problem else self._section_intro(cell)
        return out + self._prompt("type", question, choices)

    def _offer_group(self, group: Group) -> list[Message]:
        self.offer_group()
        self.group = group
        self.asking = group.parts[0]
        total_name = self._name(group.total)
        choices = [f"{self._label(p[0])} ({p[0]})" for p in group.parts]
        if (neither := self._neither(group)) is not None:
            choices.append(neither)
        out = self._section_intro(group.parts[0])
        column = ""
        if group.total[1]:
            column = self.words.t("group.column", column=explain.column_label(self.flow, self.words, group.total[1]))  # type: ignore[arg-type]
        tag = group.tag if group.total[1] is None else f"{group.tag} {group.total[1]}"
        return out + self._prompt(tag, self.words.t("group.question", total=total_name, column=column), choices)

    def _propose(self, cell: Cell, value: Value) -> list[Message]:
        self.propose()
        self.proposal = (cell, value)
        self.asking = cell
        kind = self.flow.by_id[cell[0]].box.kind  # type: ignore[union-attr]
        out = self._section_intro(cell)
        self.prompt = Message(
            "prompt",
            self.words.t("propose.question", value=self.words.value(value, kind), label=self._label(cell[0])),
            tag=self._name(cell),
            cell=cell,
        )
        return out + [self.prompt]

    def _open_conflict(self, finding: Finding) -> list[Message]:
        self.conflict()
        self.finding = finding
        self.suggested = self._likeliest(finding)
        flow = self.flow
        assert flow is not None
        out = [Message("error", self.words.t("error.line", text=explain.summary(flow, self.words, finding)))]
        if fix := explain.fix(self.words, finding):
            out.append(Message("help", fix))
        if self.suggested is not None:
            text = self.words.t("resolve.question_suggested", box=self._name(self.suggested))
        else:
            text = self.words.t("resolve.question")
        return out + self._prompt("resolve", text)

    def _likeliest(self, finding: Finding) -> Cell | None:
        """The box most likely wrong: the most recently answered of those the relation adds up."""
        assert self.flow is not None
        candidates: list[Cell] = []
        for box_id in finding.boxes:
            info = self.flow.by_id.get(box_id)
            if info is None:
                continue
            cell = cell_in_column(info, finding.column)
            if cell is None:
                continue
            if info.formula is not None:
                candidates += [c for c in _base_cells(self.flow, cell)]
            else:
                candidates.append(cell)
        for cell in reversed(self.recent):
            if cell in candidates:
                return cell
        return next((c for c in candidates if self.answers.get(c) is not None), None)

    def _example_cell(self) -> Cell:
        """A box of the open finding, to show how a box number is typed."""
        assert self.finding is not None and self.flow is not None
        return self.suggested or cell_in_column(self.flow.by_id[self.finding.boxes[0]], self.finding.column) or (self.finding.boxes[0], None)

    def _fix(self, cell: Cell) -> list[Message]:
        assert self.flow is not None and self.ev is not None
        info = self.flow.by_id[cell[0]]
        if info.formula is not None:
            return self._again(self.words.t("resolve.is_total", box=self._name(cell), formula=explain.formula_text(self.flow, self.words, cell[0])))
        if not self.ev.on_route(cell):
            return self._again(self.words.t("goto.skipped", box=self._name(cell), why=explain.route_reason(self.flow, self.words, self.ev.skipped_by[cell])))
        self.detour = True
        return self._ask(cell)

    def _defer(self) -> list[Message]:
        assert self.finding is not None
        self.deferred.add(self.finding.key)
        self.finding = None
        return [Message("say", self.words.t("resolve.deferred"))] + self._next()

    def _accept(self, finding: Finding) -> list[Message]:
        self.accept_warning()
        self.finding = finding
        out = [Message("warning", self.words.t("warning.line", text=explain.summary(self.flow, self.words, finding)))]  # type: ignore[arg-type]
        return out + self._prompt("accept", self.words.t("accept.question"))

    def _confirm(self) -> list[Message]:
        self.wrap_up()
        out = [Message("say", self.words.t("confirm.ready"))]
        return out + self._prompt("confirm", self.words.t("confirm.question"))

    def _quit(self) -> list[Message]:
        self.finish()
        self.prompt = None
        if self.report_id is None:
            return [Message("say", self.common.t("quit.nothing"))]
        return [Message("say", self.words.t("quit.saved", id=self.report_id))]

    def _read_only(self) -> list[Message]:
        return [Message("error", self.words.t("error.line", text=self.words.t("start.read_only")))] + self._reprompt()

    # ----- commands ------------------------------------------------------------------------------------

    def _command(self, cmd: Command) -> list[Message]:
        handler: Callable[[Command], list[Message]] = getattr(self, f"_cmd_{cmd.name}")
        return handler(cmd)

    def _current_box(self) -> str | None:
        if self.state in ("asking", "proposing", "choosing_group", "choosing_type") and self.asking is not None:
            return self.asking[0]
        return None

    def _cmd_help(self, cmd: Command) -> list[Message]:
        box = self._current_box()
        out = []
        if box is not None:
            out.append(Message("help", self.words.report.boxes[box].help))  # type: ignore[union-attr]
        key = "help.confirming_zero" if self.state == "choosing_type" and self.zero_pending else f"help.{self.state}"
        out.append(Message("help", self.words.t(key) if key in self.words.common.messages else self.words.t("help.commands")))
        return out + self._reprompt()

    def _cmd_why(self, cmd: Command) -> list[Message]:
        assert self.flow is not None and self.ev is not None
        box = (cmd.box or "").split(" ")[0] or self._current_box()
        if box is None:
            return [Message("help", self.words.t("why.general"))] + self._reprompt()
        if box not in self.flow.by_id:
            section = next((s for s in self.flow.flow.sections if s.id == box), None)
            if section is None:
                return self._again(self.words.t("goto.unknown", box=box))
            box = section.boxes[0].id
        info = self.flow.by_id[box]
        skipped = [c for c in info.cells() if not self.ev.on_route(c)]
        if skipped and len(skipped) == len(info.cells()):
            reason = explain.route_reason(self.flow, self.words, self.ev.skipped_by[skipped[0]])
            return [Message("help", self.words.t("why.skipped", box=box, why=reason))] + self._reprompt()
        return [Message("help", self.words.report.boxes[box].why)] + self._reprompt()  # type: ignore[union-attr]

    def _cmd_back(self, cmd: Command) -> list[Message]:
        cells = self._askable()
        here = self.asking if self.asking in cells else self._next_cell()
        if here in cells:
            index = cells.index(here)
        else:
            index = len(cells)
        previous = [c for c in cells[:index] if self.answers.get(c) is not None]
        if not previous:
            return [Message("say", self.words.t("back.at_start"))] + self._reprompt()
        self.cursor = previous[-1]
        self.detour = False
        return self._ask(previous[-1])

    def _cmd_skip(self, cmd: Command) -> list[Message]:
        cell = self.asking if self.state == "asking" else None
        if cell is None or not self.flow.by_id[cell[0]].box.optional:  # type: ignore[union-attr]
            return [Message("say", self.words.t("skip.not_optional", id=self.report_id))] + self._reprompt()
        return self._set(cell, "", "said")

    def _cmd_later(self, cmd: Command) -> list[Message]:
        if self.state == "resolving":
            return self._defer()
        return self._reply_text_fallback("later")

    def _reply_text_fallback(self, text: str) -> list[Message]:
        handler: Callable[[str], list[Message]] = getattr(self, f"_reply_{self.state}")
        return handler(text)

    def _cmd_review(self, cmd: Command) -> list[Message]:
        lines = review_lines(self.flow, self.words, self.ev, self._acknowledged(), self._warnings(self.ev))  # type: ignore[arg-type]
        return [Message("review", line) for line in lines] + self._reprompt()

    def _cmd_left(self, cmd: Command) -> list[Message]:
        assert self.ev is not None
        left = [c for c in self._askable() if self.ev.values.get(c) is None]
        if not left:
            return [Message("say", self.words.t("left.none"))] + self._reprompt()
        sections = sorted({self.flow.section_of(c[0]).id for c in left}, key=lambda s: [s2.id for s2 in self.flow.flow.sections].index(s))  # type: ignore[union-attr]
        return [Message("say", self.words.t("left.some", count=len(left), cells=_cells_text(self, left), sections=", ".join(sections)))] + self._reprompt()

    def _cmd_goto(self, cmd: Command) -> list[Message]:
        assert self.flow is not None and self.ev is not None
        target = cmd.box or ""
        cell = self._cell_from(target, None)
        if cell is None:
            section = next((s for s in self.flow.flow.sections if s.id == target), None)
            if section is None:
                return self._again(self.words.t("goto.unknown", box=target))
            cells = [c for c in self._askable() if self.flow.section_of(c[0]).id == section.id]
            if not cells:
                first = self.flow.by_id[section.boxes[0].id].cells()[0]
                why = explain.route_reason(self.flow, self.words, self.ev.skipped_by[first])
                return self._again(self.words.t("goto.section_skipped", section=section.id, why=why))
            cell = cells[0]
        elif cell[1] is None and self.flow.by_id[cell[0]].columns != (None,):
            cell = (cell[0], self.flow.by_id[cell[0]].columns[0])
        info = self.flow.by_id[cell[0]]
        if info.formula is not None:
            return self._again(self.words.t("resolve.is_total", box=self._name(cell), formula=explain.formula_text(self.flow, self.words, cell[0])))
        if not self.ev.on_route(cell):
            return self._again(self.words.t("goto.skipped", box=self._name(cell), why=explain.route_reason(self.flow, self.words, self.ev.skipped_by[cell])))
        self.cursor = cell
        self.detour = False
        self.declined_proposal = cell
        return self._ask(cell)

    def _cmd_change(self, cmd: Command) -> list[Message]:
        assert self.flow is not None and self.ev is not None
        cell = self._cell_from(cmd.box or "", None)
        if cell is None:
            return self._again(self.words.t("goto.unknown", box=cmd.box))
        info = self.flow.by_id[cell[0]]
        if info.formula is not None:
            return self._again(self.words.t("resolve.is_total", box=self._name(cell), formula=explain.formula_text(self.flow, self.words, cell[0])))
        if cell[1] is None and info.columns != (None,):
            return self._again(self.words.t("change.which_column", box=cell[0]))
        if cmd.value is None:
            return self._cmd_goto(Command("goto", self._name(cell)))
        try:
            value = understand.value_for(self.words, info.box, cmd.value, self._option_labels(cell[0]))
        except NotUnderstood as e:
            return self._again(str(e))
        if self.read_only:
            return self._read_only()
        if cell == self._questionnaire():
            return self._choose_questionnaire(value, changed=True)  # type: ignore[arg-type]
        out = self._store(cell, value, "said")
        before = self.ev
        self.ev = evaluate(self.flow, self.answers)
        out.append(Message("say", self.words.t("change.done", box=self._name(cell), value=self.words.value(value, info.box.kind))))
        out += self._announce(before, self.ev)
        if self.state in ("resolving", "accepting", "confirming") or any(f.key not in self.deferred for f in self.ev.errors):
            if self.finding is not None and all(f.key != self.finding.key for f in self.ev.findings):
                self.finding = None
            return out + self._next()
        if self.state == "asking" and self.asking == cell:
            return out + self._after_answer(cell)
        if self.state in ("choosing_group", "proposing") and cell in self._offered_cells():
            # The one choice or the remainder offered was worked out before this change: offering it
            # again would overwrite what the filer just said, so the next question is worked out anew.
            self.group, self.proposal = None, None
            return out + self._next()
        return out + self._reprompt()

    def _cmd_language(self, cmd: Command) -> list[Message]:
        """``language fr``, or ``language`` alone for the next one: the filer and the report remember it."""
        available = languages()
        if cmd.value is not None:
            wanted = cmd.value.lower()[:2]
            if wanted not in available:
                return self._again(self.words.t("language.unknown", languages=", ".join(available)))
        else:
            wanted = available[(available.index(self.language) + 1) % len(available)]
        self.language = wanted
        self.common = wording(wanted)
        self.words = wording(wanted, self.kind) if self.kind else self.common
        self.store.set_setting("language", wanted)
        if self.report_id is not None and not self.read_only:
            self.store.set_language(self.report_id, wanted)
        self.section = None
        return [Message("say", self.words.t("language.now", language=self.words.common.language_name))] + self._repeat()

    def _repeat(self) -> list[Message]:
        """The current question again, in the current words."""
        state = self.state
        if state == "asking" and self.asking is not None:
            return self._ask(self.asking)
        if state == "proposing" and self.proposal is not None:
            return self._propose(*self.proposal)
        if state == "choosing_group" and self.group is not None:
            return self._offer_group(self.group)
        if state == "choosing_type":
            return self._offer_type()
        if state == "resolving" and self.finding is not None:
            return self._open_conflict(self.finding)
        if state == "accepting" and self.finding is not None:
            return self._accept(self.finding)
        if state == "confirming":
            return self._confirm()
        # The state stays as it is: only the words change (a trigger here would leave the state).
        if state == "identifying" and self.identification is not None:
            return self._identification_prompt(self.identification)
        if state == "choosing_draft":
            return self._drafts_prompt()
        if state == "choosing_report":
            return self._report_prompt()
        if state == "choosing_year":
            return self._year_prompt()
        return self._reprompt()

    def _cell_from(self, text: str, column: str | None) -> Cell | None:
        """"4.1", "3.1 personal", or "3.1" in ``column``, as a cell of this report.

        A two-column box named without its column comes back with column None
        (unless it has one column only): the caller asks which one or takes the first.
        """
        assert self.flow is not None
        parts = text.split()
        if not parts or parts[0] not in self.flow.by_id:
            return None
        info = self.flow.by_id[parts[0]]
        if info.columns == (None,):
            return (parts[0], None)
        if len(parts) > 1:
            named = understand.column_id(self.words, " ".join(parts[1:]), info.columns)
            return (parts[0], named) if named else None
        if column in info.columns:
            return (parts[0], column)
        return (parts[0], info.columns[0]) if len(info.columns) == 1 else (parts[0], None)


def _base_cells(flow: CompiledFlow, cell: Cell) -> list[Cell]:
    info = flow.by_id[cell[0]]
    if info.formula is None:
        return [cell]
    out: list[Cell] = []
    for box_id, _ in info.formula.terms:
        sub = cell_in_column(flow.by_id[box_id], cell[1])
        if sub is not None:
            out += _base_cells(flow, sub)
    return out


def _cells_text(conv: Conversation, cells: list[Cell]) -> str:
    names = [conv._name(c) for c in cells]
    if len(names) > 8:
        return conv.words.t("cells.many", first=", ".join(names[:6]), count=len(names) - 6)
    return ", ".join(names)


def review_lines(flow: CompiledFlow, words: Wording, ev: Evaluation, acknowledged: dict,
                 warnings: list[Finding] | None = None) -> list[str]:
    """Every answer so far, section by section, with totals and open findings."""
    lines: list[str] = []
    for section in flow.flow.sections:
        text = words.report.sections.get(section.id)  # type: ignore[union-attr]
        title = (text.title if text and text.title else None) or section.title
        cells = [c for b in section.boxes for c in flow.by_id[b.id].cells()]
        if not any(ev.on_route(c) for c in cells):
            reason = explain.route_reason(flow, words, ev.skipped_by[cells[0]])
            lines.append(words.t("review.section_skipped", id=section.id, title=title, why=reason))
            continue
        rows = []
        for box in section.boxes:
            info = flow.by_id[box.id]
            shown = []
            for cell in info.cells():
                value = ev.values.get(cell)
                if not ev.on_route(cell) or value is None:
                    continue
                text_value = explain.display(flow, words, box.id, value) if value != "" else words.t("review.empty")
                shown.append(text_value if cell[1] is None else f"{explain.column_label(flow, words, cell[1])} {text_value}")
            if not shown:
                continue
            label = (words.report.boxes[box.id].label if words.report else None) or box.label  # type: ignore[union-attr]
            mark = words.t("review.total_mark") if info.formula is not None else ""
            prov = words.t("review.provisional_mark") if box.provisional else ""
            rows.append(words.t("review.line", box=box.id, label=label, value="; ".join(shown), total=mark, provisional=prov))
        if rows:
            lines.append(words.t("section.title", id=section.id, title=title))
            lines += rows
    for f in ev.errors + (ev.warnings if warnings is None else warnings):
        if f.severity == "warning" and f.key in acknowledged:
            lines.append(words.t("review.accepted", text=explain.summary(flow, words, f), reason=acknowledged[f.key]))
        else:
            lines.append(words.t(f"review.{f.severity}", text=explain.summary(flow, words, f)))
    lines.append(words.t("review.left", count=len(ev.missing)) if ev.missing else words.t("review.all_answered"))
    return lines
