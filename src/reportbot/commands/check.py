"""``reportbot check FILE... [--format text|json]``: a report file against the workbook's rules.

Exit 0 when no file has an error or a missing box; 1 otherwise; 2 when a file
cannot be used (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reportbot import explain
from reportbot.engine import Evaluation, Finding, evaluate
from reportbot.findings import assemble
from reportbot.language import choose_language
from reportbot.render.text import where as where_of
from reportbot.reportfile import ReportFile, UnusableFile, read_report_file
from reportbot.saying import say
from reportbot.values import one_line
from reportbot.wording import DialogError, Wording, wording, words_for


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="reportbot/1 files (JSON or YAML)")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="text for people, json for programs")


def findings_of(report: ReportFile, evaluation: Evaluation) -> list[Finding]:
    """Everything wrong with a file: its unusable values, then the rules, then answers the route skips."""
    return list(assemble(evaluation, problems=report.problems).items)


def as_json(name: str, report: ReportFile, evaluation: Evaluation, words: Wording) -> dict:
    flow = report.flow
    findings = findings_of(report, evaluation)
    return {
        "file": name,
        "report": flow.id,
        "year": report.year,
        "complete": evaluation.complete and not any(f.severity == "error" for f in findings),
        "findings": [
            {
                "severity": f.severity,
                "rule": f.rule,
                "boxes": list(f.boxes),
                "column": f.column,
                "message": explain.summary(flow, words, f),
                "fix": explain.fix(words, f) or None,
            }
            for f in findings
        ],
        "missing": [explain.cell_name(flow, words, c) for c in evaluation.missing],
        "notices": [words.report.notices[n] for n in evaluation.notices] if words.report else [],
    }


def as_text(name: str, report: ReportFile, evaluation: Evaluation, words: Wording) -> str:
    flow = report.flow
    findings = findings_of(report, evaluation)
    lines = [words.t("check.file", name=name, form=flow.id, year=report.year)]
    for f in findings:
        where = where_of(flow, words, f)
        lines.append(
            words.t("check.finding_head", severity=words.t(f"severity.{f.severity}"), rule=f.rule, where=where)
        )
        lines.append("    " + explain.summary(flow, words, f))
        if fix := explain.fix(words, f):
            lines.append("    " + words.t("check.fix", fix=fix))
        if src := explain.source(flow, f):
            lines.append("    " + words.t("check.workbook", source=src))
    if evaluation.missing:
        cells = ", ".join(explain.cell_name(flow, words, c) for c in evaluation.missing)
        lines.append(words.t("check.missing", count=len(evaluation.missing), cells=cells))
    for n in evaluation.notices:
        lines.append(words.t("check.notice", text=words.report.notices[n] if words.report else n))
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    if errors or evaluation.missing:
        lines.append(words.t("check.incomplete", errors=errors, missing=len(evaluation.missing), warnings=warnings))
    else:
        lines.append(words.t("check.complete", warnings=warnings))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    status = 0
    language = choose_language(args.lang)
    for i, given in enumerate(args.files):
        name = one_line(given)  # a file name can carry escape sequences and newlines too
        try:
            report = read_report_file(Path(given))
            words = wording(language, report.flow.id)
        except UnusableFile as e:
            print(f"reportbot: {say(e, words_for(language))}", file=sys.stderr)
            status = 2
            continue
        except DialogError as e:
            print(f"reportbot: {e}", file=sys.stderr)
            status = 2
            continue
        evaluation = evaluate(report.flow, report.answers)
        if args.format == "json":
            print(json.dumps(as_json(name, report, evaluation, words), default=str, ensure_ascii=False))
        else:
            if i:
                print()
            print(as_text(name, report, evaluation, words))
        has_error = bool(report.problems) or not evaluation.complete
        if has_error and status == 0:
            status = 1
    sys.stdout.flush()
    return status
