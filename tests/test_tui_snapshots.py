"""What the TUI looks like at 80×24, in the default and the high-contrast theme.

Snapshot tests are plain ``def`` tests: ``snap_compare`` runs the app in its
own event loop. Update the SVGs in tests/__snapshots__/ with
``pytest tests/test_tui_snapshots.py --snapshot-update`` after checking the
report it writes.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from reportbot.frontends.tui.app import make_app
from reportbot.store import Store

TODAY = dt.date(2026, 3, 2)
SIZE = (80, 24)
THEMES = ["reportbot-dark", "reportbot-high-contrast"]

# Up to a breakdown that exceeds its total: a total said, then an error to resolve.
INTERVIEW = [
    "Children's Aid Society of Anytown",
    "Pat Lee",
    "416-555-0100",
    "pat@cas.example",
    "1 Main St, Anytown ON",
    "1",
    "0",
    "2",
    "40",
    "31",
    "6",
    "2",
    "31",
    "9",
]


@pytest.fixture
def store(tmp_path, monkeypatch):
    # Colours are part of the picture: the CI's NO_COLOR must not turn them off here.
    monkeypatch.delenv("NO_COLOR", raising=False)
    s = Store.open(tmp_path / "r.sqlite3")
    yield s
    s.close()


async def answer(pilot, lines: list[str]) -> None:
    await pilot.pause()  # run_before is called before the first screen is composed
    screen = pilot.app.screen
    for line in lines:
        screen.query_one("#answer", Input).value = line
        await screen.query_one("#answer", Input).action_submit()
        await pilot.pause()


@pytest.mark.parametrize("theme", THEMES)
def test_start_screen(snap_compare, store, theme):
    store.create_report("fippa-year-end", 2025, organization="Ministry of Example Services")
    done = store.create_report("cyfsa-part-x", 2024, organization="Children's Aid Society of Anytown")
    store.confirm(done)
    app = make_app(store, theme=theme, today=TODAY, cursor_blink=False)
    assert snap_compare(app, terminal_size=SIZE)


@pytest.mark.parametrize("theme", THEMES)
def test_interview_screen_with_an_error_to_resolve(snap_compare, store, theme):
    app = make_app(store, form="cyfsa-part-x", year=2025, theme=theme, today=TODAY, cursor_blink=False)

    async def run_before(pilot):
        await answer(pilot, INTERVIEW)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("theme", THEMES)
def test_interview_screen_with_the_form_shown(snap_compare, store, theme):
    app = make_app(store, form="cyfsa-part-x", year=2025, theme=theme, today=TODAY, cursor_blink=False)

    async def run_before(pilot):
        await answer(pilot, INTERVIEW)
        await pilot.press("f2")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("theme", THEMES)
def test_review_screen(snap_compare, store, theme):
    app = make_app(store, form="cyfsa-part-x", year=2025, theme=theme, today=TODAY, cursor_blink=False)

    async def run_before(pilot):
        await answer(pilot, INTERVIEW)
        await pilot.press("f3")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_first_start_asks_which_report(snap_compare, store):
    app = make_app(store, today=TODAY, cursor_blink=False)
    assert snap_compare(app, terminal_size=SIZE)
