"""Rows out: CSV, XLSX or JSON Lines, streamed into a temporary file and renamed over the target
only when every row is written (kamrules.io.atomic), so a reader never sees half a file.

CSV is UTF-8 with a byte order mark, so that Excel opens accents correctly with a double
click; its delimiter is `,` unless asked otherwise (`;` for a European Excel). JSON Lines holds
one object per row, with nulls for empty cells.
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kamrules.io.atomic import atomic_writer
from kamrules.io.cells import neutralise
from kamrules.io.formats import ROW_FORMATS, written_as

if TYPE_CHECKING:
    from kamrules.io.workbook import SheetSpec

FORMATS = ROW_FORMATS


# JSON allows these inside strings, but many line-oriented tools (and Python's str.splitlines)
# treat them as line breaks: escaped, one JSON Lines record is always one line.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def jsonl_line(row: object) -> str:
    """One JSON Lines record: UTF-8 text, no NaN, and no character a reader could split on."""
    return json.dumps(row, ensure_ascii=False, allow_nan=False).translate(_LINE_BREAKS) + "\n"


class RowSink(Protocol):
    def write(self, cells: dict[str, Any]) -> None: ...


def format_of(path: str | Path, fmt: str | None) -> str | None:
    if fmt:
        return fmt
    return written_as(path)


class _Csv:
    def __init__(self, handle: Any, columns: Sequence[str], delimiter: str, raw: bool = False) -> None:
        self.columns = list(columns)
        self.writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        self.text = _text if raw else _safe_text  # see kamrules.io.cells
        self.writer.writerow([self.text(c) for c in self.columns])

    def write(self, cells: dict[str, Any]) -> None:
        self.writer.writerow(["" if cells.get(c) is None else self.text(cells.get(c)) for c in self.columns])


class _Jsonl:
    def __init__(self, handle: Any, columns: Sequence[str]) -> None:
        self.handle = handle
        self.columns = list(columns)

    def write(self, cells: dict[str, Any]) -> None:
        row = {c: cells.get(c) for c in self.columns}
        self.handle.write(jsonl_line(row))


class _Xlsx:
    def __init__(self, columns: Sequence[str], sheet: str | SheetSpec, raw: bool = False) -> None:
        from kamrules.io.workbook import SheetColumn, SheetSpec, Workbook

        # A bare title: every column under its own name, as text (the portfolio gives a full spec).
        spec = sheet if isinstance(sheet, SheetSpec) else SheetSpec(sheet, [SheetColumn(c, c) for c in columns])
        self.book = Workbook(spec, raw=raw)

    def write(self, cells: dict[str, Any]) -> None:
        self.book.append(cells)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _safe_text(value: Any) -> str:
    # Numbers and booleans are written by us and never look like formulas; text is the user's.
    return neutralise(value) if isinstance(value, str) else _text(value)


def stream_writer(
    handle: Any, fmt: str, columns: Sequence[str], *, delimiter: str = ",", raw_cells: bool = False
) -> RowSink:
    """A sink writing CSV or JSON Lines rows straight to an open text stream (standard output).
    CSV text cells are neutralised against formula injection unless `raw_cells` (see
    kamrules.io.cells); JSON Lines is data for programs and is written as it is."""
    guarded = _StreamGuard(handle)
    return _Csv(guarded, columns, delimiter, raw_cells) if fmt == "csv" else _Jsonl(guarded, columns)


class _StreamGuard:
    """Standard output for the row writers: a full disk or /dev/full is an OutputError (exit 2)
    naming it, not an internal error."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle

    def write(self, text: str) -> int:
        from kamrules.errors import OutputError

        try:
            return int(self.handle.write(text))
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError.of("standard output", exc) from None


@contextlib.contextmanager
def row_writer(
    path: str | Path,
    fmt: str,
    columns: Sequence[str],
    *,
    delimiter: str = ",",
    sheet: str | SheetSpec = "accounts",
    raw_cells: bool = False,
) -> Iterator[RowSink]:
    """A sink for rows; the file appears, complete, when the block ends without an error. An XLSX
    workbook follows `sheet` (kamrules.io.workbook): its columns, headers and cell types. CSV and
    XLSX text cells are neutralised against formula injection unless `raw_cells`."""
    if fmt == "xlsx":
        sink = _Xlsx(columns, sheet, raw_cells)
        # openpyxl's write-only workbook spools rows to its own temporary files; the workbook is
        # assembled into our temporary file at the end and renamed into place.
        try:
            yield sink
            with atomic_writer(path, "wb", encoding=None) as handle:
                sink.book.save(handle)
        finally:
            sink.book.discard()
        return
    with atomic_writer(path, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8") as handle:
        yield _Csv(handle, columns, delimiter, raw_cells) if fmt == "csv" else _Jsonl(handle, columns)
