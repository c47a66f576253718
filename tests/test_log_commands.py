"""The request log end to end: log check and log count on the example logs, whose counts a person checked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from reportbot.cli import main
from reportbot.flow.loader import load_flow
from reportbot.log_load import load
from reportbot.render.sheet import local_time
from reportbot.store import Store
from reportbot.wording import wording

LOGS = Path(__file__).parent / "data" / "logs"
EXPECTED = yaml.safe_load((LOGS / "expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _no_real_database(never_the_real_database):
    """No command here may touch the filer's own database."""


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_box_counted_by_hand_is_what_log_count_writes_with_the_same_files(name, capsys):
    example = EXPECTED[name]
    year = str(example["year"])
    assert main(["log", "count", example["report"], str(LOGS / name), "--year", year]) == 1  # the log has errors
    answers = json.loads(capsys.readouterr().out)["answers"]
    loaded = load(load_flow(example["report"]), [LOGS / name], example["year"])
    for box in example["boxes"]:
        cell = (box["box"], box.get("column"))
        value = answers[box["box"]] if cell[1] is None else answers[box["box"]][cell[1]]
        assert value == (box["value"] if "value" in box else box["count"]), cell
        assert loaded.count.files[cell] == box["files"], cell


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_log_check_names_each_row_problem_by_file_number_and_row(name, capsys):
    example = EXPECTED[name]
    assert main(["--lang", "en", "log", "check", example["report"], str(LOGS / name), "--year",
                 str(example["year"])]) == 1
    lines = capsys.readouterr().out.splitlines()
    for entry in example.get("left_out", []) + example.get("refused_codes", []):
        assert any(f"row {entry['line']}, file {entry['file']}" in line and ": error: " in line for line in lines)
    for entry in example.get("repeated", []) + example.get("other_years", []):
        assert any(f"row {entry['line']}, file {entry['file']}" in line and ": notice: " in line for line in lines)
    labels = wording("en", example["report"]).report.log.columns
    for entry in example.get("gaps", []):
        where = f"row {entry['line']}, file {entry['file']}, {labels[entry['column']].label}: warning: "
        assert any(where in line for line in lines)
    assert lines[-1].startswith("From the log: rows read: ")


def test_a_clean_log_passes_and_an_unreadable_one_exits_2(tmp_path, capsys):
    clean = tmp_path / "clean.csv"
    clean.write_text("file,received,completed,outcome\nA-1,2025-02-03,2025-02-20,6.1\n", encoding="utf-8")
    assert main(["log", "check", "cyfsa-part-x", str(clean), "--year", "2025"]) == 0
    assert main(["log", "check", "cyfsa-part-x", str(tmp_path / "nowhere.csv"), "--year", "2025"]) == 2
    assert "nowhere.csv" in capsys.readouterr().err
    assert main(["log", "check", "cyfsa-part-x", str(clean), "--year", "20x5"]) == 2


def test_a_counted_report_file_is_taken_unchanged_by_check_and_import(tmp_path, capsys):
    out = tmp_path / "counted.yaml"
    assert main(["log", "count", "fippa-year-end", str(LOGS / "fippa-2025.csv"), "--year", "2025", "-o", str(out)]) == 1
    assert "FOI2025-013" in capsys.readouterr().err  # the row findings go to standard error
    assert main(["check", str(out)]) == 1  # the identification is still to come, and the log's own gaps show
    db = tmp_path / "r.sqlite3"
    assert main(["--db", str(db), "import", str(out)]) == 0
    counted = yaml.safe_load(out.read_text(encoding="utf-8"))["answers"]
    with Store.open(db) as store:
        answers = store.answers(store.latest().id)
    assert answers[("3.1", "general")] == counted["3.1"]["general"] == 24
    assert answers[("11.1", None)] == counted["11.1"] == 7


def test_log_count_never_writes_over_the_database(tmp_path, capsys):
    db = tmp_path / "r.sqlite3"
    Store.open(db).close()
    before = db.read_bytes()
    assert main(["--db", str(db), "log", "count", "fippa-year-end", str(LOGS / "fippa-2025.csv"), "--year", "2025",
                 "-o", str(db)]) == 2
    assert db.read_bytes() == before


