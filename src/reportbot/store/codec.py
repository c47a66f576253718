"""Values as rows: each answer stored exactly (its type and its text), read back only as reportbot writes it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

from reportbot.values import Value, clean_text


def now() -> str:
    """This moment, as stored: UTC to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


# Numbers stored and read back are at most this many characters (and decimal exponent): far beyond
# any figure of a report, and short enough that no hand-edited row can make a display explode.
_NUMBER_CHARS = 100
_INT = re.compile(rf"-?[0-9]{{1,{_NUMBER_CHARS - 1}}}")


def encode(value: Value) -> tuple[str, str]:
    if isinstance(value, bool):
        raise TypeError("a yes/no is stored as a choice, not a bool")
    if isinstance(value, int):
        if abs(value) >= 10 ** (_NUMBER_CHARS - 1):
            raise ValueError("a number too large to store")
        return "int", str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a number")
        if len(str(value)) > _NUMBER_CHARS or abs(value.adjusted()) > _NUMBER_CHARS:
            raise ValueError("a number too large to store")
        return "decimal", str(value)
    if isinstance(value, str):
        return "str", clean_text(value)
    raise TypeError(f"cannot store a {type(value).__name__}")


def decode(vtype: str | None, text: str | None) -> Value | None:
    """A stored value; ValueError when the row was not written by reportbot (edited by hand, or damaged)."""
    if vtype is None or text is None:
        return None
    if not isinstance(text, str):
        raise ValueError("not text")
    if vtype == "int":
        if not _INT.fullmatch(text):
            raise ValueError("not a whole number")
        return int(text)
    if vtype == "decimal":
        if len(text) > _NUMBER_CHARS:
            raise ValueError("too long")
        try:
            value = Decimal(text)
        except ArithmeticError:
            raise ValueError("not a number") from None
        if not value.is_finite() or abs(value.adjusted()) > _NUMBER_CHARS:
            raise ValueError("not a finite amount")
        return value
    if vtype == "str":
        return text
    raise ValueError(f"unknown type {vtype!r}")


_KIND_TYPES: dict[str, type | tuple[type, ...]] = {
    "count": int, "money": (int, Decimal), "decimal": (int, Decimal), "text": str, "choice": str,
}


def types_of(form: str) -> dict[str, type | tuple[type, ...]]:
    """The Python type each box of the form holds (none for a form this reportbot no longer knows)."""
    from reportbot.flow.loader import FlowError, load_flow

    try:
        flow = load_flow(form)
    except FlowError:
        return {}
    return {b: _KIND_TYPES[info.box.kind] for b, info in flow.by_id.items() if info.box.kind in _KIND_TYPES}


def shown(text: object) -> str:
    """A stored value as it may be named in a message: one short clean line."""
    shown = clean_text(str(text)).replace("\n", " ")
    return shown if len(shown) <= 24 else shown[:23] + "…"


def clean_name(text: str | None) -> str | None:
    """An organization's name as stored: cleaned, and None rather than empty."""
    if text is None:
        return None
    return clean_text(text) or None
