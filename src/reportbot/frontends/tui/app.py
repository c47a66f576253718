"""The reportbot Textual app: :func:`make_app` builds it (for the CLI and the tests), :func:`run_tui` runs it."""

from __future__ import annotations

import datetime as _dt
import os
import select
import sys
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from reportbot import startup
from reportbot.dialogue.conversation import Conversation
from reportbot.dialogue.messages import Message
from reportbot.errors import ReportbotError
from reportbot.wording import words_for

from . import themes

if TYPE_CHECKING:  # imported when first shown: the app module is read before any screen
    from reportbot.dialogue.from_log import LogSource

    from .interview import InterviewScreen
from .words import localize_bindings

THEME_SETTING = "tui.theme"
HUNG_UP = 129  # the exit code of a process ended by SIGHUP, as the shell reports it


class ReportbotApp(App[int]):
    """Reports list, interview and review over one store, in one language."""

    TITLE = "reportbot"
    # Every screen's stylesheet, read once at start-up (a screen's own CSS_PATH would re-parse on first show).
    CSS_PATH = ["app.tcss", "start.tcss", "interview.tcss", "review.tcss"]
    BINDINGS = [
        Binding("ctrl+q", "quit", "tui.key.quit", priority=True),
        Binding("ctrl+p", "command_palette", "tui.key.commands", show=False, priority=True),
    ]

    def __init__(
        self,
        store,
        language: str = "en",
        *,
        report_id: int | None = None,
        form: str | None = None,
        year: int | None = None,
        log: LogSource | None = None,
        theme: str | None = None,
        today: _dt.date | None = None,
        cursor_blink: bool = True,
    ) -> None:
        super().__init__()
        self.store = store
        self.language = language
        self.words = words_for(language)
        self.today = today
        self.cursor_blink = cursor_blink
        # log: new --from-log, counted once the report is open.
        where = (("report_id", report_id), ("form", form), ("year", year), ("log", log))
        self.where = {k: v for k, v in where if v is not None}
        self.conversation: Conversation | None = None
        self.opening: list[Message] | None = None
        self.farewell: str | None = None
        self.refusal: str | None = None  # the store's one line, when it refused an answer
        self.hung_up = False
        self._early_keys: list[events.Key] = []  # typed while a screen was being built, kept for its answer line
        self._opening = False  # a key that opens a screen was typed: the keys after it are the new screen's
        localize_bindings(self, self.words)
        for offered in themes.REGISTERED:
            self.register_theme(offered)
        self._start_theme(self._first_theme(theme))
        # Animations off unless the filer asks for them (TEXTUAL_ANIMATIONS=full).
        if "TEXTUAL_ANIMATIONS" not in os.environ:
            self.animation_level = "none"

    def _first_theme(self, asked: str | None) -> str:
        names = {name for name, _ in themes.CHOICES}
        if asked in names:
            return asked
        try:
            stored = self.store.get_setting(THEME_SETTING)
        except Exception:  # an unreadable setting never stops the app
            stored = None
        stored = themes.RENAMED.get(stored, stored) if isinstance(stored, str) else stored
        if self.no_color:  # NO_COLOR wins over a remembered choice
            return themes.NO_COLOR
        if stored in names:
            return stored
        return themes.DEFAULT

    def _start_theme(self, name: str) -> None:
        """Start in theme ``name``: what Textual's theme watcher does, but for re-reading every stylesheet.

        Nothing is read yet: the stylesheets are read once, at start, with the
        theme's variables (setting ``self.theme`` here would read them twice).
        """
        self.set_reactive(App.theme, name)
        self.stylesheet.set_variables(self.get_css_variables())
        dark = self.current_theme.dark
        self.update_classes({f"-theme-{name}": True, "-dark-mode": dark, "-light-mode": not dark}, update=False)
        self._refresh_truecolor_filter(self.ansi_theme)
        self._colour_filter()

    def watch_theme(self) -> None:
        self._colour_filter()

    def _colour_filter(self) -> None:
        """Under NO_COLOR, drop colour with the filter that suits the theme.

        Textual picks it once, for the theme it starts with: a theme of the
        terminal's own colours needs colour removed (NoColor), any other
        needs it turned to greys (Monochrome), or its text turns black.
        """
        if not self.no_color:
            return
        from textual.filter import Monochrome, NoColor

        wanted = NoColor() if self.current_theme.ansi else Monochrome()
        self._filters = [f for f in self._filters if not isinstance(f, (NoColor, Monochrome))] + [wanted]
        self.refresh()

    # ----- conversations -----------------------------------------------------------------------

    def begin(self) -> None:
        """Start the conversation asked for on the command line (before the first frame, so it shows at once).

        Raises what :class:`Conversation` raises for an unknown form or report id.
        """
        if self.where and self.conversation is None:
            self.conversation = self._conversation(**self.where)
            self.opening = self.conversation.start()

    def _conversation(self, **where) -> Conversation:
        return Conversation(self.store, language=self.language, today=self.today, front="tui", **where)

    def get_default_screen(self) -> Screen:
        if self.where:
            from .interview import InterviewScreen

            self.begin()
            assert self.conversation is not None
            opening, self.opening = self.opening, None
            form = self.where.get("form")
            return InterviewScreen(self.conversation, self.words, opening, form=form if isinstance(form, str) else None)
        from .start import StartScreen

        return StartScreen(self.words)

    def open_report(self, **where) -> None:
        """Leave any current conversation and hold one on this report (report_id=) or a new one (form=)."""
        from .interview import InterviewScreen

        self._leave()
        try:
            conversation = self._conversation(**where)
            opening = conversation.start()
        except ReportbotError as e:
            self.notify(said(e, self.language), severity="error", markup=False)
            return
        self.conversation = conversation
        self.push_screen(InterviewScreen(conversation, self.words, opening, form=where.get("form")))

    def show_reports(self) -> None:
        """Back to the list of reports (the conversation is let go; everything is saved)."""
        from .start import StartScreen

        self._leave()
        stack = self.screen_stack
        starts = [s for s in stack if isinstance(s, StartScreen)]
        if starts:
            while self.screen is not starts[-1]:
                self.pop_screen()
        else:
            # Over the interview the command line started, which stays below, idle: Textual
            # cannot switch away from the first screen (it has no result callback to drop).
            self.push_screen(StartScreen(self.words))

    def _leave(self) -> None:
        from reportbot.store import StoreError

        conversation, self.conversation = self.conversation, None
        if conversation is None:
            return
        if not conversation.finished:
            try:
                said = conversation.leave()
            except Exception:  # leaving must never fail: every answer is already saved
                said = []
            self.farewell = next((m.text for m in reversed(said) if m.role == "say"), self.farewell)
        else:
            self.farewell = None
        try:
            conversation.close()
        except StoreError:  # the lock stays written, but it is free once this process ends
            pass

    def refused(self, error) -> None:
        """The store refused an answer (a StoreError): leave with its one line and exit code 2, as the commands do.

        The conversation may have changed its state before the refusal, so it is
        not continued; every answer committed before it is kept.
        """
        from reportbot.saying import say

        self.refusal = say(error, self.conversation.words if self.conversation else None)
        self._leave()
        self.farewell = None  # "Everything is saved" is not true of the answer refused
        self.exit(2, return_code=2)

    # ----- actions and commands -------------------------------------------------------------------

    async def action_quit(self) -> None:
        self._leave()
        self.exit(0)

    def on_mount(self) -> None:
        if not self.is_headless and hasattr(select, "poll") and sys.__stdin__ is not None and sys.__stdin__.isatty():
            self._terminal = select.poll()
            self._terminal.register(sys.__stdin__.fileno(), select.POLLIN)
            self.set_interval(1.0, self._check_terminal, name="terminal hang-up")

    def _check_terminal(self) -> None:
        """Leave when the terminal has hung up.

        A terminal closed without a SIGHUP reaching reportbot (its pseudo-terminal
        closed under a process that does not own it) leaves Textual's input
        thread spinning on end of input; poll() reports the hang-up.
        """
        # POLLHUP alone: where poll() cannot watch a terminal (older macOS) it answers POLLNVAL, not a hang-up.
        if any(events & select.POLLHUP for _, events in self._terminal.poll(0)):
            self.hung_up = True
            self._leave()
            self.exit(HUNG_UP)

    def on_unmount(self) -> None:
        self._leave()

    async def on_event(self, event: events.Event) -> None:
        """Keys typed while a screen is still being built wait for it, as a terminal would keep them.

        Textual gives a key to the focused widget, or to the screen when nothing
        has the focus yet: the first words typed as reportbot starts, or just
        after a report is opened, reached a screen with no answer line and were lost.
        Keys typed after the one that opens a report (Enter on the list) waited for
        nothing either: the list took them, and an `n` in an answer started a new report.
        """
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._opening or (self.focused is None and not self.screen.is_mounted):
                self._early_keys.append(event)
                return
            await self._release_keys()
            opens = getattr(self.screen, "opens_on", None)
            if opens is not None and opens(event):
                self._opening = True
                # Opening may fail (said in a notice) and leave the list: its keys are not kept forever.
                self.set_timer(2.0, self._release_keys)
        await super().on_event(event)

    async def on_descendant_focus(self) -> None:
        """A screen has its focus: the keys kept go to it now, in the order typed.

        Not the list a report was opened from, back in front for a moment before the report's screen.
        """
        if not (self._opening and hasattr(self.screen, "opens_on")):
            await self._release_keys()

    async def _release_keys(self) -> None:
        early, self._early_keys, self._opening = self._early_keys, [], False
        for key in early:
            await self.on_event(key)

    def action_help_quit(self) -> None:
        """Ctrl+C: say how to leave (Textual's own words are English only)."""
        self.notify(self.words.t("tui.help_quit"), markup=False)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]  # App[int] is an App
            placeholder = self.words.t("tui.command.placeholder")
            self.push_screen(CommandPalette(id="--command-palette", placeholder=placeholder))

    def set_theme(self, name: str) -> None:
        """Switch theme and remember the choice for next time."""
        self.theme = name
        try:
            self.store.set_setting(THEME_SETTING, name)
        except Exception:  # not remembered: the theme still changes
            pass

    def _interview(self) -> InterviewScreen | None:
        from .interview import InterviewScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, InterviewScreen):
                return screen
        return None

    def search_boxes(self) -> None:
        """A searchable list of the boxes on the route: choosing one asks it again ("go to <box>")."""
        interview = self._interview()
        conv = self.conversation
        if interview is None or conv is None or conv.flow is None or conv.ev is None:
            return
        from reportbot import explain

        commands = []
        for cell in conv.ev.route:
            info = conv.flow.by_id[cell[0]]
            if info.is_total:
                continue
            name = explain.cell_name(conv.flow, conv.words, cell)
            label = (conv.words.report.boxes[cell[0]].label if conv.words.report else None) or info.box.label
            commands.append((f"{name}  {label}", partial(interview.go_to, cell)))
        self.search_commands(commands, placeholder=self.words.t("tui.command.goto_placeholder"))

    def search_exports(self) -> None:
        """The export formats; choosing one asks where to write it (a name in the current folder proposed)."""
        conv = self.conversation
        if conv is None or conv.report_id is None or _export() is None:
            return
        row = self.store.get(conv.report_id)
        commands = []
        for fmt in ("md", "html", "csv", "json"):
            name = f"reportbot-{row.id}-{row.form}-{row.year}.{fmt}"
            commands.append((self.words.t(f"tui.export.{fmt}", path=name), partial(self.ask_export_path, fmt, name)))
        self.search_commands(commands, placeholder=self.words.t("tui.command.export_placeholder"))

    def ask_export_path(self, fmt: str, name: str) -> None:
        """Ask where to write the ``fmt`` export (``name`` proposed), then write it there."""
        from .exporting import ExportPathScreen

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.export_report(fmt, path)

        self.push_screen(ExportPathScreen(self.words, Path(name)), chosen)

    def ask_log_path(self) -> None:
        """Ask which request log to count the report from, then read it in the conversation ("from log FILE")."""
        from .log_path import LogPathScreen

        interview = self._interview()
        if interview is None:
            return

        def chosen(path: Path | None) -> None:
            if path is not None:
                interview.from_log(path)

        self.push_screen(LogPathScreen(self.words), chosen)

    def export_report(self, fmt: str, path: Path) -> None:
        """Write the current report as ``fmt`` to ``path``, as ``reportbot export`` does."""
        export = _export()
        conv = self.conversation
        if export is None or conv is None or conv.report_id is None:
            return
        row = self.store.get(conv.report_id)
        words = words_for(self.language, row.form)
        try:
            text = export.render(fmt, export.subject_from_store(self.store, row.id), words)
            export.write_kept(self.store, row.id, path, text)
        except export.IsTheDatabase:
            self.notify(words.t("tui.export.is_database", path=str(path)), severity="error", markup=False)
            return
        except OSError as e:
            self.notify(
                words.t("export.cannot_write", path=str(path), detail=e.strerror or e), severity="error", markup=False
            )
            return
        self.notify(words.t("export.written", id=row.id, path=str(path), format=fmt), markup=False)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        t = self.words.t
        interview = self._interview()
        if interview is not None and screen is interview and self.conversation is not None:
            yield SystemCommand(t("tui.command.help"), t("tui.command.help_help"), interview.action_help)
            if self.conversation.flow is not None:
                yield SystemCommand(t("tui.command.goto"), t("tui.command.goto_help"), self.search_boxes)
                yield SystemCommand(t("tui.command.review"), t("tui.command.review_help"), interview.action_review)
            if self.conversation.report_id is not None and not self.conversation.read_only:
                yield SystemCommand(t("tui.command.from_log"), t("tui.command.from_log_help"), self.ask_log_path)
            if self.conversation.report_id is not None and _export() is not None:
                yield SystemCommand(t("tui.command.export"), t("tui.command.export_help"), self.search_exports)
        for name, key in themes.CHOICES:
            title = "tui.command.theme_current" if name == self.theme else "tui.command.theme"
            yield SystemCommand(t(title, name=t(key)), t("tui.command.theme_help"), partial(self.set_theme, name))
        if screen.query("HelpPanel"):
            yield SystemCommand(t("tui.command.keys"), t("tui.command.keys_help"), self.action_hide_help_panel)
        else:
            yield SystemCommand(t("tui.command.keys"), t("tui.command.keys_help"), self.action_show_help_panel)
        yield SystemCommand(t("tui.command.quit"), t("tui.command.quit_help"), self.action_quit)


