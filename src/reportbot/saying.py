"""A refusal's facts as the filer's sentence: the one place an error or a notice gets its words.

Below this module, errors carry a message key and facts only
(:class:`reportbot.errors.ReportbotError`); the store, the values and the
report file never load the dialogs.
"""

from __future__ import annotations

from typing import Protocol

from reportbot.errors import Phrase, neutral
from reportbot.values import one_line
from reportbot.wording import DEFAULT_LANGUAGE, DialogError, WithFallback, Wording, wording


class Said(Protocol):
    """An error or a notice: its message key and the facts that fill it in."""

    @property
    def key(self) -> str: ...

    @property
    def facts(self) -> dict[str, object]: ...


def say(said: Said, words: Wording | None = None) -> str:
    """One line in ``words``' language; English where it lacks the message; the key and facts where English does too."""
    try:
        english = wording(DEFAULT_LANGUAGE)
        source = english if words is None or words.language == DEFAULT_LANGUAGE else WithFallback(words, english)
        facts = {k: say(v, words) if isinstance(v, Phrase) else v for k, v in said.facts.items()}
        return one_line(source.t(said.key, **facts))
    except (DialogError, LookupError, ValueError):  # no such message, a fact it names missing, broken dialogs
        return neutral(said.key, said.facts)
