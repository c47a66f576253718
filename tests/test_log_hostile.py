"""Hostile request logs: each refused with a clear message (a key with facts), never a traceback or a hang."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from reportbot.flow.loader import load_flow
from reportbot.log import files
from reportbot.log.files import LogError, ReadAhead, read_sheets
from reportbot.log.read import read_log
from reportbot.log.vocabulary import Vocabulary
from reportbot.saying import say
from reportbot.wording import wording

HOSTILE = Path(__file__).parent / "data" / "logs" / "hostile"
sys.path.insert(0, str(HOSTILE))
import make  # noqa: E402 (the generators of the big hostile logs live beside the small ones)

SPEC = load_flow("fippa-year-end").flow.log


def _read(path: Path):
    return read_log([path], SPEC, Vocabulary(), year=2025)


def _refused(path: Path, code: str) -> LogError:
    with pytest.raises(LogError) as caught:
        _read(path)
    assert caught.value.code == code
    for lang in ("en", "fr"):  # said in both languages, every field filled
        text = say(caught.value, wording(lang))
        assert "{" not in text and "log.error" not in text
    return caught.value


def test_a_missing_file():
    _refused(HOSTILE / "no such log.csv", "missing")


def test_a_folder_and_a_fifo_are_not_read(tmp_path):
    _refused(tmp_path, "not_regular")
    fifo = tmp_path / "log.csv"
    os.mkfifo(fifo)
    _refused(fifo, "not_regular")  # refused before an open that would wait for a writer


def test_a_binary_file_named_csv():
    _refused(HOSTILE / "binary.csv", "binary")


def test_a_csv_that_is_not_utf8():
    _refused(HOSTILE / "windows_1252.csv", "not_utf8")


def test_a_file_that_starts_like_a_zip_but_is_none():
    _refused(HOSTILE / "not_a_spreadsheet.xlsx", "not_spreadsheet")


def test_a_file_far_too_large(tmp_path, monkeypatch):
    from reportbot.log import files

    monkeypatch.setattr(files, "MAX_BYTES", 1000)
    path = tmp_path / "big.csv"
    path.write_text("file,received\n" + "2025-001,2025-01-01\n" * 100)
    assert _refused(path, "too_large").facts["megabytes"] == 0


def test_a_zip_bomb_disguised_as_xlsx_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    import python_calamine

    def never(*args, **kwargs):
        raise AssertionError("calamine opened a zip bomb")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", never)
    _refused(make.zip_bomb(tmp_path), "zip_bomb")


def test_a_million_rows_are_refused_before_they_become_python_objects(tmp_path):
    error = _refused(make.million_rows(tmp_path), "too_many_rows")
    assert error.facts["rows"] == 1_048_576


def test_a_csv_of_a_million_lines_is_refused_before_parsing(tmp_path):
    path = tmp_path / "long.csv"
    path.write_bytes(b"file\n" + b"1\n" * 1_048_575)
    assert _refused(path, "too_many_rows").facts["rows"] == 1_048_576


def test_a_thousand_columns():
    assert _refused(HOSTILE / "thousand_columns.csv", "too_many_columns").facts["columns"] == 1000


def test_a_ten_megabyte_cell_in_a_csv(tmp_path):
    _refused(make.ten_mb_cell(tmp_path, ".csv"), "cell_too_large")


def test_a_ten_megabyte_file_number_in_a_spreadsheet_is_a_row_finding(tmp_path):
    table, = _read(make.ten_mb_cell(tmp_path, ".xlsx")).tables
    finding, = table.findings
    assert (finding.code, finding.line, finding.column) == ("text_long", 2, "file")
    assert len(finding.facts["cell"]) <= 40
    assert table.values["file"] == [None] and table.invalid["file"] == {0}


def test_formulas_in_file_numbers_are_refused_and_never_kept():
    table, = _read(HOSTILE / "formulas.csv").tables
    assert [(f.line, f.code) for f in table.findings] == [(2, "text_formula"), (3, "text_formula"), (4, "text_formula")]
    assert table.values["file"] == [None, None, None, "2025-004"]


def test_escape_sequences_in_file_numbers_are_refused_and_not_shown():
    table, = _read(HOSTILE / "escapes.csv").tables
    assert [(f.line, f.code) for f in table.findings] == [(2, "text_control"), (3, "text_control")]
    assert all("\x1b" not in f.facts["cell"] for f in table.findings)
    assert table.values["file"] == [None, None, "2025-003"]


def test_bidi_and_invisible_characters_in_file_numbers_are_refused():
    table, = _read(HOSTILE / "bidi.csv").tables
    assert [(f.line, f.code) for f in table.findings] == [(2, "text_control"), (3, "text_control")]
    assert all("\u202e" not in f.facts["cell"] and "\u200b" not in f.facts["cell"] for f in table.findings)


def test_mixed_date_orders_in_one_column_are_refused_naming_both():
    error = _refused(HOSTILE / "mixed_dates.csv", "date_mixed")
    assert error.facts == {"name": str(HOSTILE / "mixed_dates.csv"), "column": "received",
                           "day_first": "25/3/2025", "month_first": "3/25/2025"}


def test_every_reading_message_is_said_in_both_languages():
    for lang in ("en", "fr"):
        messages = wording(lang).common.messages
        for code in ("missing", "binary", "zip_bomb", "too_many_rows", "date_order", "map_code"):
            assert f"log.error.{code}" in messages
        assert "log.notice.not_a_table" in messages


def test_files_read_ahead_in_a_thread_give_the_same_sheets_and_each_file_its_own_error(tmp_path, monkeypatch):
    good = tmp_path / "log.csv"
    good.write_text("file,received\nA-1,2025-01-10\n", encoding="utf-8")
    ahead = ReadAhead([HOSTILE / "no such log.csv", good, tmp_path])
    with pytest.raises(LogError) as caught:
        ahead.sheets(HOSTILE / "no such log.csv")
    assert caught.value.code == "missing"  # raised where the file is taken, not lost in the thread
    assert [list(s.rows) for s in ahead.sheets(good)] == [list(s.rows) for s in read_sheets(good)]
    with pytest.raises(LogError) as caught:
        ahead.sheets(tmp_path)
    assert caught.value.code == "not_regular"
    # Whatever else goes wrong in the thread is met again where the file is taken: nothing is silently empty.
    monkeypatch.setattr(files, "read_sheets", _fails_once(files.read_sheets))
    assert [list(s.rows) for s in ReadAhead([good]).sheets(good)] == [[["file", "received"], ["A-1", "2025-01-10"]]]


def _fails_once(read):
    calls = []

    def reading(path, database=None):
        calls.append(path)
        if len(calls) == 1:
            raise MemoryError
        return read(path, database)

    return reading


def test_reportbots_own_database_is_never_opened_as_a_log(tmp_path, monkeypatch):
    database = tmp_path / "reportbot.db"
    database.write_bytes(b"SQLite format 3\0")
    opened = []
    monkeypatch.setattr(files, "read_regular", lambda path, limit: opened.append(path))
    for path in (database, tmp_path / "reportbot.db-wal"):
        (tmp_path / "reportbot.db-wal").touch()
        with pytest.raises(LogError) as caught:
            read_log([path], SPEC, Vocabulary(), year=2025, database=database)
        assert caught.value.code == "log_database"
    assert opened == []  # a plain open and close of it would drop the process's SQLite locks
