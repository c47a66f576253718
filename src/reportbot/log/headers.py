"""Which table a sheet is, and which of its columns are the flow's: header names matched loosely.

A header names a column when it equals the column's id, one of its aliases, one
of its labels (any language) or the ``--map`` file's name for it, compared
without case, accents, spaces, underscores, hyphens, line breaks or other
punctuation ("TOTAL_AMOUNT\\n_OF_FEES_WAIVED" is "total amount of fees waived").
A header naming no column is ignored, and its cells are never read; its text is kept
(:class:`HeaderGaps`), so the filer can be asked which of them holds a column not found.

A coded column no header names may be kept as one column per code, marked with an x
(Greater Sudbury's "1_ALL_INFORMATION_DISCLOSED" ... "5_REQUEST_WITHDRAWN,..."): two
headers or more each naming one of its codes (compared as headers are, a leading
"1_" aside), or any the map's ``flags`` name, together are that column (:attr:`Layout.flags`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from reportbot.log.cells import shown, unaccented
from reportbot.log.files import HEAD, LogError
from reportbot.log.vocabulary import Vocabulary

if TYPE_CHECKING:  # pydantic's models: a log count from the flow cache never imports them
    from reportbot.flow.models import LogColumn, LogSpec, LogTable
    from reportbot.log.mapping import LogMap

_NOT_ALNUM = re.compile(r"[\W_]+")
_HASH = re.compile("#")
_NUMERO = re.compile(r"\bn\s*[°º]")
# A flag header's leading number ("1_", "2. ", "3) "): a separator after it and a letter next, so "1st", "14.1"
# or "10(1)(b)" keep theirs.
_LEADING_NUMBER = re.compile(r"\s*\d{1,2}(?:\s*[_.):-]\s*|\s+)(?=[^\W\d_])")


@lru_cache(maxsize=4096)
def header_key(text: str) -> str:
    """``text`` as headers are compared: lower case, no accents, only letters and digits.

    The signs for a number are its word first: "Request #" is "request number", "N° de dossier" "numéro de dossier".
    """
    text = _NUMERO.sub("numero ", _HASH.sub(" number ", text.casefold()))
    return _NOT_ALNUM.sub("", unaccented(text).casefold())


@dataclass(frozen=True)
class HeaderGaps:
    """What a table's header row left unnamed: header text only, never a cell below it."""

    source: str
    table: str
    missing: tuple[str, ...]
    """The table's columns no header names and the map does not say the log lacks, in the flow's order."""
    unnamed: tuple[tuple[int, str], ...]
    """(position, text as written) of each header naming no column. A header written twice (compared as headers
    are) is left out: a map naming it would name both."""


@dataclass(frozen=True)
class Layout:
    """Where a sheet's table is: its kind, its header row and each column id's position."""

    table: LogTable
    header: int
    """Index of the header row; data starts after it (and after a second row of labels, if any)."""
    first: int
    """Index of the first data row."""
    positions: dict[str, int]
    gaps: HeaderGaps
    written: dict[str, str] = field(default_factory=dict)
    """Column id → its header as the sheet writes it (a header's text, never a cell's), for questions about it."""
    flags: dict[str, tuple[tuple[int, str, str], ...]] = field(default_factory=dict)
    """Coded column id → (position, code or word it marks, header as written) of each of its flag columns: a
    column no header names, kept as one column per code marked with an x."""


def names(table: LogTable, vocabulary: Vocabulary, mapping: LogMap | None,
          private: Iterable[str] = ()) -> dict[str, str | None]:
    """Header key → column id (None: a header to ignore: the map says so, or it is ``private``) for ``table``."""
    found: dict[str, str | None] = {}
    # Later sources win: labels, then aliases, then ids, then the filer's own map.
    for column in table.columns:
        for label in vocabulary.columns.get(column.id, ()):
            found[header_key(label)] = column.id
    for column in table.columns:
        for alias in column.aliases:
            found[header_key(alias)] = column.id
    for column in table.columns:
        found[header_key(column.id)] = column.id
    if mapping is not None:
        ids = {c.id for c in table.columns}
        for header, target in mapping.columns.items():
            if target is None or target in ids:
                found[header_key(header)] = target
    found.update(dict.fromkeys(map(header_key, private)))  # last: no map makes a requester's name a column
    found.pop("", None)
    return found


