"""What a box may hold, and turning raw data into a box's value.

Counts are ``int``; money and decimals are ``Decimal`` (money to the cent);
text and choices are ``str``. Text is cleaned of terminal control sequences
on the way in, so nothing typed or imported can reach a terminal later, and
of invisible characters, so nothing stored reads differently from what it is.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from reportbot.errors import Phrase, ReportbotError

if TYPE_CHECKING:
    from reportbot.flow.models import Box


Value = int | Decimal | str

# ESC-introduced sequences (CSI, OSC, ...) and every other C0/C1 control but tab and newline.
_CONTROL = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI (7- or 8-bit) ... final byte
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"  # DCS, PM, APC, SOS ... ST
    r"|\x1b.?"  # any other escape
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
    r"|[\ud800-\udfff]"  # lone surrogates: undecodable bytes read in a C locale
    # Bidirectional marks, overrides and isolates, zero-width characters and the byte order mark:
    # invisible, yet "1\u202e23" shows as 132 and "1\u200b2" as 12, in a terminal and in every export.
    r"|[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
# Line and paragraph separators end a line in some viewers and not in others: a space is what they mean.
_SEPARATOR = re.compile(r"[\u2028\u2029]")
# What clean_text keeps but a one-line message cannot hold.
_BREAKS = {ord("\n"): "?", ord("\t"): "?"}
# A line break or tab with the spaces around it: one space in a one-line text box.
_BREAK_RUN = re.compile(r"[ \t]*[\n\t][\s]*")

MAX_TEXT = 2000
MAX_COUNT = 10**9
MAX_MONEY = Decimal(10) ** 12
# The reporting years reportbot accepts anywhere (a report file, reportbot new), so export and import round-trip.
YEARS = range(1990, 2201)


def year_of(text: str) -> int | None:
    """The reporting year ``text`` names, or None for one a report file could not hold (0, -5, 2201, 10**25)."""
    # Four ASCII digits before int(): a 5,000-digit year must not reach int()'s own limit.
    if not re.fullmatch(r"[0-9]{4}", text.strip()):
        return None
    year = int(text)
    return year if year in YEARS else None


def due_year(today: _dt.date) -> int:
    """The reporting year whose report is due next: last year's until the end of March, this year's from April."""
    return today.year - 1 if today.month <= 3 else today.year


class ValueProblem(ReportbotError):
    """A value of the wrong kind for its box (``value.error.<code>``): the message says what is expected."""

    area = "value.error"


def clean_text(text: str) -> str:
    """``text`` without control characters, escape sequences or invisible characters, trimmed."""
    return _SEPARATOR.sub(" ", _CONTROL.sub("", text)).strip()


def joined_lines(text: str) -> str:
    """A value's lines on one line, as one writes an address: "1 Main St, Anytown" ("Late. Sorry." after a stop)."""
    *body, last = text.split("\n")
    return " ".join([*(line if line[-1:] in ".,;:!?" else line + "," for line in body), last])


def one_line(text: str) -> str:
    """``text`` cleaned for a one-line message: a line break or tab (in a file name, say) shows as "?"."""
    return clean_text(text).translate(_BREAKS)


def to_value(box: Box, raw: object) -> Value:
    """Check ``raw`` (from JSON, YAML or a parsed answer) against ``box``'s kind."""
    kind = box.kind
    if kind == "count":
        return _count(raw)
    if kind in ("money", "decimal"):
        return _amount(raw, money=kind == "money")
    if kind == "text":
        return _text(raw, lines=box.lines)
    if kind == "choice":
        ids = [o.id for o in box.options or []]
        if not isinstance(raw, str) or raw not in ids:
            raise ValueProblem("option_expected", options=", ".join(ids), got=show(raw))
        return raw
    raise ValueProblem("derived", box=box.id)


def _count(raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        if isinstance(raw, (float, Decimal)) and not _finite(raw):
            raise ValueProblem("count_expected", got=_digits(raw))
        if isinstance(raw, (float, Decimal)) and raw == int(raw):
            raise ValueProblem("count_decimals", got=_digits(raw))
        raise ValueProblem("count_expected", got=show(raw))
    if raw < 0:
        raise ValueProblem("count_negative", got=_digits(raw))
    if raw > MAX_COUNT:
        raise ValueProblem("count_too_large", got=_digits(raw))
    return raw


def _amount(raw: object, money: bool) -> Decimal:
    """Money to the cent, or a decimal number."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal)):
        raise ValueProblem("amount_expected" if money else "number_expected", got=show(raw))
    try:
        number = Decimal(str(raw)) if isinstance(raw, float) else Decimal(raw)
    except InvalidOperation:
        raise ValueProblem("not_a_number", got=show(raw)) from None
    if not number.is_finite():
        raise ValueProblem("not_a_number", got=show(raw))
    if number < 0:
        raise ValueProblem("amount_negative", got=_digits(raw))
    if number > MAX_MONEY:
        raise ValueProblem("too_large", got=_digits(raw))
    if money:
        if number != number.quantize(Decimal("0.01")):
            raise ValueProblem("cents", got=_digits(raw))
        return number.quantize(Decimal("0.01"))
    return number.normalize() if number != number.to_integral() else number.quantize(Decimal(1))


def _text(raw: object, lines: bool = False) -> str:
    """Cleaned text; only a box of ``lines`` (an address, an explanation) keeps its line breaks, each line trimmed."""
    if not isinstance(raw, str):
        raise ValueProblem("text_expected", got=show(raw))
    text = clean_text(raw)
    if lines:  # blank lines dropped: an address pasted with a trailing line break ends with its last line
        text = "\n".join(filter(None, (line.replace("\t", " ").strip() for line in text.split("\n"))))
    else:  # a name, phone or e-mail split over lines would break every table and one-line message that shows it
        text = _BREAK_RUN.sub(" ", text)
    if len(text) > MAX_TEXT:
        raise ValueProblem("text_too_long", limit=MAX_TEXT)
    return text


def _finite(raw: float | Decimal) -> bool:
    return raw.is_finite() if isinstance(raw, Decimal) else math.isfinite(raw)


def _digits(n: int | float | Decimal) -> str | Phrase:
    """A number as text, a huge one shortened (Python refuses to print an int of more than 4,300 digits)."""
    if isinstance(n, int) and abs(n) >= 10**40:
        return Phrase("digits", count=len(str(n))) if abs(n) < 10**4000 else Phrase("many_digits")
    text = str(n)
    return text if len(text) <= 40 else Phrase("digits", count=sum(c.isdigit() for c in text))


def show(raw: object) -> str | Phrase:
    """A value as a message names it: a string quoted and shortened, a number as digits, anything else by what it is."""
    if isinstance(raw, str):
        shown = clean_text(raw)
        return repr(shown if len(shown) <= 40 else shown[:37] + "...")
    if isinstance(raw, (dict, list)):
        return Phrase("mapping" if isinstance(raw, dict) else "list")
    if raw is None:
        return Phrase("null")
    return _digits(raw) if isinstance(raw, (int, float, Decimal)) else clean_text(str(raw))


def format_value(value: Value | None, kind: str = "count") -> str:
    """A value as a filer reads it: 1,234 or $1,234.50."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if kind == "money":
        return f"${value:,.2f}"
    if isinstance(value, Decimal):
        return f"{value:,}" if value == value.to_integral() else f"{value:,f}".rstrip("0")
    return f"{value:,}"
