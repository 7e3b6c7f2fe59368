"""Limits on what an XLSX workbook may make kamrules inflate and read.

The input size limit (KAMRULES_MAX_FILE_MB) counts the compressed file: a 1 MB workbook held a
1 GB cell (MemoryError, 3.1 GB), 2 MB held 2 GB of whitespace (34 s, 4.2 GB), 2.9 MB held 50
million shared strings (killed at 3.4 GB), 7 MB held 20 million rows (about four hours). So
openpyxl reads the workbook through a zip archive that enforces, before inflating (from the
sizes the archive declares) and while inflating (counting what comes out):

* `MAX_UNZIPPED_BYTES`: the parts of the workbook, inflated, 1 GB in all;
* `MAX_TEXT_RUN_BYTES`: a run of text with no markup in it (a cell's text, or whitespace between
  tags), 1 MB: a cell of 131,072 characters, the longest kamrules reads (as in CSV), written
  with entities, is under it;
* `MAX_SHARED_STRINGS`: entries of the shared-string table, which openpyxl loads whole, 1 million;

and the rows are counted as they are read (`RowCounter`): `MAX_ROWS`, Excel's own maximum,
1,048,576, and `MAX_CELLS`, 50 million cells, the empty ones openpyxl fills in included (a
sheet that claims 16,384 columns makes every row that wide). A workbook over a limit is refused
(exit 2, IO013) with the limit named; a cell over `MAX_CELL_CHARS` is an error row, as in CSV.
"""

from __future__ import annotations

import re
import zipfile
from typing import IO, Any, Literal

from kamrules import codes
from kamrules.errors import InputFileError, Location, Problem

MB = 1024 * 1024
MAX_UNZIPPED_BYTES = 1024 * MB
MAX_CELL_CHARS = 131_072
MAX_TEXT_RUN_BYTES = 1 * MB
MAX_SHARED_STRINGS = 1_000_000
MAX_ROWS = 1_048_576
MAX_CELLS = 50_000_000

# A shared-string entry: the element `si`, with or without a namespace prefix.
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_TAIL = 64  # bytes kept from the end of a chunk, so that a tag cut in two is still seen
_TEXT_RUN = re.compile(rb"[^<>]{%d}" % (MAX_TEXT_RUN_BYTES + 1))


def over_limit(name: str, message: str) -> InputFileError:
    return InputFileError("", [Problem(codes.WORKBOOK_TOO_LARGE, message, Location(name))])


class GuardedZip(zipfile.ZipFile):
    """A zip archive, read-only, whose members are inflated under the limits above."""

    def __init__(self, file: IO[bytes], name: str) -> None:
        super().__init__(file)
        self.shown = name
        self.inflated = 0
        self.shared_strings = 0
        declared = sum(info.file_size for info in self.infolist())
        if declared > MAX_UNZIPPED_BYTES:
            raise over_limit(
                name,
                f"inflates to {declared / MB:,.0f} MB, over the {MAX_UNZIPPED_BYTES // MB:,} MB an XLSX "
                "workbook may hold (a zip bomb, or a workbook kamrules cannot read in reasonable time)",
            )

    def open(
        self, name: Any, mode: Literal["r", "w"] = "r", pwd: bytes | None = None, *, force_zip64: bool = False
    ) -> Any:
        stream = super().open(name, mode, pwd, force_zip64=force_zip64)
        return _GuardedMember(stream, self) if mode == "r" else stream


class _GuardedMember:
    """One member of the archive, read through the limits (a file object for the XML parsers)."""

    def __init__(self, stream: IO[bytes], archive: GuardedZip) -> None:
        self.stream = stream
        self.archive = archive
        self.run = 0  # bytes since the last `<` or `>`
        self.tail = b""

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        archive = self.archive
        archive.inflated += len(data)
        if archive.inflated > MAX_UNZIPPED_BYTES:
            raise over_limit(
                archive.shown, f"inflates to more than the {MAX_UNZIPPED_BYTES // MB:,} MB an XLSX workbook may hold"
            )
        self._check_runs(data)
        self._count_shared_strings(data)
        return data

    def _check_runs(self, data: bytes) -> None:
        first = min((i for i in (data.find(b"<"), data.find(b">")) if i >= 0), default=-1)
        if first < 0:
            self.run += len(data)
        else:
            self.run += first
            if self.run <= MAX_TEXT_RUN_BYTES and len(data) > MAX_TEXT_RUN_BYTES:
                self.run = MAX_TEXT_RUN_BYTES + 1 if _TEXT_RUN.search(data) else self.run
            if self.run <= MAX_TEXT_RUN_BYTES:
                self.run = len(data) - 1 - max(data.rfind(b"<"), data.rfind(b">"))
        if self.run > MAX_TEXT_RUN_BYTES:
            raise over_limit(
                self.archive.shown,
                f"holds a text of more than {MAX_TEXT_RUN_BYTES // MB} MB (a cell is read up to "
                f"{MAX_CELL_CHARS:,} characters)",
            )

    def _count_shared_strings(self, data: bytes) -> None:
        window = self.tail + data
        found = sum(1 for m in _SHARED_STRING.finditer(window) if m.end() > len(self.tail))
        self.tail = window[-_TAIL:]
        self.archive.shared_strings += found
        if self.archive.shared_strings > MAX_SHARED_STRINGS:
            raise over_limit(
                self.archive.shown, f"has more than {MAX_SHARED_STRINGS:,} shared strings, the most kamrules reads"
            )

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.stream.close()

    def __enter__(self) -> _GuardedMember:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def load_guarded_workbook(handle: IO[bytes], name: str) -> Any:
    """openpyxl's `load_workbook(handle, read_only=True, data_only=True)`, every part of the
    workbook read through a GuardedZip."""
    from openpyxl.reader.excel import ExcelReader

    archive = GuardedZip(handle, name)  # the declared sizes are checked here, before inflating
    reader = ExcelReader(handle, read_only=True, data_only=True)
    reader.archive = archive
    reader.read()
    return reader.wb


class RowCounter:
    """The rows and cells openpyxl hands over, counted against MAX_ROWS and MAX_CELLS."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows = 0
        self.cells = 0

    def add(self, width: int) -> None:
        self.rows += 1
        self.cells += width
        if self.rows > MAX_ROWS:
            raise over_limit(self.name, f"has more than {MAX_ROWS:,} rows in its first sheet (Excel's maximum)")
        if self.cells > MAX_CELLS:
            raise over_limit(
                self.name,
                f"has more than {MAX_CELLS:,} cells in its first sheet, counting the empty ones it declares",
            )
