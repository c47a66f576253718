"""A request log's words: its columns' labels and notes, its codes' labels, from dialogs/<lang>/.

:mod:`reportbot.log` has no words; this module gathers them, for the template
and the format's page in one language, and for reading a log in every
language at once (:func:`vocabulary`: a French header or a French box label
names the same column or code as the English one).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from reportbot.flow.loader import CompiledFlow, load_flow
from reportbot.log.vocabulary import Vocabulary
from reportbot.wording import DialogError, Wording, languages, wording

T = TypeVar("T")

# The heads of a template's notes sheet (log.head.<name>): a sheet that begins with them explains the columns.
NOTES_HEADS = ("table", "column", "label", "note", "value", "values")

if TYPE_CHECKING:  # pydantic's models: a start from the flow cache never imports them
    from reportbot.flow.models import LogColumn, LogSpec


def log_spec(flow: CompiledFlow) -> LogSpec:
    """The flow's log; a flow without one is a data error (every report reportbot knows has one)."""
    if flow.flow.log is None:
        raise DialogError(f"flows/{flow.id}.yaml: has no log section")
    return flow.flow.log


def log_column_spec(flow: CompiledFlow, column: str) -> LogColumn:
    """The flow's log column ``column`` (of whichever table has it)."""
    return next(c for t in log_spec(flow).tables for c in t.columns if c.id == column)


def column_label(words: Wording, column: LogColumn) -> str:
    """The column's label in ``words``' language (the id, where that language has none)."""
    text = words.report.log.columns.get(column.id) if words.report and words.report.log else None
    return text.label if text else column.id


def column_note(words: Wording, column: LogColumn) -> str:
    """What goes in the column, in ``words``' language."""
    text = words.report.log.columns.get(column.id) if words.report and words.report.log else None
    return text.note if text else ""


def kind_text(words: Wording, column: LogColumn) -> str:
    """What a column's cells hold, in words ("date (YYYY-MM-DD), required")."""
    kind = words.t(f"log.kind.{column.value}")
    return f"{kind}, {words.t('log.required')}" if column.required else kind


def code_label(flow: CompiledFlow, words: Wording, code: str) -> str:
    """A code's label: its box's label in ``words``' language, or the log's own word for it ("Access request")."""
    report = words.report
    if code in flow.by_id:
        text = report.boxes.get(code) if report else None
        return text.label if text and text.label else flow.by_id[code].box.label
    named = report.log.codes.get(code) if report and report.log else None
    return named or code


def vocabulary(form: str) -> Vocabulary:
    """Every language's labels of ``form``'s log columns and codes, English first."""
    flow = load_flow(form)
    spec = log_spec(flow)
    columns = [c for t in spec.tables for c in t.columns]
    every = [wording(lang, form) for lang in sorted(languages(), key=lambda lang: lang != "en")]
    labels: dict[str, list[str]] = {c.id: _unique(column_label(w, c) for w in every) for c in columns}
    codes: dict[str, list[str]] = {}
    for column in columns:
        for code in column.codes or []:
            codes.setdefault(code.id, [])
            codes[code.id] = _unique([*codes[code.id], *(code_label(flow, w, code.id) for w in every)])
    guides = _unique(tuple(w.t(f"log.head.{head}") for head in NOTES_HEADS) for w in every)
    return Vocabulary(columns=labels, codes=codes, guides=guides)


def _unique(items: Iterable[T]) -> list[T]:
    return list(dict.fromkeys(items))
