"""Last year's report: its identification, offered again, and the figures carried forward.

What FIPPA carries forward this year (3.3, 11.2) is what last year's report
carried over to the next year (3.6, 11.3): a difference is worth a second
look, so it is a warning the filer can accept with a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from reportbot.engine import Evaluation, Finding, evaluate
from reportbot.flow.loader import Cell, CompiledFlow, cell_in_column, load_flow
from reportbot.store import ReportRow, Store
from reportbot.values import Value


class Reports(Protocol):
    """What this module reads and writes in the store (the conversation passes its own store)."""

    def reports(self) -> list[ReportRow]: ...

    def get(self, report_id: int) -> ReportRow: ...

    def answers(self, report_id: int) -> dict[Cell, Value]: ...

    def set_answer(self, report_id: int, cell: Cell, value: Value | None, how: str = "said") -> None: ...

    def set_organization(self, report_id: int, name: str | None) -> None: ...


@dataclass(frozen=True)
class Offer:
    """Last year's identification, to be accepted as one answer."""

    previous: ReportRow
    answers: dict[Cell, Value]


def organization_box(flow: CompiledFlow) -> str:
    """The box naming the organization (the flow says which)."""
    return flow.flow.organization


def _same(a: str | None, b: str | None) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\s+", " ", s).strip().casefold()

    return a is not None and b is not None and norm(a) == norm(b)


def organization_of(store: Reports, row: ReportRow) -> str | None:
    """The report's organization, or its answer to the organization box."""
    if row.organization:
        return row.organization
    try:
        box = organization_box(load_flow(row.form))
    except Exception:
        return None
    value = store.answers(row.id).get((box, None)) if box else None
    return value if isinstance(value, str) else None


def previous_report(store: Reports, form: str, year: int, organization: str | None = None) -> ReportRow | None:
    """The same organization's report of ``year - 1``, confirmed ones first.

    Without an organization, the previous year's report is used only when all
    of that year's reports of this form are for one organization.
    """
    candidates = [r for r in store.reports() if r.form == form and r.year == year - 1]
    named = [(r, organization_of(store, r)) for r in candidates]
    if organization:
        matches = [r for r, org in named if _same(org, organization)]
    else:
        orgs = {re.sub(r"\s+", " ", org).strip().casefold() for _, org in named if org}
        matches = candidates if len(orgs) == 1 else []
    matches.sort(key=lambda r: r.status != "confirmed")  # stable: most recently updated stays first
    return matches[0] if matches else None


def same_report(store: Reports, form: str, year: int, organization: str | None = None) -> ReportRow | None:
    """A report already held for this form and year (and this organization, when both name one), the latest first."""
    for row in store.reports():
        if row.form == form and row.year == year:
            held = organization_of(store, row) if organization else None
            if held is None or _same(held, organization):
                return row
    return None


def identification(store: Reports, row: ReportRow) -> dict[Cell, Value]:
    """The text and choice answers of ``row``'s identification section, in the form's order (the store's is not)."""
    flow = load_flow(row.form)
    answers = store.answers(row.id)
    boxes = [b.id for b in flow.flow.sections[0].boxes if b.kind in ("text", "choice")]
    return {c: answers[c] for b in boxes for c in flow.by_id[b].cell_keys if c in answers}


def offer(store: Reports, form: str, year: int, organization: str | None = None) -> Offer | None:
    """Last year's identification for a new report, if there is one to offer."""
    previous = previous_report(store, form, year, organization)
    if previous is None:
        return None
    answers = identification(store, previous)
    return Offer(previous, answers) if answers else None


def accept(store: Reports, report_id: int, offered: Offer) -> None:
    """Take the offered identification into ``report_id`` (how: carried)."""
    for cell, value in offered.answers.items():
        store.set_answer(report_id, cell, value, how="carried")
    organization = organization_of(store, offered.previous)
    if organization and not store.get(report_id).organization:
        store.set_organization(report_id, organization)


def carried_forward_findings(store: Store, row: ReportRow, evaluation: Evaluation) -> list[Finding]:
    """A warning wherever this year's carried-forward figure differs from last year's carried-over one."""
    flow = evaluation.flow
    if not flow.flow.carried_forward:
        return []
    previous = previous_report(store, row.form, row.year, organization_of(store, row))
    if previous is None:
        return []
    return compare(flow, previous, evaluate(flow, store.answers(previous.id)), evaluation)


def compare(flow: CompiledFlow, previous: ReportRow, last: Evaluation, evaluation: Evaluation) -> list[Finding]:
    """Warnings where this year's carried-forward figures differ from ``last`` year's, as facts
    (:func:`reportbot.explain.carried_text` puts them in words)."""
    out = []
    for pair in flow.flow.carried_forward:
        this_box, last_box = pair.box, pair.last_year
        for column in flow.by_id[this_box].columns:
            cell = (this_box, column)
            last_cell = cell_in_column(flow.by_id[last_box], column)
            if cell in evaluation.skipped_by or last_cell is None:
                continue
            now, then = evaluation.values.get(cell), last.values.get(last_cell)
            if now is None or then is None or now == then:
                continue
            facts = {"this": now, "last": then, "last_box": last_box, "last_cell": last_cell,
                     "last_year": previous.year, "last_report": previous.id}
            out.append(Finding("warning", f"carried-forward-{this_box}", "carried", (this_box,), column, facts))
    return out
