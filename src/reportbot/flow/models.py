"""The flow file format: what a report is, as validated data.

A flow file (``flows/<report>.yaml``) lists every box of one IPC workbook in
questionnaire order, with its derived totals, its checks and its routing
instructions. These models say what a well-formed file looks like; the
cross-references (formulas naming real boxes, routes that lead somewhere,
boxes that some route reaches) are checked by :mod:`reportbot.flow.loader`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

BoxKind = Literal["count", "money", "decimal", "text", "choice", "derived"]
Severity = Literal["error", "warning"]

BOX_ID = r"^(\d+(\.\d+)*[a-z]?|\d+(\.\d+)*\.[a-z_]+|[a-z_]+)$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Provisional(_Strict):
    """Marks a label the source workbook does not print."""

    provisional: bool = False
    """True when the label is our best evidence rather than the printed form's words."""
    evidence: str | None = None
    """Where the provisional label comes from, so a filer holding the printed form can judge it."""


class Option(Provisional):
    """One answer of a choice box."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """The option's stable id, as stored in report files (``childrens_aid_society``)."""
    label: str
    """The option as the workbook prints it."""


class Column(_Strict):
    """One column of a two-column report (FIPPA: personal information, general records)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """The column's id in report files (``personal``)."""
    label: str
    """The column's heading as the workbook prints it."""


class Box(Provisional):
    """One box of the workbook."""

    id: str = Field(pattern=BOX_ID)
    """The box number exactly as printed ("4.1", "11.3.6"), or a fixed id for unnumbered fields."""
    label: str
    """The box's label as the workbook prints it (or, if provisional, our best evidence)."""
    kind: BoxKind
    """count (whole number ≥ 0), money (dollars and cents), decimal, text, choice, or derived (a total)."""
    formula: str | None = None
    """For a derived box: how it is computed from earlier boxes ("4.1 + 4.2 + 4.3", "6.1 .. 6.9")."""
    options: list[Option] | None = None
    """For a choice box: its answers, in the workbook's order."""
    format: Literal["email", "phone"] | None = None
    """For a text box: what its text should look like; an answer that does not is a warning, never a refusal."""
    columns: list[str] | None = None
    """The columns this box has, when fewer than its section's (FIPPA s.21 applies to general records only)."""
    column_rule: str | None = None
    """Why this box lacks a column: the workbook's own words, shown when a file fills the missing one."""
    optional: bool = False
    """An optional box may be left empty; it is never reported missing."""
    lines: bool = False
    """For a text box: its value may keep several lines (an address, an explanation); any other text is one line."""
    note: str | None = None
    """A remark for whoever maintains this file: a slip in the workbook and how it is handled."""
    count: str | None = None
    """Counted from a request log: the rows this box counts ("C and days <= 30"), in the log section's rule language."""
    sum: str | None = None
    """Counted from a request log: a count or money column summed over rows ("notices_sent over K")."""


class Section(Provisional):
    """One section of the workbook."""

    id: str = Field(pattern=r"^\d+[a-z]?$")
    """The section number ("3", "6a")."""
    title: str
    """The section's title as printed."""
    columns: list[str] = []
    """The report columns this section's boxes have; empty for a single-value section."""
    boxes: list[Box]
    """The section's boxes, in questionnaire order."""


class Check(_Strict):
    """A relation between boxes that a correct report satisfies.

    Checks apply column by column: in a two-column section a check is tested
    once for each column its boxes share.
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-_]*$")
    """A stable id, used in findings and in dialogs/ for the check's message."""
    severity: Severity
    """error: a true report cannot break it (a stated relation, a breakdown or a part of the same set); warning: a judgement call."""  # noqa: E501 (the schema's description)
    test: str
    """The relation, e.g. "5.7 == 4.4" or "5.1 <= 4.1"; "_" stands for each box of ``each``."""
    when: str | None = None
    """Only test the relation when this condition holds ("9.1 == 0")."""
    each: list[str] | None = None
    """Test the relation once for each of these boxes ("6.1 .. 6.9" ranges allowed)."""
    source: str
    """The workbook's words the relation comes from, or, for a warning, why it is implied."""


class Route(_Strict):
    """A routing instruction: "skip to", "move to", "stop here"."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-_]*$")
    """A stable id, used in dialogs/ to explain why a box was skipped."""
    at: str
    """The box after which the instruction is read."""
    when: str
    """The condition, using only boxes up to ``at`` ("3.1 == 0", "1.2 is not other")."""
    goto: str
    """The box to continue at, or "end" (review and submit)."""
    columns: Literal["each", "all"] = "all"
    """each: in a two-column section, follow the instruction column by column; all: only when it holds in every column."""  # noqa: E501 (the schema's description)
    source: str
    """The workbook's instruction, or why the skip follows from it."""
    note: str | None = None
    """A remark for maintainers (for instance a slip in the workbook's wording)."""


