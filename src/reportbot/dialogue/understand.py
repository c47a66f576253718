"""Understanding what the filer types: numbers, money, yes/no, choices, commands.

Words come from dialogs/<lang>/common.yaml (``vocabulary``), so a language is
a data change. Number words go through text2num rather than a parser of our
own. Nothing here stores anything: an answer that is not understood raises
:class:`NotUnderstood` with what was expected.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from reportbot.dialogue.commands import FORMS, Form, typed
from reportbot.saying import say
from reportbot.values import Value, ValueProblem, clean_text, to_value
from reportbot.wording import Wording, languages, wording

if TYPE_CHECKING:
    from reportbot.flow.models import Box


class NotUnderstood(ValueError):
    """The answer could not be read; the message says what is expected, ``more`` (said on "why") the rule behind it."""

    def __init__(self, problem: str, more: str | None = None) -> None:
        super().__init__(problem)
        self.more = more


def normalize(text: str) -> str:
    """Lower case, curly quotes straightened, spaces folded: for matching words."""
    text = unicodedata.normalize("NFKC", clean_text(text)).lower()
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", text).strip()


def _fold(text: str) -> str:
    """``normalize`` without accents, for forgiving word matches ("zero" = "zéro")."""
    return "".join(c for c in unicodedata.normalize("NFD", normalize(text)) if not unicodedata.combining(c))


@lru_cache(maxsize=512)
def _vocab(words: Wording, meaning: str) -> frozenset[str]:
    """The folded words for ``meaning`` (worked out once per wording: every reply reads them)."""
    return frozenset(_fold(w) for w in words.common.vocabulary.get(meaning, []))


def is_word(words: Wording, meaning: str, text: str) -> bool:
    """True when ``text`` is one of the words for ``meaning`` ("yes", "quit", ...)."""
    return _fold(text).strip(" .!") in _vocab(words, meaning)


def yes_no(words: Wording, text: str) -> bool | None:
    """True for yes, False for no, None for anything else."""
    if is_word(words, "yes", text):
        return True
    if is_word(words, "no", text):
        return False
    return None


# A reason kept with an accepted warning says something: this many words, or this many letters.
REASON_WORDS = 3
REASON_LETTERS = 12
# A reason only the filer reads again (a log row left out: "duplicate", "doublon") may be one word of this many letters.
NOTE_LETTERS = 4


def is_reason(text: str, *, for_the_ipc: bool = True) -> bool:
    """True when ``text`` explains something: a few words, not only yes, no or ok (in any language).

    "yes" or "ok" would be printed on the sheet as the reason the IPC reads ("Reason: yes");
    a reason kept only in the history (``for_the_ipc=False``) may be one word.
    """
    said = re.findall(r"\w+", _fold(text))
    letters = sum(c.isalpha() for w in said for c in w)
    if for_the_ipc and len(said) < REASON_WORDS and letters < REASON_LETTERS:
        return False
    if not for_the_ipc and letters < NOTE_LETTERS:
        return False
    return not set(said) <= _assent_words()


@lru_cache(maxsize=1)
def _assent_words() -> frozenset[str]:
    """Every word of every language's yes and no (asked only when a reason is given)."""
    return frozenset(
        w
        for lang in languages()
        for meaning in ("yes", "no")
        for entry in _vocab(wording(lang), meaning)
        for w in re.findall(r"\w+", entry)
    )


# Digits with thousands separators, a sign, a decimal mark: what a number typed in digits looks like.
_NUMBERLIKE = re.compile(r"[+-]?[\d ,.'_]*\d[\d ,.'_]*")


def _grouped(separators: str, marks: str) -> re.Pattern[str]:
    """Digits, or groups of exactly three after the first (one separator throughout), then decimals.

    Grouping is tried first, so that "1.234" is a thousand in French while "1.5" stays one and a half.
    """
    return re.compile(
        rf"(?P<sign>[+-]?)(?P<whole>\d{{1,3}}(?P<sep>[{separators}])\d{{3}}(?:(?P=sep)\d{{3}})*|\d+)"
        rf"(?:[{marks}](?P<decimals>\d+))?"
    )


