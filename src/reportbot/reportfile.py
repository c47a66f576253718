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
import json.decoder
import json.scanner
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from reportbot.engine import Evaluation, Finding
from reportbot.errors import ReportbotError
from reportbot.findings import detail_rule
from reportbot.flow.loader import Cell, CompiledFlow, FlowError, load_flow, report_ids
from reportbot.ownfiles import read_regular
from reportbot.values import MAX_TEXT, YEARS, Value, ValueProblem, clean_text, one_line, show, to_value
from reportbot.wording import languages
from reportbot.yamlio import NumberTooLong, YamlError, load_yaml, plain_number

FORMAT = "reportbot/1"
MAX_BYTES = 1024 * 1024  # a real report file is about 10 KB
MAX_DEPTH = 8
STATUSES = ("draft", "confirmed")
_KEYS = {"format", "report", "year", "answers", "status", "acknowledged", "language", "generator"}


class UnusableFile(ReportbotError):
    """A file that is not a usable reportbot/1 report: ``code`` names its message (``file.error.<code>``)."""

    area = "file.error"


class FileProblem(ReportbotError):
    """A value of a file that cannot be used, said after its box (``file.problem.<code>``)."""

    area = "file.problem"


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


def _shown(value: object) -> str:
    """A value from a file, quoted, short and clean, for a one-line message."""
    text = clean_text(str(value)).replace("\n", " ").replace("\t", " ")
    return repr(text if len(text) <= 40 else text[:37] + "...") if isinstance(value, str) else text[:40]


def read_report_file(path: Path) -> ReportFile:
    """Read and parse ``path``; raises :class:`UnusableFile` with a one-line reason."""
    name = one_line(str(path))
    try:
        raw = read_regular(path, MAX_BYTES)
    except OSError as e:
        raise UnusableFile("unreadable", name=name, detail=clean_text(e.strerror or str(e))) from None
    if raw is None:
        raise UnusableFile("not_regular", name=name)
    if len(raw) > MAX_BYTES:
        raise UnusableFile("too_large", name=name, megabytes=MAX_BYTES >> 20)
    return parse_report_text(raw, name)


def parse_report_text(raw: bytes, name: str) -> ReportFile:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnusableFile("not_utf8", name=name) from None
    data = _decode(text, name)
    return parse_report(data, name)


def _decode(text: str, name: str) -> object:
    try:
        if text.lstrip().startswith(("{", "[")):
            return _json(text, name)
        return load_yaml(text)
    except NumberTooLong as e:
        raise UnusableFile("number", name=name, number=clean_text(e.text)) from None
    except RecursionError:
        raise UnusableFile("deep", name=name) from None
    except YamlError as e:
        if e.code == "syntax":
            raise UnusableFile("yaml", name=name, detail=clean_text(str(e))[:200]) from None
        facts = {k: _shown(v) if k == "key" else v for k, v in e.facts.items() if k != "detail"}
        raise UnusableFile(e.code, name=name, **facts) from None


