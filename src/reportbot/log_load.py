"""A request log read and counted for one report, as the commands and the conversation both need it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportbot.flow.loader import CompiledFlow
    from reportbot.log.count import LogCount


def load(
    flow: CompiledFlow, paths: Sequence[Path], year: int, *, mapping: Path | None = None,
    date_order: str | None = None, left_out: Collection[str] = (),
) -> LogCount:
    """Read ``paths`` as ``flow``'s log and count it for ``year``, less the rows ``left_out`` (by file number).

    Raises a :class:`~reportbot.errors.ReportbotError` (area ``log``) for a file that cannot be read at all.
    """
    from reportbot.log.count import count_log
    from reportbot.log.mapping import read_mapping
    from reportbot.log.read import read_log
    from reportbot.log.table import without
    from reportbot.log_words import log_spec, vocabulary

    tables = read_log(
        list(paths), log_spec(flow), vocabulary(flow.id), year=year,
        mapping=read_mapping(mapping) if mapping is not None else None, date_order=date_order,
    )
    if left_out:
        tables = [without(t, set(left_out)) for t in tables]
    return count_log(flow, tables, year)
