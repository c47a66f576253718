"""Findings in words: the numbers, what the relation means, how to fix it.

"5.7 (5.3 + 5.6) = 13, but 4.4 = 14: 1 short." The sentences come from
dialogs/<lang>/; this module only assembles them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from string import Formatter
from typing import TYPE_CHECKING

from reportbot.engine import Evaluation, Finding
from reportbot.flow.loader import Cell, CompiledFlow
from reportbot.saying import say
from reportbot.values import clean_text, joined_lines
from reportbot.wording import Wording

if TYPE_CHECKING:  # the log's types: a conversation that counts no log never loads them
    from reportbot.log.count import LogSummary
    from reportbot.log.read import LogNotice
    from reportbot.log.table import RowFinding

_RELATION = {"==": "relation.eq", "!=": "relation.ne", ">=": "relation.ge", "<=": "relation.le",
             ">": "relation.gt", "<": "relation.lt"}


def column_label(flow: CompiledFlow, words: Wording, column: str | None) -> str:
    """A column's label in the filer's language ("personal information")."""
    if column is None:
        return ""
    if words.report and column in words.report.column_labels:
        return words.report.column_labels[column]
    return next((c.label for c in flow.flow.columns if c.id == column), column)


def cell_name(flow: CompiledFlow, words: Wording, cell: Cell) -> str:
    """"3.1" or "3.1 personal", as in the plain mode's prompt tags."""
    box, column = cell
    return box if column is None else words.t("cell.column", box=box, column=words.column(column))


def box_kind(flow: CompiledFlow, box_id: str) -> str:
    """count or money, for formatting a box's value (a total takes its parts' kind)."""
    info = flow.by_id.get(box_id)
    if info is None:
        return "count"
    if info.formula is not None:  # a total: narrowed for its terms
        return box_kind(flow, info.formula.terms[0][0]) if info.formula.terms else "count"
    return info.box.kind


def display(flow: CompiledFlow, words: Wording, box_id: str, value) -> str:
    """A box's value as the filer reads it: a choice by its label, money as $1,234.50, an address's lines on one."""
    info = flow.by_id[box_id]
    if isinstance(value, str) and "\n" in value:  # said and shown a line at a time
        return joined_lines(value)
    if info.box.kind == "choice" and isinstance(value, str):
        labels = (words.report.boxes[box_id].options if words.report and box_id in words.report.boxes else None) or {}
        return labels.get(value) or next((o.label for o in info.box.options or [] if o.id == value), value)
    return words.value(value, box_kind(flow, box_id))


def formula_text(flow: CompiledFlow, words: Wording, box_id: str) -> str:
    """A total's formula as a filer reads it ("6.1 to 6.9", "3.4 − 3.7")."""
    formula = flow.by_id[box_id].box.formula or ""
    if ".." in formula:
        first, last = (p.strip() for p in formula.split(".."))
        return words.t("formula.range", first=first, last=last)
    return formula.replace(" - ", " − ")


def _bound(words: Wording, low, high, kind: str) -> str:
    """What a side is known to be so far: "4 so far" (a lower bound) or "at most 10"."""
    if low is None and high is not None:
        return words.t("value.at_most", value=words.value(high, kind))
    return words.t("value.so_far", value=words.value(low, kind))


def _is_constant(text: str) -> bool:
    return text.strip().lstrip("-").isdigit()


def _side(flow: CompiledFlow, words: Wording, text: str) -> str:
    info = flow.by_id.get(text.strip())
    if info is not None and info.is_total:
        return f"{text} ({formula_text(flow, words, text)})"
    return text.replace(" - ", " − ")


