"""The log's Table: rows a filer left out are taken out whole, with their findings."""

from __future__ import annotations

from reportbot.log.table import RowFinding, Table, without


def test_rows_left_out_go_with_their_cells_their_invalid_marks_and_their_findings():
    finding = RowFinding("error", "date_unreadable", "log.csv", 3, "B-2", "received", {"value": "31/02"})
    other = RowFinding("warning", "code_unknown", "log.csv", 4, "B-3", "outcome", {"value": "x"})
    table = Table(
        "requests", "log.csv", [2, 3, 4],
        {"file": ["B-1", "B-2", "B-3"], "received": [1, None, 3]},
        {"received": {1}, "outcome": {2}}, [finding, other],
    )
    kept = without(table, {"B-2"})
    assert kept.lines == [2, 4] and kept.values == {"file": ["B-1", "B-3"], "received": [1, 3]}
    assert kept.invalid == {"received": set(), "outcome": {1}} and kept.findings == [other]
    assert without(table, {"nope"}) is table
