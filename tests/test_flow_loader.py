"""A wrong flow file fails at load with one line naming the file, the box and the problem."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from reportbot.flow.loader import FlowError, read_flow
from reportbot.resources import flows_dir

MINI = {
    "format": "reportbot-flow/1",
    "id": "mini",
    "title": "A small report",
    "law": "An Act",
    "source": "A workbook",
    "reporting_year": "January 1 to December 31",
    "organization": "1.name",
    "zero_report": ["1.1"],
    "sections": [
        {
            "id": "1",
            "title": "First",
            "boxes": [
                {"id": "1.name", "kind": "text", "label": "Name of the organization"},
                {"id": "1.0", "kind": "choice", "label": "Type",
                 "options": [{"id": "agency", "label": "Agency"}, {"id": "ministry", "label": "Ministry"}]},
                {"id": "1.1", "kind": "count", "label": "Requests"},
                {"id": "1.2", "kind": "count", "label": "Carried forward"},
                {"id": "1.3", "kind": "derived", "formula": "1.1 + 1.2", "label": "Total"},
            ],
        },
        {
            "id": "2",
            "title": "Second",
            "boxes": [
                {"id": "2.1", "kind": "count", "label": "Completed"},
                {"id": "2.2", "kind": "count", "label": "Withdrawn"},
                {"id": "2.3", "kind": "derived", "formula": "2.1 .. 2.2", "label": "Total"},
            ],
        },
    ],
    "checks": [{"id": "mini-2.3-within-1.3", "severity": "error", "test": "2.3 <= 1.3", "source": "the workbook"}],
    "routes": [{"id": "mini-none", "at": "1.3", "when": "1.3 == 0", "goto": "end", "source": "the workbook"}],
    "notices": [{"id": "mini-agency", "when": "1.0 is agency and 1.1 == 0", "source": "the workbook"}],
}


def _write(tmp_path: Path, data: dict, name: str = "mini.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _box(data: dict, box_id: str) -> dict:
    return next(b for s in data["sections"] for b in s["boxes"] if b["id"] == box_id)


def _formula(box_id: str, formula: str):
    def mutate(d):
        _box(d, box_id)["formula"] = formula
    return mutate


def _route(**fields):
    def mutate(d):
        d["routes"][0].update(fields)
    return mutate


def _duplicate(d):
    d["sections"][1]["boxes"].append({"id": "1.2", "kind": "count", "label": "Again"})


def _cycle(d):
    _box(d, "1.3")["formula"] = "1.1 + 2.3"
    _box(d, "2.3")["formula"] = "2.1 + 1.3"


def _bad_kind(d):
    _box(d, "1.2")["kind"] = "number"


def _format_on_a_count(d):
    _box(d, "1.2")["format"] = "phone"


# name -> (mutation of MINI, the fragments the one-line message must hold: file, box, problem)
BROKEN = {
    "formula naming an unknown box": (_formula("1.3", "1.1 + 9.9"), ["mini.yaml", "box 1.3", "9.9", "not a box"]),
    "range naming an unknown box": (_formula("2.3", "2.1 .. 2.9"), ["mini.yaml", "box 2.3", "2.9", "not a box"]),
    "cycle among totals": (_cycle, ["mini.yaml", "1.3", "2.3", "cycle"]),
    "route to nowhere": (_route(goto="7.7"), ["mini.yaml", "route mini-none", "7.7", "nowhere"]),
    "duplicate box id": (_duplicate, ["mini.yaml", "box 1.2", "used twice"]),
    "box no route reaches": (
        _route(at="1.1", when="1.1 >= 0", goto="2.1"), ["mini.yaml", "box 1.2", "no route reaches"],
    ),
    "derived box adding a later box": (_formula("1.3", "1.1 + 2.1"), ["mini.yaml", "box 1.3", "2.1", "after"]),
    "unknown option in an 'is' condition": (
        _route(at="1.0", when="1.0 is council", goto="2.1"), ["mini.yaml", "mini-none", "1.0", "'council'", "not an option"],
    ),
    "route reading a later box": (_route(at="1.1", when="1.3 == 0"), ["mini.yaml", "mini-none", "1.3", "after"]),
    "route leading back": (_route(at="1.3", goto="1.1"), ["mini.yaml", "mini-none", "1.1", "back"]),
    "kind the format does not know": (_bad_kind, ["mini.yaml", "box 1.2", "kind"]),
    "format on a box that holds no text": (_format_on_a_count, ["mini.yaml", "box 1.2", "only text boxes"]),
}


def test_the_small_flow_itself_loads(tmp_path):
    flow = read_flow(_write(tmp_path, MINI))
    assert [b.id for b in flow.boxes] == ["1.name", "1.0", "1.1", "1.2", "1.3", "2.1", "2.2", "2.3"]
    assert flow.by_id["2.3"].formula.boxes() == ["2.1", "2.2"]


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_flow_names_file_box_and_problem(tmp_path, case):
    mutate, fragments = BROKEN[case]
    data = copy.deepcopy(MINI)
    mutate(data)
    with pytest.raises(FlowError) as raised:
        read_flow(_write(tmp_path, data))
    message = str(raised.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


@pytest.mark.parametrize("name", sorted(p.name for p in flows_dir().glob("*.yaml")))
def test_real_flows_load(name):
    flow = read_flow(flows_dir() / name)
    assert flow.id == Path(name).stem


@pytest.mark.parametrize(
    "name,old,new,fragments",
    [
        ("cyfsa-part-x.yaml", "formula: 4.1 + 4.2 + 4.3", "formula: 4.1 + 4.2 + 4.9",
         ["cyfsa-part-x.yaml", "box 4.4", "4.9", "not a box"]),
        ("cyfsa-part-x.yaml", 'goto: "8.1"\n    source: "If you received zero requests',
         'goto: "8.9"\n    source: "If you received zero requests',
         ["cyfsa-part-x.yaml", "cyfsa-no-access-requests", "8.9", "nowhere"]),
        ("fippa-year-end.yaml", "formula: 3.4 - 3.7", "formula: 3.4 - 3.9",
         ["fippa-year-end.yaml", "box 3.8", "3.9", "not a box"]),
        ("fippa-year-end.yaml", "when: 11.4 == 0", "when: 11.4 >= 0",
         ["fippa-year-end.yaml", "box 11.5", "no route reaches"]),
        ("fippa-year-end.yaml", 'box: "1.3"\n    last_year: "1.3"', 'box: "1.3"\n    last_year: "1.9"',
         ["fippa-year-end.yaml", "from_last_year 1.3", "1.9", "not a box"]),
        ("cyfsa-part-x.yaml", "count: \"C and has(outcome, '6.1')\"", "count: \"C and has(outcome, '6.0')\"",
         ["cyfsa-part-x.yaml", "box 6.1", "'6.0'", "not a code of outcome"]),
        ("fippa-year-end.yaml", "sum: \"waived_amount over C\"", "sum: \"waived_amount over C and notices\"",
         ["fippa-year-end.yaml", "box 9.6", "'notices'", "not a column"]),
        ("fippa-year-end.yaml", "split_by: records", "split_by: source",
         ["fippa-year-end.yaml", "log split_by", "'source'"]),
    ],
)
def test_mutated_copy_of_a_real_flow_fails(tmp_path, name, old, new, fragments):
    text = (flows_dir() / name).read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(FlowError) as raised:
        read_flow(path)
    message = str(raised.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


# The log section: MINI counted from a small log (requests and breaches), and what a wrong rule or table says.
LOGGED = copy.deepcopy(MINI)
_box(LOGGED, "1.1")["count"] = "N"
_box(LOGGED, "2.1")["count"] = "C and days <= 30 and has(outcome, '2.1')"
_box(LOGGED, "2.2").update(kind="money", sum="fees over C")
LOGGED["log"] = {
    "sets": {"N": "has(request, 'access') and year_start <= received <= year_end", "C": "N and completed <= year_end"},
    "tables": [
        {"id": "requests", "key": "file", "columns": [
            {"id": "file", "value": "text", "required": True},
            {"id": "request", "value": "code", "blank": "access",
             "codes": [{"id": "access", "words": ["a"]}, {"id": "correction", "words": ["c"]}]},
            {"id": "received", "value": "date", "required": True},
            {"id": "completed", "value": "date"},
            {"id": "extension", "value": "yesno"},
            {"id": "fees", "value": "money"},
            {"id": "outcome", "value": "codes", "within": "request", "codes": [
                {"id": "2.1", "when": "access", "words": ["granted", "withdrawn"]},
                {"id": "2.2", "when": "correction", "words": ["made", "withdrawn"]},
            ]},
        ]},
        {"id": "breaches", "key": "incident", "columns": [
            {"id": "incident", "value": "text", "required": True},
            {"id": "date", "value": "date", "required": True},
        ]},
    ],
}


def _rule(box_id: str, field: str, text: str):
    def mutate(d):
        _box(d, box_id)[field] = text
    return mutate


def _log(change):
    def mutate(d):
        change(d["log"])
    return mutate


def _column(table: int, column: str, **fields):
    def change(log):
        next(c for c in log["tables"][table]["columns"] if c["id"] == column).update(fields)
    return _log(change)


def _no_log(d):
    del d["log"]


def _add_code(log):
    log["tables"][0]["columns"][-1]["codes"].append({"id": "2.1", "when": "access"})


def _share_word(log):
    log["tables"][0]["columns"][-1]["codes"][1]["when"] = "access"


BROKEN_LOG = {
    "a name that is nothing": (_rule("2.1", "count", "C and nonsense"), ["box 2.1", "'nonsense'", "not a column"]),
    "a code the column lacks": (_rule("2.1", "count", "has(outcome, '9.9')"), ["box 2.1", "'9.9'", "not a code of outcome"]),
    "has() on a date": (_rule("2.1", "count", "has(received, 'x')"), ["box 2.1", "needs a code column"]),
    "a call other than has()": (_rule("2.1", "count", "__import__('os')"), ["box 2.1", "only call is has"]),
    "an attribute": (_rule("2.1", "count", "C.real"), ["box 2.1", "not part of the rule language"]),
    "arithmetic": (_rule("2.1", "count", "completed - received > 30"), ["box 2.1", "cannot be compared"]),
    "a date compared with a number": (_rule("2.1", "count", "received > 30"), ["box 2.1", "compares"]),
    "a date compared with a yes/no": (_rule("2.1", "count", "received > extension"), ["box 2.1", "compares"]),
    "a bound as a condition": (_rule("2.1", "count", "C and year_start"), ["box 2.1", "not a condition"]),
    "a rule that is not one": (_rule("2.1", "count", "C and"), ["box 2.1", "is not a rule"]),
    "a rule reading both tables": (_rule("2.1", "count", "C and date <= year_end"), ["box 2.1", "one table"]),
    "a count on a total": (_rule("1.3", "count", "C"), ["box 1.3", "count needs a count box"]),
    "both count and sum": (_rule("2.2", "count", "C"), ["box 2.2", "both count and sum"]),
    "a sum of dates": (_rule("2.2", "sum", "received over C"), ["box 2.2", "sums 'received'"]),
    "a money sum into a count box": (_rule("2.2", "kind", "count"), ["box 2.2", "sums 'fees'"]),
    "a sum without over": (_rule("2.2", "sum", "fees C"), ["box 2.2", "column over rule"]),
    "a set in lower case": (_log(lambda g: g["sets"].update(c="N")), ["log set c", "capitals"]),
    "a set naming a later set": (_log(lambda g: g["sets"].update(N="C")), ["log set N", "'C'", "not a column"]),
    "a rule without a log": (_no_log, ["box 1.1", "no log section"]),
    "a code listed twice": (_log(_add_code), ["log column outcome", "listed twice"]),
    "a box code that is not a box": (_column(0, "outcome", codes=[{"id": "7.9", "when": "access"}]),
                                     ["log column outcome", "7.9", "not a box"]),
    "a word naming two codes": (_log(_share_word), ["log column outcome", "'withdrawn'", "2.1", "2.2"]),
    "a when that is not a code": (_column(0, "outcome", codes=[{"id": "2.1", "when": "other"}]),
                                  ["log column outcome", "'other'"]),
    "within a date column": (_column(0, "outcome", within="received"), ["log column outcome", "within"]),
    "a blank that is not a code": (_column(0, "request", blank="none"), ["log column request", "blank"]),
    "codes on a date": (_column(0, "received", codes=[{"id": "x"}]), ["log column received", "codes"]),
    "a key that is not required": (_column(0, "file", required=False), ["log table requests", "key"]),
    "a column listed twice": (_log(lambda g: g["tables"][1]["columns"].append({"id": "date", "value": "text"})),
                              ["log table breaches", "listed twice"]),
    "a split by a column that is not there": (_log(lambda g: g.update(split_by="records")), ["log split_by"]),
}


def test_the_logged_flow_compiles_its_rules(tmp_path):
    log = read_flow(_write(tmp_path, LOGGED)).log
    assert list(log.sets) == ["N", "C"]
    by_box = {b.box: b for b in log.boxes}
    assert [b.box for b in log.boxes] == ["1.1", "2.1", "2.2"]
    assert by_box["2.1"].rule.needs == ("request", "received", "completed", "outcome")  # C's columns too
    assert by_box["2.1"].rule.reads[:3] == ("request", "received", "completed")


def test_money_in_a_rule_is_written_in_dollars_and_read_in_cents(tmp_path):
    data = copy.deepcopy(LOGGED)
    _box(data, "2.1")["count"] = "C and fees > 5"
    log = read_flow(_write(tmp_path, data)).log
    rule = next(b for b in log.boxes if b.box == "2.1").rule
    assert "Number(value=500)" in repr(rule.node)
    assert next(b for b in log.boxes if b.box == "2.2").total == "fees"


@pytest.mark.parametrize("case", sorted(BROKEN_LOG))
def test_broken_log_section_names_the_box_and_the_problem(tmp_path, case):
    mutate, fragments = BROKEN_LOG[case]
    data = copy.deepcopy(LOGGED)
    mutate(data)
    with pytest.raises(FlowError) as raised:
        read_flow(_write(tmp_path, data))
    message = str(raised.value)
    assert "\n" not in message and message.startswith("mini.yaml: ")
    for fragment in fragments:
        assert fragment in message, (fragment, message)