def layout(rows: list[list[object]], source: str, spec: LogSpec, vocabulary: Vocabulary,
           mapping: LogMap | None) -> Layout | None:
    """The table whose header is in ``rows`` (a sheet's first rows), found by its key column; None when none is.

    The last of ``HEAD`` rows is not searched: it may be the second header row of one found just above it.
    """
    tables = [(t, names(t, vocabulary, mapping, spec.private)) for t in spec.tables]
    for index, row in enumerate(rows[:-1] if len(rows) == HEAD else rows):
        keys = [header_key(c) if isinstance(c, str) else "" for c in row]
        for table, known in tables:
            if table.key in (known.get(k) for k in keys):
                positions = _positions(keys, row, known, source)
                first = index + 1 + _labels_row(rows, index + 1, positions, known)
                written = {c: " ".join(str(row[p]).split()) for c, p in positions.items()}
                flags = _flags(table, keys, row, known, vocabulary, mapping)
                written.update({c: ", ".join(" ".join(h.split()) for _, _, h in f) for c, f in flags.items()})
                gaps = _gaps(table, source, keys, row, known, mapping, flags)
                return Layout(table, index, first, positions, gaps, written, flags)
    return None


def headless(rows: list[list[object]], source: str, spec: LogSpec, vocabulary: Vocabulary,
             mapping: LogMap | None) -> HeaderGaps | None:
    """For a sheet with no key column: its header row's gaps, missing only the key, so that the filer can say
    which header holds it; None when no row is surely a header, or the map says the log keeps no key.

    A header row is the first whose cells are all text and name two columns or more of one table: a row of a
    log with no header at all (names, descriptions) is never offered as headers.
    """
    tables = [(t, names(t, vocabulary, mapping, spec.private)) for t in spec.tables]
    absent = set(mapping.absent) if mapping is not None else set()
    for row in rows:
        if not all(isinstance(c, str) or c is None for c in row):
            continue
        keys = [header_key(c) if isinstance(c, str) else "" for c in row]
        named = [len({known[k] for k in keys if known.get(k)}) for _, known in tables]
        if max(named) >= 2:
            table, known = tables[named.index(max(named))]  # the one it names most (a tie: the flow's first)
            gaps = _gaps(table, source, keys, row, known, mapping)
            return None if table.key in absent else replace(gaps, missing=(table.key,))
    return None


def _gaps(table: LogTable, source: str, keys: list[str], row: list[object], known: dict[str, str | None],
          mapping: LogMap | None, flags: dict[str, tuple[tuple[int, str, str], ...]] | None = None) -> HeaderGaps:
    flags = flags or {}
    named = {known[k] for k in keys if k in known} | set(mapping.absent if mapping is not None else ()) | set(flags)
    missing = tuple(c.id for c in table.columns if c.id not in named)
    flagged = {at for f in flags.values() for at, _, _ in f}
    unnamed = tuple((at, cell) for at, _, cell in _unnamed(keys, row, known) if at not in flagged)
    return HeaderGaps(source, table.id, missing, unnamed)


def _unnamed(keys: list[str], row: list[object], known: dict[str, str | None]) -> list[tuple[int, str, str]]:
    """(position, key, text) of each header that names no column and is written once (a map naming a header
    written twice would name both)."""
    repeated = {k for k, n in Counter(keys).items() if n > 1}
    return [(at, key, cell) for at, (key, cell) in enumerate(zip(keys, row, strict=True))
            if key and key not in known and key not in repeated and isinstance(cell, str)]


