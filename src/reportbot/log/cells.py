"""A column's cells, as written, to typed values (see :mod:`reportbot.log.table` for the types).

Each column is read whole: every distinct cell once (dates, codes and yes/no
repeat all down a log), then mapped back at C speed. A cell that cannot be
read becomes a :class:`Bad` naming why, which reading turns into a row finding.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import not_
from typing import TYPE_CHECKING, Literal

from reportbot.log.files import LogError
from reportbot.values import MAX_COUNT, one_line

if TYPE_CHECKING:  # pydantic's models: a log count from the flow cache never imports them
    from reportbot.flow.models import LogCode, LogColumn

DateOrder = Literal["day_first", "month_first"]
FIRST_DATE = _dt.date(1990, 1, 1).toordinal()
MAX_FILE_NUMBER = 100
_EXCEL_EPOCH = _dt.date(1899, 12, 30).toordinal()  # serial 1 is 1900-01-01 (Excel's phantom 1900-02-29 aside)


@dataclass(frozen=True, eq=False)  # hashed by identity: a column's values are scanned as a set
class Bad:
    """A cell that cannot be read: ``code`` names the finding (``log.finding.<code>``), ``facts`` its details."""

    code: str
    facts: dict[str, str] = field(default_factory=dict)


def shown(cell: object) -> str:
    """A cell as written, shortened and cleaned for a one-line message."""
    text = one_line(str(cell)[:200])
    return text if len(text) <= 40 else text[:37] + "..."


def blank(cell: object) -> bool:
    """An empty cell, or one of spaces only."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _number_text(cell: object) -> str:
    """A spreadsheet number as its digits (13.0 is "13"): a box number or a file number typed as a number."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def memo(cells: Sequence[Hashable], parse: Callable[[Hashable], object]) -> tuple[list[object], bool]:
    """``parse`` of each cell, each distinct cell parsed once; and whether any is :class:`Bad`."""
    cache = {c: parse(c) for c in set(cells)}
    return list(map(cache.__getitem__, cells)), any(type(v) is Bad for v in cache.values())


# Text (file and incident numbers)

_FORMULA = ("=", "+", "-", "@")


# A cell :func:`text` returns unchanged: printable ASCII, single spaces inside only, no formula, 1 to 100 long.
# Written so that re matches it a character class at a time, not a character at a time: twice as fast.
_CELL = rf"(?=[^\n]{{1,{MAX_FILE_NUMBER}}}(?:\n|\Z))[!-*,.-<>-?A-~][!-~]*(?: [!-~]+)*"
_CLEAN = re.compile(_CELL)
# In a column's cells joined by line breaks (which no clean cell holds), each line that is not a clean cell.
_UNCLEAN = re.compile(rf"^(?!{_CELL}$)[^\n]*$", re.MULTILINE)


def text_column(cells: list[object]) -> tuple[list[object], bool]:
    """:func:`text` of each cell; clean file numbers are told apart at C speed, only the rest are read."""
    if not cells or set(map(type, cells)) != {str}:
        return memo(cells, text)
    values = list(cells)
    joined = "\n".join(values)  # type: ignore[arg-type]
    if joined.count("\n") == len(values) - 1:  # one line a cell: the unclean lines are the unclean cells
        rest, line, at = [], 0, 0
        for found in _UNCLEAN.finditer(joined):
            start = found.start()
            line += joined.count("\n", at, start)
            rest.append(line)
            at = start
    else:
        rest = list(compress(range(len(values)), map(not_, map(_CLEAN.fullmatch, values))))  # type: ignore[arg-type]
    read, _ = memo([values[i] for i in rest], text)
    for i, value in zip(rest, read, strict=True):
        values[i] = value
    return values, any(type(v) is Bad for v in read)


def text(cell: object) -> object:
    """One line, stray spaces trimmed; control, escape and bidirectional characters and formulas refused."""
    if blank(cell):
        return None
    value = " ".join(_number_text(cell).split())
    if not value.isprintable():
        return Bad("text_control", {"cell": shown(cell)})
    if value.startswith(_FORMULA):
        return Bad("text_formula", {"cell": shown(cell)})
    if len(value) > MAX_FILE_NUMBER:
        return Bad("text_long", {"cell": shown(cell), "length": str(len(value))})
    return value


# Yes/no

_YES = {"yes", "y", "true", "1", "oui", "o", "x", "vrai"}
_NO = {"no", "n", "false", "0", "non", "faux"}


def yesno(cell: object) -> object:
    """yes/no, y/n, true/false, 1/0, oui/non, x; blank is no."""
    if blank(cell):
        return False
    if isinstance(cell, bool):
        return cell
    word = _number_text(cell).strip().casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    return Bad("yesno", {"cell": shown(cell)})


# Counts and money

_COUNT = re.compile(r"\d{1,3}(?:(,)\d{3})+|\d{1,3}(?:( )\d{3})+|\d+")
_MONEY = re.compile(
    r"(?P<w>\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)(?:\.(?P<c>\d{1,2}))?"  # 1,234.50  1 234.50
    r"|(?P<fw>\d{1,3}(?: \d{3})+|\d+),(?P<fc>\d{1,2})"  # 1 234,50
)
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})


def count(cell: object) -> object:
    """A whole number of at least 0: ``12``, ``1,234``, ``1 234``, or a spreadsheet's number."""
    if blank(cell):
        return None
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if float(cell).is_integer() and 0 <= cell <= MAX_COUNT:
            return int(cell)
        return Bad("count", {"cell": shown(cell)})
    raw = " ".join(str(cell).translate(_SPACES).split())
    if _COUNT.fullmatch(raw) and int(digits := re.sub(r"\D", "", raw)) <= MAX_COUNT:
        return int(digits)
    return Bad("count", {"cell": shown(cell)})


