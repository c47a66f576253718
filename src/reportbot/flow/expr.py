"""Formulas, relations and conditions of flow files.

The language is deliberately small, close to how the workbooks write it:

- a sum: ``4.1 + 4.2 + 4.3``, ``3.4 - 3.7``, ``6.1 .. 6.9`` (every box from 6.1 to 6.9);
- a relation: ``5.7 == 4.4``, ``5.1 <= 4.1`` (``== != <= >= < >``);
- a condition: relations and ``1.2 is other`` / ``1.2 is not other``, joined by ``and``.

Box ids contain a dot ("4.1"); a number without a dot is a constant.
Everything compiles to linear forms, so totals can be bounded before all
their parts are known.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

_TOKEN = re.compile(
    r"\s*(?:(?P<box>\d+(?:\.\d+)+)|(?P<num>\d+)|(?P<op>==|!=|<=|>=|<|>|\+|-|\.\.)|(?P<placeholder>_(?![A-Za-z0-9_]))|(?P<word>[A-Za-z_][A-Za-z0-9_]*))"
)

OPS = ("==", "!=", "<=", ">=", "<", ">")


class ExprError(ValueError):
    """A formula, relation or condition that cannot be read."""


@dataclass(frozen=True)
class Linear:
    """``sum(coef * box) + const``; the boxes keep the order they were written in."""

    terms: tuple[tuple[str, int], ...]
    const: int = 0
    text: str = ""

    def boxes(self) -> list[str]:
        return [b for b, _ in self.terms]


@dataclass(frozen=True)
class Relation:
    """``left op right``."""

    left: Linear
    op: str
    right: Linear
    text: str = ""

    def boxes(self) -> list[str]:
        return self.left.boxes() + self.right.boxes()


@dataclass(frozen=True)
class Choice:
    """``box is option`` or ``box is not option``."""

    box: str
    option: str
    negated: bool = False

    def boxes(self) -> list[str]:
        return [self.box]


@dataclass(frozen=True)
class Condition:
    """Clauses joined by ``and``."""

    clauses: tuple[Relation | Choice, ...]
    text: str = ""

    def boxes(self) -> list[str]:
        return [b for c in self.clauses for b in c.boxes()]


@dataclass
class _Tokens:
    items: list[tuple[str, str]]
    text: str
    pos: int = 0

    def peek(self) -> tuple[str, str] | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise ExprError(f"{self.text!r} ends too soon")
        self.pos += 1
        return tok


def _tokenize(text: str, placeholder: str | None = None) -> _Tokens:
    items: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExprError(f"cannot read {text[pos:]!r} in {text!r}")
        tag = m.lastgroup or ""
        value = m.group(tag)
        if tag == "placeholder":
            if placeholder is None:
                raise ExprError(f"'_' in {text!r} needs an 'each' list")
            tag, value = "box", placeholder
        items.append((tag, value))
        pos = m.end()
    return _Tokens(items, text)


Expand = Callable[[str, str], list[str]]
Real = int | Decimal | Fraction  # a value, a coefficient or a difference of sums
"""Turns a range ``a .. b`` into the boxes it covers (given by the loader)."""


def _linear(toks: _Tokens, expand: Expand) -> Linear:
    terms: list[tuple[str, int]] = []
    const = 0
    sign = 1
    start = toks.pos
    expecting_term = True
    while True:
        tok = toks.peek()
        if expecting_term:
            if tok is not None and tok == ("op", "-") and start == toks.pos:
                toks.take()
                sign = -1
                continue
            tag, value = toks.take()
            if tag == "box":
                nxt = toks.peek()
                if nxt == ("op", ".."):
                    toks.take()
                    tag2, end = toks.take()
                    if tag2 != "box":
                        raise ExprError(f"a range needs a box after '..' in {toks.text!r}")
                    terms.extend((b, sign) for b in expand(value, end))
                else:
                    terms.append((value, sign))
            elif tag == "num":
                const += sign * int(value)
            else:
                raise ExprError(f"expected a box or a number, found {value!r} in {toks.text!r}")
            expecting_term = False
        else:
            if tok is not None and tok[0] == "op" and tok[1] in ("+", "-"):
                toks.take()
                sign = 1 if tok[1] == "+" else -1
                expecting_term = True
            else:
                break
    text = " ".join(v for _, v in toks.items[start : toks.pos])
    return Linear(tuple(terms), const, text)


def _no_range(a: str, b: str) -> list[str]:
    raise ExprError(f"ranges ({a} .. {b}) need the flow's box order")


def parse_formula(text: str, expand: Expand = _no_range) -> Linear:
    """A sum of boxes, as in a derived box."""
    toks = _tokenize(text)
    lin = _linear(toks, expand)
    if (extra := toks.peek()) is not None:
        raise ExprError(f"unexpected {extra[1]!r} in formula {text!r}")
    return lin


def _relation(toks: _Tokens, expand: Expand) -> Relation:
    left = _linear(toks, expand)
    tag, op = toks.take()
    if tag != "op" or op not in OPS:
        raise ExprError(f"expected one of {' '.join(OPS)}, found {op!r} in {toks.text!r}")
    right = _linear(toks, expand)
    return Relation(left, op, right, f"{left.text} {op} {right.text}")


def parse_relation(text: str, expand: Expand = _no_range, placeholder: str | None = None) -> Relation:
    """A relation between two sums ("5.7 == 4.4")."""
    toks = _tokenize(text, placeholder)
    rel = _relation(toks, expand)
    if (extra := toks.peek()) is not None:
        raise ExprError(f"unexpected {extra[1]!r} in {text!r}")
    return rel


def parse_condition(text: str, expand: Expand = _no_range) -> Condition:
    """Relations and choice tests joined by ``and``."""
    toks = _tokenize(text)
    clauses: list[Relation | Choice] = []
    while True:
        first = toks.peek()
        second = toks.items[toks.pos + 1] if toks.pos + 1 < len(toks.items) else None
        # A choice box may have a named id ("questionnaire is zero") as well as a number.
        if first and first[0] in ("box", "word") and second == ("word", "is"):
            toks.take(), toks.take()
            negated = toks.peek() == ("word", "not")
            if negated:
                toks.take()
            tag, option = toks.take()
            if tag != "word":
                raise ExprError(f"expected an option id after 'is' in {text!r}")
            clauses.append(Choice(first[1], option, negated))
        else:
            clauses.append(_relation(toks, expand))
        nxt = toks.peek()
        if nxt is None:
            break
        if nxt != ("word", "and"):
            raise ExprError(f"expected 'and', found {nxt[1]!r} in {text!r}")
        toks.take()
    return Condition(tuple(clauses), text.strip())


def compare(diff: Real, op: str) -> bool:
    """``left op right`` given ``left - right``."""
    if op == "==":
        return diff == 0
    if op == "!=":
        return diff != 0
    if op == "<=":
        return diff <= 0
    if op == ">=":
        return diff >= 0
    if op == "<":
        return diff < 0
    return diff > 0


@dataclass(frozen=True)
class Bounds:
    """What ``left - right`` can still become: [low, high], None meaning unbounded."""

    low: Real | None
    high: Real | None
    unknown: tuple[str, ...] = field(default=())


def impossible(bounds: Bounds, op: str) -> bool:
    """True when no values of the unknown boxes can satisfy ``left - right op 0``."""
    lo, hi = bounds.low, bounds.high
    if op == "==":
        return (lo is not None and lo > 0) or (hi is not None and hi < 0)
    if op == "<=":
        return lo is not None and lo > 0
    if op == "<":
        return lo is not None and lo >= 0
    if op == ">=":
        return hi is not None and hi < 0
    if op == ">":
        return hi is not None and hi <= 0
    return False  # != can always still be met
