"""An unfamiliar log's headers: what reading could not name, and the columns a box needs that no header names."""

from __future__ import annotations

from pathlib import Path

from reportbot.flow.loader import load_flow
from reportbot.log_load import load

FIPPA = load_flow("fippa-year-end")


def _write(tmp_path: Path, text: str, name: str = "log.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_log_without_a_column_a_row_set_reads_decides_only_the_boxes_it_can(tmp_path):
    """No completed nor transferred_out column: 3.3 (F), 3.8 (C) and the rest are asked, never counted as blanks."""
    path = _write(tmp_path, "file,received,records,transferred_in\n2025-001,2025-03-04,personal,no\n"
                            "2025-002,2025-04-04,general,yes\n")
    answers = load(FIPPA, [path], 2025).count.answers
    assert (answers[("3.1", "personal")], answers[("3.1", "general")], answers[("3.2", "general")]) == (1, 0, 1)
    assert not {("3.3", "personal"), ("3.6", "personal"), ("3.8", "personal"), ("4.1", "personal")} & set(answers)
