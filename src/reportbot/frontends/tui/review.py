"""The review: the whole report as a table. Choosing a box changes it through the conversation."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from reportbot import explain
from reportbot.flow.loader import Cell
from reportbot.render import text as render_text
from reportbot.report_view import ReportView, RowView
from reportbot.wording import Wording

from .widgets import MARK_ERROR, MARK_TOTAL, MARK_WARNING, cell, findings_content, view_of
from .words import localize_bindings

SECTION = "section:"


class ReportTable(DataTable):
    """The report's boxes; Enter on one changes it."""

    BINDINGS = [Binding("enter", "select_cursor", "tui.key.change")]


class ReviewScreen(Screen[Cell | None]):
    """Every box with its value; dismissed with the cell to change (("4.1", None), ("3.1", "general")), or None."""

    AUTO_FOCUS = "#review-table"
    BINDINGS = [Binding("escape", "back", "tui.key.back")]

    def __init__(self, conversation, words: Wording) -> None:
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
        view = view_of(self.conversation)
        block = findings_content(view, self.conversation.words)
        findings = self.query_one("#review-findings", Static)
        findings.update(block)
        findings.display = bool(block.plain)
        self._fill(self.query_one(ReportTable), view)

    def _fill(self, table: ReportTable, view: ReportView) -> None:
        conv = self.conversation
        flow, w, t = view.flow, conv.words, self.words.t
        columns: list[str | None] = [*flow.column_ids] or [None]
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
                table.add_column(
                    cell(explain.column_label(flow, w, c), width=value_width), width=value_width, key=f"value:{c}"
                )
        table.add_column(t("tui.review.note"), width=note_width, key="note")
        skipped = w.t("review.skipped")
        blanks = [""] * len(columns)
        for section in view.sections:
            on_route = section.skipped_by is None
            head = cell(w.t("section.title", id=section.id, title=section.title), "bold", label_width)
            table.add_row(
                "", head, *blanks, "" if on_route else cell(skipped, "$text-muted"), key=f"{SECTION}{section.id}"
            )
            if not on_route:
                continue
            for row in section.rows:
                table.add_row(
                    cell(row.box if row.printed else ""),  # named parts (1.1.fax) have no number on the workbook
                    cell(render_text.labelled(w, row), "", label_width),
                    *self._values(view, row, columns, value_width),
                    self._note(row, note_width),
                    key=row.box,
                )
        # Start on the box being asked, else the first one in error, else the first box.
        prompt = conv.prompt
        boxes = [k.value for k in table.rows if k.value and not k.value.startswith(SECTION)]
        start = prompt.cell[0] if prompt is not None and prompt.cell is not None else None
        if start not in boxes:
            first_error = next((r.box for r in view.rows if r.severity == "error" and r.box in boxes), None)
            start = first_error or (boxes[0] if boxes else None)
        if start is not None:
            table.move_cursor(row=table.get_row_index(start), column=2 if table.cursor_type == "cell" else 0)

    def _values(self, view: ReportView, row: RowView, columns: list[str | None], width: int) -> list[Text | str]:
        """A value per column; a box of one value (FIPPA section 1, 2.1, section 11) shows it in the first."""
        w = self.conversation.words
        single = len(row.cells) == 1 and row.cells[0].cell[1] is None
        out: list[Text | str] = []
        for i, c in enumerate(columns):
            shown = row.cells[0] if single and i == 0 else row.cell(c)
            if shown is None:
                out.append("")
            elif shown.state == "skipped":
                out.append(cell(w.t("review.skipped"), "$text-muted", width))
            else:
                out.append(cell(render_text.value(view, w, shown), "bold" if row.total else "", width))
        return out

    def _note(self, row: RowView, width: int) -> Text:
        w = self.conversation.words
        if row.severity == "error":
            return cell(f"{MARK_ERROR} {w.t('severity.error')}", "bold $text-error", width)
        if row.severity == "warning":
            return cell(f"{MARK_WARNING} {w.t('severity.warning')}", "bold $text-warning", width)
        if row.total:
            return cell(f"{MARK_TOTAL} {w.t('review.total_mark').strip(' ()')}", "", width)
        if row.unanswered:
            return cell(self.words.t("tui.review.unanswered"), "$text-muted", width)
        return cell("")

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
        info = self.conversation.flow.by_id[box_id]
        if column is not None and (box_id, column) not in info.cells():
            column = None  # the box's first column
        if info.formula is not None:  # a total is not asked: say where it comes from, and stay
            self._explain_total((box_id, column) if column is not None else info.cells()[0])
            return
        self.dismiss((box_id, column))

    def _explain_total(self, chosen: Cell) -> None:
        conv = self.conversation
        flow, w = conv.flow, conv.words
        view = view_of(conv)
        row = next(r for r in view.rows if r.box == chosen[0])
        shown = row.cell(chosen[1]) if chosen[1] is not None else row.cells[0]
        text = self.words.t(
            "tui.review.total",
            box=explain.cell_name(flow, w, chosen),
            formula=explain.formula_text(flow, w, chosen[0]),
            value=render_text.value(view, w, shown) if shown is not None else "",
        )
        self.query_one("#review-hint", Static).update(Content(text))

    def action_back(self) -> None:
        self.dismiss(None)
