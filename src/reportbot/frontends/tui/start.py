"""The start screen: the reports in this database; start a new one or resume one."""

from __future__ import annotations

from textual import events, getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option

from reportbot.export import progress_of
from reportbot.flow.loader import report_ids
from reportbot.wording import Wording

from .app import ReportbotApp
from .widgets import cell
from .words import localize_bindings, report_name, report_title, status_text


class ReportsTable(DataTable):
    """The reports; Enter resumes the one under the cursor."""

    BINDINGS = [Binding("enter", "select_cursor", "tui.key.resume")]


class StartScreen(Screen):
    """Drafts and confirmed reports, the most recently changed first."""

    app = getters.app(ReportbotApp)

    AUTO_FOCUS = "#reports"
    BINDINGS = [
        Binding("f1", "help", "tui.key.help"),
        Binding("n", "new", "tui.key.new"),
        Binding("q", "app.quit", "tui.key.quit", show=False),
    ]

    def __init__(self, words: Wording) -> None:
        super().__init__()
        self.words = words
        localize_bindings(self, words)

    def compose(self) -> ComposeResult:
        t = self.words.t
        yield Static(Content(t("tui.start.title")), id="title")
        yield Static(Content(t("tui.welcome")), id="start-help", classes="-hidden")
        yield Static(Content(t("tui.start.hint")), id="start-hint")
        table = ReportsTable(id="reports", cursor_type="row", zebra_stripes=False)
        localize_bindings(table, self.words)
        yield table
        yield Static(Content(t("tui.start.empty")), id="start-empty")
        yield Footer()

    def opens_on(self, key: events.Key) -> bool:
        """Whether ``key`` opens a report (the app keeps the keys typed after it for the report's screen)."""
        return key.key == "enter" and bool(self.query_one(ReportsTable).row_count)

    def on_mount(self) -> None:
        self.refresh_reports()
        if not self.query_one(ReportsTable).row_count:
            # Nothing to continue: a first-time filer goes straight to choosing a report.
            self.call_after_refresh(self.action_new)

    def on_screen_resume(self) -> None:
        self.refresh_reports()

    def refresh_reports(self) -> None:
        t = self.words.t
        rows = self.app.store.reports()
        lines = []
        for row in rows:
            done = progress_of(self.app.store, row)
            lines.append((
                str(row.id),
                report_name(self.words, row.form),
                str(row.year),
                row.organization or t("start.no_organization"),
                status_text(self.words, row),
                t("list.progress", answered=done[0], needed=done[1]) if done else t("list.unknown_progress"),
            ))
        keys = ["id", "report", "year", "organization", "status", "progress"]
        heads = [t(f"list.head.{key}") for key in keys]
        widths = [max([len(head)] + [len(line[i]) for line in lines]) for i, head in enumerate(heads)]
        # The organization takes what the other columns, their padding and the scrollbar leave.
        room = max(self.size.width, 80) - sum(w for i, w in enumerate(widths) if i != 3) - 2 * len(keys) - 4
        widths[3] = max(12, min(widths[3], room))
        table = self.query_one(ReportsTable)
        table.clear(columns=True)
        for key, head, width in zip(keys, heads, widths, strict=True):
            table.add_column(cell(head), width=width, key=key)
        for row, line in zip(rows, lines, strict=True):
            table.add_row(*(cell(text, "", width) for text, width in zip(line, widths, strict=True)), key=str(row.id))
        self.query_one("#start-empty").display = not rows
        self.query_one("#start-hint").display = bool(rows)
        table.display = bool(rows)
        if rows:
            table.focus()

    @on(DataTable.RowSelected, "#reports")
    def _resume(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:  # every row of the table is keyed by its report's number
            self.app.open_report(report_id=int(event.row_key.value))

    def action_help(self) -> None:
        """F1: what reportbot does and its keys, shown or hidden above the list."""
        self.query_one("#start-help").toggle_class("-hidden")

    def action_new(self) -> None:
        # A first start (no report yet) is welcomed in the chooser it opens on.
        first = not self.app.store.reports()
        self.app.push_screen(NewReportScreen(self.words, welcome=first), self._chosen)

    def _chosen(self, form: str | None) -> None:
        if form:
            self.app.open_report(form=form)


class NewReportScreen(ModalScreen[str | None]):
    """Which report: chosen from a list; the conversation then asks the year."""

    app = getters.app(ReportbotApp)

    AUTO_FOCUS = "#forms"
    BINDINGS = [
        Binding("f1", "help", "tui.key.help"),
        Binding("escape", "cancel", "tui.key.back"),
    ]

    def __init__(self, words: Wording, welcome: bool = False) -> None:
        super().__init__()
        self.words = words
        self.welcome = welcome
        self.forms = report_ids()
        localize_bindings(self, words)

    def compose(self) -> ComposeResult:
        t = self.words.t
        # Numbered, as the line mode numbers them: a digit picks one.
        options = [
            Option(Content(f"{n}. {report_title(self.words, form)}"), id=form) for n, form in enumerate(self.forms, 1)
        ]
        with Vertical(id="new-dialog"):
            yield Static(Content(t("tui.welcome")), id="new-welcome", classes="" if self.welcome else "-hidden")
            yield Static(Content(t("start.report_question")), id="new-question")
            yield OptionList(*options, id="forms")
            yield Static(Content(t("tui.new.hint")), id="new-hint")
        yield Footer()

    @on(OptionList.OptionSelected, "#forms")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def opens_on(self, key: events.Key) -> bool:
        """Whether ``key`` picks a report to start: Enter on the list, or its number."""
        return key.key == "enter" or self._number(key) is not None

    def _number(self, key: events.Key) -> int | None:
        digit = key.character
        return int(digit) if digit and digit.isdigit() and 1 <= int(digit) <= len(self.forms) else None

    def on_key(self, event: events.Key) -> None:
        number = self._number(event)
        if number is not None:
            event.stop()
            self.dismiss(self.forms[number - 1])

    def action_help(self) -> None:
        self.query_one("#new-welcome").toggle_class("-hidden")

    def action_cancel(self) -> None:
        self.dismiss(None)
