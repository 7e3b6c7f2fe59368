"""XLSX (Excel) files: portfolio rows read in streaming mode (kamrules.io.workbook writes them).

openpyxl's read-only and write-only modes keep one row in memory at a time, so a 100,000-row
sheet costs no more memory than a 10-row one. The first sheet is read; its first non-blank row
is the header. Cells keep their types: numbers stay numbers, dates become dates (a date with a
time of day other than midnight stays a date and time, which the account facts refuse).
"""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kamrules import codes
from kamrules.errors import InputFileError, Location, Problem
from kamrules.io.rows import RawRow, UnreadableRow, check_header, tabular_rows
from kamrules.io.xlsx_limits import MAX_CELL_CHARS, RowCounter


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.time() == dt.time(0, 0) and value.tzinfo is None:
        return value.date()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def _unreadable(name: str, exc: Exception) -> InputFileError:
    reason = str(exc) or type(exc).__name__
    message = f"is not a readable XLSX workbook ({reason}); save it from Excel as .xlsx"
    return InputFileError("", [Problem(codes.BAD_WORKBOOK, message, Location(name))])


# What openpyxl raises on a file that is not a workbook, or a damaged one: not a zip, a zip
# without the workbook's parts, parts that are not the XML they should be.
_BROKEN = (zipfile.BadZipFile, zlib.error, KeyError, EOFError, OSError, ValueError, TypeError, SyntaxError)


def xlsx_rows(path: str | Path, name: str) -> Iterator[RawRow]:
    """The rows of the workbook's first sheet, streamed.

    The workbook is opened from a binary file object, not by name: openpyxl judges a file name
    by its extension and refuses any other (standard input spooled to a temporary file, a
    workbook saved as `export.dat`), while the content is what matters."""
    from openpyxl.utils.exceptions import InvalidFileException

    from kamrules.io.xlsx_limits import load_guarded_workbook

    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below, after the last row
    except OSError as exc:
        raise _unreadable(name, exc) from None
    try:
        try:
            book = load_guarded_workbook(handle, name)  # under the limits of kamrules.io.xlsx_limits
        except (InvalidFileException, *_BROKEN) as exc:
            raise _unreadable(name, exc) from None
        try:
            try:
                sheets = book.worksheets
                rows = sheets[0].iter_rows(values_only=True) if sheets else None
            except _BROKEN as exc:
                raise _unreadable(name, exc) from None
            if rows is None:
                raise InputFileError("", [Problem(codes.EMPTY, "has no sheet", Location(name))])
            yield from _sheet_rows(_guarded(rows, name), name)
        finally:
            book.close()
    finally:
        handle.close()


def _guarded(rows: Iterator[tuple[Any, ...]], name: str) -> Iterator[tuple[Any, ...]]:
    """openpyxl's rows, counted (kamrules.io.xlsx_limits); a damaged sheet (found only as it is
    read) is a problem of the file."""
    counter = RowCounter(name)
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except _BROKEN as exc:
            raise _unreadable(name, exc) from None
        counter.add(len(values))
        yield values


def _sheet_rows(rows: Iterator[tuple[Any, ...]], name: str) -> Iterator[RawRow]:
    number = 0
    columns: list[str] | None = None
    for values in rows:
        number += 1
        if values.count(None) != len(values) and any(v is not None and str(v).strip() for v in values):
            columns = ["" if v is None else _header_text(v) for v in values]
            break
    if columns is None:
        raise InputFileError("", [Problem(codes.EMPTY, "has no header row in its first sheet", Location(name))])
    check_header(columns, name, number)
    header_row = number

    def numbered() -> Iterator[tuple[int, int | None, list[Any]]]:
        for offset, values in enumerate(rows, start=1):
            if values.count(None) == len(values):
                continue  # an empty row (openpyxl fills in every missing one): nothing to read
            if any(isinstance(v, str) and len(v) > MAX_CELL_CHARS for v in values):
                # One error row, as a CSV cell over the reader's limit is (kamrules.io.xlsx_limits).
                reason = f"a cell is longer than {MAX_CELL_CHARS:,} characters"
                yield header_row + offset, None, UnreadableRow(reason, "XLSX")
                continue
            yield header_row + offset, None, [_cell(v) for v in values]

    yield from tabular_rows(numbered(), columns, name, None)


def _header_text(value: Any) -> str:
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()
