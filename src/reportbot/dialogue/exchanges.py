"""The exchanges of an interview: each holds what it asks about, words its question and reads its answer.

:meth:`Exchange.begin` says the question (the conversation's machine is already
in the exchange's state); :meth:`Exchange.reply` reads what the filer answered
and says what follows, ending with the next exchange's question.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from reportbot import carry, explain
from reportbot.dialogue import confirmation, planner, understand
from reportbot.dialogue.groups import Group
from reportbot.dialogue.messages import Message
from reportbot.dialogue.understand import NotUnderstood
from reportbot.engine import Finding
from reportbot.flow.loader import Cell, CompiledFlow, cell_in_column
from reportbot.values import Value

if TYPE_CHECKING:
    from reportbot.dialogue.interview import Interview
    from reportbot.wording import Wording


class Exchange:
    """One sort of question; the machine's ``state`` while it is asked, and the ``trigger`` that leads there."""

    state: ClassVar[str]
    trigger: ClassVar[str]
    asks_box: ClassVar[bool] = False
    """"help" and "why" speak of the box asked."""

    def begin(self, talk: Interview) -> list[Message]:
        raise NotImplementedError

    def reply(self, talk: Interview, text: str) -> list[Message]:
        raise NotImplementedError

    def again(self) -> Exchange:
        """The exchange to ask again, in new words (after ``language``)."""
        return self

    def listed(self, talk: Interview) -> tuple[str, ...]:
        """Every choice, said on "list" when the question offers only the likeliest few (empty: the prompt's own)."""
        return ()

    def offered(self, talk: Interview) -> tuple[Cell, ...]:
        """The cells this exchange would write with a value worked out before it, and those it was worked out from."""
        return ()

    def help_key(self) -> str:
        return f"help.{self.state}"


class Asking(Exchange):
    """[4.1] one box."""

    state, trigger, asks_box = "asking", "ask", True

    def __init__(self, cell: Cell) -> None:
        self.cell = cell
        self.last_year: Value | None = None  # last year's figure, offered: Enter keeps it

    def begin(self, talk: Interview) -> list[Message]:
        report, cell = talk.report, self.cell
        talk.asking = cell
        info = report.flow.by_id[cell[0]]
        question = report.report.boxes[cell[0]].question
        current = report.answers.get(cell)
        offered = report.last_years_figure(cell) if current is None else None
        other = planner.partner(report.ev, cell)
        if current is not None and other is not None and (also := report.answers.get(other)) is not None:
            first, second = report.display(cell, current), report.display(other, also)
            question = report.words.t("ask.with_current_both", question=question, first=first, second=second)
        elif current is not None:
            question = report.words.t("ask.with_current", question=question, value=report.display(cell, current))
        elif offered is not None:
            self.last_year, then = offered
            value = report.display(cell, self.last_year)
            question = report.words.t("ask.last_year", question=question, value=value, cell=report.name(then))
        elif info.box.optional:
            question = report.words.t("ask.optional", question=question)
        choices: list[str] = []
        if info.box.kind == "choice":
            labels = report.option_labels(cell[0]) or {}
            choices = [labels.get(o.id, o.label) for o in info.box.options or []]
        intro = report.section_intro(cell)
        if other is not None:
            question = _both_hint(talk, cell, question)
        return intro + talk.ask_prompt(report.name(cell), question, choices, cell=cell)

    def reply(self, talk: Interview, text: str) -> list[Message]:
        cell = self.cell
        box = talk.report.flow.by_id[cell[0]].box
        if not text.strip() and talk.report.answers.get(cell) is not None:
            return talk.after_answer(cell)
        if not text.strip() and self.last_year is not None:
            return talk.set(cell, self.last_year, "carried")
        try:
            value = understand.value_for(talk.words, box, text, talk.report.option_labels(cell[0]))
        except NotUnderstood as e:
            return _together(talk, cell, text, e)
        return _heard(talk, cell, text, value) + talk.set(cell, value, "said")


def _column(talk: Interview, column: str | None) -> str:
    """A column's label inside a sentence ("general records")."""
    label = explain.column_label(talk.report.flow, talk.words, column)
    return label[:1].lower() + label[1:]


