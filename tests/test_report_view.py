"""One report, every screen: the TUI form and review, the plain review and the exports show the same findings and values.

The report has last year's carried-forward figures that differ (FIPPA 3.3 against
last year's 3.6, 11.2 against 11.3), an accepted warning of the rules (9.4 over
9.1) and an accepted carried-forward one (11.2), and one-value boxes (1.3, 2.1,
section 11) in a two-column report.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from textual.geometry import Offset
from textual.selection import Selection
from textual.widgets import DataTable, Static

from reportbot import carry, explain
from reportbot.commands.check import as_json
from reportbot.dialogue.conversation import Conversation
from reportbot.engine import evaluate
from reportbot.export import build_sheet, subject_from_store, to_json
from reportbot.findings import assemble
from reportbot.flow.loader import load_flow
from reportbot.frontends.tui.app import make_app
from reportbot.frontends.tui.review import ReviewScreen
from reportbot.frontends.tui.widgets import ChatLog, FormPanel
from reportbot.reportfile import parse_report
from reportbot.store import Store
from reportbot.wording import wording, words_for
from reports import changed, load

TODAY = dt.date(2026, 3, 2)
ACCEPTED = {("fippa-9.4-within-9.1", "general"): "fees waived in full for some", ("carried-forward-11.2", None): "one request reopened"}


@pytest.fixture(autouse=True)
def _never_the_real_database(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTBOT_DB", str(tmp_path / "env" / "reportbot.sqlite3"))
    monkeypatch.delenv("NO_COLOR", raising=False)


def _put(store: Store, year: int, **changes) -> int:
    report = parse_report(changed(load("fippa-full"), changes))
    answers = {c: v for c, v in report.answers.items() if not report.flow.by_id[c[0]].is_total}
    return store.import_report(report.flow.id, year, answers, answers.get((carry.organization_box(report.flow), None)))


@pytest.fixture
def report(store) -> int:
    _put(store, 2024)  # carried over 3.6 = 16 / 22 and 11.3 = 1; this year's 3.3 is 15 / 30 and 11.2 is 2
    this = _put(store, 2025, **{"9.4": {"personal": 1, "general": 70}})
    for (rule, column), reason in ACCEPTED.items():
        store.acknowledge(this, rule, column, reason)
    return this


def test_findings_are_facts_put_in_words_where_they_are_shown(store, report):
    row = store.get(report)
    flow = load_flow(row.form)
    ev = evaluate(flow, {**store.answers(report), ("3.1", "personal"): 0, ("4.1", "personal"): 7})
    found = assemble(ev, carry.carried_forward_findings(store, row, ev))
    carried = next(f for f in found.items if f.type == "carried")
    stray = next(f for f in found.items if f.type == "off-route")
    # The same finding, in either language: no English text is kept in its facts.
    en, fr = wording("en", row.form), wording("fr", row.form)
    assert "carried forward from last year" in explain.summary(flow, en, carried)
    assert "reporté de l'année précédente" in explain.summary(flow, fr, carried)
    assert "3.6 personnel" in explain.summary(flow, fr, carried)
    assert stray.facts == {"value": 7, "route": stray.facts["route"]}
    assert "le questionnaire saute cette case" in explain.summary(flow, fr, stray)


def flat(text: str) -> str:
    """Text with its wrapping undone."""
    return " ".join(text.split())


def expected_findings(store: Store, report_id: int) -> tuple[list[str], list[tuple[str, str]]]:
    """(open, accepted with their reasons) as ``check`` words them for the exported file, with last year's
    figures as the sheet words them (``check`` reads a file alone, without last year's report)."""
    words = words_for("en", "fippa-year-end")
    subject = subject_from_store(store, report_id)
    document = parse_report(json.loads(to_json(subject)))
    checked = as_json("r.json", document, evaluate(document.flow, document.answers), wording("en", "fippa-year-end"))
    messages = {(f["rule"], f["column"]): f["message"] for f in checked["findings"]}
    sheet = build_sheet(subject, words)
    carried = {line.split("): ", 1)[1] for line in sheet.open + [line for line, _ in sheet.acknowledged] if "carried" in line}
    assert len(carried) == 3 and messages, "the report is not the one this test means"
    open_, accepted = [], []
    for key, message in messages.items():
        (accepted.append((message, ACCEPTED[key])) if key in ACCEPTED else open_.append(message))
    for text in carried:
        (accepted.append((text, ACCEPTED[("carried-forward-11.2", None)])) if text.startswith("11.2") else open_.append(text))
    return open_, accepted


def sheet_values(store: Store, report_id: int) -> dict[tuple[str, str | None], str]:
    """Every value the exports show, by (box, column)."""
    sheet = build_sheet(subject_from_store(store, report_id), words_for("en", "fippa-year-end"))
    return {
        (row.box, column): c.text
        for section in sheet.sections for row in section.rows
        for column, c in zip(row.columns, row.cells, strict=True) if c.state == "value"
    }


def shows(shown: str, value: str) -> bool:
    """``shown`` is ``value``, or its start cut with an ellipsis."""
    return shown == value or (shown.endswith("…") and value.startswith(shown[:-1]))


def test_the_plain_review_shows_what_check_and_the_exports_show(store, report):
    conv = Conversation(store, report_id=report, today=TODAY)
    conv.start()
    lines = [m.text for m in conv.reply("review") if m.role == "review"]
    open_, accepted = expected_findings(store, report)
    findings = [line for line in lines if line.startswith(("Error:", "Warning:", "Warning accepted:"))]
    assert sorted(findings) == sorted(
        [f"Warning: {text}" for text in open_] + [f"Warning accepted: {text} Reason: {why}" for text, why in accepted]
    )
    for (box, column), value in sheet_values(store, report).items():
        label = f"{explain.column_label(conv.flow, conv.words, column)} " if column else ""
        line = next(x for x in lines if x.startswith(f"  {box} "))
        assert f"{label}{value}" in line, (box, column, line)
    conv.close()


def _count_findings(text: str) -> int:
    return sum(text.count(mark) for mark in ("⚠ Warning: ", "✖ Error: ", "✔ Warning accepted: "))


async def test_the_tui_form_shows_what_check_and_the_exports_show(store, report):
    app = make_app(store, "en", report_id=report, today=TODAY, cursor_blink=False)
    async with app.run_test(size=(160, 50)) as pilot:
        panel = app.screen.query_one(FormPanel)
        for _ in range(100):
            if panel.drawn is app.conversation.ev:
                break
            await pilot.pause(0.01)
        text = panel.text()
    open_, accepted = expected_findings(store, report)
    assert _count_findings(text) == len(open_) + len(accepted)
    for message in open_:
        assert flat(f"⚠ Warning: {message}") in flat(text)
    for message, why in accepted:
        assert flat(f"✔ Warning accepted: {message} Reason: {why}") in flat(text)
    form = text.splitlines()
    assert any(line.startswith("⚠ 3.3 ") and line.rstrip().endswith("warning") for line in form)  # carried forward, open
    for (box, column), value in sheet_values(store, report).items():
        if not box.replace(".", "").isdigit():
            continue  # named parts of box 1.1 are shown by their label only
        line = next(x for x in form if x[2:].startswith(f"{box} "))
        assert value in line or "…" in line and value[:4] in line, (box, column, line)


async def test_the_tui_review_shows_what_check_and_the_exports_show(store, report):
    app = make_app(store, "en", report_id=report, today=TODAY, cursor_blink=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("f3")
        review = app.screen
        assert isinstance(review, ReviewScreen)
        block = review.query_one("#review-findings", Static).content.plain
        table = review.query_one(DataTable)
        columns = [str(c.key.value) for c in table.ordered_columns]
        values = {}
        for (box, column), value in sheet_values(store, report).items():
            # A one-value box (1.3, 2.1, section 11) shows its value in the first value column.
            key = f"value:{column or 'personal'}"
            values[(box, column)] = (str(table.get_row(box)[columns.index(key)]), value)
    open_, accepted = expected_findings(store, report)
    assert _count_findings(block) == len(open_) + len(accepted)
    for message in open_:
        assert f"⚠ Warning: {message}" in block
    for message, why in accepted:
        assert f"✔ Warning accepted: {message} Reason: {why}" in block
    assert ("1.3", None) in values and ("2.1", None) in values and ("11.2", None) in values
    for cell, (shown, value) in values.items():
        assert shows(shown, value), (cell, shown, value)


async def test_copying_a_selection_in_the_log_does_not_crash(store):
    app = make_app(store, "en", form="cyfsa-part-x", year=2025, today=TODAY, cursor_blink=False)
    async with app.run_test(size=(120, 36)) as pilot:
        log = app.screen.query_one(ChatLog)
        app.screen.selections = {log: Selection(Offset(0, 0), Offset(5, 1))}
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running
