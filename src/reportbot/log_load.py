"""A request log read and counted for one report, as the commands and the conversation both need it."""

from __future__ import annotations

import gc
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportbot.flow.loader import CompiledFlow
    from reportbot.flow.models import LogSpec
    from reportbot.log.cells import DateOrder
    from reportbot.log.count import LogCount
    from reportbot.log.files import ReadAhead
    from reportbot.log.headers import HeaderGaps
    from reportbot.log.mapping import LogMap
    from reportbot.log.read import LogNotice


@dataclass(frozen=True)
class Loaded:
    """A log counted, and what reading said about whole files or sheets (a sheet that holds no table)."""

    count: LogCount
    notices: list[LogNotice]
    gaps: list[HeaderGaps]
    """Each table's headers that name no column, and (only) the missing columns without which a box is asked."""
    unread_flags: list[tuple[str, str]] = field(default_factory=list)
    """(column id, header): a header taken for one of a column's flags that names none of its codes: not read."""
    mapping: LogMap | None = None
    """The map the log was read with (``--map``, or the one beside it), as read."""


def load(
    flow: CompiledFlow, files: Sequence[Path] | ReadAhead, year: int, *, mapping: Path | None = None,
    date_order: DateOrder | None = None, left_out: Collection[str] = (), database: Path | None = None,
) -> Loaded:
    """Read ``files`` as ``flow``'s log and count it for ``year``, less the rows ``left_out`` (by file number).

    ``database``: the open store's file, which is refused as a log or a map (reading it would drop its locks).
    Raises a :class:`~reportbot.errors.ReportbotError` (area ``log``) for a file that cannot be read at all.
    """
    from reportbot.log.count import count_log
    from reportbot.log.read import read_log
    from reportbot.log.table import without
    from reportbot.log_words import log_spec, vocabulary

    spec = log_spec(flow)
    # Reading makes millions of objects and no reference cycles: the cyclic collector, run again and again
    # over them all, only costs time (a fifth of a 100,000-row count's).
    collecting = gc.isenabled()
    gc.disable()
    try:
        given = _mapping(mapping, spec, database)
        read = read_log(files, spec, vocabulary(flow.id), year=year, mapping=given, date_order=date_order,
                        database=database)
        tables = [without(t, set(left_out)) for t in read.tables] if left_out else read.tables
        never = {c for c, y in given.never.items() if y == year} if given is not None else set()
        return Loaded(count_log(flow, tables, year, never), read.notices, _deciding(flow, read.gaps, never),
                      read.unread_flags, given)
    finally:
        if collecting:
            gc.enable()


def _deciding(flow: CompiledFlow, gaps: list[HeaderGaps], never: set[str]) -> list[HeaderGaps]:
    """``gaps`` with only the missing columns the log's counts depend on.

    Those are the columns without which a box is asked (its rule's), the report column's (every access row is
    out without it) and the required ones (every row is out); not one whose absence reads as its blank code
    (``request``: access), nor one only read to refine another (``first_received``, ``paused_days``), nor one
    the filer said no request had this year (``never``).
    """
    assert flow.log is not None and flow.flow.log is not None
    columns = [c for t in flow.flow.log.tables for c in t.columns]
    needed = {c for box in flow.log.boxes for c in box.rule.needs} | {flow.log.split_by}
    needed = (needed | {c.id for c in columns if c.required}) - {c.id for c in columns if c.blank is not None} - never
    return [replace(g, missing=tuple(c for c in g.missing if c in needed)) for g in gaps]


def _mapping(path: Path | None, spec: LogSpec, database: Path | None) -> LogMap | None:
    """The ``--map`` file read, if one is given (its pydantic model is imported only then)."""
    if path is None:
        return None
    from reportbot.log.mapping import read_mapping

    return read_mapping(path, spec, database)
