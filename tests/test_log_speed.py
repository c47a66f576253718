"""What keeps ``log count`` of a 100,000-row log fast and small (issue 14's Speed section).

The results themselves are checked by the other test_log_* files; these check the means.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportbot.flow import cache
from reportbot.flow.loader import load_flow
from reportbot.log import cells, read
from reportbot.log_load import load

LOGS = Path(__file__).parent / "data" / "logs"


def test_a_log_count_from_a_warm_flow_cache_imports_no_pydantic(tmp_path):
    # pydantic's models are a tenth of a second of a count's start; a --map file alone needs them.
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from reportbot.cli import main\n"
        f"status = main(['log', 'count', 'fippa-year-end', {str(LOGS / 'fippa-2025.csv')!r}, '--year', '2025',"
        f" '-o', {str(tmp_path / 'out.json')!r}])\n"
        "print(status, sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core')))\n"
    )
    env = {**os.environ, cache.ENV_DIR: str(tmp_path / "cache"), "REPORTBOT_DB": str(tmp_path / "r.db")}
    env.pop(cache.ENV_SWITCH, None)
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
            for _ in range(2)]  # the first fills the cache
    assert runs[1].stdout.strip() == "1 []"


def test_clean_file_numbers_are_not_read_one_by_one(monkeypatch):
    column: list[object] = [f"FOI2025-{n:05}" for n in range(1000)] + ["=HYPERLINK()", " FOI 7 ", "a  b", "", "é"]
    expected = list(map(_plain, map(cells.text, column)))
    seen = []
    real = cells.text
    monkeypatch.setattr(cells, "text", lambda c: seen.append(c) or real(c))
    values, bad = cells.text_column(column)
    assert list(map(_plain, values)) == expected and bad
    assert sorted(seen) == sorted(column[1000:])


def _plain(value: object) -> object:
    return (value.code, value.facts) if isinstance(value, cells.Bad) else value


def test_rows_are_picked_a_chunk_at_a_time_column_by_column_and_cells_kept_as_read():
    rows = [[f"FOI-{n}", "".join(["2025-01-0", str(n % 2)]), "x"] for n in range(5000)]
    rows.insert(3, ["", "", "x"])  # blank in both used columns: no row
    keep: list[int] = []
    chunks = list(read._pick(iter(rows), [0, 1], keep))
    assert keep == [i for i in range(5001) if i != 3]
    assert [len(files) for files, _ in chunks] == [read._CHUNK - 1, 5000 - read._CHUNK + 1]
    assert [d for _, dates in chunks for d in dates] == [r[1] for i, r in enumerate(rows) if i != 3]
    numbers: list[list[object]] = [[1], [True], [1.0]]  # equal, but a spreadsheet's 1 and TRUE read differently
    ((kept,),) = read._pick(iter(numbers), [0], [])
    assert [type(v) for v in kept] == [int, bool, float]


def test_the_garbage_collector_rests_while_a_log_is_read_and_counted_and_is_back_after(monkeypatch):
    during = []
    real = read.read_log
    monkeypatch.setattr(read, "read_log", lambda *a, **k: during.append(gc.isenabled()) or real(*a, **k))
    assert gc.isenabled()
    load(load_flow("fippa-year-end"), [LOGS / "fippa-2025.csv"], 2025)
    assert during == [False] and gc.isenabled()


def test_the_findings_are_said_in_one_write_line_by_line():
    # Standard error is line buffered: a write per line was a system call per finding.
    from reportbot import explain
    from reportbot.commands.log_check import say_findings
    from reportbot.wording import words_for

    loaded = load(load_flow("fippa-year-end"), [LOGS / "fippa-2025.csv"], 2025)
    words = words_for("en", "fippa-year-end")
    writes: list[str] = []

    class Out:
        write = writes.append

    assert say_findings(loaded, words, Out()) == 1
    assert len(loaded.count.findings) > 1
    assert writes == ["".join(f"{explain.row_finding(words, f)}\n" for f in loaded.count.findings)]


def test_a_date_column_of_hundreds_of_values_is_tested_256_values_at_a_time():
    # A date column has some 500 distinct values: read row by row, its tests were half of a count's rule work.
    from logrows import table
    from reportbot.log.rules import Evaluator, Rows

    flow = load_flow("fippa-year-end")
    assert flow.log is not None
    dates = [None if n % 11 == 0 else 739000 + (n * 37) % 1000 for n in range(5000)]
    rows = [{"file": f"F{n}", "received": day} for n, day in enumerate(dates)]
    spec = next(t for t in flow.flow.log.tables if t.id == "requests")  # type: ignore[union-attr]
    evaluator = Evaluator(Rows.join(spec, [table("fippa-year-end", "requests", rows)]), flow.log.sets, 2025)
    encoded = evaluator.encoded("received")
    assert encoded.ids is not None and len(encoded.blocks) == 4  # 1,001 values: four blocks of 256
    for verdict in (lambda v: v is not None and v % 7 == 0, lambda v: v is not None and v < 739400,
                    lambda v: v is None, lambda v: True, lambda v: False):
        expected = sum(1 << i for i, day in enumerate(dates) if verdict(day))
        assert evaluator.test("received", verdict) == expected


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_kind_of_finding_is_put_into_words_once_and_each_line_is_said_as_before(monkeypatch, language):
    from reportbot import explain
    from reportbot.log.table import RowFinding
    from reportbot.wording import Wording, words_for

    findings = [RowFinding("notice", "duplicate_row", "log {x}.csv", n + 2, f"F{{{n}}}", None, {"line": "7"})
                for n in range(1000)]
    findings += [RowFinding("error", "date", "{source}", 5, None, "received", {"cell": "{0}}{"}),
                 RowFinding("warning", "waived_without_fees", "log.csv", 9, "A", "fees_waived")]
    words = words_for(language, "fippa-year-end")

    def said(f: RowFinding) -> str:  # each part in turn, as every finding was said before
        where = words.t("log.where", source=f.source, line=f.line)
        if f.file is not None:
            where = words.t("log.where_file", where=where, file=f.file)
        if f.column is not None:
            where = words.t("log.where_column", where=where, column=explain.log_column(words, f.column))
        message = words.t(f"log.finding.{f.code}", **f.facts)
        return words.t("log.finding_line", where=where, severity=words.t(f"severity.{f.severity}"), message=message)

    expected = list(map(said, findings))
    looked_up = []
    real = Wording.t
    monkeypatch.setattr(Wording, "t", lambda self, key, /, **kw: looked_up.append(key) or real(self, key, **kw))
    assert explain.row_findings(words, findings) == expected
    assert len(looked_up) < 20  # three kinds of finding, not 1,002


@given(st.text(alphabet="aZ09 -=+@.\t\né", max_size=110))
@settings(max_examples=300, deadline=None, database=None)
def test_a_file_number_the_fast_check_calls_clean_is_one_reading_keeps_as_it_is(cell):
    if cells._CLEAN.fullmatch(cell):
        assert cells.text(cell) == cell
    clean = cell.isascii() and cell.isprintable() and cells.text(cell) == cell
    assert bool(cells._CLEAN.fullmatch(cell)) == clean  # nor is a clean one left to be read one by one


def test_the_cells_past_the_last_used_column_are_not_turned_into_columns():
    # A hostile CSV can hold rows of thousands of cells after a narrow header: only the used ones become columns.
    import tracemalloc

    rows = [[f"F{n}", "2025-01-01", *[""] * 2000] for n in range(read._CHUNK)]
    tracemalloc.start()
    try:
        ((files, dates),) = read._pick(iter(rows), [0, 1], [])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(files) == len(dates) == read._CHUNK
    assert peak < 4 << 20, peak  # the 2,000 unused columns of 4,096 rows would be 64 MB of tuples
