"""Item 8 of issue 13: ACCESSIBLE selects the line mode, and its first line says why and how to switch."""

from __future__ import annotations

import argparse
import io
import sys

import pytest

from reportbot.cli import main
from reportbot.commands.converse import plain_wanted


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("REPORTBOT_PLAIN", "ACCESSIBLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "stdin", _Terminal())


def _at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> _Terminal:
    """stdout is set in the test's body: pytest's capture sets its own between a fixture and the test."""
    out = _Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    return out


@pytest.mark.parametrize(("value", "chosen"), [("1", "accessible"), ("true", "accessible"), ("0", None), ("", None)])
def test_accessible_selects_the_line_mode_at_a_terminal(terminal, monkeypatch, value, chosen):
    _at_a_terminal(monkeypatch)
    monkeypatch.setenv("ACCESSIBLE", value)
    assert plain_wanted(argparse.Namespace(plain=False)) == chosen


def test_each_reason_is_named(terminal, monkeypatch):
    _at_a_terminal(monkeypatch)
    assert plain_wanted(argparse.Namespace(plain=True)) == "flag"
    monkeypatch.setenv("REPORTBOT_PLAIN", "1")
    assert plain_wanted(argparse.Namespace(plain=False)) == "env"
    monkeypatch.delenv("REPORTBOT_PLAIN")
    monkeypatch.setattr(sys, "stdin", io.StringIO())
    assert plain_wanted(argparse.Namespace(plain=False)) == "not_terminal"


@pytest.mark.parametrize(("lang", "first"), [
    ("en", "Line mode, because ACCESSIBLE is set. For the full-screen assistant, unset it or set it to 0."),
    ("fr", "Mode ligne par ligne, car ACCESSIBLE est défini. Pour l'assistant plein écran, supprimez-le ou mettez-le à 0."),
])
def test_the_first_line_says_how_the_line_mode_was_chosen(terminal, monkeypatch, tmp_path, lang, first):
    monkeypatch.setenv("ACCESSIBLE", "1")
    out = _at_a_terminal(monkeypatch)
    assert main(["--db", str(tmp_path / "r.sqlite3"), "--lang", lang, "new", "cyfsa-part-x", "--year", "2025"]) == 0
    assert out.getvalue().splitlines()[0] == first
