"""The ``--map`` file: how one organization's log names its columns and values, kept for next year.

    columns: {date_accepted: received, date: completed, decision: outcome, notes: null}
    values:
      outcome: {all disclosed: "7.1", disclosed in part: "7.2"}
    absent: [due]
    never: {transferred_out: 2025}
    flags:
      outcome: {"2_INFORMATION_DISCLOSED_IN_PART": "7.2", "3_NO_INFORMATION_DISCLOSED": "7.4"}

``columns`` maps a header as the log writes it to a column id (null: ignore that
header); ``absent`` lists the columns the log does not keep (not asked for again);
``never`` the columns the log has none of because, in the year given, no request
had one (read as blank on every row that year's count; asked again another year);
``values`` maps, per coded column, a cell as written to a code; ``flags`` maps, per
coded column kept as one column per code marked with an x, a header as written to
the code it marks (used when no header names the column itself). Read
strictly, like a report file (no aliases, tags or repeated keys).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from reportbot.flow.models import LogColumn, LogSpec
from reportbot.log.files import LogError, read_file
from reportbot.ownfiles import is_the_database, write_atomic
from reportbot.values import one_line
from reportbot.yamlio import YamlError, load_yaml

MAX_BYTES = 1024 * 1024  # a map is a few hundred bytes


class LogMap(BaseModel):
    """A log's own names for the flow's columns and codes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    columns: dict[str, str | None] = {}
    """Header as written → column id, or None to ignore a header that would otherwise name a column."""
    absent: list[str] = []
    """Column ids the log does not keep, as the filer said: its boxes are asked, and it is not asked for again."""
    never: dict[str, int] = {}
    """Column id → the reporting year in which, as the filer said, no request had it (none was transferred out):
    that year's count reads its cells as blank; another year's asks again."""
    values: dict[str, dict[str, str]] = {}
    """Column id → (cell as written → code id)."""
    flags: dict[str, dict[str, str]] = {}
    """Column id → (header as written → the code id a mark in that column means)."""

    @field_validator("values", "flags", mode="before")
    @classmethod
    def _codes_as_text(cls, v: object) -> object:
        """An unquoted box number (``7.10``) is read as a number: its text is the code."""
        if not isinstance(v, dict):
            return v
        text = {c: {w: str(k) if isinstance(k, int | Decimal) else k for w, k in m.items()} for c, m in v.items()
                if isinstance(m, dict)}
        return {**v, **text}


def read_mapping(path: Path, spec: LogSpec, database: Path | None = None) -> LogMap:
    """The map file ``path``, checked against ``spec``; raises :class:`LogError` when it cannot be used (or is
    reportbot's ``database``)."""
    data, name = read_file(path, MAX_BYTES, database)
    try:
        raw = load_yaml(data.decode("utf-8-sig")) or {}
    except UnicodeDecodeError:
        raise LogError("not_utf8", name=name) from None
    except YamlError as e:
        raise LogError("map_invalid", name=name, detail=one_line(str(e))) from None
    try:
        mapping = LogMap.model_validate(raw)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "-"
        raise LogError("map_field", name=name, field=one_line(where), detail=one_line(first["msg"])) from None
    return _checked(mapping, spec, name)


def write_mapping(path: Path, mapping: LogMap, database: Path) -> None:
    """Write ``mapping`` to ``path``, owner-only and whole; :class:`LogError` rather than over ``database``."""
    if is_the_database(path, database):
        raise LogError("map_database", name=one_line(str(path)))
    # JSON strings are YAML double-quoted scalars: any cell text is written back exactly as it was read.
    lines = []
    for part, table in (("columns", mapping.columns), ("values", mapping.values), ("flags", mapping.flags)):
        if table:
            lines.append(f"{part}:")
            for key, value in table.items():
                if isinstance(value, dict):
                    lines.append(f"  {json.dumps(key, ensure_ascii=False)}:")
                    lines += [f"    {json.dumps(w, ensure_ascii=False)}: {json.dumps(c)}" for w, c in value.items()]
                else:
                    lines.append(f"  {json.dumps(key, ensure_ascii=False)}: {json.dumps(value)}")
    if mapping.absent:
        lines.append(f"absent: {json.dumps(mapping.absent)}")
    if mapping.never:
        lines.append(f"never: {json.dumps(mapping.never)}")
    write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))


def blank_reads(column: LogColumn) -> bool:
    """Whether a blank cell in ``column`` says something (no, none, its blank code), so that a log with none of
    it in a year can be read as blank: not a required column, nor codes without a blank code (an outcome, a
    source: a blank there is a gap in the breakdown, not an answer)."""
    return not column.required and (column.value not in ("code", "codes") or column.blank is not None)


def _checked(mapping: LogMap, spec: LogSpec, name: str) -> LogMap:
    """Every column and code the map names exists in the flow: a typo is said, never silently ignored."""
    columns = {c.id: c for t in spec.tables for c in t.columns}
    for target in [*mapping.columns.values(), *mapping.absent, *mapping.never]:
        if target is not None and target not in columns:
            raise LogError("map_column", name=name, column=one_line(target), known=", ".join(columns))
    for column_id in mapping.never:
        if not blank_reads(columns[column_id]):
            raise LogError("map_never", name=name, column=column_id)
    for column_id, words in [*mapping.values.items(), *mapping.flags.items()]:
        column = columns.get(column_id)
        if column is None or not column.codes:
            raise LogError("map_column", name=name, column=one_line(column_id), known=", ".join(
                c for c, col in columns.items() if col.codes))
        allowed = {c.id for c in column.codes}
        for code in words.values():
            if code not in allowed:
                raise LogError("map_code", name=name, column=column_id, value=one_line(code),
                               known=", ".join(sorted(allowed)))
    return mapping
