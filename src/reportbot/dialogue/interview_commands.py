"""What the commands do during an interview: why, back, skip, later, review, what's left, go to, change.

Each takes the interview and what the command names (a box as typed, "3.1
personal"; a value as typed) and answers, ending with a prompt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportbot import explain
from reportbot.dialogue import planner, understand
from reportbot.dialogue.exchanges import Asking, ChoosingGroup, Exchange, Proposing, Resolving
from reportbot.dialogue.interview import Interview
from reportbot.dialogue.log_headers import MappingHeader
from reportbot.dialogue.log_values import MappingValue
from reportbot.dialogue.messages import Message
from reportbot.dialogue.understand import NotUnderstood
from reportbot.flow.loader import Cell

if TYPE_CHECKING:
    from reportbot.store.logs import LogLoad


def help_(talk: Interview) -> list[Message]:
    box = talk.current_box()
    words = talk.words
    out = []
    if box is not None:
        out.append(Message("help", talk.report.report.boxes[box].help))
    key = talk.exchange.help_key() if talk.exchange is not None else "help.commands"
    out.append(Message("help", words.t(key) if key in words.common.messages else words.t("help.commands")))
    return out + talk.reprompt()


def why(talk: Interview, box_text: str | None) -> list[Message]:
    report = talk.report
    if box_text is None and (talk.more or talk.about):  # the error just said, or the finding under way, in full
        rest, talk.more = talk.more or talk.about, None
        return [Message("help", rest or "")] + talk.reprompt()
    box = (box_text or "").split(" ")[0] or talk.current_box()
    if box is None:
        return [Message("help", talk.words.t("why.general"))] + talk.reprompt()
    if box not in report.flow.by_id:
        section = next((s for s in report.flow.flow.sections if s.id == box), None)
        if section is None:
            return talk.again(talk.words.t("goto.unknown", box=box))
        box = section.boxes[0].id
    info = report.flow.by_id[box]
    skipped = [c for c in info.cells() if not report.ev.on_route(c)]
    if skipped and len(skipped) == len(info.cells()):
        reason = explain.route_reason(report.flow, talk.words, report.ev.skipped_by[skipped[0]])
        return [Message("help", talk.words.t("why.skipped", box=box, why=reason))] + talk.reprompt()
    said = [Message("help", report.report.boxes[box].why)]
    logged = report.store.log_cells(report.id)
    sources = report.store.answer_sources(report.id) if logged else {}
    for cell in info.cells():
        if cell in logged and sources.get(cell) == "log":
            facts = logged[cell]
            rule = explain.rule_text(talk.words, facts.rule, report.year)
            line = explain.from_log(report.flow, talk.words, cell, report.answers.get(cell), rule, facts.files)
            said.append(Message("help", line))
    load = None if any(c in logged for c in info.cells()) else report.store.log_load(report.id)
    if load is not None:
        said += _not_from_log(talk, box, load)
    return said + talk.reprompt()


def _not_from_log(talk: Interview, box: str, load: LogLoad) -> list[Message]:
    """A box a log could count that the filer's log did not: the columns its rule needs that the last load found
    missing, or, when it recorded none of them (a load from before the store kept them), all its rule needs."""
    log = talk.report.flow.log
    rule = next((b for b in log.boxes if b.box == box), None) if log is not None else None
    if log is None or rule is None:
        return []
    split = [log.split_by] if rule.split and log.split_by else []
    needs = list(dict.fromkeys([*rule.rule.needs, *split]))
    lacking = [explain.log_column(talk.words, c) for c in needs if c in load.missing]
    if len(lacking) == 1:
        return [Message("help", talk.words.t("why.not_in_log", box=box, column=lacking[0]))]
    if lacking:
        others = ", ".join(lacking[1:])
        return [Message("help", talk.words.t("why.not_in_log_many", box=box, column=lacking[0], others=others))]
    needed = [explain.log_column(talk.words, c) for c in needs]
    return [Message("help", talk.words.t("why.not_from_log", box=box, columns=", ".join(needed)))]


def back(talk: Interview) -> list[Message]:
    report = talk.report
    cells = planner.askable(report.ev)
    here = talk.asking if talk.asking in cells else planner.next_cell(report.ev, talk.cursor)
    index = cells.index(here) if here in cells else len(cells)
    previous = [c for c in cells[:index] if report.answers.get(c) is not None]
    if not previous:
        return [Message("say", talk.words.t("back.at_start"))] + talk.reprompt()
    target = previous[-1]
    if target in talk.filled:
        # Boxes reportbot filled without asking: going back objects to them all, from the first.
        target, talk.filled = talk.filled[0], ()
    elif target in talk.together:
        # Both columns given in one answer: back to the prompt that took them, to give both again.
        target = (target[0], report.flow.by_id[target[0]].columns[0])
    talk.cursor = target
    talk.detour = False
    return talk.ask(target)


def skip(talk: Interview) -> list[Message]:
    if isinstance(talk.exchange, MappingValue | MappingHeader):  # left unmapped: asked again next time
        return talk.reply("skip")
    cell = talk.asking if isinstance(talk.exchange, Asking) else None
    if cell is None or not talk.report.flow.by_id[cell[0]].box.optional:
        return [Message("say", talk.t_front("skip.not_optional", id=talk.report.id))] + talk.reprompt()
    return talk.set(cell, "", "said")


def later(talk: Interview) -> list[Message]:
    if isinstance(talk.exchange, Resolving):
        return talk.defer()
    return talk.reply("later")


def review(talk: Interview) -> list[Message]:
    # Imported when first asked for: building the view's classes costs the plain mode's start-up 5 ms.
    from reportbot import report_view
    from reportbot.render.review import review_lines

    report = talk.report
    lines = review_lines(report_view.build(report.flow, report.words, report.ev, report.findings()), report.words)
    return [Message("review", line) for line in lines] + talk.reprompt()


def left(talk: Interview) -> list[Message]:
    """The errors and unaccepted warnings first, then the boxes still to answer (as many as progress counts)."""
    report, words = talk.report, talk.words
    ev = report.ev
    out = [Message("error", words.t("error.line", text=explain.headline(report.flow, words, f))) for f in ev.errors]
    accepted = report.acknowledged()
    out += [
        Message("warning", words.t("warning.line", text=explain.summary(report.flow, words, f)))
        for f in report.warnings(ev)
        if f.key not in accepted
    ]
    cells = ev.missing
    if not cells:
        key = "left.none_but_findings" if out else "left.none"
        return out + [Message("say", words.t(key))] + talk.reprompt()
    order = [s.id for s in report.flow.flow.sections]
    sections = sorted({report.flow.section_of(c[0]).id for c in cells}, key=order.index)
    text = words.t("left.some", count=len(cells), cells=report.cells_text(cells), sections=", ".join(sections))
    return out + [Message("say", text)] + talk.reprompt()


def go_to(talk: Interview, target: str) -> list[Message]:
    """Ask a box again ("4.1", "3.1 general"), or the first box asked in a section ("6")."""
    report = talk.report
    cell = report.cell_from(target, None)
    if cell is None:
        section = next((s for s in report.flow.flow.sections if s.id == target), None)
        if section is None:
            return talk.again(talk.words.t("goto.unknown", box=target))
        cells = [c for c in planner.askable(report.ev) if report.flow.section_of(c[0]).id == section.id]
        if not cells:
            first = report.flow.by_id[section.boxes[0].id].cells()[0]
            why_ = explain.route_reason(report.flow, talk.words, report.ev.skipped_by[first])
            return talk.again(talk.words.t("goto.section_skipped", section=section.id, why=why_), why_)
        cell = cells[0]
    elif cell[1] is None and report.flow.by_id[cell[0]].columns != (None,):
        cell = (cell[0], report.flow.by_id[cell[0]].columns[0])
    problem = report.not_here(cell)
    if problem is not None:
        return talk.again(problem, talk.skipped_why(cell))
    talk.cursor = cell
    talk.detour = False
    talk.declined = cell
    return talk.ask(cell)


def change(talk: Interview, target: str, typed: str | None) -> list[Message]:
    """Change a box ("change 4.1 to 7"); without a value, ask it again."""
    report = talk.report
    cell = report.cell_from(target, None)
    if cell is None:
        return talk.again(talk.words.t("goto.unknown", box=target))
    info = report.flow.by_id[cell[0]]
    if info.formula is not None:
        formula = explain.formula_text(report.flow, talk.words, cell[0])
        return talk.again(talk.words.t("resolve.is_total", box=report.name(cell), formula=formula))
    if cell[1] is None and info.columns != (None,):
        if typed is None:
            return talk.again(talk.words.t("change.which_column", box=cell[0]))
        try:  # a figure that cannot be read is refused before its column is asked
            value = understand.value_for(talk.words, info.box, typed, report.option_labels(cell[0]))
        except NotUnderstood as e:
            return talk.again(e)
        return talk.enter(ChoosingColumn(cell[0], typed, talk.words.value(value, info.box.kind)))
    if typed is None:
        return go_to(talk, report.name(cell))
    try:
        value = understand.value_for(talk.words, info.box, typed, report.option_labels(cell[0]))
    except NotUnderstood as e:
        return talk.again(e)
    if report.read_only:
        return talk.refuse_read_only()
    if cell == report.questionnaire():
        return talk.choose_questionnaire(str(value), changed=True)
    was = report.answers.get(cell)
    report.write(cell, value, "said")
    followed = talk.follow(cell, was)
    before = report.refresh()
    done = talk.words.t("change.done", box=report.name(cell), value=talk.words.value(value, info.box.kind))
    return [Message("say", done), *followed] + report.announce(before, report.ev) + _after_change(talk, cell)


def _after_change(talk: Interview, cell: Cell) -> list[Message]:
    """After a change: the next question when it may differ now, else the question under way again."""
    report = talk.report
    state = talk.exchange.state if talk.exchange is not None else ""
    if state in ("resolving", "accepting", "confirming") or any(f.key not in talk.deferred for f in report.ev.errors):
        if talk.finding is not None and all(f.key != talk.finding.key for f in report.ev.findings):
            talk.finding = None
        return talk.next()
    if isinstance(talk.exchange, ChoosingColumn):
        return talk.next()
    if isinstance(talk.exchange, Asking) and talk.asking == cell:
        return talk.after_answer(cell)
    if isinstance(talk.exchange, (ChoosingGroup, Proposing)) and cell in talk.exchange.offered(talk):
        # The one choice or the remainder offered was worked out before this change: offering it
        # again would overwrite what the filer just said, so the next question is worked out anew.
        return talk.next()
    return talk.reprompt()


class ChoosingColumn(Exchange):
    """[10.3] "change 10.3 to 1" in a two-column box: which column gets the figure."""

    state, trigger = "choosing_column", "which_column"

    def __init__(self, box: str, typed: str, shown: str) -> None:
        self.box, self.typed, self.shown = box, typed, shown

    def _options(self, talk: Interview) -> list[tuple[str, str]]:
        flow = talk.report.flow
        return [(c, explain.column_label(flow, talk.words, c)) for c in flow.by_id[self.box].columns if c]

    def begin(self, talk: Interview) -> list[Message]:
        question = talk.words.t("change.which_column_question", box=self.box, value=self.shown)
        return talk.ask_prompt(self.box, question, [label for _, label in self._options(talk)])

    def reply(self, talk: Interview, text: str) -> list[Message]:
        try:
            column = understand.pick(talk.words, self._options(talk), text)
        except NotUnderstood as e:
            return talk.again(e)
        return change(talk, talk.report.name((self.box, column)), self.typed)
