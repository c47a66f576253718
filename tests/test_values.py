"""What a box may hold: counts, money to the cent, decimals, clean text, choices."""

from __future__ import annotations

import re
from contextlib import contextmanager
from decimal import Decimal

import pytest

from reportbot.flow.models import Box, Option
from reportbot.saying import say
from reportbot.values import MAX_TEXT, ValueProblem, clean_text, format_value, joined_lines, to_value


@contextmanager
def refused_saying(match: str):
    """Like pytest.raises(ValueProblem, match=...), matched against the English sentence the filer reads."""
    with pytest.raises(ValueProblem) as raised:
        yield
    assert re.search(match, say(raised.value)), say(raised.value)


COUNT = Box(id="3.1", label="Requests", kind="count")
MONEY = Box(id="9.2", label="Application fees", kind="money")
DECIMAL = Box(id="1.3", label="Full-time equivalents", kind="decimal")
TEXT = Box(id="1.1.institution", label="Institution", kind="text")
CHOICE = Box(id="1.2", label="Type", kind="choice",
             options=[Option(id="ministry", label="Ministry"), Option(id="agency", label="Agency")])
DERIVED = Box(id="3.4", label="Total", kind="derived", formula="3.1 + 3.2 + 3.3")


@pytest.mark.parametrize("raw", [0, 1, 40, 10**9])
def test_count_accepts_whole_numbers(raw):
    assert to_value(COUNT, raw) == raw and type(to_value(COUNT, raw)) is int


@pytest.mark.parametrize(
    "raw,match",
    [
        (-1, "negative"),
        (2.5, "whole number"),
        (Decimal("2.5"), "whole number"),
        (2.0, "without decimals"),
        (Decimal("3.0"), "without decimals"),
        (True, "whole number"),
        ("3", "'3'"),
        ("three", "'three'"),
        (None, "null"),
        ([1], "list"),
        ({"personal": 1}, "mapping"),
        (10**9 + 1, "more than"),
    ],
)
def test_count_rejects_everything_else(raw, match):
    with refused_saying(match):
        to_value(COUNT, raw)


@pytest.mark.parametrize(
    "raw,value",
    [
        (5, Decimal("5.00")),
        (12.5, Decimal("12.50")),
        (Decimal("986.40"), Decimal("986.40")),
        (Decimal("0.10"), Decimal("0.10")),
        (0, Decimal("0.00")),
        (4312.75, Decimal("4312.75")),
    ],
)
def test_money_is_kept_to_the_cent(raw, value):
    got = to_value(MONEY, raw)
    assert got == value and str(got) == str(value)


@pytest.mark.parametrize(
    "raw,match",
    [
        (Decimal("12.345"), "two decimals"),
        (12.345, "two decimals"),
        (0.1 + 0.2, "two decimals"),
        (-5, "negative"),
        ("12.00", "dollars and cents"),
        (True, "dollars and cents"),
        (Decimal("NaN"), "not a number"),
        (Decimal("Infinity"), "not a number"),
        (Decimal("1e13"), "too large"),
    ],
)
def test_money_rejects(raw, match):
    with refused_saying(match):
        to_value(MONEY, raw)


@pytest.mark.parametrize("raw,value", [(412.5, Decimal("412.5")), (6, Decimal("6")), (Decimal("0.1667"), Decimal("0.1667"))])
def test_decimal(raw, value):
    assert to_value(DECIMAL, raw) == value


@pytest.mark.parametrize("raw", ["6.5", -1, False])
def test_decimal_rejects(raw):
    with pytest.raises(ValueProblem):
        to_value(DECIMAL, raw)


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("\x1b[31mLakeshore CAS\x1b[0m", "Lakeshore CAS"),
        ("\x1b]0;title\x07Lakeshore CAS", "Lakeshore CAS"),
        ("\x1b]0;title\x1b\\Lakeshore", "Lakeshore"),
        ("\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("\x1bPq#0;2;0;0;0\x1b\\Name", "Name"),
        ("bell\x07 and nul\x00", "bell and nul"),
        ("  trimmed\t \n", "trimmed"),
        ("Société d’aide à l’enfance", "Société d’aide à l’enfance"),
    ],
)
def test_text_is_cleaned_of_control_sequences(raw, clean):
    assert clean_text(raw) == clean
    assert to_value(TEXT, raw) == clean


