"""Hostile logs too big to keep in the repository, made on demand by the tests (each in well under a second)."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    b"</Relationships>"
)
_BOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    b'<sheet name="requests" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_BOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b"</Relationships>"
)


def xlsx(path: Path, sheet_rows: bytes) -> Path:
    """A minimal XLSX whose one sheet (``requests``) holds ``sheet_rows`` (``<row>`` elements)."""
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b"<sheetData>" + sheet_rows + b"</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _BOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def million_rows(folder: Path) -> Path:
    """A sheet of 1,048,576 rows (Excel's most), each a different file number."""
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>F%d</t></is></c></row>' % (i, i, i)
                    for i in range(1, 1_048_577))
    return xlsx(folder / "million_rows.xlsx", rows)


def zip_bomb(folder: Path) -> Path:
    """A zip named .xlsx whose sheet unpacks to 256 MiB of spaces from about 250 KB."""
    path = folder / "zip_bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            chunk = b" " * (1 << 24)
            for _ in range(16):
                f.write(chunk)
    return path


def ten_mb_cell(folder: Path, suffix: str) -> Path:
    """A log whose one file-number cell is 10 MB long, as CSV or XLSX."""
    big = random.Random(1).randbytes(5 << 20).hex().encode()  # random digits: a real cell, no zip bomb
    if suffix == ".csv":
        path = folder / "ten_mb_cell.csv"
        path.write_bytes(b"file,received\n" + big + b",2025-03-04\n")
        return path
    return xlsx(folder / "ten_mb_cell.xlsx",
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>file</t></is></c></row>'
                b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + big + b"</t></is></c></row>")