def test_the_appendix_lists_the_files_behind_each_box_from_the_log_and_nothing_else(tmp_path, capsys):
    db = tmp_path / "r.sqlite3"
    with Store.open(db) as store:
        rid = store.create_report("cyfsa-part-x", 2025, "CAS")
        cells = {("3.1", None): 2, ("4.1", None): 0}
        store.fill_from_log(rid, cells, {("3.1", None): "received in the year", ("4.1", None): "C and days <= 30"},
                            {("3.1", None): ["A-1", "A-2"], ("4.1", None): []}, ["log.csv"], {})
        store.set_answer(rid, ("4.1", None), 1)  # typed since: no longer the log's
    assert main(["--db", str(db), "--lang", "en", "export", str(rid), "--appendix", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows == ["box,column,value,rule,file", "3.1,,2,received in the year,A-1", "3.1,,2,received in the year,A-2"]
    assert main(["--db", str(db), "--lang", "fr", "export", str(rid), "--appendix"]) == 0
    sheet = capsys.readouterr().out
    assert "pas pour le CIPVP" in sheet and "| 3.1 | 2 | received in the year | A-1, A-2 |" in sheet
    assert main(["--db", str(db), "export", str(rid), "--appendix", "--format", "json"]) == 2
    with Store.open(db) as store:
        other = store.create_report("fippa-year-end", 2025)
    assert main(["--db", str(db), "--lang", "en", "export", str(other), "--appendix"]) == 1
    assert "has no appendix" in capsys.readouterr().err


def test_the_appendix_names_the_log_it_was_counted_from_when_and_what_it_held(tmp_path, capsys):
    db = tmp_path / "r.sqlite3"
    with Store.open(db) as store:
        rid = store.create_report("cyfsa-part-x", 2025, "CAS")
        summary = {"rows": 7, "access": 5, "corrections": 2, "incidents": 0, "before": 0, "after": 1, "left_out": 0,
                   "to_look_at": 0}
        store.fill_from_log(rid, {("3.1", None): 5}, {("3.1", None): "received in the year"},
                            {("3.1", None): ["A-1"]}, ["cas-2025.xlsx", "breaches.csv"], summary)
        stamp = store.log_load(rid).at
    assert main(["--db", str(db), "--lang", "en", "export", str(rid), "--appendix"]) == 0
    sheet = capsys.readouterr().out.splitlines()
    said = [line for line in sheet if line.startswith("Counted from")]
    assert said == [f"Counted from cas-2025.xlsx, breaches.csv on {local_time(stamp)}. From the log: rows read: 7 "
                    "(access requests: 5, correction requests: 2); received after 2025, left for next year: 1."]


def test_log_check_and_count_read_the_map_a_conversation_left_beside_the_log(tmp_path, capsys):
    log = tmp_path / "log.csv"
    log.write_text("file,received,completed,outcome\nA-1,2025-02-03,2025-02-20,Withdrawm\n", encoding="utf-8")
    assert main(["log", "count", "cyfsa-part-x", str(log), "--year", "2025"]) == 1  # "Withdrawm" is refused
    assert json.loads(capsys.readouterr().out)["answers"]["6.9"] == 0
    (tmp_path / "log.map.yaml").write_text('values:\n  outcome: {"Withdrawm": "6.9"}\n', encoding="utf-8")
    assert main(["log", "check", "cyfsa-part-x", str(log), "--year", "2025"]) == 0
    capsys.readouterr()
    assert main(["log", "count", "cyfsa-part-x", str(log), "--year", "2025"]) == 0
    assert json.loads(capsys.readouterr().out)["answers"]["6.9"] == 1


def test_a_map_saying_no_request_was_transferred_in_its_year_counts_the_boxes_that_read_transfers(tmp_path, capsys):
    # A FIPPA log with no transfer columns: 3.1 reads transferred_in, and every box over C reads transferred_out.
    log = tmp_path / "log.csv"
    log.write_text("file,records,received,completed,outcome\nA-1,personal,2025-02-03,2025-02-20,7.1\n"
                   "A-2,general,2024-12-01,2025-01-15,7.6\n", encoding="utf-8")
    assert main(["log", "count", "fippa-year-end", str(log), "--year", "2025"]) == 0
    assert "3.1" not in json.loads(capsys.readouterr().out)["answers"]  # asked: the log cannot tell
    (tmp_path / "log.map.yaml").write_text("never: {transferred_in: 2025, transferred_out: 2025}\n", encoding="utf-8")
    assert main(["log", "count", "fippa-year-end", str(log), "--year", "2025"]) == 0
    answers = json.loads(capsys.readouterr().out)["answers"]
    assert answers["3.1"] == {"personal": 1, "general": 0} and answers["3.3"] == {"personal": 0, "general": 1}
    assert answers["7.1"] == {"personal": 1, "general": 0} and answers["3.5"] == {"personal": 0, "general": 0}
    assert main(["log", "count", "fippa-year-end", str(log), "--year", "2026"]) == 0  # said of 2025 only
    assert "3.1" not in json.loads(capsys.readouterr().out)["answers"]


def test_a_sheet_without_its_received_column_is_said_once_not_once_a_row(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_text("file,Date In,completed\n" + "".join(f"A-{n},2025-01-03,2025-01-20\n" for n in range(1, 41)),
                    encoding="utf-8")
    assert main(["--lang", "en", "log", "check", "cyfsa-part-x", str(path), "--year", "2025"]) == 1
    said = capsys.readouterr().out.splitlines()
    assert said[0] == (f"{path}: no column reportbot knows as Date received, which every row needs, so none of its "
                       "rows is counted; name it with --map, or in the conversation (from log)")
    assert not any("must be filled in" in line for line in said)
    assert main(["--lang", "en", "log", "count", "cyfsa-part-x", str(path), "--year", "2025"]) == 1
    out, err = capsys.readouterr()
    answers = json.loads(out)["answers"]
    assert err.count("\n") == 1 and "which every row needs" in err
    assert "3.1" not in answers and "4.1" not in answers  # asked, not counted as 0 rows
