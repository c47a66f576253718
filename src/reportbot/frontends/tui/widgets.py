"""The interview's widgets: the conversation log, the form beside it, the progress line.

Everything shown comes from the conversation: its messages, its prompt, and
the report view of its report (:mod:`reportbot.report_view`: values, totals,
skips and the findings ``check`` shows). Nothing here decides anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.text import Text
from textual.content import Content
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import Visual
from textual.widget import Widget

from reportbot.dialogue.messages import Message
from reportbot.flow.loader import Cell
from reportbot.render import text as render_text
from reportbot.wording import Wording

if TYPE_CHECKING:  # the view is built when the form is first drawn, not at start-up
    from reportbot.report_view import ReportView, RowView, SectionView

# A symbol before each role of message, so that no role is told apart by colour alone.
# Warnings and errors also carry their word ("Warning:", "Error:") in the message text.
SYMBOLS = {
    "say": "",
    "section": "",
    "total": "= ",
    "notice": "ℹ ",
    "warning": "⚠ ",
    "error": "✖ ",
    "help": "? ",
    "review": "",
    "prompt": "» ",
}
MARK_ERROR = "✖"
MARK_WARNING = "⚠"
MARK_ASKING = "▶"
MARK_TOTAL = "="


# How each role of message looks (theme variables, so that every theme and NO_COLOR apply).
STYLES = {
    "section": "bold $text-primary",
    "prompt": "bold $text-accent",
    "you": "$text-muted",
    "total": "$text-success",
    "warning": "$text-warning",
    "error": "bold $text-error",
    "help": "$text-muted",
    "notice": "$text-secondary",
}
SPACED = {"section", "prompt"}  # a blank line before these


@dataclass(frozen=True)
class Entry:
    """One paragraph of the log: its text, and how far its wrapped lines are indented."""

    content: Content
    lead: Content = Content("")
    space_before: bool = False


def message_entries(message: Message) -> list[Entry]:
    """One message as paragraphs of the log (the filer's own text is never read as markup)."""
    style = STYLES.get(message.role, "")
    symbol = SYMBOLS.get(message.role, "")
    text = f"[{message.tag}] {message.text}" if message.role == "prompt" and message.tag else message.text
    first = Entry(Content.styled(text, style), Content.styled(symbol, "bold " + style), message.role in SPACED)
    entries = [first]
    for number, choice in enumerate(() if message.again else message.choices, 1):
        entries.append(Entry(Content(choice), Content.styled(f"{number}.".rjust(4) + " ", "bold")))
    return entries


class ChatLog(ScrollView, can_focus=False):
    """The conversation so far: what reportbot said and what the filer answered.

    One widget that renders its paragraphs to lines itself, so that a turn
    costs the same at the first question and at the hundredth.
    """

    DEFAULT_CSS = """
    ChatLog { overflow-x: hidden; scrollbar-gutter: stable; }
    """
    KEEP = 3000  # paragraphs kept; older ones are let go

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._entries: list[Entry] = []
        self._strips: list[Strip] = []
        self._width = 0

    def on_mount(self) -> None:
        # After the theme's stylesheets are applied (a watch on "theme" would redraw in the old colours).
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._rerender())

    def show(self, messages: list[Message]) -> None:
        self._add([e for m in messages for e in message_entries(m)])

    def echo(self, text: str) -> None:
        self._add([Entry(Content.styled(text, STYLES["you"]), Content("  "))])

    def lines(self) -> list[str]:
        """The log as plain text, a paragraph a line (for tests)."""
        return [(e.lead.plain.strip() + " " + e.content.plain).strip() for e in self._entries]

    def _add(self, entries: list[Entry]) -> None:
        self._entries += entries
        if len(self._entries) > self.KEEP:
            del self._entries[: len(self._entries) - self.KEEP]
            self._rerender()
        elif self._width:
            for entry in entries:
                self._strips += self._entry_strips(entry)
            self._resized()

    def _entry_strips(self, entry: Entry) -> list[Strip]:
        # Not ``_render``: that would shadow Widget._render(), which Textual calls to copy a selection.
        width = self._width
        lead_width = entry.lead.cell_length
        style = self.visual_style
        out = [Strip.blank(width, style.rich_style)] if entry.space_before and self._strips else []
        body = Visual.to_strips(self, entry.content, max(width - lead_width, 1), None, style)
        if lead_width:
            lead = Visual.to_strips(self, entry.lead, lead_width, 1, style)[0]
            pad = Strip.blank(lead_width, style.rich_style)
            body = [Strip.join([lead if i == 0 else pad, strip]) for i, strip in enumerate(body)]
        # Drawn once at the log's width, so that showing a line costs nothing more.
        return [strip.extend_cell_length(width, style.rich_style) for strip in out + body]

    def _rerender(self) -> None:
        self._strips = []
        for entry in self._entries:
            self._strips += self._entry_strips(entry)
        self._resized()

    def _resized(self) -> None:
        self.virtual_size = Size(self._width, len(self._strips))
        # force: the first time the log overflows, its scrollbar is not laid out yet,
        # and without force that scroll would be refused.
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)
        self.refresh()

    def on_resize(self) -> None:
        if not self._fit_width():
            # Same width, new height (the progress line appeared): the end of the log is laid out
            # only now, and the question asked must stay whole in view.
            self._resized()

    def render_lines(self, crop: Region) -> list[Strip]:
        # The first frame is drawn before the Resize event arrives: wrap to the width
        # known now, so that the opening question is in that first frame.
        self._fit_width()
        return super().render_lines(crop)

    def _fit_width(self) -> bool:
        """Rewrap the lines when the width changed (the current question stays in view); whether it did."""
        width = self.scrollable_content_region.width
        if width == self._width:
            return False
        self._width = width
        self._rerender()
        return True

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if index >= len(self._strips):
            return Strip.blank(width, self.rich_style)
        strip = self._strips[index]
        return strip if strip.cell_length == width else strip.crop_extend(0, width, self.rich_style)