_DECIMAL_POINT = _grouped(", '_", ".")  # 1,234.50 or 1 234.50
_DECIMAL_COMMA = _grouped(" .'_", ",.")  # 1 234,50 (and 1.5, as filers type it)


def _digits(words: Wording, text: str) -> str | None:
    """ "$1,234.50" -> "1234.50"; "1 234,50 $" -> "1234.50"; None when ``text`` is not in digits.

    A space or a comma inside a number is read as a thousands separator only where every group
    after the first has three digits: "12 30" or "12,30" is not twelve hundred thirty, it is refused.
    """
    t = re.sub(r"^([+-]?) ?\$ ?", r"\1", text)  # $1,234.50, -$5
    t = re.sub(r" ?\$$", "", t)  # 1 234,50 $
    if not _NUMBERLIKE.fullmatch(t):
        return None
    grouped = _DECIMAL_COMMA if words.t("understand.decimal_mark") == "," else _DECIMAL_POINT
    m = grouped.fullmatch(t)
    if m is None:
        problem = words.t("understand.not_one_number", text=_excerpt(text))
        raise NotUnderstood(problem, words.t("understand.not_one_number_why"))
    whole = m["whole"].replace(m["sep"], "") if m["sep"] else m["whole"]
    return m["sign"] + whole + ("." + m["decimals"] if m["decimals"] else "")


def _excerpt(text: str) -> str:
    """What the filer typed, short enough for a one-line message."""
    shown = clean_text(text)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def number(words: Wording, text: str) -> Decimal:
    """A number typed as digits or words ("12", "1,234.50", "twenty-one", "none")."""
    raw = normalize(text)
    if not raw:
        raise NotUnderstood(words.t("understand.empty"))
    if _fold(raw) in _vocab(words, "zero"):
        return Decimal(0)
    digits = _digits(words, raw)
    if digits is not None:
        return Decimal(digits)
    from text_to_num import text2num  # imported on the first number in words: most answers are digits

    try:
        return Decimal(text2num(raw.replace(" and ", " ") if words.language == "en" else raw, words.language))
    except (ValueError, TypeError):
        raise NotUnderstood(words.t("understand.not_a_number", text=_excerpt(text))) from None


def in_words(words: Wording, text: str) -> bool:
    """True when ``text`` is a number in words ("fourty-two", "vingt et un"): said back as digits to show a misreading.

    Not digits (read as typed) and not a zero word ("none": nothing to misread).
    """
    raw = normalize(text)
    if not raw or _fold(raw) in _vocab(words, "zero"):
        return False
    try:
        return _digits(words, raw) is None
    except NotUnderstood:
        return False


def figures(words: Wording, text: str, columns: tuple[str | None, ...]) -> dict[str | None, str] | None:
    """One answer for both columns, as typed, by column: "12 and 30", "12 / 30", "personal 12 general 30"
    (French "12 et 30"); None when ``text`` is not two figures. Call it once ``text`` is not one number:
    "two hundred and ten" and "vingt et un" are never split.

    "12, 30" and "12 30" are refused (they read as one number in some habits), naming the forms that work.
    """
    raw = normalize(text)
    first, second = columns
    labelled = _labelled(words).fullmatch(_fold(raw))  # column words are matched without accents ("general")
    if labelled is not None:
        named = _column_words(words)
        by_column: dict[str | None, str] = {named[labelled[f"c{i}"]]: labelled[f"v{i}"] for i in (1, 2)}
        return by_column if set(by_column) == {first, second} else None
    if raw.count("/") == 1:
        left, right = raw.split("/")
        return {first: left.strip(), second: right.strip()} if left.strip() and right.strip() else None
    joined = "|".join(re.escape(w) for w in _vocab(words, "both_and"))
    splits = [(raw[: m.start()], raw[m.end() :]) for m in re.finditer(rf"\s+(?:{joined})\s+", raw)]
    if len(splits) > 1:  # "one hundred and five and six": the split where both sides are numbers
        splits = [s for s in splits if _is_number(words, s[0]) and _is_number(words, s[1])]
    if len(splits) == 1:
        return {first: splits[0][0], second: splits[0][1]}
    pair = re.fullmatch(r"(\S+?)\s*,\s*(\S+)|(\S+)\s+(\S+)", raw)
    if pair is not None and all(_is_number(words, p) for p in pair.groups() if p is not None):
        raise NotUnderstood(words.t("understand.two_figures", text=_excerpt(text)))
    return None


