"""The review: the whole report as a table. Choosing a box changes it through the conversation."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from reportbot import explain
from reportbot.flow.loader import Cell

from .widgets import MARK_ERROR, MARK_TOTAL, MARK_WARNING, cell, findings_content, value_text
from .words import Words, localize_bindings

SECTION = "section:"


class ReportTable(DataTable):
    """The report's boxes; Enter on one changes it."""

    BINDINGS = [Binding("enter", "select_cursor", "tui.key.change")]


class ReviewScreen(Screen[Cell | None]):
    """Every box with its value; dismissed with the cell to change (("4.1", None), ("3.1", "general")), or None."""

    AUTO_FOCUS = "#review-table"
    BINDINGS = [Binding("escape", "back", "tui.key.back")]

    def __init__(self, conversation, words: Words) -> None:
        super().__init__()
        self.conversation = conversation
        self.words = words
        localize_bindings(self, words)

    def compose(self) -> ComposeResult:
        conv = self.conversation
        title = self.words.t("tui.review.title", id=conv.report_id)
        yield Static(Content(title), id="title")
        yield Static(Content(self.words.t("tui.review.hint")), id="review-hint")
        yield Static(id="review-findings", markup=False)
        table = ReportTable(id="review-table", zebra_stripes=False, cursor_foreground_priority="renderable")
        localize_bindings(table, self.words)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        conv = self.conversation
        acknowledged = conv.store.acknowledgements(conv.report_id)
        block = findings_content(conv, self.words, acknowledged)
        findings = self.query_one("#review-findings", Static)
        findings.update(block)
        findings.display = bool(block.plain)
        self._fill(self.query_one(ReportTable), acknowledged)

    def _fill(self, table: ReportTable, acknowledged: dict) -> None:
        conv = self.conversation
        flow, ev, w, t = conv.flow, conv.ev, conv.words, self.words.t
        columns = list(flow.column_ids) or [None]
        table.cursor_type = "row" if columns == [None] else "cell"
        width = max(self.size.width, 60)
        value_width = 12 if columns == [None] else 10
        note_width = 16
        label_width = max(16, width - 8 - value_width * len(columns) - note_width - 2 * (3 + len(columns)) - 2)
        table.add_column(t("tui.review.box"), width=8, key="box")
        table.add_column(t("tui.review.label"), width=label_width, key="label")
        if columns == [None]:
            table.add_column(t("tui.review.value"), width=value_width, key="value")
        else:
            for c in columns:
                table.add_column(cell(explain.column_label(flow, w, c), width=value_width), width=value_width, key=f"value:{c}")
        table.add_column(t("tui.review.note"), width=note_width, key="note")
        flagged: dict[str, str] = {}
        for f in ev.findings:
            if f.severity == "warning" and f.key in acknowledged:
                continue
            for box_id in f.boxes:
                if flagged.get(box_id) != "error":
                    flagged[box_id] = f.severity
        skipped, unanswered = w.t("review.skipped"), t("tui.review.unanswered")
        blanks = [""] * len(columns)
        for section in flow.flow.sections:
            text = w.report.sections.get(section.id) if w.report else None
            title = (text.title if text and text.title else None) or section.title
            cells = [c for b in section.boxes for c in flow.by_id[b.id].cells()]
            on_route = any(ev.on_route(c) for c in cells)
            head = cell(w.t("section.title", id=section.id, title=title), "bold", label_width)
            table.add_row("", head, *blanks, "" if on_route else cell(skipped, "$text-muted"), key=f"{SECTION}{section.id}")
            if not on_route:
                continue
            for box in section.boxes:
                info = flow.by_id[box.id]
                label = (w.report.boxes[box.id].label if w.report else None) or box.label
                if box.provisional:
                    label += w.t("review.provisional_mark")
                values = []
                for c in columns:
                    if (box.id, c) not in info.cells():
                        values.append("")
                    elif not ev.on_route((box.id, c)):
                        values.append(cell(skipped, "$text-muted", value_width))
                    else:
                        values.append(cell(value_text(conv, (box.id, c)), "bold" if info.formula is not None else "", value_width))
                severity = flagged.get(box.id)
                if severity == "error":
                    note = cell(f"{MARK_ERROR} {w.t('severity.error')}", "bold $text-error", note_width)
                elif severity == "warning":
                    note = cell(f"{MARK_WARNING} {w.t('severity.warning')}", "bold $text-warning", note_width)
                elif info.formula is not None:
                    note = cell(f"{MARK_TOTAL} {w.t('review.total_mark').strip(' ()')}", "", note_width)
                elif any(ev.on_route(c) and ev.values.get(c) is None for c in info.cells()):
                    note = cell(unanswered, "$text-muted", note_width)
                else:
                    note = cell("")
                table.add_row(
                    cell(box.id if len(box.id) <= 8 else ""),  # long ids (1.1.organization) are not printed numbers
                    cell(label, "", label_width),
                    *values,
                    note,
                    key=box.id,
                )
        # Start on the box being asked, else the first one in error, else the first box.
        prompt = conv.prompt
        boxes = [k.value for k in table.rows if k.value and not k.value.startswith(SECTION)]
        start = prompt.cell[0] if prompt is not None and prompt.cell is not None else None
        if start not in boxes:
            start = next((b for b in boxes if flagged.get(b) == "error"), boxes[0] if boxes else None)
        if start is not None:
            table.move_cursor(row=table.get_row_index(start), column=2 if table.cursor_type == "cell" else 0)

    # ----- choosing ------------------------------------------------------------------------------

    @on(DataTable.RowSelected)
    def _row(self, event: DataTable.RowSelected) -> None:
        self._choose(event.row_key.value, None)

    @on(DataTable.CellSelected)
    def _cell(self, event: DataTable.CellSelected) -> None:
        column = event.cell_key.column_key.value or ""
        self._choose(event.cell_key.row_key.value, column.split(":", 1)[1] if column.startswith("value:") else None)

    def _choose(self, box_id: str | None, column: str | None) -> None:
        if not box_id or box_id.startswith(SECTION):
            return
        if column is not None and (box_id, column) not in self.conversation.flow.by_id[box_id].cells():
            column = None  # the box's first column
        self.dismiss((box_id, column))

    def action_back(self) -> None:
        self.dismiss(None)