def said(error: ReportbotError, language: str) -> str:
    """One line, in the filer's language, for what stopped a report opening (it may name the database: --db PATH)."""
    from reportbot.saying import say
    from reportbot.wording import wording

    return say(error, wording(language))


def _export():
    """reportbot.export, where this reportbot has it."""
    try:
        from reportbot import export
    except ImportError:  # pragma: no cover - export ships with the store
        return None
    return export


def make_app(store, language: str = "en", **options) -> ReportbotApp:
    """The app for ``store``, for the CLI and the tests: the reports list, or straight into a report
    (``report_id=``) or a new one (``form=``, ``year=``); other options as :class:`ReportbotApp` takes them."""
    return ReportbotApp(store, language, **options)


def run_tui(store, language: str = "en", **where) -> int:
    """Run the TUI until the filer leaves; the exit code."""
    app = make_app(store, language, **where)
    try:
        app.begin()
    except ReportbotError as e:
        print(f"reportbot: {said(e, language)}", file=sys.stderr)  # it may name the database: --db PATH
        return 2
    startup.resume()
    code = app.run()
    if app.refusal:
        print(f"reportbot: {app.refusal}", file=sys.stderr)
    elif app.farewell and not app.hung_up:
        print(app.farewell)
    return code if isinstance(code, int) else (app.return_code or 0)