def _is_number(words: Wording, text: str) -> bool:
    try:
        number(words, text)
    except NotUnderstood:
        return False
    return True


@lru_cache(maxsize=16)
def _labelled(words: Wording) -> re.Pattern[str]:
    """"personal 12 general 30" (either order, an "and" or a comma between them allowed)."""
    named = "|".join(re.escape(w) for w in sorted(_column_words(words), key=len, reverse=True))
    joined = "|".join(re.escape(w) for w in _vocab(words, "both_and"))
    return re.compile(
        rf"(?P<c1>{named})\s*:?\s*(?P<v1>.+?)\s*(?:[,;]\s*|\s(?:{joined})\s+|\s+)(?P<c2>{named})\s*:?\s*(?P<v2>.+)"
    )


def value_for(words: Wording, box: Box, text: str, option_labels: dict[str, str] | None = None) -> Value:
    """The value of ``box`` that ``text`` gives, checked against the box's kind."""
    kind = box.kind
    try:
        if kind == "count":
            n = number(words, text)
            if n != n.to_integral():
                raise NotUnderstood(words.t("understand.whole_number", value=_excerpt(text)))
            return to_value(box, int(n))
        if kind in ("money", "decimal"):
            return to_value(box, number(words, text))
        if kind == "choice":
            return choice(words, box, text, option_labels)
        if kind == "text":
            value = to_value(box, text)
            if not value:
                raise NotUnderstood(words.t("understand.empty"))
            return value
    except ValueProblem as e:
        raise NotUnderstood(say(e, words)) from None
    raise NotUnderstood(words.t("understand.derived", box=box.id))


def choice(words: Wording, box: Box, text: str, option_labels: dict[str, str] | None = None) -> str:
    """An option by its number, its id, or words of its label ("children's aid society")."""
    options = box.options or []
    labels = {o.id: (option_labels or {}).get(o.id, o.label) for o in options}
    return pick(words, [(o.id, labels[o.id]) for o in options], text)


def pick(words: Wording, options: list[tuple[str, str]], text: str, aliases: Sequence[tuple[str, str]] = ()) -> str:
    """One of ``options`` (id, label) by number, id or label words; ``aliases`` (id, name) are matched by words only."""
    said = _fold(text).strip(" .")
    if not said:
        raise NotUnderstood(words.t("understand.choose", count=len(options)))
    # A choice number has a few digits; int() refuses more than 4,300 (and none is needed).
    if said.isascii() and said.isdigit() and len(said) <= 4 and 1 <= int(said) <= len(options):
        return options[int(said) - 1][0]
    named = [*options, *aliases]
    for oid, label in named:
        if said in (oid, _fold(label), _fold(oid.replace("_", " "))):
            return oid
    said_words = set(re.findall(r"[\w']+", said))
    matches = {oid for oid, label in named if said_words and said_words <= set(re.findall(r"[\w']+", _fold(label)))}
    if len(matches) == 1:
        return matches.pop()
    raise NotUnderstood(words.t("understand.choose", count=len(options)))


