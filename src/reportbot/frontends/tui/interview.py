"""The interview: the conversation above one answer box, the form filling up beside it."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from reportbot import explain
from reportbot.dialogue.conversation import Conversation
from reportbot.dialogue.messages import Message
from reportbot.flow.loader import Cell
from reportbot.store import StoreError
from reportbot.values import clean_text, joined_lines
from reportbot.wording import Wording, words_for

from .answer import AnswerInput
from .app import ReportbotApp
from .widgets import ChatLog, FormPanel, ProgressLine
from .words import first_word, localize_bindings, report_name


class InterviewScreen(Screen):
    """One report's conversation. The answer box always holds the focus."""

    app = getters.app(ReportbotApp)

    AUTO_FOCUS = "#answer"
    # Below 100 columns the form is hidden (F2 shows it); from 100 it sits beside the conversation.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    BINDINGS = [
        Binding("f1", "help", "tui.key.help"),
        # Here, not last as the app's: a footer cut short on a narrow terminal still shows Help and Quit.
        Binding("ctrl+q", "app.quit", "tui.key.quit"),
        Binding("f2", "toggle_form", "tui.key.form"),
        Binding("f3", "review", "tui.key.review"),
        Binding("f4", "goto", "tui.key.goto"),
        Binding("escape", "reports", "tui.key.reports"),
        Binding("pageup", "scroll_log(-1)", show=False),
        Binding("pagedown", "scroll_log(1)", show=False),
    ]

    def __init__(
        self, conversation: Conversation, words: Wording, opening: list[Message] | None = None, form: str | None = None
    ) -> None:
        super().__init__()
        self.conversation = conversation
        self.words = words
        self.opening = opening
        self.form = form  # the form being started, for the title before the report exists
        localize_bindings(self, words)

    # ----- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="title", markup=False)
        with Horizontal(id="body"):
            with Vertical(id="chat"):
                yield ChatLog(id="log")
                yield ProgressLine(self.words, id="progress")
                yield AnswerInput(self.send, id="answer", select_on_focus=False)
            yield FormPanel(self.words, id="form")
        yield Footer()

    def on_mount(self) -> None:
        answer = self.query_one("#answer", Input)
        answer.cursor_blink = self.app.cursor_blink
        messages = self.opening if self.opening is not None else self.conversation.start()
        self.opening = None
        self._show(messages)

    # ----- the exchange -------------------------------------------------------------------

    def send(self, text: str) -> None:
        """What the filer typed, to the conversation; what it says, to the screen."""
        self._exchange(text, lambda: self.conversation.reply(text))

    def _exchange(self, text: str, act: Callable[[], list[Message]]) -> None:
        """Echo ``text`` (what the filer typed, or the words of the command a key gave), then show what ``act`` says."""
        if self.conversation.finished:
            self.app.show_reports()
            return
        log = self.query_one(ChatLog)
        # As stored: an escape or a bidi override typed or pasted must not reach the screen either.
        # The lines of a pasted address on one line, as the form shows them.
        shown = joined_lines(clean_text(text)) or self.words.t("tui.enter")
        log.echo(self.words.t("tui.you", text=shown))
        try:
            messages = act()
        except StoreError as e:  # disk full, read-only, locked too long: the reply may be half done, so leave
            self.app.refused(e)
            return
        self._show(messages)

    def _show(self, messages: list[Message]) -> None:
        conv = self.conversation
        if conv.language != self.words.language:  # "language fr" typed: the TUI's own words follow
            self.words = self.app.words = words_for(conv.language)
            for node in (self, self.app):
                localize_bindings(node, self.words)
            self.query_one(ProgressLine).words = self.query_one(FormPanel).words = self.words
            self.refresh_bindings()
        self.query_one(ChatLog).show(messages)
        self._title()
        answered, total = conv.progress()
        progress = self.query_one(ProgressLine)
        progress.display = total > 0  # nothing to count before the report exists
        progress.set(answered, total)
        # The question first: the form follows in the next frame.
        self.call_after_refresh(self.query_one(FormPanel).show, conv)
        answer = self.query_one(AnswerInput)
        prompt = conv.prompt
        lines_box = conv.flow.by_id.get(prompt.cell[0]) if prompt and prompt.cell and conv.flow else None
        answer.holds_lines = lines_box is not None and lines_box.box.lines
        if conv.finished or prompt is None:
            self.query_one(ChatLog).show([Message("notice", self.words.t("tui.ended"))])
            answer.placeholder = self.words.t("tui.answer.ended")
            answer.border_title = None
        else:
            answer.placeholder = self.words.t("tui.answer.choices" if prompt.choices else "tui.answer.placeholder")
            answer.border_title = Content(f"[{prompt.tag}]") if prompt.tag else None

    def _title(self) -> None:
        conv = self.conversation
        if conv.report_id is None:
            text = report_name(self.words, self.form) if self.form else self.words.t("tui.app_title")
        else:
            row = conv.store.get(conv.report_id)
            org = row.organization or self.words.t("start.no_organization")
            text = self.words.t(
                "start.report_line", id=row.id, title=report_name(self.words, row.form), year=row.year, organization=org
            )
            if conv.read_only:
                text += f" ({self.words.t('tui.read_only')})"
        title = self.query_one("#title", Static)
        if str(title.content) != text:
            title.update(Content(text))

    # ----- actions ----------------------------------------------------------------------------

    def action_help(self) -> None:
        self._exchange(first_word(self.words, "help"), self.conversation.help)

    def action_toggle_form(self) -> None:
        self.toggle_class("-form-toggled")

    def action_review(self) -> None:
        if self.conversation.flow is None:
            return
        from .review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.conversation, self.words), self._reviewed)

    def _reviewed(self, cell: Cell | None) -> None:
        if cell:
            self.go_to(cell)

    def go_to(self, cell: Cell) -> None:
        """Ask a box again through the conversation; the log shows it as "go to 4.1" or "go to 3.1 general"."""
        conv = self.conversation
        name = explain.cell_name(conv.flow, conv.words, cell) if conv.flow is not None else cell[0]
        self._exchange(f"{first_word(self.words, 'goto')} {name}", lambda: conv.go_to(*cell))

    def from_log(self, path: Path) -> None:
        """Count the report from the request log at ``path``; the log shows it as "from log FILE"."""
        quoted = shlex.quote(str(path))  # the conversation reads the names as a shell would: spaces kept
        self._exchange(f"{first_word(self.words, 'fromlog')} {quoted}", lambda: self.conversation.from_log(quoted))

    def action_goto(self) -> None:
        self.app.search_boxes()

    def action_reports(self) -> None:
        self.app.show_reports()

    def action_scroll_log(self, pages: int) -> None:
        log = self.query_one(ChatLog)
        if pages < 0:
            log.scroll_page_up(animate=False)
        else:
            log.scroll_page_down(animate=False)
