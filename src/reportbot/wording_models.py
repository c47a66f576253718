"""The dialog file formats (``dialogs/<lang>/``) as pydantic models.

Kept apart from :mod:`reportbot.wording` so that a start from the cache
(:mod:`reportbot.flow.cache`) never imports pydantic.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class BoxText(_Strict):
    """What reportbot says about one box."""

    question: str
    """The plain-language question ("How many requests did you finish within 30 days?"); for a total, how it is announced."""  # noqa: E501 (the schema's description)
    help: str
    """What counts and what does not, in plain words, from the workbook's guidance."""
    why: str
    """Why the IPC asks, citing the workbook section."""
    label: str | None = None
    """The box's label in this language, where it differs from the flow's printed English label."""
    total: str | None = None
    """For a derived box: the noun phrase said with its value ("completed access requests")."""
    options: dict[str, str] | None = None
    """For a choice box in another language: each option's label, by option id."""
    column_rule: str | None = None
    """For a box with fewer columns than its section: why a value in the other column is refused (the flow's rule)."""


class SectionText(_Strict):
    """What reportbot says on entering a section."""

    title: str | None = None
    """The section's title in this language, where it differs from the flow's."""
    intro: str | None = None
    """A sentence said when the conversation reaches the section."""


class CheckText(_Strict):
    """What reportbot says when a check fails."""

    message: str
    """The relation in plain words."""
    fix: str
    """How to put it right."""
    neither: str | None = None
    """For a breakdown that need not add up: the one-choice answer "none of these", kept as the warning's reason ("thief unknown")."""  # noqa: E501 (the schema's description)
    one_choice: str | None = None
    """For a breakdown whose total is 1: the one choice's own question ("The one theft (11.1): who took it?"); {column} names a column."""  # noqa: E501 (the schema's description)


class LogColumnText(_Strict):
    """What reportbot says about one column of a request log."""

    label: str
    """The column's label in this language: the template's second header row, and a header a log may use."""
    note: str
    """What goes in the column, in the workbook's words (the template's notes sheet, the format's page)."""


class LogText(_Strict):
    """The words of a report's request log."""

    columns: dict[str, LogColumnText] = {}
    """Per column id of the flow's log: its label and note."""
    codes: dict[str, str] = {}
    """Per code that is not a box ("access", "personal"): its label (a box's code takes the box's label)."""
    sets: dict[str, str] = {}
    """Per row set of the flow's log section: the rows it holds, with {year} ("access requests completed in {year}")."""


class ReportDialog(_Strict):
    """``dialogs/<lang>/<report>.yaml``."""

    format: str
    """Always "reportbot-dialog/1"."""
    report: str
    """The report id this file speaks for."""
    language: str
    """The language code ("en", "fr")."""
    title: str
    """The report's name as said to the filer."""
    sections: dict[str, SectionText] = {}
    """Per section id: its title and introduction."""
    boxes: dict[str, BoxText]
    """Per box id: the question, help and why."""
    checks: dict[str, CheckText]
    """Per check id: the message and the fix."""
    routes: dict[str, str]
    """Per route id: why boxes were skipped ("You said you received no access requests (3.1 is 0), so ...")."""
    notices: dict[str, str] = {}
    """Per notice id: what the filer is told."""
    column_labels: dict[str, str] = {}
    """Per column id: its label in this language."""
    log: LogText | None = None
    """For a report counted from a request log: its columns' and codes' words, and what each row set holds."""


class CommonDialog(_Strict):
    """``dialogs/<lang>/common.yaml``."""

    format: str
    """Always "reportbot-dialog/1"."""
    language: str
    """The language code."""
    language_name: str
    """The language's own name ("English", "Français")."""
    messages: dict[str, str]
    """Message key -> template with {named} fields."""
    vocabulary: dict[str, list[str]] = {}
    """Words the filer may type, by meaning: "zero", "yes", "no", and each command ("help", "back", ...)."""
