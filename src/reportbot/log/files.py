"""A log file's sheets as rows of raw cells: CSV, XLSX, XLS and ODS, or a clear refusal.

The format is known from the file's first bytes, not its name (an ``.xlsx``
saved as ``.csv`` still reads). Spreadsheets are read by python-calamine:
cached values only, never a formula evaluated. Everything a hostile file
could use to hang or exhaust reportbot is refused before the work it would
cause: the file's size, a zip's declared sizes, a sheet's rows and columns.
"""

from __future__ import annotations

import csv
import io
import itertools
import threading
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportbot.errors import ReportbotError
from reportbot.ownfiles import is_the_database, read_regular
from reportbot.values import clean_text, one_line

MAX_BYTES = 64 * 1024 * 1024  # a 100,000-row log is about 20 MB as CSV, 6 MB as XLSX
MAX_ROWS = 200_000  # per sheet: forty years of the busiest Ontario institution's requests
MAX_COLUMNS = 500  # checked on the first rows, where the header is: a table's columns are named there
HEAD = 12  # the rows a header is looked for in, and the second header row after it
MAX_UNZIPPED = 512 * 1024 * 1024  # an XLSX's parts, as their zip declares them
MAX_RATIO = 200  # a real sheet compresses 10 to 30 times; a zip bomb, thousands
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class LogError(ReportbotError):
    """A log file that cannot be read at all (``log.error.<code>``)."""

    area = "log.error"


@dataclass
class Sheet:
    """One sheet (or CSV file) as read: rows of cells, str for CSV, calamine's types for spreadsheets.

    The rows are made as they are iterated, so that only the cells a table uses
    are ever kept, and a log's other columns are never all in memory.
    """

    source: str
    rows: Iterable[list[object]]
    hidden: bool = False
    """A sheet the workbook hides (a template's drop-down lists): holding no table, it is not worth a word."""


def beside(log: Path) -> Path:
    """Where the map of ``log`` is kept, and found again next year: ``<log stem>.map.yaml`` beside it."""
    return log.with_name(f"{log.stem}.map.yaml")


def map_for(paths: Sequence[Path], given: Path | None) -> Path | None:
    """The map to read a log with: the one given, or else the one a conversation wrote beside its first file."""
    if given is not None or not paths:
        return given
    found = beside(paths[0])
    return found if found.is_file() else None


def read_file(path: Path, limit: int | None = None, database: Path | None = None) -> tuple[bytes, str]:
    """The bytes of a log or map file (a log's size limit by default) and its name as shown; :class:`LogError`
    when it is no file to read, or is reportbot's ``database``."""
    limit = MAX_BYTES if limit is None else limit
    name = one_line(str(path))
    # Opening the database with plain I/O, even to read it, would drop this process's SQLite locks on it.
    if database is not None and is_the_database(path, database):
        raise LogError("log_database", name=name)
    try:
        data = read_regular(path, limit)
    except FileNotFoundError:
        raise LogError("missing", name=name) from None
    except OSError as e:
        raise LogError("unreadable", name=name, detail=clean_text(e.strerror or str(e))) from None
    if data is None:
        raise LogError("not_regular", name=name)
    if len(data) > limit:
        raise LogError("too_large", name=name, megabytes=limit >> 20)
    return data, name


def read_sheets(path: Path, database: Path | None = None) -> list[Sheet]:
    """Every sheet of the log file ``path``; raises :class:`LogError` for a file that cannot be read."""
    data, name = read_file(path, database=database)
    if data.startswith(_ZIP):
        _check_zip(data, name)
        return _spreadsheet(data, name)
    if data.startswith(_OLE):
        return _spreadsheet(data, name)
    return [Sheet(name, _csv_rows(data, name))]


