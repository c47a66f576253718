"""Where to write an export: the file name, asked, and a file already there replaced only when the filer says so."""

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


class ExportPathScreen(ModalScreen[Path | None]):
    """The file to write, proposed and editable; dismissed with the path to write, or None (Escape)."""

    app = getters.app(ReportbotApp)

    AUTO_FOCUS = "#export-path"
    BINDINGS = [Binding("escape", "cancel", "tui.key.back")]

    def __init__(self, words: Wording, proposed: Path) -> None:
        super().__init__()
        self.words = words
        self.proposed = proposed
        self._replacing: Path | None = None  # the existing file the filer was warned about
        localize_bindings(self, words)

    def compose(self) -> ComposeResult:
        t = self.words.t
        with Vertical(id="export-dialog"):
            yield Static(Content(t("tui.export.where")), id="export-question")
            yield Input(str(self.proposed), id="export-path")
            yield Static(Content(t("tui.export.hint")), id="export-hint")
        yield Footer()

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if not typed:
            return
        path = Path(typed).expanduser()
        path = path if path.is_absolute() else Path.cwd() / path
        if path.exists() and path != self._replacing:  # never replaced without a second Enter on the same name
            self._replacing = path
            self.query_one("#export-hint", Static).update(Content(self.words.t("tui.export.exists", path=str(path))))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
