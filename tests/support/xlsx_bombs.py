"""Workbooks built at test time, part by part, to be hostile in one precise way each.

The parts are streamed into the zip archive (a 1 GB cell never exists in the test's memory) and
compressed at level 1: repetitive text deflates about 1000 to 1, which is what makes a bomb.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterable
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet name="accounts" sheetId="1" r:id="rId1"/>'
    "</sheets></workbook>"
)
WORKBOOK_RELS = (
    f'<Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> str:
    return f'<row r="1">{inline("A1", "id")}{inline("B1", "name")}{inline("C1", "business.revenue")}</row>'


def account_row(row: int, ident: str, name: str, revenue: int) -> str:
    return f'<row r="{row}">{inline(f"A{row}", ident)}{inline(f"B{row}", name)}<c r="C{row}"><v>{revenue}</v></c></row>'


def workbook(path: Path, sheet: Iterable[bytes], shared: Iterable[bytes] = (), dimension: str = "A1:C3") -> Path:
    """A workbook whose first sheet's `sheetData` holds `sheet` and whose shared-string table
    holds `shared` (each streamed, chunk by chunk)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>'.encode())
            for chunk in sheet:
                part.write(chunk)
            part.write(b"</sheetData></worksheet>")
        with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<sst xmlns="{MAIN}">'.encode())
            for chunk in shared:
                part.write(chunk)
            part.write(b"</sst>")
    return path


def repeated(unit: bytes, total: int, chunk: int = 1 << 20) -> Iterable[bytes]:
    block = unit * max(1, chunk // len(unit))
    left = total
    while left > 0:
        piece = block[: min(left, len(block))]
        left -= len(piece)
        yield piece


def benign(path: Path) -> Path:
    rows = header_row() + account_row(2, "A1", "Uno", 100) + account_row(3, "A2", "Due", 200)
    return workbook(path, [rows.encode()])


def declaring(path: Path, size: int) -> Path:
    """A benign workbook whose sheet declares (in the central directory) it inflates to `size`."""
    benign(path)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    at = data.find(b"PK\x01\x02")  # the central directory: its entries name each member
    while at >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + length]) == name:
            struct.pack_into("<I", data, at + 24, size)  # the uncompressed size it declares
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    return path