@dataclass(frozen=True)
class Command:
    """A command typed at a prompt: ``name`` with its box and value, if any."""

    name: str
    box: str | None = None
    value: str | None = None


_BOX = r"(\d+(?:\.\d+)+|\d+[a-z]?|[a-z_]+(?:\.[a-z_]+)*|\d+(?:\.\d+)*\.[a-z_]+)"


def _column_words(words: Wording) -> dict[str, str]:
    """Folded word -> column id, from the vocabulary's ``column_<id>`` lists (the id itself always works)."""
    return {
        _fold(w): key.removeprefix("column_")
        for key, ws in words.common.vocabulary.items()
        if key.startswith("column_")
        for w in [key.removeprefix("column_"), *ws]
    }


def column_id(words: Wording, text: str, columns) -> str | None:
    """The column ``text`` names ("personal", "personnel", "general records"), if one of ``columns``."""
    said = _fold(text).strip(" .")
    found = _column_words(words).get(said, said)
    return found if found in columns else None


def command(words: Wording, text: str) -> Command | None:
    """The command in ``text`` (one of :data:`~reportbot.dialogue.commands.COMMANDS`), or None when it is an answer."""
    said = _fold(text).strip(" .!?") if text.strip() != "?" else "?"
    if not said:
        return None
    for form in FORMS:
        for spec in typed(form):
            if form == "alone":
                if said in _vocab(words, spec.name):
                    return Command(spec.name)
                continue
            for pattern in _patterns(words, spec.name, form):
                m = pattern.fullmatch(said)
                if m is None:
                    continue
                if form == "word":
                    return Command(spec.name, value=m.group(1))
                if form == "rest":  # file names keep their case and accents
                    return Command(spec.name, value=_original_tail(text, m.group(1)))
                box = _cell_text(m.group(1), _column_words(words).get(m.group(2) or ""))
                return Command(spec.name, box, _original_tail(text, m.group(3)) if form != "box" else None)
    return None


def _longest_first(words: Wording, meaning: str) -> list[str]:
    return sorted(_vocab(words, meaning), key=len, reverse=True)


@lru_cache(maxsize=256)
def _patterns(words: Wording, name: str, form: Form) -> tuple[re.Pattern[str], ...]:
    """How command ``name`` is typed in ``form``, longest words first (compiled once per wording)."""
    column_words = _column_words(words)
    named = "|".join(re.escape(w) for w in sorted(column_words, key=len, reverse=True))
    col = "(?:\\s+(" + named + "))?" if column_words else "()?"
    if form == "box_is_value":  # "4.1 is 7": a printed box number, then the word
        patterns = [r"(\d+(?:\.\d+)+)" + col + r"\s+" + re.escape(w) + r"\s+(.+)" for w in _longest_first(words, "is")]
    elif form == "box_to_value":
        patterns = [
            re.escape(w) + r"\s+" + _BOX + col + r"\s+" + re.escape(to) + r"\s+(.+)"
            for w in _longest_first(words, name)
            for to in _longest_first(words, f"{name}_to")
        ]
    elif form == "word":
        patterns = [re.escape(w) + r"\s+(\w+)" for w in _longest_first(words, name)]
    elif form == "rest":
        patterns = [re.escape(w) + r"\s+(.+)" for w in _longest_first(words, name)]
    else:
        patterns = [re.escape(w) + r"\s+" + _BOX + col for w in _longest_first(words, name)]
    return tuple(re.compile(p) for p in patterns)


def _cell_text(box: str, column: str | None) -> str:
    # No box number is 40 characters long: a longer one is shortened so that its refusal is one short line.
    box = _excerpt(box)
    return f"{box} {column}" if column else box


def _original_tail(text: str, folded_tail: str) -> str:
    """The value part as typed (keeps accents and case for text boxes)."""
    cleaned = clean_text(text)
    return cleaned[len(cleaned) - len(folded_tail) :] if len(cleaned) >= len(folded_tail) else folded_tail
