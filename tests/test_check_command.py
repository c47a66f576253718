"""``reportbot check FILE... [--format text|json]``: exit codes, findings and unusable files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from reportbot.cli import main
from reports import REPORTS_DIR, changed, load

FIXTURES = ["cyfsa-full", "cyfsa-zero", "cyfsa-phipa-zero", "fippa-full", "fippa-zero", "fippa-corrections-only"]


def _write(tmp_path: Path, doc: dict | str | bytes, name: str = "report.json") -> str:
    path = tmp_path / name
    if isinstance(doc, bytes):
        path.write_bytes(doc)
    elif isinstance(doc, str):
        path.write_text(doc, encoding="utf-8")
    else:
        path.write_text(json.dumps(doc, default=float), encoding="utf-8")
    return str(path)


def _check(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["--lang", "en", "check", *args])
    out, err = capsys.readouterr()
    return status, out, err


def _check_json(capsys, path: str) -> tuple[int, dict]:
    status, out, err = _check(capsys, "--format", "json", path)
    lines = out.splitlines()
    assert len(lines) == 1, out
    return status, json.loads(lines[0])


# --- complete reports ---------------------------------------------------------------------


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_checks_with_no_error_and_no_warning(capsys, name):
    status, doc = _check_json(capsys, str(REPORTS_DIR / f"{name}.json"))
    assert status == 0
    assert doc["complete"] is True
    assert doc["findings"] == [] and doc["missing"] == []
    assert doc["report"] == {"cyfsa": "cyfsa-part-x", "fippa": "fippa-year-end"}[name.split("-")[0]]


@pytest.mark.parametrize("name", ["cyfsa-full", "fippa-zero"])
def test_text_output_says_complete(capsys, name):
    status, out, err = _check(capsys, str(REPORTS_DIR / f"{name}.json"))
    assert status == 0 and err == ""
    assert "complete" in out and "not complete" not in out


def test_phipa_custodian_zero_report_carries_its_notice(capsys):
    status, doc = _check_json(capsys, str(REPORTS_DIR / "cyfsa-phipa-zero.json"))
    assert status == 0
    (notice,) = doc["notices"]
    assert "PHIPA" in notice and "not have to submit" in notice


def test_warnings_alone_do_not_fail_the_check(capsys, tmp_path):
    path = _write(tmp_path, changed(load("cyfsa-full"), {"7.4": 12}))
    status, doc = _check_json(capsys, path)
    assert status == 0 and doc["complete"] is True
    assert [(f["severity"], f["rule"]) for f in doc["findings"]] == [("warning", "cyfsa-provision-within-6.11")]


# --- wrong totals and missing boxes -------------------------------------------------------

SHORT_BY_ONE = {  # 4.4 = 14 requests completed, but 5.3 + 5.6 = 11 + 2 = 13
    "3.1": 14, "4.1": 10, "4.2": 2, "4.3": 2, "5.1": 9, "5.2": 2, "5.4": 2, "5.5": 0,
    "6.1": 14, "6.2": 0, "6.3": 0, "6.4": 0, "6.5": 0, "6.6": 0, "6.7": 0, "6.8": 0, "6.9": 0,
}


def test_wrong_total_fails_and_names_the_numbers(capsys, tmp_path):
    path = _write(tmp_path, changed(load("cyfsa-zero"), SHORT_BY_ONE))
    status, doc = _check_json(capsys, path)
    assert status == 1 and doc["complete"] is False
    (f,) = doc["findings"]
    assert (f["severity"], f["rule"], f["column"]) == ("error", "cyfsa-5.7-equals-4.4", None)
    assert set(f["boxes"]) == {"5.7", "4.4"}
    for part in ["= 13", "= 14", "1 short"]:
        assert part in f["message"], f["message"]


def test_text_output_gives_box_numbers_and_workbook_words(capsys, tmp_path):
    path = _write(tmp_path, changed(load("cyfsa-zero"), SHORT_BY_ONE))
    status, out, err = _check(capsys, path)
    assert status == 1 and err == ""
    assert "cyfsa-5.7-equals-4.4" in out and "5.7" in out and "4.4" in out
    assert "= 13" in out and "= 14" in out and "1 short" in out
    assert "This total must equal the total number of requests shown in Box 4.4" in out
    assert "not complete" in out


def test_given_total_that_disagrees_fails(capsys, tmp_path):
    path = _write(tmp_path, changed(load("fippa-full"), {"3.8": {"general": 251}}, keep_totals=True))
    status, doc = _check_json(capsys, path)
    assert status == 1
    (f,) = doc["findings"]
    assert (f["rule"], f["boxes"][0], f["column"]) == ("derived-total", "3.8", "general")
    assert "251" in f["message"] and "250" in f["message"]


def test_breakdown_over_its_total_is_reported_before_it_is_finished(capsys, tmp_path):
    doc = {"format": "reportbot/1", "report": "cyfsa-part-x", "year": 2025,
           "answers": {"10.1": 3, "11.1": 3, "11.3.1": 2, "11.3.2": 2}}
    status, out = _check_json(capsys, _write(tmp_path, doc))
    assert status == 1
    (f,) = [f for f in out["findings"] if f["rule"] == "cyfsa-11.3.6-equals-11.1"]
    # The numbers so far: the parts already come to 4, the total is 3.
    assert re.search(r"\b4\b", f["message"]) and re.search(r"\b3\b", f["message"])
    assert "11.3.6" in f["message"] and "11.1" in f["message"]


def test_missing_box_fails(capsys, tmp_path):
    path = _write(tmp_path, changed(load("cyfsa-full"), {"4.2": None, "13.3.1": None}, keep_totals=True))
    status, doc = _check_json(capsys, path)
    assert status == 1 and doc["complete"] is False
    assert doc["missing"] == ["4.2", "13.3.1"]
    assert doc["findings"] == []


def test_missing_cell_of_a_column_is_named_with_its_column(capsys, tmp_path):
    path = _write(tmp_path, changed(load("fippa-full"), {"5.3": {"general": None}}))
    status, doc = _check_json(capsys, path)
    assert status == 1
    (missing,) = doc["missing"]
    assert "5.3" in missing and "general" in missing


def test_column_rule_fails_the_check(capsys, tmp_path):
    path = _write(tmp_path, changed(load("fippa-full"), {"8.12": {"personal": 2}}))
    status, doc = _check_json(capsys, path)
    assert status == 1
    (f,) = doc["findings"]
    assert (f["severity"], f["rule"], f["boxes"], f["column"]) == ("error", "column-rule", ["8.12"], "personal")
    assert "8.12" in f["message"]


@pytest.mark.parametrize(
    "report,box,value,column",
    [
        ("cyfsa-full", "3.1", -1, None),
        ("cyfsa-full", "4.1", 2.5, None),
        ("cyfsa-full", "6.1", "twenty", None),
        ("cyfsa-full", "1.1.organization", 42, None),
        ("cyfsa-full", "1.2", "hospital", None),
        ("fippa-full", "9.2", {"personal": Decimal("900.125")}, "personal"),
        ("fippa-full", "7.1", {"general": -3}, "general"),
        ("fippa-full", "3.1", 420, None),  # one number where two columns belong
    ],
)
def test_wrong_kind_of_value_is_an_error_finding_naming_its_box(capsys, tmp_path, report, box, value, column):
    path = _write(tmp_path, changed(load(report), {box: value}))
    status, doc = _check_json(capsys, path)
    assert status == 1
    kinds = [f for f in doc["findings"] if f["rule"] == "value-kind"]
    assert [(f["severity"], f["boxes"], f["column"]) for f in kinds] == [("error", [box], column)]
    assert box in kinds[0]["message"]


# --- unusable files -----------------------------------------------------------------------

BOMB = """format: reportbot/1
report: cyfsa-part-x
year: 2025
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
answers: *g
"""

UNUSABLE = {
    "not JSON": '{"format": "reportbot/1", "report": ',
    "neither JSON nor YAML": "format: [reportbot/1\nreport: : :\n",
    "not text": b"\xff\xfe\x00\x01PK\x03\x04",
    "a JSON list": "[1, 2, 3]",
    "plain text": "Annual report, see attached\n",
    "another format": json.dumps({"format": "reportbot/2", "report": "cyfsa-part-x", "year": 2025, "answers": {}}),
    "no format": json.dumps({"report": "cyfsa-part-x", "year": 2025, "answers": {}}),
    "unknown report": json.dumps({"format": "reportbot/1", "report": "mfippa", "year": 2025, "answers": {}}),
    "year as text": json.dumps({"format": "reportbot/1", "report": "cyfsa-part-x", "year": "twenty", "answers": {}}),
    "year as a quoted number": json.dumps({"format": "reportbot/1", "report": "cyfsa-part-x", "year": "2025", "answers": {}}),
    "year missing": json.dumps({"format": "reportbot/1", "report": "cyfsa-part-x", "answers": {}}),
    "answers a list": json.dumps({"format": "reportbot/1", "report": "cyfsa-part-x", "year": 2025, "answers": [1]}),
    "YAML alias bomb": BOMB,
}


@pytest.mark.parametrize("case", sorted(UNUSABLE))
def test_unusable_file_exits_2_with_one_line(capsys, tmp_path, case):
    path = _write(tmp_path, UNUSABLE[case], "unusable.json")
    status, out, err = _check(capsys, path)
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    assert "unusable.json" in err


def test_missing_file_exits_2(capsys, tmp_path):
    status, out, err = _check(capsys, str(tmp_path / "nowhere.json"))
    assert status == 2 and len(err.strip().splitlines()) == 1 and "nowhere.json" in err


def test_unusable_file_does_not_stop_the_others(capsys, tmp_path):
    bad = _write(tmp_path, UNUSABLE["unknown report"], "bad.json")
    status, out, err = _check(capsys, "--format", "json", bad, str(REPORTS_DIR / "fippa-full.json"))
    assert status == 2
    assert "bad.json" in err
    (line,) = out.splitlines()
    assert json.loads(line)["report"] == "fippa-year-end"


def test_year_in_yaml_report_is_accepted(capsys, tmp_path):
    text = "format: reportbot/1\nreport: cyfsa-part-x\nyear: 2025\nanswers:\n" + "".join(
        f"  {k!r}: {json.dumps(v)}\n" for k, v in load("cyfsa-zero")["answers"].items()
    )
    status, out, err = _check(capsys, _write(tmp_path, text, "zero.yaml"))
    assert (status, err) == (0, "")


# --- JSON output --------------------------------------------------------------------------


def test_json_for_one_file_is_one_object_with_the_documented_keys(capsys, tmp_path):
    path = _write(tmp_path, changed(load("fippa-full"), {"5.6": {"general": 4}, "9.4": {"personal": 13}}))
    status, doc = _check_json(capsys, path)
    assert status == 1
    assert {"report", "complete", "findings", "missing"} <= set(doc)
    assert doc["report"] == "fippa-year-end" and doc["complete"] is False
    assert {(f["severity"], f["rule"], f["column"]) for f in doc["findings"]} == {
        ("error", "fippa-5.7-equals-3.8", "general"),
        ("warning", "fippa-9.4-within-9.1", "personal"),
    }
    for f in doc["findings"]:
        assert {"severity", "rule", "boxes", "column", "message"} <= set(f)
        assert isinstance(f["boxes"], list) and isinstance(f["message"], str) and f["message"]


def test_json_for_several_files_is_one_object_per_line(capsys):
    paths = [str(REPORTS_DIR / f"{name}.json") for name in FIXTURES]
    status, out, err = _check(capsys, "--format", "json", *paths)
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == len(FIXTURES)
    docs = [json.loads(line) for line in lines]
    assert [d["report"] for d in docs] == ["cyfsa-part-x"] * 3 + ["fippa-year-end"] * 3
    assert all(d["complete"] for d in docs)


def test_several_files_exit_1_when_one_has_an_error(capsys, tmp_path):
    wrong = _write(tmp_path, changed(load("cyfsa-full"), {"10.1": 8}))
    status, out, err = _check(capsys, "--format", "json", str(REPORTS_DIR / "cyfsa-full.json"), wrong)
    assert status == 1
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["complete"] is True and second["complete"] is False


# --- through a real process ---------------------------------------------------------------


def _reportbot_command() -> list[str]:
    script = Path(sys.executable).parent / ("reportbot.exe" if os.name == "nt" else "reportbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "reportbot"]


def test_console_script_checks_files(tmp_path):
    env = {**os.environ, "LANG": "C", "NO_COLOR": "1"}
    good = str(REPORTS_DIR / "cyfsa-full.json")
    done = subprocess.run([*_reportbot_command(), "check", "--format", "json", good],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["complete"] is True

    bomb = _write(tmp_path, BOMB, "bomb.yaml")
    done = subprocess.run([*_reportbot_command(), "check", bomb], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


# --- once bugs: kept so they stay fixed ------------------------------------------------------


@pytest.mark.parametrize("constant", ["NaN", "Infinity"])
def test_nan_count_is_an_error_finding_not_a_crash(capsys, tmp_path, constant):
    text = json.dumps(load("cyfsa-full"), default=float).replace('"3.1": 40', f'"3.1": {constant}')
    status, doc = _check_json(capsys, _write(tmp_path, text))
    assert status == 1
    assert [(f["rule"], f["boxes"]) for f in doc["findings"]] == [("value-kind", ["3.1"])]


def test_yaml_report_with_unquoted_box_numbers_is_not_misread(capsys, tmp_path):
    lines = ["format: reportbot/1", "report: fippa-year-end", "year: 2005", "answers:"]
    lines += [f"  {box}: {json.dumps(value, default=float)}" for box, value in load("fippa-full")["answers"].items()]
    path = _write(tmp_path, "\n".join(lines) + "\n", "full.yaml")
    status, out, err = _check(capsys, "--format", "json", path)
    if status == 2:  # refusing the file, naming the ambiguous key, would also do
        assert len(err.strip().splitlines()) == 1 and "6.10" in err
    else:
        doc = json.loads(out)
        assert (status, doc["findings"], doc["missing"]) == (0, [], [])


def test_unknown_box_key_cannot_send_escape_sequences_to_the_terminal(capsys, tmp_path):
    doc = changed(load("cyfsa-zero"), {"\x1b]0;pwned\x07\x1b[2J": 1})
    status, out, err = _check(capsys, _write(tmp_path, doc))
    assert status == 1 and "unknown-box" in out
    assert "\x1b" not in out and "\x07" not in out


def test_early_finding_names_an_upper_bound(capsys, tmp_path):
    doc = {"format": "reportbot/1", "report": "fippa-year-end", "year": 2005, "answers": {
        "3.1": {"personal": 10, "general": 0}, "3.2": {"personal": 0, "general": 0},
        "3.3": {"personal": 0, "general": 0}, "4.1": {"personal": 30}}}
    status, out = _check_json(capsys, _write(tmp_path, doc))
    (f,) = [f for f in out["findings"] if f["rule"] == "fippa-4.9-same-as-3.8"]
    assert f["column"] == "personal"
    assert "—" not in f["message"]
    assert re.search(r"\b10\b", f["message"]) and re.search(r"\b30\b", f["message"])


# --- YAML read as YAML 1.2 core, narrowed: only plain decimal numbers are numbers ------------

YAML_1_1_NUMBERS = {  # box: what YAML 1.1 read as a number (1:30 = 90, 0x7E9 = 2025, 017 = 15, ...)
    "3.1": "1:30",
    "4.1": "0x7E9",
    "4.2": "0b11",
    "4.3": "0o17",
    "5.1": "017",
    "5.2": "1_000",
    "5.4": ".inf",
    "5.5": ".nan",
}


def _yaml_doc(form: str, year: object, answers: dict[str, str]) -> str:
    return f"format: reportbot/1\nreport: {form}\nyear: {year}\nanswers:\n" + "".join(
        f'  "{box}": {raw}\n' for box, raw in answers.items()
    )


def test_yaml_reads_only_plain_decimal_numbers_as_numbers(capsys, tmp_path):
    path = _write(tmp_path, _yaml_doc("cyfsa-part-x", 2025, YAML_1_1_NUMBERS), "r.yaml")
    status, doc = _check_json(capsys, path)
    refused = {f["boxes"][0]: f["message"] for f in doc["findings"] if f["rule"] == "value-kind"}
    assert status == 1 and sorted(refused) == sorted(YAML_1_1_NUMBERS)
    for box, raw in YAML_1_1_NUMBERS.items():
        assert refused[box].endswith(f"a count is a whole number of 0 or more, not {raw!r}."), refused[box]


@pytest.mark.parametrize("year", ["0x7E9", "3:57:45", "2_025"])
def test_a_yaml_year_in_another_notation_is_refused(capsys, tmp_path, year):
    status, out, err = _check(capsys, _write(tmp_path, _yaml_doc("cyfsa-part-x", year, {}), "r.yaml"))
    assert status == 2 and out == ""
    assert err == f"reportbot: {tmp_path / 'r.yaml'}: \"year\" must be the reporting year as a whole number, like 2025 (got {year!r})\n"


@pytest.mark.parametrize("name", FIXTURES)
def test_yaml_fixtures_with_quoted_boxes_read_as_their_json(capsys, tmp_path, name):
    doc = load(name)
    answers = {box: json.dumps(value, default=float) for box, value in doc["answers"].items()}
    path = _write(tmp_path, _yaml_doc(doc["report"], doc["year"], answers), f"{name}.yaml")
    status, from_yaml = _check_json(capsys, path)
    _, from_json = _check_json(capsys, str(REPORTS_DIR / f"{name}.json"))
    assert status == 0 and {**from_yaml, "file": ""} == {**from_json, "file": ""}


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_repeated_key_is_refused_naming_it_and_its_line(capsys, tmp_path, suffix):
    if suffix == ".json":
        text = ('{\n "format": "reportbot/1",\n "report": "fippa-year-end",\n "year": 2005,\n "answers": {\n'
                '  "3.1": {"personal": 1,\n          "general": 2,\n          "personal": 3}\n }\n}\n')
    else:
        text = ('format: reportbot/1\nreport: fippa-year-end\nyear: 2005\nanswers:\n  "3.1":\n'
                '    personal: 1\n    general: 2\n    personal: 3\n')
    path = _write(tmp_path, text, "r" + suffix)
    status, out, err = _check(capsys, path)
    assert (status, out) == (2, "")
    assert err == (f"reportbot: {path}: the key 'personal' is given twice (line 8); "
                   "keep one, since which one is meant cannot be guessed\n")
    status = main(["--lang", "fr", "check", path])
    assert "la clé 'personal' est donnée deux fois (ligne 8)" in capsys.readouterr().err
