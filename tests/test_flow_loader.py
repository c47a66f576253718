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