def _both_hint(talk: Interview, cell: Cell, question: str) -> str:
    """The first two-column prompt of a section says, once, that both figures may be given together."""
    section = talk.report.flow.section_of(cell[0]).id
    if section in talk.hinted:
        return question
    talk.hinted.add(section)
    columns = talk.report.flow.by_id[cell[0]].columns
    first, second = _column(talk, columns[0]), _column(talk, columns[1])
    return talk.words.t("ask.both_columns", question=question, first=first, second=second)


def _together(talk: Interview, cell: Cell, text: str, problem: NotUnderstood) -> list[Message]:
    """Both columns in one answer at the first column's prompt ("12 and 30"), each figure read as if typed alone;
    else ``problem``, what was wrong with ``text`` as one figure."""
    report, words = talk.report, talk.words
    info = report.flow.by_id[cell[0]]
    if len(info.columns) != 2 or info.box.kind not in _NUMBERS:
        return talk.again(problem)
    other = planner.partner(report.ev, cell)
    try:
        typed = understand.figures(words, text, info.columns)
    except NotUnderstood as e:  # "12, 30": the forms that work, where two figures are taken
        if other is not None:
            return talk.again(e)
        typed = {}
    if typed is None:
        return talk.again(problem)
    if other is None:
        return talk.again(words.t("understand.one_column", column=_column(talk, cell[1])))
    values: dict[Cell, Value] = {}
    for each in (cell, other):
        try:
            values[each] = understand.value_for(words, info.box, typed[each[1]])
        except NotUnderstood as e:
            label = explain.column_label(report.flow, words, each[1])
            return talk.again(words.t("understand.in_column", column=label, text=str(e)))
    heard: list[Message] = []
    if any(understand.in_words(words, typed[c[1]]) for c in values):
        first, second = (report.display(c, v) for c, v in values.items())
        columns = {"first_column": _column(talk, cell[1]), "second_column": _column(talk, other[1])}
        heard = [Message("say", words.t("ask.heard_both", first=first, second=second, **columns))]
    return heard + talk.set_together(values)


def _heard(talk: Interview, cell: Cell, text: str, value: Value) -> list[Message]:
    """A number typed in words, said back as digits ("42.") before moving on; nothing for digits."""
    if talk.report.flow.by_id[cell[0]].box.kind not in _NUMBERS or not understand.in_words(talk.words, text):
        return []
    return [Message("say", talk.words.t("ask.heard", value=talk.report.display(cell, value)))]


_NUMBERS = frozenset({"count", "money", "decimal"})


class Proposing(Exchange):
    """[11.3.5] the remainder of a breakdown, proposed."""

    state, trigger, asks_box = "proposing", "propose", True

    def __init__(self, cell: Cell, value: Value) -> None:
        self.cell, self.value = cell, value

    def begin(self, talk: Interview) -> list[Message]:
        report, cell = talk.report, self.cell
        talk.asking = cell
        kind = report.flow.by_id[cell[0]].box.kind
        value = report.words.value(self.value, kind)
        text = report.words.t("propose.question", value=value, label=report.label(cell[0]))
        return report.section_intro(cell) + talk.ask_prompt(report.name(cell), text, cell=cell)

    def reply(self, talk: Interview, text: str) -> list[Message]:
        cell = self.cell
        answer = understand.yes_no(talk.words, text)
        if answer is True or (not text.strip()):
            return talk.set(cell, self.value, "derived")
        if answer is False:
            talk.declined = cell
            return talk.ask(cell)
        try:
            typed = understand.value_for(talk.words, talk.report.flow.by_id[cell[0]].box, text)
        except NotUnderstood as e:
            return _together(talk, cell, text, e)
        return _heard(talk, cell, text, typed) + talk.set(cell, typed, "said")

    def offered(self, talk: Interview) -> tuple[Cell, ...]:
        return (self.cell, *talk.report.breakdowns(self.cell))