class ProgressLine(Widget):
    """'Answered 12 of 86' in words, then as a bar and a percentage.

    One widget drawn as one line: the done part of the bar is ━ and the rest ─,
    so the bar reads without colour too.
    """

    DEFAULT_CSS = """
    ProgressLine { height: 1; }
    """
    DONE, LEFT = "━", "─"

    def __init__(self, words: Wording, **kwargs) -> None:
        super().__init__(**kwargs)
        self.words = words
        self.answered = 0
        self.total = 0

    def set(self, answered: int, total: int) -> None:
        self.answered, self.total = answered, total
        self.refresh()

    def text(self) -> str:
        """The progress in words."""
        return self.words.t("tui.progress", answered=self.answered, total=self.total)

    def render(self) -> Content:
        words = Content(self.text())
        percent = Content(f"{self.answered * 100 // self.total if self.total else 0:>3}%")
        width = self.content_size.width - words.cell_length - percent.cell_length - 3
        if width < 4:  # too narrow for a bar: the words say it all
            return words
        done = round(width * self.answered / self.total) if self.total else 0
        return Content.assemble(
            words, "  ", (self.DONE * done, "$text-primary"), (self.LEFT * (width - done), "$text-muted"), " ", percent
        )


class FormPanel(ScrollView, can_focus=False):
    """The report as it fills: sections, boxes and their values, totals and findings marked.

    Drawn only while on screen, and only the lines in view are rendered.
    """

    DEFAULT_CSS = """
    FormPanel { overflow-x: hidden; scrollbar-gutter: stable; }
    """

    def __init__(self, words: Wording, **kwargs) -> None:
        super().__init__(**kwargs)
        self.words = words
        self.conversation = None
        self.asking_line: int | None = None
        self._rows: list[Content | Strip] = []
        self._keys: list[tuple] | None = None  # what each line shows, to redraw only the lines that change
        self._drawn_width = 0
        self._width = 0
        self._stale = True
        self.drawn = None  # the evaluation the form shows now (it catches up a frame after the log)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._restyle())

    def show(self, conversation) -> None:
        """Draw the form for ``conversation`` now if it is on screen, else when it is shown."""
        self.conversation = conversation
        self._stale = True
        if self.display and self._width:
            self._draw()

    def on_resize(self) -> None:
        width = self.scrollable_content_region.width
        if width != self._width or self._stale:
            self._draw()

    def on_show(self) -> None:
        # Shown again (F2, or a wider terminal): catch up with the answers given meanwhile.
        if self._stale and self._width:
            self._draw()

    def text(self) -> str:
        """The form as plain text (for tests)."""
        return "\n".join(row.plain if isinstance(row, Content) else row.text for row in self._rows)

    def _restyle(self) -> None:
        self._stale = True
        self._keys = None  # every line is drawn again in the new colours
        if self.display and self._width:
            self._draw()

    def _draw(self) -> None:
        conv = self.conversation
        self._width = width = self.scrollable_content_region.width
        if conv is None or conv.ev is None or conv.flow is None or not width:
            return
        self._stale = False
        self.drawn = conv.ev
        view = view_of(conv)
        rows: list[Content | Strip] = []
        block = findings_content(view, conv.words)
        if block.plain:
            rows += Visual.to_strips(self, block, width, None, self.visual_style)
            rows.append(Content(""))
        prompt = conv.prompt
        lines, line = form_content(view, conv.words, width, prompt.cell if prompt is not None else None)
        self.asking_line = None if line is None else len(rows) + line
        rows += lines
        keys = [_row_key(row) for row in rows]
        if self._keys is not None and len(keys) == len(self._keys) and width == self._drawn_width:
            # Most answers change a line or three: keep the others as drawn.
            changed = [i for i, (old, new) in enumerate(zip(self._keys, keys, strict=True)) if old != new]
            for i, old in enumerate(self._rows):
                if i not in changed:
                    rows[i] = old
            self._rows, self._keys = rows, keys
            for i in changed:
                self.refresh_line(i)
        else:
            self._rows, self._keys, self._drawn_width = rows, keys, width
            self.virtual_size = Size(width, len(rows))
            self.refresh()
        if self.asking_line is not None:
            # After the new size is laid out, or the scroll is clamped to the old one.
            self.call_after_refresh(self._follow, self.asking_line)

    def _follow(self, line: int) -> None:
        height = self.scrollable_content_region.height
        if not line - height + 3 <= self.scroll_y <= line - 2:
            self.scroll_to(y=max(0, line - height // 3), animate=False, immediate=True, force=True)

    def render_line(self, y: int) -> Strip:
        _, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if index >= len(self._rows):
            return Strip.blank(width, self.rich_style)
        row = self._rows[index]
        if isinstance(row, Content):
            row = one_line(self, row)
            self._rows[index] = row
        return row.crop_extend(0, width, self.rich_style)


def cell(text: str, style: str = "", width: int | None = None) -> Text:
    """Text for a table cell: never read as markup; ``style`` may use theme variables ("bold $text-error")."""
    out = Text(text, no_wrap=True, overflow="ellipsis", end="")
    # A table cell has no background to blend a translucent colour with: muted text is dim.
    style = style.replace("$text-muted", "dim")
    if style:
        out.stylize(VisualStyle.parse(style).rich_style)
    if width is not None and out.cell_len > width:
        out.truncate(width, overflow="ellipsis")
    return out


def _row_key(row: Content | Strip) -> tuple:
    if isinstance(row, Strip):
        return ("strip", row.text)
    return ("content", row.plain, tuple(row.spans))


def one_line(widget, content: Content) -> Strip:
    """``content`` as one line, never wrapped (the form's lines are cut to fit beforehand)."""
    return Strip(
        [Segment(text, style.rich_style) for text, style in content.render(widget.visual_style, "")]
    )


def view_of(conv) -> ReportView:
    """The conversation's report as every screen shows it, with the findings ``check`` and the exports show."""
    from reportbot import report_view

    return report_view.build(conv.flow, conv.words, conv.ev, conv.findings())


FINDING_LOOK = {  # state: (symbol, its style, the line's style)
    "error": (MARK_ERROR + " ", "bold $text-error", "$text-error"),
    "warning": (MARK_WARNING + " ", "bold $text-warning", "$text-warning"),
    "accepted": ("✔ ", "bold", ""),
}


def findings_content(view: ReportView, w: Wording) -> Content:
    """What disagrees, in words, with its symbol: the top of the form panel and of the review."""
    lines: list[Content] = []
    for f in render_text.shown_findings(view):
        symbol, symbol_style, style = FINDING_LOOK[render_text.finding_state(view, f)]
        lines.append(Content.assemble((symbol, symbol_style), (render_text.finding_line(view, w, f), style)))
    return Content("\n").join(lines)


def row_mark(row: RowView, asking: bool) -> tuple[str, str]:
    """The symbol before a box and its style: asked now, in error, with a warning, a total, or nothing."""
    if asking:
        return MARK_ASKING, "bold $text-accent"
    if row.severity == "error":
        return MARK_ERROR, "bold $text-error"
    if row.severity == "warning":
        return MARK_WARNING, "bold $text-warning"
    return (MARK_TOTAL, "bold") if row.total else (" ", "")


def _section_head(view: ReportView, section: SectionView, w: Wording, width: int, column_width: int) -> list[Content]:
    head = w.t("section.title", id=section.id, title=section.title)
    if section.skipped_by is not None:
        tail = f" ({w.t('review.skipped')})"
        return [Content.assemble((head, "bold $text-muted")).truncate(width - len(tail), ellipsis=True)
                + Content.styled(tail, "$text-muted")]
    out = [Content.styled(head, "bold").truncate(width, ellipsis=True)]
    columns = [c for c in section.columns if c is not None]
    if columns:
        # Each column's word (as in the prompt tags: "9.1 general") right above its values.
        names = " | ".join(w.column(c).rjust(column_width) for c in columns)
        labels = Content.styled(names, "italic $text-muted")
        out.append(
            labels.right(width, ellipsis=True) if len(labels.plain) < width else labels.truncate(width, ellipsis=True)
        )
    return out


def form_content(view: ReportView, w: Wording, width: int, asking: Cell | None) -> tuple[list[Content], int | None]:
    """Every section and box with its value; the line to keep in view (the box asked, else the first in error)."""
    lines: list[Content] = []
    asking_line: int | None = None
    first_flagged: int | None = None
    for section in view.sections:
        if lines:
            lines.append(Content(""))
        columns = [c for c in section.columns if c is not None]
        # Two-column sections: each column's values right-aligned under each other and under its word.
        shown = [render_text.value(view, w, c) for r in section.rows for c in r.cells if c.cell[1] is not None]
        column_width = max([len(v) for v in shown] + [len(w.column(c)) for c in columns] + [1])
        lines += _section_head(view, section, w, width, column_width)
        if section.skipped_by is not None:
            continue
        for row in section.rows:
            if row.severity == "error" and first_flagged is None:
                first_flagged = len(lines)
            if asking is not None and asking[0] == row.box:
                asking_line = len(lines)
            lines.append(
                _form_line(view, w, row, columns, column_width, width, asking is not None and asking[0] == row.box)
            )
    return lines, asking_line if asking_line is not None else first_flagged


def _form_line(
    view: ReportView, w: Wording, row: RowView, columns: list[str], column_width: int, width: int, asking: bool
) -> Content:
    if row.skipped:
        value, value_style = w.t("review.skipped"), "$text-muted"
    else:
        if columns:
            by_column = {c: render_text.value(view, w, shown) if (shown := row.cell(c)) else "" for c in columns}
            value = " | ".join(by_column[c].rjust(column_width) for c in columns)
        else:
            value = render_text.value(view, w, row.cells[0])
        value_style = "bold" if row.total else ""
    mark, mark_style = row_mark(row, asking)
    flag = " " + w.t(f"severity.{row.severity}") if row.severity is not None else ""
    # Two columns need room for both values: a cut "12 | …" hides the second; the label is cut instead.
    value_width = min(len(value), max(8, width - 12 if columns else width // 3))
    value_cell = Content.styled(value, value_style).truncate(value_width, ellipsis=True)
    # Named parts of a box (1.1.organization, 1.1.fax) have no printed number: their label says it all.
    box_id = row.box.ljust(7) if row.printed else ""
    on = not row.skipped
    label_width = width - 2 - len(box_id) - (1 if box_id else 0) - value_width - 1 - len(flag)
    label = Content.styled(row.label, "" if on else "$text-muted").truncate(
        max(label_width, 0), ellipsis=True, pad=True
    )
    return Content.assemble(
        (mark + " ", mark_style),
        (box_id + (" " if box_id else ""), "bold" if on else "$text-muted"),
        label,
        " ",
        value_cell,
        (flag, "bold $text-error" if row.severity == "error" else "bold $text-warning"),
    )
