"""The same rows written as CSV, XLSX and ODS read to equal tables (Hypothesis)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path
from xml.sax.saxutils import escape

import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from reportbot.flow.loader import load_flow
from reportbot.log.count import count_log
from reportbot.log.read import read_log
from reportbot.log.vocabulary import Vocabulary

SPEC = load_flow("fippa-year-end").flow.log
HEADER = ["file", "request", "received", "completed", "extension", "outcome", "exemptions", "additional_fees",
          "notices_sent", "requester_name"]

rows = st.lists(st.tuples(
    st.from_regex(r"[A-Z]{0,3}20[0-9]{2}-[0-9]{1,4}", fullmatch=True),
    st.sampled_from(["access", "correction", "", "A", "corr"]),
    st.dates(dt.date(1985, 1, 1), dt.date(2028, 12, 31)),
    st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 31))),
    st.sampled_from(["yes", "no", "", "x", "oui", "maybe"]),
    st.sampled_from(["withdrawn", "7.2", "partly made", "", "dsiclosed", "all disclosed"]),
    st.sampled_from(["", "13", "s.13; 21", "8.14", "99"]),
    st.one_of(st.none(), st.integers(0, 10**6)),
    st.one_of(st.none(), st.integers(0, 500)),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=10),
), min_size=1, max_size=8)


def _cells(row):
    """A row as spreadsheet values: dates as dates, fees and counts as numbers, the rest as text."""
    file, request, received, completed, extension, outcome, exemptions, fees, notices, name = row
    return [file, request, received, completed or "", extension, outcome, exemptions,
            "" if fees is None else fees / 100, "" if notices is None else notices, name]


def _csv(path: Path, data) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in data:
        writer.writerow(["" if c == "" else f"{c:.2f}" if isinstance(c, float) else str(c) for c in _cells(row)])
    path.write_text(out.getvalue(), encoding="utf-8")


def _xlsx(path: Path, data) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("requests")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(data, start=1):
        for c, cell in enumerate(_cells(row)):
            if isinstance(cell, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(cell, dt.time()), dates)
            elif isinstance(cell, int | float):
                sheet.write_number(r, c, cell)
            elif cell != "":
                sheet.write_string(r, c, cell)
    book.close()


def _ods_cell(cell) -> str:
    if isinstance(cell, dt.date):
        return f'<table:table-cell office:value-type="date" office:date-value="{cell.isoformat()}"/>'
    if isinstance(cell, int | float):
        return f'<table:table-cell office:value-type="float" office:value="{cell}"/>'
    if cell == "":
        return "<table:table-cell/>"
    return f'<table:table-cell office:value-type="string"><text:p>{escape(cell)}</text:p></table:table-cell>'


def _ods(path: Path, data) -> None:
    """A minimal OpenDocument spreadsheet: the mimetype, a manifest and the content."""
    body = "".join("<table:table-row>" + "".join(_ods_cell(c) for c in cells) + "</table:table-row>"
                   for cells in [HEADER, *map(_cells, data)])
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="requests">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)


def _read(path: Path):
    table, = read_log([path], SPEC, Vocabulary(), year=2025).tables
    return (table.kind, table.lines, table.values, table.invalid,
            [(f.severity, f.code, f.line, f.file, f.column, f.facts) for f in table.findings])


@settings(max_examples=40, deadline=None)
@given(rows)
def test_csv_xlsx_and_ods_of_the_same_rows_read_the_same(data):
    with tempfile.TemporaryDirectory() as folder:
        read = []
        for suffix, write in ((".csv", _csv), (".xlsx", _xlsx), (".ods", _ods)):
            path = Path(folder, "log" + suffix)
            write(path, data)
            read.append(_read(path))
    assert read[0] == read[1] == read[2]
    assert "requester_name" not in read[0][2]


EXTRA = st.tuples(st.sampled_from(["personal", "general", "", "gen", "P"]), st.sampled_from(["", "no", "yes", "peut-être"]),
                  st.sampled_from(["", "", "2025-03-01", "2024-12-01"]), st.sampled_from(["", "4.1", "media", "4.9"]))


@settings(max_examples=60, deadline=None)
@given(rows, st.lists(EXTRA, min_size=8, max_size=8))
def test_a_log_counts_the_same_by_its_reading_s_numbers_as_by_its_values(data, extra):
    # Counting tests a column of few distinct cells by the numbers its reading gave them; it must agree, box by box
    # and finding by finding, with counting from the values alone (blank codes, unreadable cells and all).
    flow = load_flow("fippa-year-end")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "log.csv")
        _csv(path, data)
        with path.open(encoding="utf-8", newline="") as f:
            written = list(csv.reader(f))
        header = ("records", "transferred_in", "transferred_out", "source")
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([*row, *more] for row, more in zip(written, [header, *extra], strict=False))
        table, = read_log([path], SPEC, Vocabulary(), year=2025).tables
    assert table.numbered  # the path under test is taken
    by_numbers = count_log(flow, [table], 2025)
    by_values = count_log(flow, [replace(table, numbered={})], 2025)
    assert by_numbers.answers == by_values.answers
    assert by_numbers.findings == by_values.findings
    assert by_numbers.summary == by_values.summary