class _Repeated(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object, refusing a repeated key (json keeps the last one silently)."""
    out = dict(pairs)
    if len(out) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Repeated(key)
            seen.add(key)
    return out


# A long run of digits or an exponent anywhere: the numbers are read one by one and bounded (plain_number).
_UNBOUNDED = re.compile(r"[0-9](?:[eE]|[0-9]{19})")


def _json(text: str, name: str) -> object:
    # Without either, every number has under 20 digits and no exponent: C's own reading is the same, and faster.
    bounded = plain_number if _UNBOUNDED.search(text) else None
    try:
        return json.loads(text, parse_int=bounded, parse_float=bounded or Decimal, object_pairs_hook=_unique)
    except json.JSONDecodeError as e:
        raise UnusableFile("json", name=name, detail=e.msg, line=e.lineno, column=e.colno) from None
    except _Repeated as e:
        raise UnusableFile("duplicate", name=name, key=_shown(e.key), line=_json_line(text)) from None


def _json_line(text: str) -> int:
    """The line of the first repeated key of ``text``: found again by the pure-Python decoder, which can say where.

    Only for a file already refused, so its slowness costs nothing to a good file.
    """

    def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None, _w=None):
        starts: list[int] = []

        def scan(string: str, at: int):
            starts.append(at)
            return scan_once(string, at)

        # json's pure-Python parts, which typeshed leaves out: the only decoder that says where a key is.
        pairs, end = json.decoder.JSONObject(  # type: ignore[attr-defined]  # (see above)
            s_and_end, strict, scan, object_hook, list, memo
        )
        seen: set[str] = set()
        for (k, _), at in zip(pairs, starts, strict=False):
            if k in seen:
                raise _Found(s_and_end[0].count("\n", 0, at) + 1)
            seen.add(k)
        return dict(pairs), end

    decoder = json.JSONDecoder(parse_int=plain_number, parse_float=plain_number)
    decoder.parse_object = parse_object  # type: ignore[attr-defined]  # pure-Python hooks typeshed leaves out
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]  # (the same)
    try:
        decoder.decode(text)
    except _Found as found:
        return found.line
    return 0  # not reached: the C decoder found a repeated key, so this one does too


class _Found(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _depth(node: dict[Any, Any], limit: int) -> bool:
    """True when something in ``node`` stands deeper than ``limit`` (a non-empty container at ``limit`` or below)."""
    stack: list[tuple[dict[Any, Any] | list[Any], int]] = [(node, 0)]
    while stack:
        item, d = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if d >= limit and children:
            return True
        stack.extend((v, d + 1) for v in children if isinstance(v, (dict, list)))  # scalars end here
    return False


def parse_report(data: object, name: str = "report") -> ReportFile:
    """Turn decoded JSON/YAML data into a :class:`ReportFile`."""
    if not isinstance(data, dict):
        raise UnusableFile("not_report", name=name)
    if data.get("format") != FORMAT:
        raise UnusableFile("format", name=name, got=_shown(data.get("format")))
    unknown = sorted(str(k) for k in data if k not in _KEYS)
    if unknown:
        raise UnusableFile("unknown_key", name=name, key=_shown(unknown[0]), keys=", ".join(sorted(_KEYS)))
    if _depth(data, MAX_DEPTH):
        raise UnusableFile("deep", name=name)
    form = data.get("report")  # the file's key "report" names the form (reportbot/1)
    if not isinstance(form, str) or not _known_form(form):
        raise UnusableFile("unknown_report", name=name, form=_shown(form), known=", ".join(report_ids()))
    try:
        flow = load_flow(form)
    except FlowError as e:
        raise UnusableFile("flow", name=name, detail=str(e)) from None
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or year not in YEARS:
        raise UnusableFile("year", name=name, got=_shown(year))
    status = data.get("status", "draft")
    if status not in STATUSES:
        raise UnusableFile("status", name=name, got=_shown(status))
    answers_raw = data.get("answers", {})
    if not isinstance(answers_raw, dict):
        raise UnusableFile("answers", name=name)
    acknowledged = _acknowledged(flow, data.get("acknowledged", []), name)
    language = data.get("language")
    if language is not None and language not in languages():
        raise UnusableFile("language", name=name, got=_shown(language), known=", ".join(languages()))
    answers, problems = read_answers(flow, answers_raw)
    return ReportFile(flow, year, answers, problems, status, acknowledged, language)


_KNOWN_FORMS: set[str] = set()


def _known_form(form: str) -> bool:
    """``form`` names a flow (the flows folder is listed once per form, not once per file)."""
    if form not in _KNOWN_FORMS:
        if form not in report_ids():
            return False
        _KNOWN_FORMS.add(form)
    return True


def _acknowledged(flow: CompiledFlow, given: object, name: str) -> list[dict[str, Any]]:
    """The accepted warnings of a file, each naming a check of ``flow`` in one of its columns, the reason cleaned."""
    if not isinstance(given, list) or not all(_is_ack(a) for a in given):
        raise UnusableFile("acknowledged", name=name)
    known = _acknowledgeable(flow)
    out = []
    for a in given:
        rule, column = a["rule"], a.get("column")
        if (rule, column) not in known:
            raise UnusableFile("acknowledged_rule", name=name, rule=_shown(rule), column=_shown(column or "-"))
        reason = clean_text(a["reason"])
        if not reason or len(reason) > MAX_TEXT:
            raise UnusableFile("acknowledged", name=name)
        out.append({"rule": rule, "column": column, "reason": reason})
    return out


@cache  # a flow is loaded once per process; checking a thousand files asks a thousand times
def _acknowledgeable(flow: CompiledFlow) -> frozenset[tuple[str, str | None]]:
    """The (rule key, column) of every finding the conversation can accept: the checks, carried-forward figures
    and the details (an e-mail address, a phone number)."""
    keys = {(f"{c.check.id}:{c.subject}" if c.subject else c.check.id, c.column) for c in flow.checks}
    for pair in flow.flow.carried_forward:
        keys.update((f"carried-forward-{pair.box}", column) for column in flow.by_id[pair.box].columns)
    keys.update((detail_rule(b), None) for b, info in flow.by_id.items() if info.box.format)
    return frozenset(keys)


def _is_ack(a: object) -> bool:
    return (
        isinstance(a, dict)
        and isinstance(a.get("rule"), str)
        and isinstance(a.get("reason"), str)
        and (a.get("column") is None or isinstance(a.get("column"), str))
        and set(a) <= {"rule", "column", "reason"}
    )


def _problem(rule: str, box: str, column: str | None, problem: ReportbotError) -> Finding:
    """An error finding whose ``problem`` is said by :func:`reportbot.saying.say`."""
    return Finding("error", rule, "value", (box,), column, {"problem": problem})


def read_answers(flow: CompiledFlow, raw: dict) -> tuple[dict[Cell, Value], list[Finding]]:
    """The answers of a file, and a finding for each value that cannot be used."""
    answers: dict[Cell, Value] = {}
    problems: list[Finding] = []
    for key, value in raw.items():
        info = flow.by_id.get(key) if isinstance(key, str) else None  # a box's id is clean text already
        if info is None:
            problems.append(_problem("unknown-box", clean_text(str(key))[:40], None, FileProblem("unknown_box")))
            continue
        box_id = info.box.id
        if value is None:
            continue
        if info.columns == (None,):
            if isinstance(value, dict):
                problems.append(_problem("value-kind", box_id, None, FileProblem("one_value")))
                continue
            cells = [((box_id, None), value)]
        else:
            if not isinstance(value, dict):
                problems.append(
                    _problem("value-kind", box_id, None, FileProblem("two_columns"))
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
                    unknown = FileProblem("unknown_column", column=show(str(column)[:20]))
                    problems.append(_problem("unknown-column", box_id, None, unknown))
        for cell, v in cells:
            if v is None:
                continue
            try:
                answers[cell] = to_value(info.box, v) if info.box.kind != "derived" else _total(v)
            except ValueProblem as e:
                problems.append(_problem("value-kind", box_id, cell[1], e))
    return answers, problems


def _total(v: object) -> Value:
    """A derived total as given in a file (checked later against its parts)."""
    if isinstance(v, bool) or not isinstance(v, (int, Decimal, float)):
        raise ValueProblem("total_expected", got=show(v))
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
    on_route = {cell: evaluation.values.get(cell) for cell in evaluation.route}
    doc = document(flow, year, {cell: v for cell, v in on_route.items() if v is not None}, status)
    if acknowledged:
        doc["acknowledged"] = acknowledged
    if language:
        doc["language"] = language
    return doc


def document(flow: CompiledFlow, year: int, values: dict[Cell, Value], status: str = "draft") -> dict[str, Any]:
    """A reportbot/1 document holding ``values`` (in the order given), one column of a box under its id."""
    answers: dict[str, Any] = {}
    for (box_id, column), value in values.items():
        plain = _plain(value)
        if column is None:
            answers[box_id] = plain
        else:
            answers.setdefault(box_id, {})[column] = plain
    return {"format": FORMAT, "report": flow.id, "year": year, "status": status, "answers": answers}


def _plain(value: Value) -> Any:
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent  # 'n', 'N' or 'F' for a NaN or an infinity
        return int(value) if isinstance(exponent, int) and exponent >= 0 and value == value.to_integral() else value
    return value


def _json_default(o: object) -> Any:
    # Money has at most two decimals, so the shortest float repr gives its digits back exactly.
    if isinstance(o, Decimal):
        return int(o) if o == o.to_integral() else float(o)
    raise TypeError(f"cannot write {type(o).__name__} to a report file")


def dumps(doc: dict[str, Any]) -> str:
    """JSON text of a document."""
    return json.dumps(doc, default=_json_default, indent=2, ensure_ascii=False) + "\n"