def numbers(flow: CompiledFlow, words: Wording, f: Finding, evaluation: Evaluation | None = None) -> str:
    """The line that shows the numbers behind a finding."""
    facts = f.facts
    if f.type == "relation":
        kind = box_kind(flow, f.boxes[0])
        lv = words.value(facts["left"], kind)
        rv = words.value(facts["right"], kind)
        left = _side(flow, words, facts["left_text"])
        right = _side(flow, words, facts["right_text"])
        if facts["partial"]:
            gap = facts["gap"]
            if gap is not None and gap > 0 and not facts["left_exact"] and facts["right_exact"]:
                return words.t("relation.already_over", side=left, value=lv, other=right, other_value=rv,
                               gap=words.value(gap, kind))
            if gap is not None and gap < 0 and facts["left_exact"] and not facts["right_exact"]:
                return words.t("relation.already_over", side=right, value=rv, other=left, other_value=lv,
                               gap=words.value(-gap, kind))
            if not facts["left_exact"]:
                lv = _bound(words, facts["left"], facts["left_high"], kind)
            if not facts["right_exact"]:
                rv = _bound(words, facts["right"], facts["right_high"], kind)
            return words.t(
                "relation.partial", left=left, lv=lv, right=right, rv=rv, test=facts["test"].replace("==", "=")
            )
        gap = facts["gap"]
        gap_text = ""
        if gap is not None and gap != 0:
            amount = words.value(abs(gap), kind)
            gap_text = words.t("gap.short" if gap < 0 else "gap.over", n=amount)
        key = _RELATION[facts["op"]]
        if _is_constant(facts["right_text"]):
            key += "_const"  # "more than $0.00", not "more than 0 = $0.00"
        return words.t(key, left=left, lv=lv, right=right, rv=rv, gap=gap_text)
    cell = cell_name(flow, words, (f.boxes[0], f.column))
    if f.type == "derived":
        kind = box_kind(flow, f.boxes[0])
        return words.t(
            "finding.derived",
            cell=cell,
            given=words.value(facts["given"], kind),
            formula=formula_text(flow, words, f.boxes[0]),
            computed=words.value(facts["computed"], kind),
        )
    if f.type == "detail":  # the filer's own text, said as typed
        return words.t(f"detail.{facts['format']}", cell=cell, value=clean_text(facts["value"]))
    if f.type == "off-route":
        value = display(flow, words, f.boxes[0], facts["value"])
        return words.t("finding.off_route", cell=cell, value=value, why=route_reason(flow, words, facts["route"]))
    if f.type == "carried":
        return words.t("finding.value", cell=cell, problem=carried_text(flow, words, f))
    if f.type == "column":  # the rule in this language; the flow's English where a dialog has none
        text = words.report.boxes[f.boxes[0]].column_rule if words.report else None
        return words.t("finding.column", cell=cell, problem=text or facts["problem"])
    problem = facts["problem"]  # a refusal of a file's value, as words or as a typed error's facts
    return words.t("finding.value", cell=cell, problem=problem if isinstance(problem, str) else say(problem, words))


def carried_text(flow: CompiledFlow, words: Wording, f: Finding) -> str:
    """How this year's carried-forward figure differs from what last year's report carried over."""
    facts, kind = f.facts, box_kind(flow, f.boxes[0])
    return words.t(
        "carry.mismatch",
        this=words.value(facts["this"], kind),
        last=words.value(facts["last"], kind),
        year=facts["last_year"],
        last_cell=cell_name(flow, words, facts["last_cell"]),
    )


def message(words: Wording, f: Finding) -> str:
    """The relation in plain words, from the report's dialog file ("" for other findings)."""
    if f.type == "relation" and words.report is not None:
        return words.report.checks[f.rule].message
    return ""


def fix(words: Wording, f: Finding) -> str:
    if f.type == "relation" and words.report is not None:
        return words.report.checks[f.rule].fix
    return ""


def source(flow: CompiledFlow, f: Finding) -> str:
    """The workbook's words behind a check."""
    check = next((c for c in flow.flow.checks if c.id == f.rule), None)
    return check.source if check else ""


def headline(flow: CompiledFlow, words: Wording, f: Finding) -> str:
    """The numbers behind a finding, its column named first: the short line the conversation says of an error."""
    text = numbers(flow, words, f).rstrip(".") + "."
    if f.type == "relation" and f.column is not None:
        # A relation's boxes are named without their column: say it once, first, in words.
        label = column_label(flow, words, f.column)
        text = words.t("finding.in_column", column=label[:1].upper() + label[1:], text=text)
    return text


def summary(flow: CompiledFlow, words: Wording, f: Finding) -> str:
    """The numbers and the plain-words message, in one paragraph."""
    text = headline(flow, words, f)
    msg = message(words, f)
    return f"{text} {msg}" if msg else text


def route_reason(flow: CompiledFlow, words: Wording, route_id: str) -> str:
    """Why a route skipped boxes, in the filer's language."""
    if words.report is not None and route_id in words.report.routes:
        return words.report.routes[route_id]
    return flow.routes[route_id].route.source


FILES_SHOWN = 12  # a line a screen reader can still hear whole; the export's appendix lists every file


def rule_text(words: Wording, rule: str, year: int) -> str:
    """A counting rule with its row sets said ("C and days <= 30; C: access requests completed in 2025")."""
    sets = words.report.log.sets if words.report and words.report.log else {}
    named = [name for name in sets if re.search(rf"\b{re.escape(name)}\b", rule)]
    said = [words.t("log.set_means", set=name, means=sets[name].format(year=year)) for name in named]
    return "; ".join([rule, *said])


