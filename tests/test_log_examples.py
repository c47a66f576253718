"""The example request logs (tests/data/logs/) and their generator (bench/logs.py): deterministic,
written the way real logs are, in words reportbot reads, with counts a person checked by hand."""

from __future__ import annotations

import csv
import importlib.util
import re
import unicodedata
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import yaml

from reportbot.flow.loader import load_flow
from reportbot.log_words import vocabulary

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "tests" / "data" / "logs"
_spec = importlib.util.spec_from_file_location("bench_logs", ROOT / "bench" / "logs.py")
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

TYPOS = {"withdrawm", "fullacess"}  # the deliberate ones, each in expected.yaml's refused_codes
IGNORED = {"Requester Name", "Summary", "Client", "Worker", "Description"}  # columns no report uses
YES_NO = {"", "y", "yes", "n", "no", "x"}
MONEY = re.compile(r"^(\$?[0-9]{1,3}(,[0-9]{3})*|[0-9]+)(\.[0-9]{2})?$")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if ch.isalnum() or ch in "'()./;$")


def _tables(name: str) -> dict[str, list[list[object]]]:
    """Sheet (or file) → its rows, header first, cells as written (native dates stay dates)."""
    path = LOGS / name
    if path.suffix == ".csv":
        with open(path, encoding="utf-8", newline="") as f:
            return {"requests": list(csv.reader(f))}
    book = openpyxl.load_workbook(path)
    return {s.title.lower(): [["" if v is None else v for v in row] for row in s.iter_rows(values_only=True)]
            for s in book}


def _column_of(form: str, table: str, header: str):
    """The flow's column a header names (by id, alias or label in any language), or None."""
    vocab = vocabulary(form)
    spec = next(t for t in load_flow(form).flow.log.tables if t.id == table)
    found = [c for c in spec.columns
             if _fold(header) in {_fold(n) for n in (c.id, *c.aliases, *vocab.columns[c.id])}]
    assert len(found) <= 1, (header, [c.id for c in found])
    return found[0] if found else None


EXAMPLES = {"fippa-2025.csv": "fippa-year-end", "cyfsa-2025.xlsx": "cyfsa-part-x"}


def test_the_examples_are_what_the_generator_writes(tmp_path):
    written = gen.write_examples(tmp_path)
    assert sorted(p.name for p in written) == sorted(EXAMPLES)
    for path in written:
        assert path.read_bytes() == (LOGS / path.name).read_bytes(), f"run: python bench/logs.py examples ({path.name})"


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_header_names_one_column_or_is_one_no_report_uses(name):
    form = EXAMPLES[name]
    for table, rows in _tables(name).items():
        for header in rows[0]:
            column = _column_of(form, table, header)
            assert (column is None) == (header in IGNORED), (table, header)


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_cell_is_written_as_reportbot_reads_it(name):
    """Codes as ids, words or labels; yes/no words; dates ISO, native or day/month/year (decided); dollars."""
    form = EXAMPLES[name]
    vocab = vocabulary(form)
    for table, rows in _tables(name).items():
        for i, header in enumerate(rows[0]):
            column = _column_of(form, table, header)
            cells = [r[i] for r in rows[1:]]
            if column is None or column.value in ("text", "count"):
                continue
            if column.value in ("code", "codes"):
                allowed = {_fold(n) for c in column.codes for n in (c.id, *c.words, *vocab.codes[c.id])}
                for cell in cells:
                    parts = [p for p in str(cell).split(";") if p.strip()] if column.value == "codes" else [str(cell)]
                    for part in parts:
                        assert not part.strip() or _fold(part) in allowed | TYPOS, (header, part)
            elif column.value == "yesno":
                assert {str(c).strip().lower() for c in cells} <= YES_NO, header
            elif column.value == "money":
                assert all(c == "" or MONEY.match(str(c)) for c in cells), header
            elif column.value == "date":
                by_hand = [c for c in cells if isinstance(c, str) and "/" in c]
                text = [c for c in cells if isinstance(c, str) and c and "/" not in c]
                assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", c) for c in text), header
                if by_hand:  # a day over 12 somewhere decides the order, as the reading needs
                    assert any(int(c.split("/")[0]) > 12 for c in by_hand), header


def _files(name: str) -> set[str]:
    return {str(r[0]).strip() for rows in _tables(name).values() for r in rows[1:]}


def test_the_hand_counts_name_real_boxes_and_real_files():
    expected = yaml.safe_load((LOGS / "expected.yaml").read_text(encoding="utf-8"))
    assert set(expected) == set(EXAMPLES)
    for name, example in expected.items():
        flow = load_flow(example["report"])
        assert flow.id == EXAMPLES[name] and example["year"] == gen.YEAR
        files = _files(name)
        for entry in example["boxes"]:
            assert entry["box"] in flow.by_id, entry
            assert entry.get("column") in {None, *(c.id for c in flow.flow.columns)}, entry
            assert set(entry["files"]) <= files, entry["box"]
            assert len(set(entry["files"])) == len(entry["files"])
            assert "value" in entry or entry["count"] == len(entry["files"]), entry["box"]
        tables = _tables(name)
        for kind in ("left_out", "refused_codes", "repeated", "other_years", "gaps"):
            for row in example.get(kind, []):
                sheet = tables[row.get("sheet", "requests").lower()]
                assert str(sheet[row["line"] - 1][0]).strip() == row["file"], (kind, row)
                if kind == "repeated":
                    assert sheet[row["line"] - 1] == sheet[row["same_as"] - 1]
                if kind == "refused_codes":
                    assert row["value"] in sheet[row["line"] - 1]


def test_names_in_the_examples_are_invented():
    """The examples hold requesters' names as real logs do: only ones made up from the generator's lists."""
    people = {f"{a} {b}" for a in gen.FIRST for b in gen.LAST}
    rows = _tables("fippa-2025.csv")["requests"]
    column = rows[0].index("Requester Name")
    assert {r[column] for r in rows[1:]} <= people


@pytest.mark.parametrize(("form", "suffix"), [("fippa-year-end", ".csv"), ("cyfsa-part-x", ".xlsx")])
def test_a_big_log_has_the_rows_asked_each_file_once_but_the_repeats(tmp_path, form, suffix):
    count = 3000
    path = tmp_path / f"big{suffix}"
    gen.write_big(form, count, path)
    if suffix == ".csv":
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))[1:]
    else:
        book = openpyxl.load_workbook(path, read_only=True)
        assert book.sheetnames == ["Requests", "Breaches"]
        rows = [list(r) for r in book["Requests"].iter_rows(min_row=2, values_only=True)]
        assert any(isinstance(c, datetime) for c in rows[0] + rows[1])  # the spreadsheet's own dates
    period, rest = (23, 7) if form == "fippa-year-end" else (19, 4)  # a repeated row, as the generator writes
    repeats = sum(1 for n in range(1, count + 1) if n % period == rest)
    assert len(rows) == count + repeats
    assert len({str(r[0]).strip() for r in rows}) == count
