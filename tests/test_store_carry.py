"""Last year's report: the identification offered as one answer, and carried-forward figures compared."""

from __future__ import annotations

import pytest

from reportbot import carry, explain
from reportbot.engine import evaluate
from reportbot.export import subject_from_store, to_markdown
from reportbot.flow.loader import load_flow
from reportbot.reportfile import parse_report
from reportbot.store import Store
from reportbot.wording import wording, words_for
from reports import changed, load


@pytest.fixture(autouse=True)
def _never_the_real_database(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTBOT_DB", str(tmp_path / "env" / "reportbot.sqlite3"))


def _put(store: Store, name: str, year: int, organization: str | None = "same", **changes) -> int:
    """Store fixture report ``name`` as ``year``'s (``organization``: as the fixture says, or another name)."""
    doc = changed(load(name), changes)
    report = parse_report(doc)
    answers = {c: v for c, v in report.answers.items() if report.flow.by_id[c[0]].formula is None}
    box = carry.organization_box(report.flow)
    if organization != "same":
        answers[(box, None)] = organization
    return store.import_report(report.flow.id, year, answers, answers.get((box, None)))


def test_the_organization_box_is_the_flows():
    assert carry.organization_box(load_flow("fippa-year-end")) == "1.1.institution"
    assert carry.organization_box(load_flow("cyfsa-part-x")) == "1.1.organization"


def test_last_years_identification_is_offered_as_one_set(store):
    last = _put(store, "fippa-full", 2024)
    new = store.create_report("fippa-year-end", 2025)
    offer = carry.offer(store, "fippa-year-end", 2025, "ministry of natural  heritage and PARKS")
    assert offer is not None and offer.previous.id == last
    assert offer.answers[("1.1.institution", None)] == "Ministry of Natural Heritage and Parks"
    assert offer.answers[("1.2", None)] == "ministry"
    # only section 1's text and choices: not the staff count, not last year's figures
    assert {c[0] for c in offer.answers} == {
        "1.1.institution", "1.1.responsible_name", "1.1.contact_name", "1.1.phone", "1.1.fax",
        "1.1.email", "1.1.mailing_address", "1.2",
    }
    carry.accept(store, new, offer)
    assert store.answers(new) == offer.answers
    assert set(store.answer_sources(new).values()) == {"carried"}
    assert store.get(new).organization == "Ministry of Natural Heritage and Parks"


def test_no_offer_without_a_report_of_the_year_before_for_that_organization(store):
    _put(store, "fippa-full", 2023)
    _put(store, "cyfsa-full", 2024)
    assert carry.offer(store, "fippa-year-end", 2025, "Ministry of Natural Heritage and Parks") is None
    _put(store, "fippa-full", 2024, organization="Another Ministry")
    assert carry.offer(store, "fippa-year-end", 2025, "Ministry of Natural Heritage and Parks") is None
    assert carry.offer(store, "fippa-year-end", 2025, "another ministry") is not None


def test_without_a_name_only_a_single_organization_is_assumed(store):
    first = _put(store, "fippa-full", 2024)
    assert carry.previous_report(store, "fippa-year-end", 2025).id == first
    _put(store, "fippa-full", 2024, organization="Another Ministry")
    assert carry.previous_report(store, "fippa-year-end", 2025) is None


def test_a_confirmed_report_is_preferred_to_a_later_draft(store):
    confirmed = _put(store, "fippa-full", 2024)
    store.confirm(confirmed)
    _put(store, "fippa-full", 2024)
    assert carry.previous_report(store, "fippa-year-end", 2025, "Ministry of Natural Heritage and Parks").id == confirmed


def test_carried_forward_figures_are_compared_with_last_years_carried_over(store):
    # fippa-full carries over 16 / 22 requests (3.6) and 1 correction (11.3)
    _put(store, "fippa-full", 2024)
    this = _put(store, "fippa-full", 2025, **{"3.3": {"personal": 16, "general": 20}, "11.2": 3})
    row = store.get(this)
    flow = load_flow("fippa-year-end")
    ev = evaluate(flow, store.answers(this))
    words = wording("en", "fippa-year-end")
    found = carry.carried_forward_findings(store, row, ev)
    assert [(f.rule, f.column, f.facts["this"], f.facts["last"]) for f in found] == [
        ("carried-forward-3.3", "general", 20, 22),
        ("carried-forward-11.2", None, 3, 1),
    ]
    assert all(f.severity == "warning" and f.boxes == (f.rule.split("-")[-1],) for f in found)
    assert found[0].key == ("carried-forward-3.3", "general")
    text = explain.summary(flow, words, found[0])
    assert "20" in text and "22" in text and "2024" in text and "3.6 general" in text


def test_matching_figures_and_other_reports_give_no_warning(store):
    _put(store, "fippa-full", 2024)
    this = _put(store, "fippa-full", 2025, **{"3.3": {"personal": 16, "general": 22}, "11.2": 1})
    row = store.get(this)
    assert carry.carried_forward_findings(store, row, evaluate(load_flow(row.form), store.answers(this))) == []
    _put(store, "cyfsa-full", 2024)
    cyfsa = store.get(_put(store, "cyfsa-full", 2025))
    assert carry.carried_forward_findings(store, cyfsa, evaluate(load_flow(cyfsa.form), store.answers(cyfsa.id))) == []
    lonely = store.get(_put(store, "fippa-full", 2030))
    assert carry.carried_forward_findings(store, lonely, evaluate(load_flow(lonely.form), store.answers(lonely.id))) == []


def test_carried_forward_warnings_reach_the_sheet_and_can_be_accepted(store):
    _put(store, "fippa-full", 2024)
    this = _put(store, "fippa-full", 2025, **{"11.2": 3})
    words = words_for("en", "fippa-year-end")
    sheet = to_markdown(subject_from_store(store, this), words)
    still_open = sheet.split("## Warnings accepted")[0]
    assert "carried 1 over" in still_open
    store.acknowledge(this, "carried-forward-11.2", None, "one request reopened in January")
    sheet = to_markdown(subject_from_store(store, this), words)
    accepted = sheet.split("## Warnings accepted")[1].split("## Section 1")[0]
    assert "carried 1 over" in accepted and "one request reopened in January" in accepted
