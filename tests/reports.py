"""Small helpers to build report documents and evaluate them.

A *document* is a reportbot/1 mapping as stored in tests/data/reports/.
A *changes* mapping names boxes and their new answers: a number or text
replaces the answer, ``None`` removes it (unanswered), and for a two-column
box a ``{"personal": n}`` mapping replaces only that column.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportbot.engine import Evaluation, evaluate
from reportbot.flow.loader import Cell, CompiledFlow, load_flow
from reportbot.reportfile import ReportFile, parse_report

REPORTS_DIR = Path(__file__).parent / "data" / "reports"


def load(name: str) -> dict[str, Any]:
    """A fixture document by name ("cyfsa-full"), decoded as reportbot reads JSON."""
    return json.loads((REPORTS_DIR / f"{name}.json").read_text(encoding="utf-8"), parse_float=Decimal)


def changed(doc: Mapping[str, Any], changes: Mapping[str, Any], *, keep_totals: bool = False) -> dict[str, Any]:
    """A copy of ``doc`` with ``changes`` applied.

    Unless ``keep_totals``, the derived totals the document gives are dropped
    first, so that changing a part does not also make a given total disagree.
    """
    out = copy.deepcopy(dict(doc))
    answers: dict[str, Any] = out.setdefault("answers", {})
    if not keep_totals:
        flow = load_flow(out["report"])
        for box_id in [b for b in answers if b in flow.by_id and flow.by_id[b].formula is not None]:
            del answers[box_id]
    for box_id, value in changes.items():
        if value is None:
            answers.pop(box_id, None)
        elif isinstance(value, dict) and isinstance(answers.get(box_id), dict):
            answers[box_id] = {**answers[box_id], **value}
        else:
            answers[box_id] = copy.deepcopy(value)
    return out


def parse(doc: Mapping[str, Any]) -> ReportFile:
    return parse_report(copy.deepcopy(dict(doc)), "test-report")


def evaluate_doc(doc: Mapping[str, Any]) -> Evaluation:
    """Evaluate a document whose values are all of the right kind."""
    report = parse(doc)
    assert report.problems == [], report.problems
    return evaluate(report.flow, report.answers)


def rule_ids(evaluation: Evaluation) -> set[str]:
    return {f.rule for f in evaluation.findings}


def findings_of(evaluation: Evaluation, rule: str) -> list:
    return [f for f in evaluation.findings if f.rule == rule]


def cells(flow: CompiledFlow, spec: str) -> list[Cell]:
    """The cells a spec names, in questionnaire order.

    "4.1" is every cell of box 4.1; "3.5..10.7" every cell of the boxes from
    3.5 to 10.7 (text boxes in between included); a trailing column id
    ("3.5..10.7 personal") keeps only that column's cells.
    """
    span, _, column = spec.partition(" ")
    first, _, last = span.partition("..")
    last = last or first
    i, j = flow.by_id[first].index, flow.by_id[last].index
    out = [c for info in flow.boxes[i : j + 1] for c in info.cells()]
    if column:
        out = [c for c in out if c[1] == column]
    assert out, f"{spec!r} names no cell"
    return out


def cells_of(flow: CompiledFlow, specs: list[str]) -> list[Cell]:
    """The cells of several specs (see :func:`cells`), one after another."""
    return [c for spec in specs for c in cells(flow, spec)]