def test_clean_text_keeps_line_breaks_and_tabs_for_the_box_to_decide():
    assert clean_text("two\nlines\tand a tab") == "two\nlines\tand a tab"


# A text box holds one line (a break or tab and the spaces around it become one space),
# except a box of lines (a mailing address), which keeps each line, trimmed, blank lines dropped.
ADDRESS = Box(id="1.1.mailing_address", label="Mailing address", kind="text", lines=True)


@pytest.mark.parametrize(
    "box,raw,value",
    [
        (TEXT, "two\nlines\tand a tab", "two lines and a tab"),
        (TEXT, "Lakeshore \r\n  CAS\n", "Lakeshore CAS"),
        (ADDRESS, "1 Main St  \r\n\n Suite 2\tB\nAnytown ON\n", "1 Main St\nSuite 2 B\nAnytown ON"),
        (ADDRESS, "1 Main St, Anytown ON", "1 Main St, Anytown ON"),
    ],
)
def test_only_a_box_of_lines_keeps_line_breaks(box, raw, value):
    assert to_value(box, raw) == value


@pytest.mark.parametrize(
    "text,line",
    [("1 Main St\nSuite 2\nAnytown ON", "1 Main St, Suite 2, Anytown ON"), ("Late files.\nA clerk starts", "Late files. A clerk starts"),
     ("One line", "One line")],
)
def test_lines_are_said_on_one_line(text, line):
    assert joined_lines(text) == line


def test_c1_controls_are_removed():
    assert not any(ch in clean_text("C1\x9b31m csi\x85\x90") for ch in "\x9b\x85\x90")


def test_text_rejects_non_text_and_overlong_text():
    with refused_saying("text is expected"):
        to_value(TEXT, 5)
    with refused_saying(str(MAX_TEXT)):
        to_value(TEXT, "x" * (MAX_TEXT + 1))
    assert len(to_value(TEXT, "x" * MAX_TEXT + "\x1b[0m")) == MAX_TEXT


def test_problem_message_does_not_echo_escape_sequences():
    with pytest.raises(ValueProblem) as raised:
        to_value(COUNT, "\x1b]0;pwned\x07\x1b[2J9")
    assert "\x1b" not in say(raised.value) and "\x07" not in say(raised.value)


def test_choice_takes_an_option_id():
    assert to_value(CHOICE, "agency") == "agency"
    for raw in ["Agency", "council", 1, None]:
        with refused_saying("ministry, agency"):
            to_value(CHOICE, raw)


def test_a_total_is_not_entered():
    with refused_saying("total"):
        to_value(DERIVED, 5)


@pytest.mark.parametrize(
    "value,kind,shown",
    [
        (1234, "count", "1,234"),
        (Decimal("1234.5"), "money", "$1,234.50"),
        (Decimal("0.00"), "money", "$0.00"),
        (Decimal("412.5"), "decimal", "412.5"),
        (None, "count", "—"),
        ("ministry", "choice", "ministry"),
    ],
)
def test_format_value(value, kind, shown):
    assert format_value(value, kind) == shown


@pytest.mark.parametrize("raw", [float("nan"), float("inf"), float("-inf")])
def test_count_rejects_nan_and_infinity(raw):
    with pytest.raises(ValueProblem):
        to_value(COUNT, raw)


HUGE = {"decimal": Decimal("7" * 4301), "negative decimal": Decimal("-" + "7" * 4301), "int": 7 * 10**4300,
        "negative int": -(7 * 10**4300), "4,301 decimals": Decimal("1." + "7" * 4301)}


@pytest.mark.parametrize("box,huge", [(b, h) for b in (COUNT, MONEY, DECIMAL) for h in HUGE if (b, h) != (DECIMAL, "4,301 decimals")])
def test_a_huge_number_is_refused_in_one_short_line(box, huge):
    with pytest.raises(ValueProblem) as refused:
        to_value(box, HUGE[huge])
    assert len(say(refused.value)) < 100 and "digits" in say(refused.value)