def group_question(flow: CompiledFlow, words: Wording, group: Group) -> str:
    """The one choice's question, its breakdown's own ("The one theft (11.1): who took it?")."""
    column = ""
    if group.total[1]:
        column = words.t("group.column", column=explain.column_label(flow, words, group.total[1]))
    assert words.report is not None
    text = words.report.checks.get(group.rule)
    if text is not None and text.one_choice is not None:
        # Each breakdown asks its own question: a screen reader hears this line alone.
        return text.one_choice.format(column=column)
    return words.t("group.question", total=explain.cell_name(flow, words, group.total), column=column)


class ChoosingGroup(Exchange):
    """[11.3] a breakdown of a total of 1, as one choice (with "neither" when it need not add up)."""

    state, trigger, asks_box = "choosing_group", "offer_group", True

    def __init__(self, group: Group) -> None:
        self.group = group

    def _neither(self, talk: Interview) -> str | None:
        """The "none of these" answer of a breakdown that need not add up, if its dialog words one."""
        text = talk.report.report.checks.get(self.group.rule)
        return text.neither if text is not None and not self.group.binding else None

    def begin(self, talk: Interview) -> list[Message]:
        report, group = talk.report, self.group
        talk.asking = group.parts[0]
        choices = [f"{report.label(p[0])} ({p[0]})" for p in group.parts]
        if (neither := self._neither(talk)) is not None:
            choices.append(neither)
        out = report.section_intro(group.parts[0])
        tag = group.tag if group.total[1] is None else f"{group.tag} {group.total[1]}"
        return out + talk.ask_prompt(tag, group_question(report.flow, report.words, group), choices)

    def reply(self, talk: Interview, text: str) -> list[Message]:
        report, group = talk.report, self.group
        options = [(f"{p[0]}", report.label(p[0])) for p in group.parts]
        neither = self._neither(talk)
        if neither is not None:
            options.append(("neither", neither))
        try:
            if neither and understand.is_word(talk.words, "neither", text):
                picked = "neither"
            else:
                picked = understand.pick(talk.words, options, text)
        except NotUnderstood as e:
            return talk.again(e)
        if report.read_only:
            return talk.refuse_read_only()
        for part in group.parts:
            report.write(part, 1 if part[0] == picked else 0, "said" if picked in (part[0], "neither") else "derived")
        out: list[Message] = []
        if neither is not None and picked == "neither":
            # The filer said none applies: the sum's warning is answered by that, with its words as the reason.
            report.store.acknowledge(report.id, group.rule, group.total[1], neither)
            parts = ", ".join(report.name(p) for p in group.parts)
            out.append(Message("say", report.words.t("group.neither_kept", parts=parts, reason=neither)))
        return out + talk.after_change(group.parts[-1])

    def offered(self, talk: Interview) -> tuple[Cell, ...]:
        return (*self.group.parts, self.group.total)


class ChoosingQuestionnaire(Exchange):
    """[type] zero report or full report, after section 2; [zero] a zero report's carried-forward zeros, confirmed."""

    state, trigger, asks_box = "choosing_type", "offer_type", True

    def __init__(self, problem: str | None = None, zero_pending: bool = False) -> None:
        self.problem = problem
        self.zero_pending = zero_pending

    def again(self) -> Exchange:
        return ChoosingQuestionnaire()

    def help_key(self) -> str:
        return "help.confirming_zero" if self.zero_pending else "help.choosing_type"

    def begin(self, talk: Interview) -> list[Message]:
        report = talk.report
        cell = report.questionnaire()
        assert cell is not None  # only a report with a questionnaire box asks it
        if self.zero_pending:
            cells = report.cells_text(report.carried_zero_cells())
            return talk.ask_prompt("zero", report.words.t("type.zero_confirm", cells=cells, year=report.year - 1))
        talk.asking = cell
        question = report.report.boxes[cell[0]].question
        current = report.answers.get(cell)
        if current is not None:
            question = report.words.t("ask.with_current", question=question, value=report.display(cell, current))
        labels = report.option_labels(cell[0]) or {}
        choices = [labels.get(o.id, o.label) for o in report.flow.by_id[cell[0]].box.options or []]
        if self.problem:
            out = [Message("error", report.words.t("error.line", text=self.problem))]
        else:
            out = report.section_intro(cell)
        return out + talk.ask_prompt("type", question, choices)

    def reply(self, talk: Interview, text: str) -> list[Message]:
        report = talk.report
        cell = report.questionnaire()
        assert cell is not None
        if self.zero_pending:
            answer = understand.yes_no(talk.words, text)
            if answer is None:
                return talk.again(talk.words.t("understand.yes_no"))
            self.zero_pending = False
            if answer:
                return talk.choose_questionnaire("zero", confirmed=True)
            cells = report.cells_text(report.carried_zero_cells())
            declined = Message("say", talk.words.t("type.zero_declined", year=report.year - 1, cells=cells))
            return [declined] + talk.choose_questionnaire("full")
        if not text.strip() and report.answers.get(cell) is not None:
            return talk.after_answer(cell)
        try:
            box = report.flow.by_id[cell[0]].box
            picked = understand.value_for(talk.words, box, text, report.option_labels(cell[0]))
        except NotUnderstood as e:
            return talk.again(e)
        return talk.choose_questionnaire(str(picked))


