"""The names a log may use beyond the flow's ids, gathered above the words and handed down.

A log's header may be a column's label in any language ("Date de réception"),
and a coded cell a box's label ("Disclosed in part…"). Those labels live in
dialogs/<lang>/, which this package must not read (it has no words); the
caller gathers them from every language into a :class:`Vocabulary`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Vocabulary:
    """Labels in every language, for matching headers and cells."""

    columns: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Column id → its labels (English, French…): a header equal to one names that column."""
    codes: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Code id (a box id such as "7.2", or a word code such as "personal") → its labels in every language."""
    guides: Sequence[tuple[str, ...]] = ()
    """The first row of a log template's notes sheet, in every language: a sheet that begins with one explains the
    template's columns (one row per column, its id beside its label) and holds no table."""