def money(cell: object) -> object:
    """Dollars to cents: ``12.50``, ``$12.50``, ``1,234.50``, ``1 234,50 $``; an accountant's ``$ -`` is 0."""
    if blank(cell):
        return None
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        cents = round(cell * 100)
        if 0 <= cell < 10**12 and abs(cell * 100 - cents) < 1e-6:
            return int(cents)
        return Bad("money", {"cell": shown(cell)})
    raw = " ".join(str(cell).translate(_SPACES).replace("$", " ").split())
    if raw in ("-", ""):
        return 0
    m = _MONEY.fullmatch(raw)
    if m is None:
        return Bad("money", {"cell": shown(cell)})
    whole, fraction = (m["w"], m["c"]) if m["w"] is not None else (m["fw"], m["fc"])
    cents = int(re.sub(r"\D", "", whole)) * 100 + int((fraction or "0").ljust(2, "0"))
    return cents if cents < 10**14 else Bad("money", {"cell": shown(cell)})


# Dates

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_SLASHED = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp][Mm])?)?")
_SERIAL = re.compile(r"\d{5}(?:\.0+)?")


def _day(y: int, m: int, d: int) -> int | None:
    try:
        return _dt.date(y, m, d).toordinal()
    except ValueError:
        return None


def date_cell(cell: object) -> object:
    """A date's ordinal; an (a, b, year) tuple when a/b/year could be either order; or :class:`Bad`."""
    if isinstance(cell, _dt.datetime):
        return cell.date().toordinal()
    if isinstance(cell, _dt.date):
        return cell.toordinal()
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return _serial(cell, cell)
    raw = str(cell).strip()
    if m := _ISO.fullmatch(raw):
        day = _day(int(m[1]), int(m[2]), int(m[3]))
        return Bad("date", {"cell": shown(cell)}) if day is None else day
    if m := _SLASHED.fullmatch(raw):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        if _day(y, b, a) is None and _day(y, a, b) is None:
            return Bad("date", {"cell": shown(cell)})
        return (a, b, y)
    if _SERIAL.fullmatch(raw):  # a spreadsheet's date exported as its serial number
        return _serial(float(raw), cell)
    return Bad("date", {"cell": shown(cell)})


def _serial(n: float, cell: object) -> object:
    if not (1 <= n < 2958466 and float(n).is_integer()):
        return Bad("date", {"cell": shown(cell)})
    return _EXCEL_EPOCH + int(n)


def date_order(parsed: Sequence[object], given: DateOrder | None, source: str, column: str) -> DateOrder | None:
    """The order of the column's a/b/year dates: given, or decided by a day over 12 somewhere; else refused."""
    pairs = [p for p in parsed if isinstance(p, tuple)]
    if given is not None or not pairs:
        return given
    day_first = [p for p in pairs if _day(p[2], p[1], p[0]) is not None and _day(p[2], p[0], p[1]) is None]
    month_first = [p for p in pairs if _day(p[2], p[0], p[1]) is not None and _day(p[2], p[1], p[0]) is None]
    if day_first and month_first:
        raise LogError("date_mixed", name=source, column=column, day_first=_slashed(day_first[0]),
                       month_first=_slashed(month_first[0]))
    if day_first:
        return "day_first"
    if month_first:
        return "month_first"
    if any(a != b for a, b, _ in pairs):
        a, b, _ = pairs[0]  # the example's two readings, for the conversation to offer
        raise LogError("date_order", name=source, column=column, example=_slashed(pairs[0]), first=a, second=b)
    return "day_first"  # every date reads the same either way (5/5/2025)


