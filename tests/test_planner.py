"""The planner: what comes next, worked out from the evaluation alone (no store, no words)."""

from __future__ import annotations

import json
from pathlib import Path

from reportbot.dialogue import planner
from reportbot.engine import evaluate
from reportbot.flow.loader import load_flow

FLOW = load_flow("cyfsa-part-x")
EXPECTED = Path(__file__).parent / "data" / "conversations" / "cyfsa-full.expected.json"
FULL = json.loads(EXPECTED.read_text(encoding="utf-8"))["answers"]


def answers(until: str | None = None, **changed):
    """The full CYFSA conversation's answers (not its totals) before box ``until``, with ``changed`` ones."""
    out = {}
    for box_id, value in FULL.items():
        if box_id == until:
            break
        if FLOW.by_id[box_id].formula is None:
            out[(box_id, None)] = value
    for box_id, value in changed.items():
        out[(box_id.replace("_", "."), None)] = value
    return out


def plan(given, **where):
    return planner.next_exchange(evaluate(FLOW, given), **where)


def test_the_next_box_is_asked():
    assert plan(answers("4.2")) == planner.Ask(("4.2", None))


def test_the_questionnaire_is_chosen_after_section_2():
    assert plan(answers("questionnaire")) == planner.ChooseQuestionnaire(("questionnaire", None))


def test_the_last_part_of_a_breakdown_is_proposed_as_the_remainder():
    # 4.4 = 40 and 5.1 + 5.2 + 5.4 = 37: 5.5 makes up the rest.
    assert plan(answers("5.5")) == planner.Propose(("5.5", None), 3)


def test_a_declined_proposal_is_asked_instead():
    assert plan(answers("5.5"), cursor=("5.4", None), declined=("5.5", None)) == planner.Ask(("5.5", None))


def test_a_breakdown_of_a_total_of_1_is_one_choice():
    got = plan(answers("11.2.1"))
    assert isinstance(got, planner.ChooseGroup)
    assert got.group.total == ("11.1", None) and got.group.parts == (("11.2.1", None), ("11.2.2", None))


def test_an_error_is_resolved_first_then_put_off_then_reopened_at_the_end():
    given = answers(**{"6_1": 25})  # 6.10 = 39, one short of 4.4 = 40
    first = plan(given)
    assert isinstance(first, planner.Resolve) and not first.reopened
    assert "6.10" in first.finding.boxes
    # Put off ("later"): every box is answered, so confirming brings it back.
    again = plan(given, deferred={first.finding.key})
    assert again == planner.Resolve(first.finding, reopened=True)
    # Put off with boxes still open: the next box is asked meanwhile.
    meanwhile = dict(given)
    del meanwhile[("7.1", None)]
    assert plan(meanwhile, deferred={first.finding.key}) == planner.Ask(("7.1", None))


def test_a_warning_is_accepted_then_the_report_confirmed():
    # A theft by neither an insider nor a stranger: 11.2.1 + 11.2.2 = 0, not 11.1 = 1.
    given = answers(**{"11_2_2": 0})
    got = plan(given)
    assert isinstance(got, planner.Accept) and got.finding.severity == "warning"
    assert got.finding.rule == "cyfsa-11.2-sums-to-11.1"
    assert plan(given, acknowledged=lambda: {got.finding.key}) == planner.Confirm()


def test_the_warnings_to_accept_are_read_only_once_everything_is_answered():
    asked = []
    plan(answers("4.2"), acknowledged=lambda: asked.append("acknowledged") or set(),
         warnings=lambda ev: asked.append("warnings") or [])
    assert asked == []


def test_a_complete_report_is_confirmed():
    assert plan(answers()) == planner.Confirm()


def test_the_parts_left_once_the_given_parts_reach_their_total_are_filled_with_0():
    # 13.1 = 2 and 13.3.1 = 2: 13.3.2 to 13.3.5 can only be 0.
    got = plan(answers("13.3.2"))
    cells = tuple((f"13.3.{n}", None) for n in range(2, 6))
    assert got == planner.Fill(cells, 0, ("13.1", None))


def test_a_box_stated_equal_to_another_is_filled_from_it_not_proposed():
    # 5.2 is "the same as box 4.3" (4.3 = 4).
    assert plan(answers("5.2")) == planner.Fill((("5.2", None),), 4, ("4.3", None), same=True)


def test_a_filled_box_gone_back_to_is_asked():
    assert plan(answers("13.3.2"), cursor=("13.3.2", None), declined=("13.3.2", None)) == planner.Ask(("13.3.2", None))
