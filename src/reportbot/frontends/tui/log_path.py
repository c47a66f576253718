"""Which request log to count the report from: its path, asked, for the conversation's ``from log FILE``."""

from __future__ import annotations

from pathlib import Path

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from reportbot.wording import Wording

from .app import ReportbotApp
from .words import localize_bindings


class LogPathScreen(ModalScreen[Path | None]):
    """The log file to read; dismissed with its path, or None (Escape). The conversation says if it cannot be read."""

    app = getters.app(ReportbotApp)

    AUTO_FOCUS = "#log-path"
    BINDINGS = [Binding("escape", "cancel", "tui.key.back")]

    def __init__(self, words: Wording) -> None:
        super().__init__()
        self.words = words
        localize_bindings(self, words)

    def compose(self) -> ComposeResult:
        t = self.words.t
        with Vertical(id="log-path-dialog", classes="path-dialog"):
            yield Static(Content(t("tui.log.where")), classes="path-question")
            yield Input(id="log-path")
            yield Static(Content(t("tui.log.hint")), classes="path-hint")
        yield Footer()

    @on(Input.Submitted, "#log-path")
    def _submitted(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if typed:
            path = Path(typed).expanduser()
            self.dismiss(path if path.is_absolute() else Path.cwd() / path)

    def action_cancel(self) -> None:
        self.dismiss(None)
