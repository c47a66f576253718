"""The request log's words: every column labelled and explained in every language, and the
Vocabulary built from them that lets a French header or a French box label name its column or code."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from reportbot.flow.loader import load_flow
from reportbot.log_words import code_label, column_label, column_note, vocabulary
from reportbot.wording import DialogError, languages, load_report_dialog, validate_report_dialog, wording

REPORTS = ("cyfsa-part-x", "fippa-year-end")


def _columns(form: str):
    return {c.id: c for t in load_flow(form).flow.log.tables for c in t.columns}


def _fold(text: str) -> str:
    """A header as the reader compares it: case, accents, spaces, underscores and hyphens aside."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if ch.isalnum() or ch in "'()./;")


@pytest.mark.parametrize("form", REPORTS)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_column_has_a_label_and_a_note(form, language):
    words = wording(language, form)
    for column in _columns(form).values():
        assert column_label(words, column) != column.id, column.id
        assert len(column_note(words, column)) > 20, column.id


def test_labels_and_notes_are_in_the_language_asked():
    received = _columns("fippa-year-end")["received"]
    assert column_label(wording("en", "fippa-year-end"), received) == "Date received"
    assert column_label(wording("fr", "fippa-year-end"), received) == "Date de réception"
    assert "clarification" in column_note(wording("en", "cyfsa-part-x"), received)
    assert "précision" in column_note(wording("fr", "cyfsa-part-x"), received)


def test_a_box_code_takes_its_box_label_and_a_word_code_the_log_words():
    flow = load_flow("fippa-year-end")
    en, fr = wording("en", "fippa-year-end"), wording("fr", "fippa-year-end")
    assert code_label(flow, en, "7.1") == "All information disclosed"
    assert code_label(flow, fr, "7.1") == load_report_dialog("fr", "fippa-year-end").boxes["7.1"].label
    assert code_label(flow, en, "personal") == "Personal information"
    assert code_label(flow, fr, "part") == "Dispense d'une partie des droits"


@pytest.mark.parametrize("form", REPORTS)
def test_the_vocabulary_holds_every_language_english_first(form):
    vocab = vocabulary(form)
    columns = _columns(form)
    assert set(vocab.columns) == set(columns)
    flow = load_flow(form)
    for cid in columns:
        assert list(vocab.columns[cid]) == [column_label(wording(lang, form), columns[cid]) for lang in ("en", "fr")]
    codes = {k.id for c in columns.values() for k in c.codes or []}
    assert set(vocab.codes) == codes
    for code in codes:
        assert vocab.codes[code][0] == code_label(flow, wording("en", form), code)
        assert code_label(flow, wording("fr", form), code) in vocab.codes[code]
    assert len(languages()) == 2  # a third language would add a third label to each


def test_french_headers_are_in_the_cyfsa_vocabulary():
    vocab = vocabulary("cyfsa-part-x")
    assert "Auteur du vol" in vocab.columns["thief"]
    assert "Demande de rectification" in vocab.codes["correction"]
    assert "Corrections made in their entirety" in vocab.codes["8.2"]


@pytest.mark.parametrize("form", REPORTS)
def test_no_label_names_two_columns_of_a_table(form):
    """A label that is another column's label or header alias would make a header ambiguous."""
    every = [wording(lang, form) for lang in languages()]
    for table in load_flow(form).flow.log.tables:
        seen: dict[str, str] = {}
        for column in table.columns:
            names = {_fold(column.id), *(_fold(a) for a in column.aliases)}
            names |= {_fold(column_label(w, column)) for w in every}
            for name in names:
                assert seen.setdefault(name, column.id) == column.id, (table.id, name, column.id, seen[name])


@pytest.mark.parametrize("form", REPORTS)
def test_no_code_label_names_two_codes_of_a_column(form):
    flow = load_flow(form)
    every = [wording(lang, form) for lang in languages()]
    for column in _columns(form).values():
        seen: dict[str, str] = {}
        for code in column.codes or []:
            for name in {_fold(code_label(flow, w, code.id)) for w in every}:
                assert seen.setdefault(name, code.id) == code.id, (column.id, name)


def _dialog(form: str, **log):
    dialog = load_report_dialog("en", form)
    return dialog.model_copy(update={"log": dialog.log.model_copy(update=log)})


def test_a_dialog_without_a_column_of_the_log_is_refused():
    flow = load_flow("cyfsa-part-x")
    columns = dict(load_report_dialog("en", "cyfsa-part-x").log.columns)
    del columns["due"]
    with pytest.raises(DialogError, match="log column due: has no text"):
        validate_report_dialog(_dialog("cyfsa-part-x", columns=columns), flow, Path("dialogs/en/cyfsa-part-x.yaml"))


def test_a_dialog_naming_a_column_or_code_the_log_lacks_is_refused():
    flow = load_flow("fippa-year-end")
    path = Path("dialogs/en/fippa-year-end.yaml")
    dialog = load_report_dialog("en", "fippa-year-end")
    columns = {**dialog.log.columns, "weather": dialog.log.columns["file"]}
    with pytest.raises(DialogError, match="log column weather: is not in flows/fippa-year-end.yaml"):
        validate_report_dialog(_dialog("fippa-year-end", columns=columns), flow, path)
    codes = {k: v for k, v in dialog.log.codes.items() if k != "general"}
    with pytest.raises(DialogError, match="log code general: has no text"):
        validate_report_dialog(_dialog("fippa-year-end", codes=codes), flow, path)
    with pytest.raises(DialogError, match="log: missing"):
        validate_report_dialog(dialog.model_copy(update={"log": None}), flow, path)


@pytest.mark.parametrize("language,said", [("en", "only when Outcome is 7.2, 7.4"), ("fr", "que si Résultat est 7.2, 7.4")])
def test_a_finding_names_another_column_by_its_label_not_its_id(language, said):
    from reportbot.explain import row_finding
    from reportbot.log.table import RowFinding

    finding = RowFinding("warning", "counts_only_with", "log.csv", 3, "2025-002", "exemptions",
                         {"other": "outcome", "codes": "7.2, 7.4"})
    other = RowFinding("error", "code_other", "log.csv", 4, "2025-003", "outcome",
                       {"cell": "7.2", "within": "request", "kind": "correction"})
    words = wording(language, "fippa-year-end")
    assert said in row_finding(words, finding)
    text = row_finding(words, other)
    assert f" {column_label(words, _column('request'))} " in text and " whose request " not in text


def _column(column_id):
    log = load_flow("fippa-year-end").flow.log
    return next(c for t in log.tables for c in t.columns if c.id == column_id)