def _slashed(p: tuple[int, int, int]) -> str:
    return f"{p[0]}/{p[1]}/{p[2]}"


def settle_date(value: object, order: DateOrder | None, last: int, cell: object) -> object:
    """A parsed date as its final ordinal, in range (1990 to ``last``), or :class:`Bad`."""
    if isinstance(value, tuple):
        a, b, y = value
        value = _day(y, b, a) if order == "day_first" else _day(y, a, b)
        if value is None:
            return Bad("date", {"cell": shown(cell)})
    if isinstance(value, int) and not FIRST_DATE <= value <= last:
        return Bad("date_range", {"cell": shown(cell), "last": _dt.date.fromordinal(last).isoformat()})
    return value


# Codes


def word_key(text: str) -> str:
    """A code as compared: lower case, no accents, spaces collapsed."""
    return " ".join(unaccented(text).casefold().split())


def unaccented(text: str) -> str:
    """``text`` without its accents (compatibility forms decomposed: "ﬁ" is "fi"), as the log's words are compared."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


@dataclass
class CodeBook:
    """Every way a column's codes may be written → the codes written so."""

    column: LogColumn
    words: dict[str, list[LogCode]]

    @classmethod
    def build(cls, column: LogColumn, labels: dict[str, Sequence[str]], own: dict[str, str]) -> CodeBook:
        """From the flow (ids and words), the Vocabulary's labels, and the ``--map`` file's values."""
        codes = {c.id: c for c in column.codes or []}
        words: dict[str, list[LogCode]] = {}
        for code in codes.values():
            for word in (code.id, *code.words, *labels.get(code.id, ())):
                found = words.setdefault(word_key(word), [])
                if code not in found:
                    found.append(code)
        for word, code_id in own.items():  # the filer's own word means that code alone
            words[word_key(word)] = [codes[code_id]]
        words.pop("", None)
        return cls(column, words)

    def read(self, cell: object, within: str | None) -> object:
        """One code (column ``code``) or a frozenset of codes (``codes``, separated by ``;``)."""
        if blank(cell):
            return frozenset() if self.column.value == "codes" else self.column.blank
        if isinstance(cell, float) and word_key(f"{cell!r}0") in self.words:
            # A spreadsheet keeps 8.10 typed as a number as 8.1, which is another code: which was meant is unknown.
            return Bad("code_number", {"cell": shown(cell)})
        parts = [p for p in re.split(r"[;\n]", _number_text(cell)) if p.strip()]
        if not parts:  # separators alone (";") name no code
            return frozenset() if self.column.value == "codes" else self.column.blank
        if self.column.value == "code" and len(parts) > 1:
            return Bad("code_one", {"cell": shown(cell)})
        found = set()
        for part in parts:
            code = self.one(part, within, cell)
            if isinstance(code, Bad):
                return code
            found.add(code)
        return frozenset(found) if self.column.value == "codes" else found.pop()

    def one(self, part: str, within: str | None, cell: object) -> str | Bad:
        """The code ``part`` (one value of ``cell``) names, on a row whose deciding code is ``within``."""
        candidates = self.words.get(word_key(part), [])
        if not candidates:
            return self._unknown(part, within, cell)
        if self.column.within is None:
            return candidates[0].id
        fitting = {c.id for c in candidates if within is None or c.when in (None, within)}
        if len(fitting) == 1:
            return fitting.pop()
        if fitting:  # a word shared by codes for different rows, and the row does not say which
            return Bad("code_within", {"cell": shown(cell), "within": self.column.within})
        return Bad("code_other", {"cell": shown(cell), "within": self.column.within, "kind": str(within)})

    def _unknown(self, part: str, within: str | None, cell: object) -> Bad:
        from rapidfuzz import fuzz, process  # imported here: only a misspelt code needs it

        allowed = {w: c for w, cs in self.words.items() for c in cs if c.when is None or within in (None, c.when)}
        best = process.extractOne(word_key(part), list(allowed), scorer=fuzz.WRatio, score_cutoff=70)
        # The row's kind (access, correction) goes with it: a question about the cell offers that kind's codes first.
        kind = {"kind": within} if within is not None else {}
        if best is None:
            return Bad("code_unknown", {"cell": shown(cell), **kind})
        return Bad("code", {"cell": shown(cell), "nearest": allowed[best[0]].id, **kind})