def _about(talk: Interview, finding: Finding) -> tuple[str, str]:
    """What a [resolve] or [accept] prompt names: the finding's two sides (or its box), and its column."""
    report, facts = talk.report, finding.facts
    if finding.type == "relation":
        boxes = report.words.t("resolve.boxes", left=facts["left_text"].strip(), right=facts["right_text"].strip())
    else:
        boxes = finding.boxes[0]
    if finding.column is None:
        return boxes, ""
    label = explain.column_label(report.flow, report.words, finding.column)
    return boxes, report.words.t("resolve.column", column=label[:1].lower() + label[1:])


class Resolving(Exchange):
    """[resolve] an error: which box should change."""

    state, trigger = "resolving", "conflict"

    def __init__(self, finding: Finding) -> None:
        self.finding = finding
        self.suggested: Cell | None = None

    def again(self) -> Exchange:
        return Resolving(self.finding)

    def begin(self, talk: Interview) -> list[Message]:
        report, finding = talk.report, self.finding
        talk.finding = finding
        self.suggested = report.likeliest(finding)
        # One short line; the rule in plain words is one "why" away.
        headline = explain.headline(report.flow, report.words, finding)
        out = [Message("error", report.words.t("error.line", text=headline))]
        talk.about = explain.message(report.words, finding) or None
        if fix := explain.fix(report.words, finding):
            out.append(Message("help", fix))
        boxes, column = _about(talk, finding)
        if self.suggested is not None:
            text = report.words.t(
                "resolve.question_suggested", boxes=boxes, column=column, box=report.name(self.suggested)
            )
        else:
            text = report.words.t("resolve.question", boxes=boxes, column=column)
        return out + talk.ask_prompt("resolve", text)

    def _example(self, talk: Interview) -> str:
        """A box of the finding, to show how a box number is typed."""
        first = self.finding.boxes[0]
        cell = self.suggested or cell_in_column(talk.report.flow.by_id[first], self.finding.column) or (first, None)
        return talk.words.t("resolve.name_a_box", example=talk.report.name(cell))

    def reply(self, talk: Interview, text: str) -> list[Message]:
        if not text.strip():
            if self.suggested is None:
                return talk.again(self._example(talk))
            return talk.fix(self.suggested)
        if understand.is_word(talk.words, "later", text):
            return talk.defer()
        cell = talk.report.cell_from(text.strip(), self.finding.column)
        if cell is None or cell[1] is None and talk.report.flow.by_id[cell[0]].columns != (None,):
            return talk.again(self._example(talk))
        return talk.fix(cell)


