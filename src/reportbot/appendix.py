"""The appendix a coordinator keeps: per box counted from the request log, the rule and the files behind it.

Not part of the report sent to the IPC; it answers "which files are these 6?"
a year later. Only file numbers, never anything else from the log.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from reportbot import explain
from reportbot.values import clean_text

if TYPE_CHECKING:
    from reportbot.flow.loader import Cell, CompiledFlow
    from reportbot.store.logs import LogCell, LogLoad
    from reportbot.values import Value
    from reportbot.wording import Wording


def _ordered(flow: CompiledFlow, cells: dict[Cell, LogCell]) -> list[Cell]:
    order = {cell: i for i, cell in enumerate(flow.cells)}
    return sorted(cells, key=lambda c: order.get(c, len(order)))


def to_csv(flow: CompiledFlow, words: Wording, cells: dict[Cell, LogCell], answers: dict[Cell, Value],
           year: int) -> str:
    """One row per box and file (a box with no file has one row with none), so a spreadsheet filters by box."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([words.t(f"appendix.head.{h}") for h in ("box", "column", "value", "rule", "file")])
    for cell in _ordered(flow, cells):
        box, column = cell
        value = answers.get(cell)
        rule = explain.rule_text(words, cells[cell].rule, year)
        head = [box, words.column(column) if column else "", "" if value is None else str(value), rule]
        for file in cells[cell].files or ("",):
            writer.writerow([clean_text(x) for x in (*head, file)])
    return out.getvalue()


def to_markdown(flow: CompiledFlow, words: Wording, cells: dict[Cell, LogCell], answers: dict[Cell, Value],
                year: int, title: str, load: LogLoad | None) -> str:
    """A heading, what this is, the log it was counted from, and one table row per box with its files."""
    from reportbot.export import md

    lines = [f"# {md(title)}", "", md(words.t("appendix.intro")), ""]
    if load is not None:
        lines += [md(_counted_from(words, year, load)), ""]
    heads = [words.t(f"appendix.head.{h}") for h in ("box", "value", "rule", "files")]
    lines += ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for cell in _ordered(flow, cells):
        value = answers.get(cell)
        shown = "" if value is None else explain.display(flow, words, cell[0], value)
        files = ", ".join(cells[cell].files) or words.t("appendix.no_file")
        rule = explain.rule_text(words, cells[cell].rule, year)
        lines.append(f"| {md(explain.cell_name(flow, words, cell))} | {md(shown)} | {md(rule)} | {md(files)} |")
    return "\n".join(lines) + "\n"


def _counted_from(words: Wording, year: int, load: LogLoad) -> str:
    """Which files were read, when, and what they held: the appendix names the log it answers for."""
    from dataclasses import fields

    from reportbot.log.count import LogSummary
    from reportbot.render.sheet import local_time

    summary = LogSummary(**{f.name: load.summary.get(f.name, 0) for f in fields(LogSummary)})
    files = ", ".join(clean_text(s) for s in load.sources)
    return words.t("appendix.counted_from", files=files, when=local_time(load.at),
                   held=explain.log_summary(words, year, summary))
