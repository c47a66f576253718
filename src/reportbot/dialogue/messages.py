"""What the dialogue engine hands to a front end: messages, and the prompt that ends them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["say", "section", "total", "notice", "warning", "error", "help", "review", "prompt"]


@dataclass(frozen=True)
class Message:
    """One thing reportbot says; its ``role`` is what it does in the conversation (a question, an error, a total).

    A ``prompt`` ends every reply while the conversation goes on: its ``tag``
    names what is asked ("4.1", "3.1 personal", "type", "resolve") and its
    ``choices`` are the numbered options, if any.
    """

    role: Role
    text: str
    tag: str | None = None
    choices: tuple[str, ...] = field(default=())
    cell: tuple[str, str | None] | None = None
    again: bool = False
    """The question asked again after a wrong answer: its choices are not read out again (``list`` does that)."""
