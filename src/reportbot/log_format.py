"""The request log's format as a page of its own, generated from the flows' ``log:`` and the dialogs.

    python -m reportbot.log_format          write docs/log-format.md (English) and docs/log-format.fr.md
    python -m reportbot.log_format --check  exit 1 if a committed page is stale

Every word comes from dialogs/<lang>/ and every column, code and alias from
flows/, so the page says exactly what the template and the reader do.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from reportbot.flow.loader import CompiledFlow, load_flow, report_ids
from reportbot.log.vocabulary import Vocabulary
from reportbot.log_words import code_label, column_label, column_note, kind_text, log_spec, vocabulary
from reportbot.resources import data_root
from reportbot.wording import Wording, languages, wording

if TYPE_CHECKING:  # pydantic's models: a start from the flow cache never imports them
    from reportbot.flow.models import LogColumn, LogTable

# The example of the issue's --map file: a log whose own headers and values are mapped once and reused.
MAP_EXAMPLE = """\
columns: {date_accepted: received, date: completed, decision: outcome, classification: records}
values:
  outcome: {all disclosed: "7.1", disclosed in part: "7.2", nothing disclosed: "7.4", discontinued: "7.6"}
absent: [due, paused_days]
never: {transferred_out: 2025}
flags:
  exemptions: {"Personal privacy": "8.12", "Law enforcement": "8.3"}
"""


def page_name(language: str) -> str:
    return "log-format.md" if language == "en" else f"log-format.{language}.md"


def render(language: str) -> str:
    """The whole page in ``language``."""
    common = wording(language)
    t = common.t
    out = [f"# {t('log.doc.title')}", "", f"*{t('log.doc.generated')}*", "", t("log.doc.intro"), "",
           t("log.doc.template"), "", f"## {t('log.doc.files_title')}", "", t("log.doc.files"), "",
           f"## {t('log.doc.headers_title')}", "", t("log.doc.headers"), "", f"## {t('log.doc.values_title')}", ""]
    out += [f"- {t(f'log.doc.{key}')}" for key in ("dates", "yesno", "money", "codes", "flags")]
    out += ["", f"## {t('log.doc.map_title')}", "", t("log.doc.map"), "", "```yaml", MAP_EXAMPLE.rstrip("\n"), "```"]
    for form in report_ids():
        out += _report(load_flow(form), wording(language, form))
    return "\n".join(out) + "\n"


def _report(flow: CompiledFlow, words: Wording) -> list[str]:
    title = words.report.title if words.report else flow.id
    out = ["", f"## {words.t('log.doc.report', title=title, report=flow.id)}"]
    spec = log_spec(flow)
    if spec.split_by:
        out += ["", words.t("log.doc.split", column=f"`{spec.split_by}`")]
    if spec.private:
        out += ["", words.t("log.doc.private", headers=", ".join(f"`{h}`" for h in spec.private))]
    vocab = vocabulary(flow.id)
    for table in spec.tables:
        out += _table(flow, words, vocab, table)
    return out


def _table(flow: CompiledFlow, words: Wording, vocab: Vocabulary, table: LogTable) -> list[str]:
    t = words.t
    out = ["", f"### {t('log.doc.table', table=f'`{table.id}`')}", "", t(f"log.doc.table.{table.id}"), ""]
    out += _row(t("log.head.column"), t("log.head.label"), t("log.head.note"), t("log.head.value"), t("log.head.words"))
    out.append("|---|---|---|---|---|")
    for column in table.columns:
        label = column_label(words, column)
        others = _others(label, [*vocab.columns.get(column.id, []), *column.aliases])
        out += _row(f"`{column.id}`", label, column_note(words, column), kind_text(words, column), others)
    for column in table.columns:
        if column.codes:
            out += _codes(flow, words, vocab, column)
    return out


def _codes(flow: CompiledFlow, words: Wording, vocab: Vocabulary, column: LogColumn) -> list[str]:
    t = words.t
    within = column.within is not None
    heads = [t("log.head.code"), t("log.head.label"), *([t("log.head.when")] if within else []), t("log.head.words")]
    out = ["", f"#### {t('log.doc.values_of', column=f'`{column.id}`')}", "", *_row(*heads),
           "|" + "---|" * len(heads)]
    for code in column.codes or []:
        label = code_label(flow, words, code.id)
        others = _others(label, [*vocab.codes.get(code.id, []), *code.words])
        when = [code_label(flow, words, code.when) if code.when else ""] if within else []
        out += _row(f"`{code.id}`", label, *when, others)
    return out


def _others(label: str, names: list[str]) -> str:
    """The other names, each once whatever its case ("Type de demande" is an alias and a label)."""
    seen = {label.casefold()}
    out = []
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return ", ".join(out)


def _row(*cells: str) -> list[str]:
    return ["| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"]


def docs_dir() -> Path:
    return data_root() / "docs"


def main(argv: list[str]) -> int:
    stale = []
    for language in languages():
        path = docs_dir() / page_name(language)
        text = render(language)
        if "--check" in argv:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"stale: {', '.join(stale)}; run python -m reportbot.log_format", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
