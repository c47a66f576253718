"""The report file, ``reportbot/1``: JSON (YAML accepted).

    {"format": "reportbot/1", "report": "cyfsa-part-x", "year": 2025,
     "answers": {"3.1": 4, "4.1": 3, ...}}

A two-column box holds ``{"personal": n, "general": m}``. Derived totals may
be given and are then checked. A file that cannot be used at all raises
:class:`UnusableFile`; a value of the wrong kind becomes an error finding
that names its box.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportbot.engine import Evaluation, Finding
from reportbot.flow.loader import Cell, CompiledFlow, FlowError, load_flow, report_ids
from reportbot.values import YEARS, Value, ValueProblem, clean_text, to_value
from reportbot.yamlio import YamlError, load_yaml

FORMAT = "reportbot/1"
MAX_BYTES = 1024 * 1024  # a real report file is about 10 KB
MAX_DEPTH = 8
STATUSES = ("draft", "confirmed")
_KEYS = {"format", "report", "year", "answers", "status", "acknowledged", "language", "generator"}


class UnusableFile(ValueError):
    """A file that is not a usable reportbot/1 report; the message is one line for stderr."""


@dataclass
class ReportFile:
    """A parsed report file."""

    flow: CompiledFlow
    year: int
    answers: dict[Cell, Value]
    problems: list[Finding] = field(default_factory=list)
    status: str = "draft"
    acknowledged: list[dict[str, Any]] = field(default_factory=list)
    language: str | None = None


def read_report_file(path: Path) -> ReportFile:
    """Read and parse ``path``; raises :class:`UnusableFile` with a one-line reason."""
    name = clean_text(str(path))
    try:
        # Read one byte past the limit rather than trust st_size, which is 0 for pipes and devices.
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise UnusableFile(f"{name}: cannot be read: {e.strerror or e}") from None
    if len(raw) > MAX_BYTES:
        raise UnusableFile(f"{name}: far larger than any report file (limit {MAX_BYTES:,} bytes)")
    return parse_report_text(raw, name)


def parse_report_text(raw: bytes, name: str) -> ReportFile:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnusableFile(f"{name}: not a text file (not UTF-8)") from None
    data = _decode(text, name)
    return parse_report(data, name)


def _decode(text: str, name: str) -> object:
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(text, parse_float=Decimal)
        except RecursionError:
            raise UnusableFile(f"{name}: nested too deeply to be a report file") from None
        except json.JSONDecodeError as e:
            raise UnusableFile(f"{name}: not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
        except ValueError:  # an integer of more than 4,300 digits
            raise UnusableFile(f"{name}: holds a number far too long to be a count or an amount") from None
    try:
        return load_yaml(text)
    except RecursionError:
        raise UnusableFile(f"{name}: nested too deeply to be a report file") from None
    except YamlError as e:
        raise UnusableFile(f"{name}: neither JSON nor YAML: {e}") from None


def _depth(node: object, limit: int) -> bool:
    """True when ``node`` nests deeper than ``limit``."""
    stack = [(node, 0)]
    while stack:
        item, d = stack.pop()
        if d > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, d + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, d + 1) for v in item)
    return False


def parse_report(data: object, name: str = "report") -> ReportFile:
    """Turn decoded JSON/YAML data into a :class:`ReportFile`."""
    if not isinstance(data, dict):
        raise UnusableFile(f"{name}: not a reportbot/1 file (expected a mapping with \"format\": \"{FORMAT}\")")
    if data.get("format") != FORMAT:
        raise UnusableFile(f"{name}: not a reportbot/1 file (\"format\" is {data.get('format')!r}, expected {FORMAT!r})")
    unknown = sorted(str(k) for k in data if k not in _KEYS)
    if unknown:
        raise UnusableFile(f"{name}: unknown key {unknown[0]!r} (a reportbot/1 file has {', '.join(sorted(_KEYS))})")
    if _depth(data, MAX_DEPTH):
        raise UnusableFile(f"{name}: nested too deeply to be a report file")
    report = data.get("report")
    if not isinstance(report, str) or not _known_report(report):
        raise UnusableFile(f"{name}: unknown report {report!r} (known: {', '.join(report_ids())})")
    try:
        flow = load_flow(report)
    except FlowError as e:
        raise UnusableFile(f"{name}: {e}") from None
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or year not in YEARS:
        raise UnusableFile(f"{name}: \"year\" must be the reporting year as a whole number, like 2025 (got {year!r})")
    status = data.get("status", "draft")
    if status not in STATUSES:
        raise UnusableFile(f"{name}: \"status\" must be draft or confirmed (got {status!r})")
    answers_raw = data.get("answers", {})
    if not isinstance(answers_raw, dict):
        raise UnusableFile(f"{name}: \"answers\" must be a mapping from box numbers to values")
    unquoted = next((k for k in answers_raw if not isinstance(k, str)), None)
    if unquoted is not None:
        # YAML reads 6.10 as the number 6.1: guessing would silently overwrite box 6.1.
        raise UnusableFile(f"{name}: box number {unquoted!r} must be quoted (\"6.10\": ...); unquoted, YAML reads 6.10 as 6.1")
    acknowledged = data.get("acknowledged", [])
    if not isinstance(acknowledged, list) or not all(_is_ack(a) for a in acknowledged):
        raise UnusableFile(f"{name}: \"acknowledged\" must be a list of {{\"rule\", \"column\", \"reason\"}}")
    language = data.get("language")
    if language is not None and not isinstance(language, str):
        raise UnusableFile(f"{name}: \"language\" must be a language code like \"en\"")
    answers, problems = read_answers(flow, answers_raw)
    return ReportFile(flow, year, answers, problems, status, list(acknowledged), language)


_KNOWN_REPORTS: set[str] = set()


def _known_report(report: str) -> bool:
    """``report`` names a flow (the flows folder is listed once per report, not once per file)."""
    if report not in _KNOWN_REPORTS:
        if report not in report_ids():
            return False
        _KNOWN_REPORTS.add(report)
    return True


def _is_ack(a: object) -> bool:
    return (
        isinstance(a, dict)
        and isinstance(a.get("rule"), str)
        and isinstance(a.get("reason"), str)
        and (a.get("column") is None or isinstance(a.get("column"), str))
        and set(a) <= {"rule", "column", "reason"}
    )


def _problem(rule: str, box: str, column: str | None, message: str, **facts: object) -> Finding:
    return Finding("error", rule, "value", (box,), column, {"problem": message, **facts})


def read_answers(flow: CompiledFlow, raw: dict) -> tuple[dict[Cell, Value], list[Finding]]:
    """The answers of a file, and a finding for each value that cannot be used."""
    answers: dict[Cell, Value] = {}
    problems: list[Finding] = []
    for key, value in raw.items():
        box_id = clean_text(str(key))[:40]
        info = flow.by_id.get(box_id)
        if info is None:
            problems.append(_problem("unknown-box", box_id, None, "is not a box of this report"))
            continue
        if value is None:
            continue
        if info.columns == (None,):
            if isinstance(value, dict):
                problems.append(_problem("value-kind", box_id, None, "has one value, not columns"))
                continue
            cells = [((box_id, None), value)]
        else:
            if not isinstance(value, dict):
                problems.append(
                    _problem("value-kind", box_id, None,
                             "has two columns: give {\"personal\": ..., \"general\": ...}")
                )
                continue
            cells = []
            for column, v in value.items():
                if column in info.columns:
                    cells.append(((box_id, column), v))
                elif column in flow.column_ids and info.box.column_rule:
                    if v not in (None, 0):
                        problems.append(
                            Finding("error", "column-rule", "column", (box_id,), str(column),
                                    {"problem": info.box.column_rule, "value": v})
                        )
                else:
                    problems.append(_problem("unknown-column", box_id, None, f"has no column {str(column)[:20]!r}"))
        for cell, v in cells:
            if v is None:
                continue
            try:
                answers[cell] = to_value(info.box, v) if info.box.kind != "derived" else _total(v)
            except ValueProblem as e:
                problems.append(_problem("value-kind", box_id, cell[1], str(e)))
    return answers, problems


def _total(v: object) -> Value:
    """A derived total as given in a file (checked later against its parts)."""
    if isinstance(v, bool) or not isinstance(v, (int, Decimal, float)):
        raise ValueProblem(f"a total is a number, not {v!r}")
    return v if isinstance(v, int) else Decimal(str(v))


def to_document(
    flow: CompiledFlow,
    year: int,
    evaluation: Evaluation,
    status: str = "draft",
    acknowledged: list[dict[str, Any]] | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """A reportbot/1 document with the answers on the route and the derived totals."""
    answers: dict[str, Any] = {}
    for cell in evaluation.route:
        value = evaluation.values.get(cell)
        if value is None:
            continue
        box_id, column = cell
        plain = _plain(value)
        if column is None:
            answers[box_id] = plain
        else:
            answers.setdefault(box_id, {})[column] = plain
    doc: dict[str, Any] = {"format": FORMAT, "report": flow.id, "year": year, "status": status, "answers": answers}
    if acknowledged:
        doc["acknowledged"] = acknowledged
    if language:
        doc["language"] = language
    return doc


def _plain(value: Value) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() and value.as_tuple().exponent >= 0 else value
    return value


def _json_default(o: object) -> Any:
    # Money has at most two decimals, so the shortest float repr gives its digits back exactly.
    if isinstance(o, Decimal):
        return int(o) if o == o.to_integral() else float(o)
    raise TypeError(f"cannot write {type(o).__name__} to a report file")


def dumps(doc: dict[str, Any]) -> str:
    """JSON text of a document."""
    return json.dumps(doc, default=_json_default, indent=2, ensure_ascii=False) + "\n"