def from_log(flow: CompiledFlow, words: Wording, cell: Cell, value: object, rule: str, files: tuple[str, ...]) -> str:
    """"4.3 = 6, counted from your log (rule): 2025-014, 2025-031, …": a box the log decided, with its files."""
    name, shown = cell_name(flow, words, cell), display(flow, words, cell[0], value)
    if not files:
        return words.t("why.from_log_none", cell=name, value=shown, rule=rule)
    listed = ", ".join(files[:FILES_SHOWN])
    if len(files) > FILES_SHOWN:
        listed = words.t("why.more_files", files=listed, more=len(files) - FILES_SHOWN)
    return words.t("why.from_log", cell=name, value=shown, rule=rule, count=len(files), files=listed)


def log_column(words: Wording, column: str) -> str:
    """A log column as the template heads it, in the filer's words ("Date received"); its id where none."""
    log = words.report.log if words.report else None
    text = log.columns.get(column) if log else None
    return text.label if text else column


def row_finding(words: Wording, finding: RowFinding) -> str:
    """A row finding as one line: "log.csv, row 14, file 2025-014, received: error: 31/02/2025 is not a date"."""
    return row_findings(words, [finding])[0]


def row_findings(words: Wording, findings: Iterable[RowFinding]) -> list[str]:
    """Each of ``findings`` as :func:`row_finding` says it; the words of each kind of finding (code, column,
    severity, with or without a file number) are put together once, so a line is one ``str.format``: a big
    log's 25,000 findings were 140,000 lookups and formats."""
    made: dict[tuple[str, str | None, str, bool], str] = {}
    labels: dict[str, str] = {}
    lines = []
    for f in findings:
        kind = (f.code, f.column, f.severity, f.file is not None)
        if (template := made.get(kind)) is None:
            template = made[kind] = _finding_template(words, *kind)
        facts = {**f.facts, " source": f.source, " line": f.line, " file": f.file}
        for fact in COLUMN_FACTS.intersection(f.facts):  # a column named in a fact, as the template heads it
            named = f.facts[fact]
            facts[fact] = labels.get(named) or labels.setdefault(named, log_column(words, named))
        lines.append(template.format_map(facts))
    return lines


# The facts of a row finding that name another column of the log: said by its label, as the finding's own column is.
COLUMN_FACTS = frozenset({"other", "within"})


def log_notice(words: Wording, notice: LogNotice) -> str:
    """Something about a whole file or sheet, in one line; a column it names, by its label."""
    facts = {k: log_column(words, v) if k in COLUMN_FACTS or k == "column" else v for k, v in notice.facts.items()}
    return words.t(f"log.notice.{notice.code}", **facts)


def _finding_template(words: Wording, code: str, column: str | None, severity: str, file: bool) -> str:
    """One kind of finding's line as a template: the finding's facts, and its place under names no fact has."""
    where = _compose(words.t("log.where"), source="{ source}", line="{ line}")
    if file:
        where = _compose(words.t("log.where_file"), where=where, file="{ file}")
    if column is not None:
        where = _compose(words.t("log.where_column"), where=where, column=_literal(log_column(words, column)))
    return _compose(words.t("log.finding_line"), where=where, severity=_literal(words.t(f"severity.{severity}")),
                    message=words.t(f"log.finding.{code}"))


def _compose(template: str, **parts: str) -> str:
    """``template`` with each field replaced by the template in ``parts``; its own text stays text."""
    return "".join(_literal(text) + (parts[name] if name is not None else "")
                   for text, name, _, _ in Formatter().parse(template))


def _literal(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def log_summary(words: Wording, year: int, summary: LogSummary) -> str:
    """What a log held, in one line: "Rows read: 412 (access requests: 380, corrections: 32); received after 2025…"."""
    parts = [words.t("log.summary.rows", rows=summary.rows)]
    kinds = [words.t(f"log.summary.{kind}", count=n) for kind in ("access", "corrections", "incidents")
             if (n := getattr(summary, kind))]
    if kinds:
        parts = [words.t("log.summary.of_which", rows=parts[0], kinds=", ".join(kinds))]
    for fact in ("after", "before", "left_out", "to_look_at"):
        if n := getattr(summary, fact):
            parts.append(words.t(f"log.summary.{fact}", count=n, year=year))
    return words.t("log.summary.line", parts="; ".join(parts))
