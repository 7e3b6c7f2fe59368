"""CSV read column-wise by pyarrow, streamed, with the rows, lines and problems of today's reader.

The header is read as `kamrules.io.textfile.csv_rows_from` reads it (the first non-blank line,
its names stripped, checked for bytes in the wrong encoding and for repeated names); the data
after it goes to pyarrow's streaming reader, every cell as text. The number of each row comes
from pyarrow's own count of records: a record pyarrow sets aside (not as many cells as the
header: a short row, a row with cells beyond the header, a line of blanks) is read by Python's
`csv` and judged by today's `tabular_rows`, and takes its place among the others by that
count. The line of each row is counted from the line breaks inside its quoted cells.

Only a file `csvscan.well_formed` vouches for is read here; any other is read by today's reader.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from kamrules import codes
from kamrules.batch.readers import csvscan
from kamrules.batch.readers.batch import InputBatch
from kamrules.errors import InputFileError, Location, Problem
from kamrules.io.rows import RawRow, bad_bytes, check_header, tabular_rows

# Python's str.strip() removes these (str.isspace); a cell of nothing else is blank.
_BLANK = (
    "^[\\s\\x{0b}\\x{1c}-\\x{1f}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}"
    "\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}]*$"
)
# The parsed blocks go to the system allocator, which gives freed memory back: Arrow's default
# (mimalloc) keeps it per thread, and the reading threads' share shows in the run's peak memory.
_POOL = pa.system_memory_pool()
_UNNAMED = "\x00unnamed:"  # pyarrow wants a name for every column; the header leaves some blank


def read_layout(path: str | Path, name: str, encoding: str, delimiter: str) -> csvscan.Layout:
    """The header and where the data starts (errors as today's reader raises them), and whether
    the data reads column-wise."""
    codec = csvscan.codec_name(encoding)
    with open(path, "rb") as handle:
        skipped = 0
        first = ""
        while True:
            line = handle.readline()
            if not line:
                raise InputFileError("", [Problem(codes.EMPTY, "is empty", Location(name))])
            if b"\r" in line.replace(b"\r\n", b""):
                # Python's text reader splits lines there, and this byte reader does not: today's
                # reader reads such a file (and finds any problem with its header itself).
                return csvscan.Layout([], delimiter, 0, 0, False, "a lone carriage return before the data")
            skipped += 1
            if skipped == 1 and codec == "utf-8-sig" and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            first = line.decode(encoding if codec != "utf-8-sig" else "utf-8", errors="surrogateescape")
            if first.strip():
                break
        offset = handle.tell()
    columns = [h.strip() for h in next(csv.reader([first], delimiter=delimiter))]
    for col in columns:
        problem = bad_bytes(col, encoding)
        if problem is not None:
            raise InputFileError("", [Problem(codes.BAD_ENCODING, f"the header {problem}", Location(name, 1))])
    check_header(columns, name, 1)
    why = _odd_header(first, offset, path)
    if not why:
        why = csvscan.well_formed(path, offset, encoding, delimiter)
    return csvscan.Layout(columns, delimiter, skipped, offset, not why, why)


def _odd_header(first: str, offset: int, path: str | Path) -> str:
    """Lines before the data that Python's text reader would split otherwise (a lone CR)."""
    with open(path, "rb") as handle:
        head = handle.read(offset)
    if b"\r" in head.replace(b"\r\n", b""):
        return "a lone carriage return before the data"
    if first.count('"') % 2:
        return "a quote left open in the header"
    return ""


class _Pending:
    """Records pyarrow set aside, by record number, until the batch they fall in."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, str]] = []

    def __call__(self, row: Any) -> str:
        self.rows.append((int(row.number), str(row.text)))
        return "skip"

    def take_before(self, limit: int) -> list[tuple[int, str]]:
        self.rows.sort()
        k = 0
        while k < len(self.rows) and self.rows[k][0] < limit:
            k += 1
        out, self.rows = self.rows[:k], self.rows[k:]
        return out


def csv_batches(path: str | Path, name: str, encoding: str, layout: csvscan.Layout, size: int) -> Iterator[InputBatch]:
    """The data rows of a CSV file `layout` vouches for, in batches of about `size` rows."""
    columns = layout.columns
    arrow_names = [c if c else f"{_UNNAMED}{k}" for k, c in enumerate(columns)]
    pending = _Pending()
    codec = csvscan.codec_name(encoding)
    read = pcsv.ReadOptions(
        column_names=arrow_names,
        block_size=max(1 << 20, size * 256),
        use_threads=False,  # the record numbers pyarrow reports need one parsing thread
        encoding="utf8" if codec in ("utf-8", "utf-8-sig", "ascii") else encoding,
    )
    parse = pcsv.ParseOptions(
        delimiter=layout.delimiter,
        quote_char='"',
        double_quote=True,
        escape_char=False,
        newlines_in_values=True,
        ignore_empty_lines=False,  # a blank line is a record: it counts in the rows' numbers
        invalid_row_handler=pending,
    )
    convert = pcsv.ConvertOptions(
        column_types={c: pa.string() for c in arrow_names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    state = _Numbering(layout, name, arrow_names)
    if Path(path).stat().st_size <= layout.data_offset:
        return  # a header and nothing after it: a portfolio of no account
    with open(path, "rb") as handle:
        handle.seek(layout.data_offset)
        reader = pcsv.open_csv(
            handle, read_options=read, parse_options=parse, convert_options=convert, memory_pool=_POOL
        )
        for batch in reader:
            if batch.num_rows:
                yield state.batch(batch, pending)
        tail = pending.take_before(1 << 62)
        if tail:
            yield state.batch(pa.RecordBatch.from_pylist([], schema=reader.schema), pending, tail)


class _Numbering:
    """Row numbers, lines and data-row indexes carried from batch to batch."""

    def __init__(self, layout: csvscan.Layout, name: str, arrow_names: list[str]) -> None:
        self.layout = layout
        self.name = name
        self.arrow_names = arrow_names
        self.next_record = 1  # pyarrow's number of the next record (1: the first after the header)
        self.breaks = 0  # line breaks inside quoted cells so far
        self.index = 0  # data rows (not blank) so far

    def batch(self, batch: pa.RecordBatch, pending: _Pending, tail: list[tuple[int, str]] | None = None) -> InputBatch:
        v = batch.num_rows
        # The records this batch covers: its own v rows and the set-aside records among them.
        aside = tail if tail is not None else []
        if tail is None:
            last = self.next_record + v - 1
            while True:
                more = pending.take_before(last + 1)
                aside += more
                if not more:
                    break
                last += len(more)
        total = v + len(aside)
        numbers = np.arange(self.next_record, self.next_record + total, dtype=np.int64)
        is_aside = np.isin(numbers, np.array([k for k, _ in aside], dtype=np.int64))
        self.next_record += total
        # Line breaks inside each record's cells, for the lines of the records after it.
        breaks = np.zeros(total, dtype=np.int64)
        breaks[~is_aside] = _cell_breaks(batch)
        breaks[is_aside] = [_breaks(text) for _, text in aside]
        before = self.breaks + np.concatenate(([0], np.cumsum(breaks)[:-1])).astype(np.int64)
        self.breaks += int(breaks.sum())
        rows = self.layout.header_lines + numbers  # the header is row `header_lines`, as today
        lines = rows + before
        return self._assemble(batch, aside, is_aside, rows, lines)

    def _assemble(
        self,
        batch: pa.RecordBatch,
        aside: list[tuple[int, str]],
        is_aside: np.ndarray,
        rows: np.ndarray,
        lines: np.ndarray,
    ) -> InputBatch:
        columns = self.layout.columns
        delimiter = self.layout.delimiter
        total = len(rows)
        own = pa.Table.from_batches([batch])
        order_own = np.flatnonzero(~is_aside)
        order_aside = np.flatnonzero(is_aside)
        # The set-aside records, read by Python's csv and judged by today's reader (None: blank).
        aside_cells: list[list[Any]] = []
        aside_raws: list[RawRow | None] = []
        for (_, text), p in zip(aside, order_aside.tolist(), strict=True):
            cells = _python_cells(text, delimiter)
            got = list(tabular_rows(iter([(int(rows[p]), int(lines[p]), cells)]), columns, self.name, None, delimiter))
            aside_cells.append(cells)
            aside_raws.append(got[0] if got else None)
        keep = np.zeros(total, dtype=bool)
        keep[order_own] = ~_blank_rows(own)
        keep[order_aside] = [raw is not None for raw in aside_raws]
        positions = np.flatnonzero(keep)
        n = len(positions)
        source = np.empty(total, dtype=np.int64)
        source[order_own] = np.arange(len(order_own))
        source[order_aside] = len(order_own) + np.arange(len(order_aside))
        take = pa.array(source[positions])
        table_columns: dict[str, pa.Array] = {}
        for k, c in enumerate(columns):
            if not c:
                continue
            extra = pa.array([cells[k] if k < len(cells) else None for cells in aside_cells], pa.string())
            table_columns[c] = pa.concat_arrays([own.column(k).combine_chunks(), extra]).take(take)
        table = pa.table(table_columns) if table_columns else pa.table({"": pa.nulls(n)}).drop_columns([""])
        at = np.full(total, -1, dtype=np.int64)
        at[positions] = np.arange(n)
        known: dict[int, RawRow] = {}
        for p, raw in zip(order_aside.tolist(), aside_raws, strict=True):
            if raw is not None:
                known[int(at[p])] = raw
        unnamed = np.zeros(own.num_rows, dtype=bool)
        for k, c in enumerate(columns):
            if not c:
                unnamed |= ~_blank_cells(own.column(k))
        for own_row in np.flatnonzero(unnamed).tolist():
            p = int(order_own[own_row])
            if at[p] < 0:
                continue
            cells = [own.column(k)[own_row].as_py() for k in range(len(columns))]
            got = list(tabular_rows(iter([(int(rows[p]), int(lines[p]), cells)]), columns, self.name, None, delimiter))
            known[int(at[p])] = got[0]
        for j, raw in known.items():
            raw.index = self.index + j
        first = self.index
        self.index += n
        return InputBatch(table, first, rows[positions], lines[positions], True, known)


def _python_cells(text: str, delimiter: str) -> list[Any]:
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return list(records[0]) if records else []


def _breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _cell_breaks(batch: pa.RecordBatch) -> np.ndarray:
    out = np.zeros(batch.num_rows, dtype=np.int64)
    for column in batch.columns:
        if not pc.any(pc.match_substring_regex(column, "[\\r\\n]")).as_py():
            continue
        counts = [pc.count_substring(column, pattern) for pattern in ("\n", "\r", "\r\n")]
        values = [np.asarray(c.to_numpy(zero_copy_only=False), dtype=np.int64) for c in counts]
        out += values[0] + values[1] - values[2]
    return out


def _blank_cells(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    matched = pc.match_substring_regex(column, _BLANK)
    return np.asarray(pc.fill_null(matched, True).to_numpy(zero_copy_only=False), dtype=bool)


def _blank_rows(table: pa.Table) -> np.ndarray:
    """Rows with no filled cell (today's reader skips them; they still count in the numbers)."""
    blank = np.ones(table.num_rows, dtype=bool)
    for column in table.columns:
        blank &= _blank_cells(column)
    return blank
