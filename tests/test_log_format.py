"""docs/log-format.md (and its French page): the request log's whole format, generated from the
flows' log sections and the dialogs, and kept in step with them."""

from __future__ import annotations

import pytest

from reportbot import log_format
from reportbot.flow.loader import load_flow, report_ids
from reportbot.log_words import code_label, column_label, column_note, kind_text
from reportbot.wording import languages, wording


@pytest.mark.parametrize("language", languages())
def test_the_committed_page_is_the_generated_one(language):
    path = log_format.docs_dir() / log_format.page_name(language)
    assert path.read_text(encoding="utf-8") == log_format.render(language), "run: python -m reportbot.log_format"


def test_check_says_a_stale_page_and_writing_fixes_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(log_format, "docs_dir", lambda: tmp_path)
    assert log_format.main(["--check"]) == 1
    assert "stale: log-format.md, log-format.fr.md;" in capsys.readouterr().err
    assert log_format.main([]) == 0
    assert log_format.main(["--check"]) == 0
    (tmp_path / "log-format.fr.md").write_text("vieux\n", encoding="utf-8")
    assert log_format.main(["--check"]) == 1


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_page_gives_every_column_and_code_of_every_report_in_its_language(language):
    page = log_format.render(language)
    for form in report_ids():
        flow, words = load_flow(form), wording(language, form)
        assert f"## {words.t('log.doc.report', title=words.report.title, report=form)}" in page
        for table in flow.flow.log.tables:
            assert f"### {words.t('log.doc.table', table=f'`{table.id}`')}" in page
            for column in table.columns:
                row = f"| `{column.id}` | {column_label(words, column)} | {column_note(words, column)} | {kind_text(words, column)} |"
                assert row in page, (form, column.id)
                for code in column.codes or []:
                    assert f"| `{code.id}` | {code_label(flow, words, code.id)} |" in page, (form, column.id, code.id)


def test_other_names_are_listed_once_whatever_their_case():
    page = log_format.render("en")
    line = next(x for x in page.splitlines() if x.startswith("| `request` |"))
    assert line.endswith("| Type de demande, request type, type |")  # "type of request", the label, is not repeated


def test_the_page_holds_the_values_and_the_map_file_in_its_language():
    page = log_format.render("fr")
    common = wording("fr")
    for key in ("dates", "yesno", "money", "codes", "map", "headers", "files", "template"):
        assert common.t(f"log.doc.{key}") in page
    assert "```yaml\ncolumns: {date_accepted: received" in page
