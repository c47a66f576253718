"""A language's typography on the sheets' own words: French "Organisation :" with a no-break space, « quotes ».

The rule is data (``typography.*`` in dialogs/<lang>/common.yaml): the marks
that take a no-break space before them, and the quotation marks that replace
straight double quotes. Only reportbot's words are set this way; what the
filer typed (names, values, reasons) is left exactly as typed.
"""

from __future__ import annotations

import re
from functools import cache

from reportbot.wording import Wording

NO_BREAK = "\u00a0"


@cache
def _rule(marks: str, quotes: str) -> tuple[re.Pattern[str] | None, tuple[str, str] | None]:
    # A mark after a word or a space, and before a space, a closing sign or the end: "10:15" and "s.57(1)" stay.
    before = re.compile(rf"(?<=\S)[ {NO_BREAK}\u202f]?([{re.escape(marks)}])(?=[\s)\]»]|$)") if marks else None
    return before, (quotes[0], quotes[-1]) if quotes else None


def typeset(text: str, words: Wording) -> str:
    """``text`` (reportbot's own words) set in the typography of ``words``' language."""
    if isinstance(words, Typeset):  # the rule's own marks must not be typeset
        words = words._words
    before, quotes = _rule(words.t("typography.space_before"), words.t("typography.quotes"))
    if quotes is not None:
        opening, closing = quotes
        text = re.sub(r'"([^"\n]*)"', rf"{opening}{NO_BREAK}\1{NO_BREAK}{closing}", text)
        text = re.sub(rf"{re.escape(opening)}\s+", opening + NO_BREAK, text)
        text = re.sub(rf"\s+{re.escape(closing)}", NO_BREAK + closing, text)
    if before is not None:
        text = before.sub(NO_BREAK + r"\1", text)
    return text


class Typeset(Wording):
    """Words whose every template is typeset before its fields are filled in, so a filer's text stays as typed."""

    def __init__(self, words: Wording) -> None:
        super().__init__(words.common, words.report)
        self._words = words

    @classmethod
    def of(cls, words: Wording) -> Typeset:
        return words if isinstance(words, Typeset) else cls(words)

    def t(self, key: str, /, **fields: object) -> str:
        template = typeset(self._words.t(key), self._words)
        return template.format(**fields) if fields else template
