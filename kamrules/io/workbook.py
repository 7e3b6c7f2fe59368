"""An XLSX workbook people share: headers in their language, typed cells, a frozen header row and
the first columns kept in view, an autofilter, sensible widths, and a second sheet that pairs
each header with its stable machine name (what a script reads).

Streamed (openpyxl's write-only mode): a 100,000-row sheet costs no more memory than a 10-row
one. **Every text cell is written as text, never as a formula**: openpyxl would store a string
that starts with `=` as a formula, so each one is typed `s` explicitly, and each passes through
`text_cell`, the one place where text bound for a cell is made safe (a neutralising function,
against formula injection in other spreadsheet programs, belongs there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Excel's number formats, by the kind of a column. 14 ("mm-dd-yy") is Excel's built-in short
# date, which Excel and LibreOffice show in their reader's own date format (27/11/2026 in Italy).
NUMBER_FORMATS = {
    "money": "#,##0",
    "percent": "0.0%",
    "score": "0.0",
    "years": "0.0",
    "integer": "0",
    "number": "General",
    "date": "mm-dd-yy",
}
WIDTHS = {
    "money": 14,
    "percent": 10,
    "score": 9,
    "years": 9,
    "integer": 8,
    "number": 12,
    "date": 12,
    "flag": 9,
    "text": 18,
    "long_text": 48,
}
MAX_CELL = 32767  # characters an Excel cell holds


def text_cell(text: str) -> str:
    """A text as a cell holds it (the one place every text cell passes through): no control
    character (XLSX refuses them), no more than a cell holds."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL]


@dataclass(frozen=True)
class SheetColumn:
    """A column of the sheet: the row key it shows, its header, and how its cells are typed."""

    key: str
    header: str
    kind: str = "text"
    values: Mapping[str, str] = field(default_factory=dict)  # a machine value shown as words
    about: str = ""  # what it holds, for the second sheet
    width: float | None = None


@dataclass(frozen=True)
class SheetSpec:
    """The workbook: the data sheet's title and columns, and the second sheet's words."""

    title: str
    columns: Sequence[SheetColumn]
    key_title: str = "Columns"
    key_headers: tuple[str, str, str] = ("Header", "Machine name (CSV, JSON Lines)", "What it holds")
    frozen_columns: int = 2  # kept in view while scrolling right (the id and the name)


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def typed(value: Any, column: SheetColumn) -> Any:
    """The value a cell of `column` holds: a number, a date, or a text (None stays empty)."""
    if value is None:
        return None
    if column.values:
        key = str(value).lower() if isinstance(value, bool) else str(value)
        if key in column.values:
            return column.values[key]
    if column.kind == "date":
        if isinstance(value, dt.datetime):
            return value
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return _text(value)
    if column.kind in NUMBER_FORMATS and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if column.kind == "flag" and isinstance(value, bool):
        return value  # a boolean cell (TRUE / FALSE)
    return _text(value)


class Workbook:
    """Rows to an XLSX workbook, streamed; `save` writes it (with the second sheet)."""

    def __init__(self, spec: SheetSpec) -> None:
        from openpyxl import Workbook as OpenpyxlBook
        from openpyxl.utils import get_column_letter

        self.spec = spec
        self.book = OpenpyxlBook(write_only=True)
        self.sheet = self.book.create_sheet(text_cell(spec.title)[:31] or "Sheet")
        self.rows = 0
        self.letter = get_column_letter(max(1, len(spec.columns)))
        # Widths and the frozen panes go before the first row (write-only mode writes in order).
        for k, column in enumerate(spec.columns, start=1):
            width = column.width or max(WIDTHS.get(column.kind, 18), min(len(column.header) + 3, 26))
            self.sheet.column_dimensions[get_column_letter(k)].width = width
        self.sheet.freeze_panes = f"{get_column_letter(spec.frozen_columns + 1)}2"
        self._styles()
        self.sheet.append([self._header(c.header) for c in spec.columns])

    def _styles(self) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.bold = Font(bold=True, color="FFFFFF")
        self.fill = PatternFill("solid", fgColor="1A365D")
        self.wrap = Alignment(wrap_text=True, vertical="top")

    def _header(self, text: str) -> Any:
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.sheet, value=text_cell(text))
        cell.data_type = "s"
        cell.font = self.bold
        cell.fill = self.fill
        cell.alignment = self.wrap
        return cell

    def append(self, row: Mapping[str, Any]) -> None:
        """One row: each column's cell, typed as its kind says."""
        from openpyxl.cell import WriteOnlyCell

        cells = []
        for column in self.spec.columns:
            value = typed(row.get(column.key), column)
            cell = WriteOnlyCell(self.sheet, value=text_cell(value) if isinstance(value, str) else value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula
            elif value is not None and column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
            cells.append(cell)
        self.sheet.append(cells)
        self.rows += 1

    def save(self, handle: Any) -> None:
        """The filter over every row, the second sheet, then the file."""
        self.sheet.auto_filter.ref = f"A1:{self.letter}{self.rows + 1}"
        self._key_sheet()
        self.book.save(handle)

    def _key_sheet(self) -> None:
        from openpyxl.cell import WriteOnlyCell

        sheet = self.book.create_sheet(text_cell(self.spec.key_title)[:31] or "Columns")
        for letter, width in zip("ABC", (30, 36, 80), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"
        sheet.append([self._key_header(sheet, h) for h in self.spec.key_headers])
        for column in self.spec.columns:
            cells = []
            for text in (column.header, column.key, column.about):
                cell = WriteOnlyCell(sheet, value=text_cell(text))
                cell.data_type = "s"
                cells.append(cell)
            sheet.append(cells)

    def _key_header(self, sheet: Any, text: str) -> Any:
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=text_cell(text))
        cell.data_type = "s"
        cell.font = self.bold
        cell.fill = self.fill
        return cell
