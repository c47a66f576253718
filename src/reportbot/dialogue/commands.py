"""The commands a filer can type at any question, each named once.

:func:`reportbot.dialogue.understand.command` reads them from this table (their
words are ``vocabulary`` in dialogs/<lang>/common.yaml), and the conversation
runs them from it (:mod:`reportbot.dialogue.interview`), so a command cannot be
understood without being handled, or handled without being understood.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Form = Literal["alone", "box", "word", "box_to_value", "box_is_value", "rest"]
"""How a command is typed: "help"; "go to 6.3"; "language fr"; "change 4.1 to 7"; "4.1 is 7"; "from log a.xlsx"."""

FORMS: tuple[Form, ...] = ("alone", "box", "word", "box_to_value", "box_is_value", "rest")
"""The order the forms are tried in."""


class Spec(NamedTuple):
    """A command: its ``name`` (its words' vocabulary key), how it is typed, and where it is answered."""

    name: str
    forms: tuple[Form, ...]
    launcher: bool = False
    """Answered at the launcher's questions too (which draft, which report, which year), before a report is open."""


COMMANDS: tuple[Spec, ...] = (
    Spec("help", ("alone",), launcher=True),
    Spec("list", ("alone",), launcher=True),
    Spec("why", ("alone", "box")),
    Spec("back", ("alone",)),
    Spec("skip", ("alone",)),
    Spec("review", ("alone",)),
    Spec("left", ("alone",)),
    Spec("quit", ("alone",), launcher=True),
    Spec("language", ("alone", "word"), launcher=True),
    Spec("later", ("alone",)),
    Spec("goto", ("box",)),
    Spec("change", ("box", "box_to_value", "box_is_value")),
    Spec("fromlog", ("rest",)),
)
BY_NAME = {spec.name: spec for spec in COMMANDS}


_TYPED = {form: tuple(spec for spec in COMMANDS if form in spec.forms) for form in FORMS}


def typed(form: Form) -> tuple[Spec, ...]:
    """The commands typed in ``form``, in the table's order."""
    return _TYPED[form]