class Accepting(Exchange):
    """[accept] a warning, accepted with a reason."""

    state, trigger = "accepting", "accept_warning"

    def __init__(self, finding: Finding) -> None:
        self.finding = finding

    def begin(self, talk: Interview) -> list[Message]:
        report = talk.report
        talk.finding = self.finding
        finding = self.finding
        text = explain.summary(report.flow, report.words, finding)
        boxes, column = _about(talk, finding)
        # The example changes the box just asked when the warning is about it, else the finding's first box.
        cell = talk.asking if talk.asking is not None and talk.asking[0] in finding.boxes else None
        cell = cell or cell_in_column(report.flow.by_id[finding.boxes[0]], finding.column) or (finding.boxes[0], None)
        question = report.words.t("accept.question", boxes=boxes, column=column, box=report.name(cell))
        talk.about = text
        if finding.key in report.said_warnings:  # said when the answer that raised it was given: once is enough
            return talk.ask_prompt("accept", question)
        report.said_warnings.add(finding.key)
        return [Message("warning", report.words.t("warning.line", text=text))] + talk.ask_prompt("accept", question)

    def reply(self, talk: Interview, text: str) -> list[Message]:
        reason = text.strip()
        if not reason:
            return talk.again(talk.words.t("accept.need_reason"))
        if not understand.is_reason(reason):
            return talk.again(talk.words.t("accept.say_more"))
        if talk.report.read_only:
            return talk.refuse_read_only()
        rule, column = self.finding.key
        talk.report.store.acknowledge(talk.report.id, rule, column, reason)
        talk.finding = None
        return [Message("say", talk.words.t("accept.kept"))] + talk.next()


class Confirming(Exchange):
    """[confirm] the report as final; one confirmed already is kept as it is, or changed."""

    state, trigger = "confirming", "wrap_up"

    def begin(self, talk: Interview) -> list[Message]:
        words, report = talk.words, talk.report
        row = report.store.get(report.id)
        if row.status == "confirmed":
            return talk.ask_prompt("confirm", words.t("confirm.still", id=report.id))
        ready = [Message("say", words.t("confirm.ready"))]
        if row.confirmed_at is not None:  # confirmed before: what changed since (a first confirmation reads no history)
            ready += confirmation.changes_since(report)
        return ready + talk.ask_prompt("confirm", words.t("confirm.question"))

    def reply(self, talk: Interview, text: str) -> list[Message]:
        answer = understand.yes_no(talk.words, text)
        if answer is None:
            return talk.again(talk.words.t("understand.yes_no"))
        report = talk.report
        confirmed = report.store.get(report.id).status == "confirmed"
        if not answer:
            key = "confirm.how_to_change" if confirmed else "confirm.kept_draft"
            return [Message("say", talk.words.t(key, id=report.id))] + talk.reprompt()
        if confirmed:
            talk.finish()
            return [Message("say", talk.words.t("confirm.unchanged", id=report.id))]
        if report.read_only:
            return talk.refuse_read_only()
        report.store.confirm(report.id)
        report.confirmed = True
        talk.finish()
        return [Message("say", talk.t_front("confirm.done", id=report.id))] + confirmation.stale_sheets(report)


class Identifying(Exchange):
    """[same] last year's identification, shown and offered as one answer."""

    state, trigger = "identifying", "offer_identification"

    def __init__(self, offered: carry.Offer) -> None:
        self.offer = offered

    def begin(self, talk: Interview) -> list[Message]:
        report, offered = talk.report, self.offer
        out = [Message("say", report.words.t("same.intro", year=offered.previous.year))]
        for cell, value in offered.answers.items():
            if value in (None, ""):
                continue
            line = report.words.t("same.line", label=report.label(cell[0]), value=report.display(cell, value))
            out.append(Message("say", line))
        return out + talk.ask_prompt("same", report.words.t("same.question", year=offered.previous.year))

    def reply(self, talk: Interview, text: str) -> list[Message]:
        answer = understand.yes_no(talk.words, text)
        if answer is None:
            return talk.again(talk.words.t("understand.yes_no"))
        if not answer:
            return talk.next()
        report = talk.report
        carry.accept(report.store, report.id, self.offer)
        report.reload()
        return [Message("say", talk.words.t("same.copied", year=self.offer.previous.year))] + talk.next()


def for_plan(plan: planner.Plan) -> Exchange:
    """The exchange the planner says comes next."""
    if isinstance(plan, planner.Ask):
        return Asking(plan.cell)
    if isinstance(plan, planner.Propose):
        return Proposing(plan.cell, plan.value)
    if isinstance(plan, planner.ChooseGroup):
        return ChoosingGroup(plan.group)
    if isinstance(plan, planner.ChooseQuestionnaire):
        return ChoosingQuestionnaire()
    if isinstance(plan, planner.Resolve):
        return Resolving(plan.finding)
    if isinstance(plan, planner.Accept):
        return Accepting(plan.finding)
    return Confirming()