def _flags(table: LogTable, keys: list[str], row: list[object], known: dict[str, str | None],
           vocabulary: Vocabulary, mapping: LogMap | None) -> dict[str, tuple[tuple[int, str, str], ...]]:
    """Each coded column no header names, kept as flag columns: (position, code or word, header) of each.

    A header names a code by the code's id, one of its words or labels (a leading number aside), or as the map's
    ``flags`` say. Only headers naming no column and written once count; one that would fit several such columns
    fits none. A column needs two such headers, or one the map names: one header alone is as likely a yes/no
    column of its own ("Withdrawn").
    """
    named = {known[k] for k in keys if known.get(k)}
    absent = set(mapping.absent) if mapping is not None else set()
    coded = [c for c in table.columns if c.codes and c.id not in named and c.id not in absent]
    if not coded:
        return {}
    words: dict[str, dict[str, str]] = {}  # header key → {column id: the code or word it names}
    for column in coded:
        for code in column.codes or ():
            for word in (*code.words, code.id):
                words.setdefault(header_key(word), {}).setdefault(column.id, word)
            for label in vocabulary.codes.get(code.id, ()):
                words.setdefault(header_key(label), {}).setdefault(column.id, code.id)
    own = {header_key(h): (c, code) for c, m in (mapping.flags.items() if mapping is not None else ())
           for h, code in m.items() if c in {col.id for col in coded}}
    found: dict[str, list[tuple[int, str, str]]] = {}
    chosen: set[str] = set()  # columns the map gives flags: those count however few
    for at, key, cell in _unnamed(keys, row, known):
        if key in own:
            column_id, code_id = own[key]
            found.setdefault(column_id, []).append((at, code_id, cell))
            chosen.add(column_id)
            continue
        fits = words.get(key)
        if fits is None and (number := _LEADING_NUMBER.match(cell)):
            fits = words.get(header_key(cell[number.end():]))
        if fits is not None and len(fits) == 1:
            (column_id, word), = fits.items()
            found.setdefault(column_id, []).append((at, word, cell))
    return {c: tuple(f) for c, f in found.items() if len(f) >= 2 or c in chosen}


def flag_words(header: str) -> str:
    """A flag's header as words, its leading number and underscores set aside: "information disclosed in part"."""
    return " ".join(_LEADING_NUMBER.sub("", header, count=1).replace("_", " ").split())


def unread_flags(found: Layout) -> dict[str, tuple[str, ...]]:
    """Flagged column id → the unnamed headers numbered as its flags are ("2_INFORMATION_DISCLOSED_IN_PART" beside
    "1_ALL_INFORMATION_DISCLOSED"): likely more of its flags, naming no one code, so their marks are not read."""
    unread: dict[str, tuple[str, ...]] = {}
    numbered = tuple(h for _, h in found.gaps.unnamed if _LEADING_NUMBER.match(h))
    for column, flags in found.flags.items():
        if numbered and any(_LEADING_NUMBER.match(h) for _, _, h in flags):
            unread[column] = numbered
    return unread


def _positions(keys: list[str], row: list[object], known: dict[str, str | None], source: str) -> dict[str, int]:
    positions: dict[str, int] = {}
    for at, key in enumerate(keys):
        column = known.get(key)
        if column is None:
            continue
        if column in positions:
            raise LogError("same_column", name=source, column=column,
                           first=shown(row[positions[column]]), second=shown(row[at]))
        positions[column] = at
    return positions


def _labels_row(rows: list[list[object]], at: int, positions: dict[str, int], known: dict[str, str | None]) -> int:
    """1 when row ``at`` repeats the header as labels (the template's second header row), else 0."""
    if at >= len(rows):
        return 0
    row = rows[at]
    cells = [(column, row[p]) for column, p in positions.items() if p < len(row) and row[p] != ""]
    named = all(isinstance(c, str) and known.get(header_key(c)) == column for column, c in cells)
    return 1 if cells and named else 0


def likeliest(column: LogColumn, vocabulary: Vocabulary, headers: Sequence[str]) -> list[str]:
    """``headers`` ordered by how like ``column`` each is (rapidfuzz over its id, aliases and labels), best first.

    Ties keep the sheet's order.
    """
    scores = likeness(column, vocabulary, headers)
    return sorted(headers, key=lambda h: -scores[h])


def likeness(column: LogColumn, vocabulary: Vocabulary, headers: Sequence[str]) -> dict[str, float]:
    """How like ``column`` each of ``headers`` is, 0 to 100."""
    from rapidfuzz import fuzz  # imported here: only a log with an unfamiliar header needs it

    names = [_spaced(n) for n in (column.id, *column.aliases, *vocabulary.columns.get(column.id, ()))]
    return {h: max(fuzz.WRatio(_spaced(h), n) for n in names) for h in headers}


def _spaced(text: str) -> str:
    """``text`` as words: lower case, no accents, punctuation and underscores as spaces ("DATE_CLOSED": date closed)."""
    return " ".join(_NOT_ALNUM.sub(" ", unaccented(text).casefold()).split())
