"""Which encoding a text file is in, and CSV and JSON Lines read from it row by row.

CRM and Excel exports come in three encodings: UTF-8, UTF-8 with a byte order mark (Excel's
"CSV UTF-8"), and the Windows code page (Excel's plain "CSV" on a Western European Windows,
cp1252). The BOM says so when present. Otherwise the whole file is scanned once, in chunks:
a file with valid UTF-8 multi-byte characters is UTF-8 (and any invalid bytes are errors of the
rows holding them); a file whose every non-ASCII byte is invalid UTF-8 is cp1252.

The file is then read with `errors="surrogateescape"`, so bytes that are still undecodable make
one error row each (see `rows.bad_bytes`), never the whole file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from kamrules import codes
from kamrules.errors import InputFileError, Location, Problem
from kamrules.io.rows import RawRow, UnreadableRow, bad_bytes, check_header, json_line, tabular_rows

CHUNK = 1 << 20
_INVALID = re.compile("[\udc80-\udcff]")
_VALID = re.compile("[^\x00-\x7f\udc80-\udcff]")
DELIMITERS = (",", ";", "\t", "|")
ENCODING_EXAMPLES = "utf-8, utf-8-sig, cp1252, latin-1, utf-16"
_TAB_NAMES = ("tab", "\\t", "\t")


def check_encoding(encoding: str) -> str:
    """`encoding` if Python can read text in it; a ValueError saying why not otherwise."""
    try:
        io.TextIOWrapper(io.BytesIO(), encoding=encoding)  # refuses unknown and non-text codecs alike
    except LookupError:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ValueError(f"unknown encoding {encoding!r}; for example {ENCODING_EXAMPLES}") from None
        raise ValueError(f"{encoding!r} is not a text encoding; for example {ENCODING_EXAMPLES}") from None
    return encoding


def check_delimiter(delimiter: str) -> str:
    """The one character `delimiter` stands for (`tab` or `\\t` is a tab); a ValueError otherwise."""
    if delimiter.lower() in _TAB_NAMES:
        return "\t"
    if len(delimiter) != 1:
        raise ValueError(f"a delimiter is one character, found {delimiter!r}; for example , ; | or tab")
    if delimiter in ('"', "\r", "\n"):
        raise ValueError(f"{delimiter!r} cannot be a delimiter; for example , ; | or tab")
    return delimiter


def undecodable(name: str, encoding: str, exc: UnicodeError) -> InputFileError:
    """A file that cannot be read at all in `encoding` (a UTF-16 file without its byte order mark...)."""
    reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
    return InputFileError(
        "",
        [
            Problem(
                codes.BAD_ENCODING,
                f"cannot be read as {encoding} text ({reason}); check the encoding ({{parameter}}), "
                "or save the file as UTF-8",
                Location(name),
                parameter="encoding",
            )
        ],
    )


def detect_encoding(path: str | Path) -> str:
    """utf-8-sig, utf-16, utf-8 or cp1252 (see the module's docstring)."""
    with open(path, "rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
        valid = invalid = False
        while not (valid and invalid):
            chunk = handle.read(CHUNK)
            text = decoder.decode(chunk, final=not chunk)
            if not text.isascii():
                invalid = invalid or _INVALID.search(text) is not None
                valid = valid or _VALID.search(text) is not None
            if not chunk:
                break
    return "cp1252" if invalid and not valid else "utf-8"


def open_text(path: str | Path, encoding: str) -> IO[str]:
    return open(path, encoding=encoding, errors="surrogateescape", newline="")  # the caller closes it


def sniff_delimiter(header: str) -> str:
    """Excel in much of Europe writes `;`; tabs and pipes happen too. The header line decides."""
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_rows(path: str | Path, name: str, encoding: str, delimiter: str | None = None) -> Iterator[RawRow]:
    """The rows of a CSV file, streamed. The first non-blank line is the header."""
    with open_text(path, encoding) as handle:
        try:
            yield from csv_rows_from(handle, name, encoding, delimiter)
        except UnicodeError as exc:
            raise undecodable(name, encoding, exc) from None


def csv_rows_from(handle: IO[str], name: str, encoding: str | None, delimiter: str | None = None) -> Iterator[RawRow]:
    """The rows of CSV text read from `handle` (`encoding` None: already decoded cleanly)."""
    first = handle.readline()
    skipped = 1  # lines read up to and including the header
    while first and not first.strip():
        first = handle.readline()
        skipped += 1
    if not first:
        raise InputFileError("", [Problem(codes.EMPTY, "is empty", Location(name))])
    delim = delimiter or sniff_delimiter(first)
    header_reader = csv.reader([first], delimiter=delim)
    columns = [h.strip() for h in next(header_reader)]
    for col in columns:
        problem = bad_bytes(col, encoding) if encoding is not None else None
        if problem is not None:
            raise InputFileError("", [Problem(codes.BAD_ENCODING, f"the header {problem}", Location(name, 1))])
    check_header(columns, name, 1)
    reader = csv.reader(handle, delimiter=delim)

    def numbered() -> Iterator[tuple[int, int | None, list[Any]]]:
        # Row numbers as a spreadsheet shows them: the header is row 1; a record that spans
        # several lines (a quoted cell with line breaks) is still one row.
        number = skipped
        last = 0
        rows = iter(reader)
        while True:
            try:
                cells: list[Any] = list(next(rows))
            except StopIteration:
                return
            except csv.Error as exc:
                # One unreadable record (a cell over the reader's size limit, a stray NUL)
                # is one error row; the reader carries on with the next line.
                cells = UnreadableRow(str(exc))
            number += 1
            yield number, skipped + last + 1, cells
            last = reader.line_num

    yield from tabular_rows(numbered(), columns, name, encoding, delim)


def csv_dialect(path: str | Path, encoding: str, name: str | None = None) -> str:
    """The delimiter the header line uses (for the summary)."""
    with open_text(path, encoding) as handle:
        try:
            for line in handle:
                if line.strip():
                    return sniff_delimiter(line)
        except UnicodeError as exc:
            raise undecodable(name or str(path), encoding, exc) from None
    return ","


def jsonl_rows(path: str | Path, name: str, encoding: str) -> Iterator[RawRow]:
    """The accounts of a JSON Lines file, one per line, streamed."""
    with open_text(path, encoding) as handle:
        try:
            yield from _jsonl_lines(handle, name, encoding)
        except UnicodeError as exc:
            raise undecodable(name, encoding, exc) from None


def _jsonl_lines(handle: IO[str], name: str, encoding: str) -> Iterator[RawRow]:
    index = 0
    for lineno, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        raw = RawRow(index, lineno, lineno)
        index += 1
        problem = bad_bytes(line, encoding)
        if problem is not None:
            raw.problems.append(Problem(codes.BAD_ENCODING, f"line {problem}", Location(name, lineno)))
            yield raw
            continue
        raw.data, invalid = json_line(line, name, lineno)
        if invalid is not None:
            raw.problems.append(invalid)
        yield raw
