"""An XLSX workbook people share: headers in their language, typed cells, a frozen header row and
the first columns kept in view, an autofilter, sensible widths, and a second sheet that pairs
each header with its stable machine name (what a script reads).

Streamed (openpyxl's write-only mode): a 100,000-row sheet costs no more memory than a 10-row
one. **Every text cell is written as text, never as a formula**, and passes through `text_cell`,
the one place where text bound for a cell is made safe: openpyxl would store a string that starts
with `=` as a formula and `#N/A` as an error value, so each one is typed `s` explicitly; control
characters are removed (XLSX refuses them); and a text a spreadsheet would run as a formula once
edited (kamrules.io.cells) gets Excel's quote-prefix mark, on both sheets, headers included,
unless the workbook is written `raw` (`kam portfolio --raw-cells`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kamrules.io.cells import formula_like

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


def cell_text(text: str) -> str:
    """A text as a cell (or a sheet's title) holds it: no control character (XLSX refuses them),
    no more than a cell holds."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL]


def text_cell(sheet: Any, text: str, *, raw: bool = False) -> Any:
    """The cell of `sheet` holding `text`, the one place every text cell passes through: typed
    text (never a formula or an error value), cleaned (`cell_text`), and marked with Excel's
    quote prefix when a spreadsheet would run it as a formula, unless `raw`."""
    from openpyxl.cell import WriteOnlyCell

    value = cell_text(text)
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if not raw and formula_like(value):
        cell.quotePrefix = True  # Excel's own "typed with a leading apostrophe"
    return cell


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
    """Rows to an XLSX workbook, streamed; `save` writes it (with the second sheet), `discard`
    removes what openpyxl spooled when it is not saved. Text cells are neutralised against
    formulas unless `raw` (see the module's docstring)."""

    def __init__(self, spec: SheetSpec, *, raw: bool = False) -> None:
        from openpyxl import Workbook as OpenpyxlBook
        from openpyxl.utils import get_column_letter

        self.spec = spec
        self.raw = raw
        self.book = OpenpyxlBook(write_only=True)
        self.sheet = self.book.create_sheet(cell_text(spec.title)[:31] or "Sheet")
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
        cell = text_cell(self.sheet, text, raw=self.raw)
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
            if isinstance(value, str):
                cells.append(text_cell(self.sheet, value, raw=self.raw))
                continue
            cell = WriteOnlyCell(self.sheet, value=value)
            if value is not None and column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
            cells.append(cell)
        self.sheet.append(cells)
        self.rows += 1

    def save(self, handle: Any) -> None:
        """The filter over every row, the second sheet, then the file. openpyxl's own save, with
        the zip archive closed on an error too: left open, it tries again to write when it is
        garbage-collected, and prints a traceback (a full disk)."""
        import contextlib
        from zipfile import ZIP_DEFLATED, ZipFile

        from openpyxl.writer.excel import ExcelWriter

        self.sheet.auto_filter.ref = f"A1:{self.letter}{self.rows + 1}"
        self._key_sheet()
        archive = ZipFile(handle, "w", ZIP_DEFLATED, allowZip64=True)
        try:
            self.book.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
            ExcelWriter(self.book, archive).save()  # closes the archive when done
        except BaseException:
            with contextlib.suppress(Exception):
                archive.close()
            raise

    def discard(self) -> None:
        """Remove the rows openpyxl spooled to its temporary files: it does so itself only when
        the workbook is saved, or when Python exits normally (an error or a signal stops the
        run before either)."""
        import contextlib
        import os

        from openpyxl.worksheet._writer import ALL_TEMP_FILES

        for sheet in self.book.worksheets:
            spool = getattr(getattr(sheet, "_writer", None), "out", None)
            if not isinstance(spool, str):
                continue
            with contextlib.suppress(Exception):  # a half-written XML stream: closing it may complain
                sheet.close()  # ends openpyxl's row generator and its XML stream, in that order
            with contextlib.suppress(OSError):
                os.remove(spool)
            with contextlib.suppress(ValueError):
                ALL_TEMP_FILES.remove(spool)

    def _key_sheet(self) -> None:
        sheet = self.book.create_sheet(cell_text(self.spec.key_title)[:31] or "Columns")
        for letter, width in zip("ABC", (30, 36, 80), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"
        sheet.append([self._key_header(sheet, h) for h in self.spec.key_headers])
        for column in self.spec.columns:
            sheet.append([text_cell(sheet, text, raw=self.raw) for text in (column.header, column.key, column.about)])

    def _key_header(self, sheet: Any, text: str) -> Any:
        cell = text_cell(sheet, text, raw=self.raw)
        cell.font = self.bold
        cell.fill = self.fill
        return cell