class ReadAhead:
    """Log files read one after another in a thread begun at once; each file's sheets are taken when needed.

    python-calamine parses a sheet without holding the GIL, and that parse is most of an XLSX log's count:
    begun first, it goes on while the command loads the flow, its words and the counting code. A file the
    thread could not read (for whatever reason) is read again when taken, so its error is raised there.
    """

    def __init__(self, paths: Sequence[Path], database: Path | None = None) -> None:
        self.paths, self.database = list(paths), database
        self._done = {path: threading.Event() for path in self.paths}
        self._read: dict[Path, list[Sheet]] = {}
        threading.Thread(target=self._run, daemon=True, name="reportbot-log-read").start()

    def _run(self) -> None:
        for path, done in self._done.items():
            try:
                self._read[path] = read_sheets(path, self.database)
            except Exception:  # said when the file is taken, by reading it again there
                pass
            finally:
                done.set()

    def sheets(self, path: Path) -> list[Sheet]:
        """``path``'s sheets, as :func:`read_sheets` reads them; :class:`LogError` for a file that cannot be read."""
        if (done := self._done.get(path)) is not None:
            done.wait()
            if (read := self._read.pop(path, None)) is not None:
                return read
        return read_sheets(path, self.database)


def _check_zip(data: bytes, name: str) -> None:
    """Refuse a zip whose parts would unpack to far more than any log (a zip bomb), before calamine opens it."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise LogError("not_spreadsheet", name=name) from None
    total = sum(p.file_size for p in parts)
    bomb = any(p.file_size > (1 << 20) and p.file_size > MAX_RATIO * p.compress_size for p in parts)
    if bomb or total > MAX_UNZIPPED:
        raise LogError("zip_bomb", name=name, megabytes=total >> 20)


def _spreadsheet(data: bytes, name: str) -> list[Sheet]:
    """The sheets of an XLSX, XLS or ODS workbook, each checked for size before its cells become Python objects."""
    import python_calamine  # imported here: reading a log is rare, start-up is not

    sheets: list[Sheet] = []
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        hidden = {m.name for m in book.sheets_metadata if m.visible != python_calamine.SheetVisibleEnum.Visible}
        for title in book.sheet_names:
            sheet = book.get_sheet_by_name(title)
            source = f"{name} [{one_line(title)}]"
            _check_shape(source, sheet.height, sheet.width)
            # Row by row, so only the used cells of each become Python objects that stay (rows start at row 1).
            sheets.append(Sheet(source, sheet.iter_rows(), title in hidden))  # type: ignore[arg-type]
    except LogError:
        raise
    except python_calamine.PasswordError:
        raise LogError("password", name=name) from None
    except BaseException as e:  # calamine's own errors, and a Rust panic, which is no Exception
        if isinstance(e, KeyboardInterrupt | SystemExit):
            raise
        raise LogError("not_spreadsheet", name=name) from None
    return sheets


def _check_shape(source: str, height: int, width: int) -> None:
    if height > MAX_ROWS + 2:  # two header rows
        raise LogError("too_many_rows", name=source, rows=height, limit=MAX_ROWS)
    if width > MAX_COLUMNS:
        raise LogError("too_many_columns", name=source, columns=width, limit=MAX_COLUMNS)


def _csv_rows(data: bytes, name: str) -> Iterator[list[object]]:
    """A CSV file's rows: UTF-8 (with or without a byte order mark), comma, semicolon or tab separated.

    Decoded as it is read (a whole decoded copy, and StringIO's, would triple the memory a log takes).
    """
    if b"\0" in data:
        raise LogError("binary", name=name)
    # Counted before parsing, at C speed: quoted line breaks make this an overcount, never an undercount.
    _check_shape(name, data.count(b"\n"), 0)
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader = csv.reader(stream, delimiter=_delimiter(data), strict=False)
    head = list(_csv_cells(reader, name, HEAD))
    _check_shape(name, 0, max(map(len, head), default=0))
    return itertools.chain(head, _csv_cells(reader, name))


def _csv_cells(reader: Any, name: str, stop: int | None = None) -> Iterator[list[object]]:
    try:
        yield from itertools.islice(reader, stop)
    except UnicodeDecodeError:
        raise LogError("not_utf8", name=name) from None
    except csv.Error:
        # The only error csv raises here: a cell over its 128 KB field limit (no log has one).
        limit = csv.field_size_limit() >> 10
        raise LogError("cell_too_large", name=name, line=reader.line_num, kilobytes=limit) from None


def _delimiter(data: bytes) -> str:
    """The first line's separator: whichever of ``;``, tab and ``,`` it holds most (comma when none)."""
    first = data[: data.find(b"\n")] if b"\n" in data else data
    return max((";", "\t", ","), key=lambda d: (first.count(d.encode()), d == ","))