class Notice(_Strict):
    """A situation the filer must be told about that is neither an error nor a warning."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-_]*$")
    """A stable id, used in dialogs/ for the notice's text."""
    when: str
    """When the notice applies."""
    source: str
    """The workbook's words."""


class CarriedForward(_Strict):
    """A figure this year's report takes over from last year's."""

    box: str
    """This year's box ("3.3": requests carried forward from the previous year)."""
    last_year: str
    """Last year's box it should equal ("3.6": requests carried over to the next year)."""
    source: str
    """Why the two should agree."""


class FromLastYear(_Strict):
    """A figure offered from last year's report, kept with Enter; unlike a carried-forward one, it may change."""

    box: str
    """This year's box ("1.3": full-time equivalents)."""
    last_year: str
    """Last year's box whose figure is offered ("1.3")."""
    source: str
    """Why last year's figure is a good first guess."""


LogValue = Literal["text", "date", "yesno", "count", "money", "code", "codes"]


class LogCode(_Strict):
    """One value a coded column of a request log may hold."""

    id: str = Field(pattern=BOX_ID)
    """The code as counted: a box id ("7.2") or a word of the flow's own ("access", "personal", "all")."""
    words: list[str] = []
    """Other ways a log writes it, beside the id and the box's English and French labels ("s.13", "stolen")."""
    when: str | None = None
    """Where a word is shared by codes (``withdrawn``: 7.6 or 11.8), the code of the column's ``within`` column this one is read for."""  # noqa: E501 (the schema's description)


class LogColumn(_Strict):
    """One column of a request log: what its cells mean and how they are read."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """The column's id, also the header the template writes ("received")."""
    value: LogValue
    """How a cell is read: text, date, yesno (blank = no), count, money (dollars), code (one of ``codes``), codes (several, ``;``-separated)."""  # noqa: E501 (the schema's description)
    required: bool = False
    """A row whose cell is blank or unreadable here is left out entirely (a row finding names it)."""
    codes: list[LogCode] | None = None
    """For code and codes: the values allowed, in the order the template's drop-down lists them."""
    within: str | None = None
    """The column whose code decides a word several codes share (``outcome`` within ``request``)."""
    blank: str | None = None
    """For a code column: the code a blank cell stands for ("access" in ``request``); None: blank is no code."""
    aliases: list[str] = []
    """Header names seen in real logs that mean this column ("FILE_NUMBER", "Request_Number")."""


class LogTable(_Strict):
    """One table of a request log: one row per request, or one row per privacy breach incident."""

    id: Literal["requests", "breaches"]
    """The table's id, also the template's sheet (``requests``) or file (``requests.csv``) name."""
    key: str
    """The column naming each row (``file``, ``incident``): required and unique."""
    columns: list[LogColumn]
    """The columns reportbot reads; any other column of a log is ignored and never stored."""


class LogSpec(_Strict):
    """How a request log is read for this report: its tables and how rows split into the report's columns."""

    tables: list[LogTable]
    """The log's tables."""
    split_by: str | None = None
    """The requests column whose code picks the report column a row counts in (FIPPA: ``records``)."""
    sets: dict[str, str] = {}
    """Named row sets the boxes' rules use (``C``: access requests completed in the year), each a rule on one table."""
    private: list[str] = []
    """Headers of columns that hold who asked or what about ("Requester", "Description"), as logs write them: such
    a column is never read, nor offered when a question asks which header holds a column, whatever a map says."""


class Flow(_Strict):
    """One IPC statistical report, box by box."""

    format: Literal["reportbot-flow/1"]
    """The flow format version."""
    id: str = Field(pattern=r"^[a-z][a-z0-9\-]*$")
    """The report's id ("cyfsa-part-x")."""
    title: str
    """The report's title."""
    law: str
    """The Act the report is filed under."""
    source: str
    """The workbook this file transcribes."""
    reporting_year: str
    """The period the report covers."""
    form_year: int | None = None
    """The one reporting year whose form this flow transcribes (FIPPA: 2005); None when the form serves every year."""
    columns: list[Column] = []
    """The report's columns (FIPPA: personal information, general records); empty for single-value reports."""
    organization: str
    """The text box holding the organization's name, shown when reports are listed."""
    zero_report: list[str]
    """The boxes that decide a zero report; a zero report has 0 in each (in every column)."""
    questionnaire: str | None = None
    """The choice box (options zero and full) recording which questionnaire the filer completes."""
    sections: list[Section]
    """The workbook's sections, in order."""
    checks: list[Check]
    """Relations the boxes must (error) or should (warning) satisfy."""
    routes: list[Route]
    """Routing instructions, read in questionnaire order."""
    notices: list[Notice] = []
    """Situations to tell the filer about."""
    carried_forward: list[CarriedForward] = []
    """Figures compared with the same organization's report of the year before (a difference is a warning)."""
    from_last_year: list[FromLastYear] = []
    """Figures offered from that report without a comparison (carried-forward ones are offered too)."""
    log: LogSpec | None = None
    """How a request log is read and counted for this report; None: the report is not counted from a log."""
