"""What reportbot refuses, as facts: a message key and the values that fill it in.

Nothing here has words. The filer's sentence is rendered above, in their
language, by :func:`reportbot.saying.say`; so the store and the values
module stay below the message catalogue.
"""

from __future__ import annotations


class ReportbotError(Exception):
    """A refusal the filer hears of: ``key`` (``<area>.<code>``) names its message in dialogs/<lang>/common.yaml."""

    area = "error"

    def __init__(self, code: str, **facts: object) -> None:
        self.code = code
        self.facts = facts
        super().__init__(code)

    @property
    def key(self) -> str:
        return f"{self.area}.{self.code}"

    def __str__(self) -> str:
        """The key and its facts, for a traceback; what a filer reads is :func:`reportbot.saying.say`."""
        return neutral(self.key, self.facts)


class DataFileError(ReportbotError):
    """A flow or dialog file that cannot be used: ``detail`` is the loader's one line naming file, field and problem.

    That line is for whoever edits flows/ or dialogs/, in the words of the
    file's own fields (and of pydantic), so it is not translated; a language
    only says which file it is (``<area>.broken``).
    """

    def __init__(self, detail: str) -> None:
        super().__init__("broken", detail=detail)

    def __str__(self) -> str:
        return str(self.facts["detail"])


def neutral(key: str, facts: dict[str, object]) -> str:
    """A message key with its facts, in no language: what is said when no words can be found."""
    details = ", ".join(f"{k}={v}" for k, v in facts.items())
    return f"{key} ({details})" if details else key


class Phrase:
    """A fact that needs words of its own ("a list", "a number of 5,000 digits"): its key is ``phrase.<code>``."""

    def __init__(self, code: str, **facts: object) -> None:
        self.key = f"phrase.{code}"
        self.facts = facts

    def __str__(self) -> str:
        return neutral(self.key, self.facts)
