"""A portfolio file, whatever its format, as a source of rows that can be read more than once.

CSV, JSON Lines and XLSX are streamed row by row; YAML and JSON lists are parsed whole (they are
bounded by the input size limit, KAMRULES_MAX_FILE_MB). Standard input is copied to a
temporary file first, so that it can be read twice like any file (the portfolio needs a first
pass, see kamrules.portfolio.scan).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kamrules import codes
from kamrules.errors import InputFileError, Location, Problem
from kamrules.i18n.catalog import phrases
from kamrules.io.accounts import detect_format, looks_like_jsonl, yaml_records
from kamrules.io.files import (
    STDIN,
    check_size,
    check_streamed,
    decode_text,
    display_name,
    max_bytes,
    os_reason,
    read_bytes,
    stdin_bytes,
)
from kamrules.io.formats import OLD_WORKBOOK, PORTFOLIO_FORMATS, XLSX, read_as
from kamrules.io.rows import RawRow
from kamrules.io.textfile import check_delimiter, check_encoding, csv_dialect, csv_rows, detect_encoding, jsonl_rows

FORMATS = PORTFOLIO_FORMATS
ZIP_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"


@dataclass(frozen=True)
class Source:
    path: Path
    name: str
    format: str
    encoding: str | None = None
    delimiter: str | None = None

    def rows(self) -> Iterator[RawRow]:
        """Every row, in file order (a new, independent pass each time it is called)."""
        if self.format == "xlsx":
            from kamrules.io.xlsx import xlsx_rows

            return xlsx_rows(self.path, self.name)
        if self.format == "csv":
            return csv_rows(self.path, self.name, self.encoding or "utf-8", self.delimiter)
        if self.format == "jsonl":
            return jsonl_rows(self.path, self.name, self.encoding or "utf-8")
        return _structured_rows(self.path, self.name)

    def describe(self, lang: str = "en") -> str:
        """What was detected, for the summary: "CSV, delimiter ';', encoding cp1252"."""
        words = phrases(lang, "io")
        parts = [self.format.upper()]
        if self.delimiter:
            parts.append(f"{words['delimiter']} {self.delimiter!r}")
        if self.encoding:
            parts.append(f"{words['encoding']} {self.encoding}")
        return ", ".join(parts)


def _structured_rows(path: Path, name: str) -> Iterator[RawRow]:
    # The same reading as kam advise's, but an empty list is a portfolio of 0 accounts (as a CSV
    # file with a header only), and a file with no document at all is refused as a whole (as an
    # empty CSV file is), not made into an error row that stands for no row of the file.
    for record in yaml_records(decode_text(read_bytes(path), name), name, empty_list_ok=True):
        if record.error is not None and record.location is None:
            raise record.error
        line = record.location(()).line if record.location is not None else None
        problems = list(record.error.problems) if record.error is not None else []
        yield RawRow(record.index, record.index + 1, line, data=record.data, problems=problems)


def guess_format(path: Path, name: str) -> str:
    """A portfolio file's format from its name and content (xlsx, jsonl, csv, json or yaml), as
    `kam portfolio -` tells standard input's."""
    suffix = path.suffix.lower()
    if read_as(path, (XLSX,)) is not None:
        return XLSX
    if suffix == OLD_WORKBOOK:
        raise InputFileError(
            "", [Problem(codes.SPREADSHEET, "is an old .xls workbook: save it as .xlsx or CSV", Location(name))]
        )
    with open(path, "rb") as handle:
        head = handle.read(4096)
        if head.startswith(ZIP_MAGIC):
            return "xlsx"
        if head.startswith(PARQUET_MAGIC):
            # A Parquet file is told by its name or first bytes before this (kamrules.portfolio
            # .sources); one still unnamed here came from standard input, read once already.
            raise InputFileError(
                "",
                [
                    Problem(
                        codes.BINARY,
                        "is a Parquet file: name its format ({parameter} parquet) to read it from standard input",
                        Location(name),
                        parameter="fmt",
                    )
                ],
            )
        named = detect_format(str(path)) if suffix else None
        if named in (None, "yaml") and suffix not in (".yaml", ".yml"):
            # Not named by its suffix (standard input, p.dat): JSON Lines is told by its first
            # two lines, read whole (an account's line may be longer than the head).
            handle.seek(0)
            if looks_like_jsonl(_first_lines(handle)):
                return "jsonl"
    return detect_format(str(path) if suffix else "", head.decode("utf-8", errors="replace"))


def _first_lines(handle: BinaryIO, limit: int = 1 << 20) -> Iterator[str]:
    """The lines of a binary file, decoded leniently, each cut at `limit` bytes."""
    while True:
        line = handle.readline(limit)
        if not line:
            return
        yield line.decode("utf-8", errors="replace")


@contextlib.contextmanager
def open_source(
    path: str | Path, fmt: str | None = None, encoding: str | None = None, delimiter: str | None = None
) -> Iterator[Source]:
    """The source for `path` (`-` is standard input, spooled to a temporary file)."""
    name = display_name(path)
    spooled: str | None = None
    # The command line checks these as it parses them; a caller from Python is told here.
    if encoding is not None:
        encoding = _checked("encoding", check_encoding, encoding, name)
    if delimiter is not None:
        delimiter = _checked("delimiter", check_delimiter, delimiter, name)
    if fmt is not None and fmt not in FORMATS:
        raise InputFileError(
            "",
            [
                Problem(
                    codes.BAD_READ_OPTION,
                    f"unknown input format {fmt!r}; one of {', '.join(FORMATS)}",
                    Location(name),
                    parameter="fmt",
                )
            ],
        )
    try:
        piped = str(path) != STDIN and _is_pipe(Path(path), name)  # `kam portfolio <(export)`
        if str(path) == STDIN or piped:
            # Read once into a file that can be read twice (the portfolio's two passes).
            fd, spooled = tempfile.mkstemp(prefix="kam-portfolio-", suffix=".input")
            with os.fdopen(fd, "wb") as out:
                if piped:
                    with open(path, "rb") as pipe:
                        _spool(pipe, out, name)
                else:
                    _spool(stdin_bytes(), out, name)
            real = Path(spooled)
        else:
            real = Path(path)
            read_check(real, name)
        try:
            kind = fmt or guess_format(real, name)
        except OSError as exc:  # /proc/self/mem and its like open, then fail to read (EIO)
            raise InputFileError("", [Problem(codes.NO_FILE, os_reason(exc), Location(name))]) from None
        if kind == "json":
            kind = "yaml"
        enc = None
        delim = None
        if kind in ("csv", "jsonl"):
            enc = encoding or detect_encoding(real)
            if kind == "csv":
                delim = delimiter or csv_dialect(real, enc, name)
        yield Source(real, name, kind, enc, delim)
    finally:
        if spooled is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(spooled)


def _checked(parameter: str, check: Callable[[str], str], value: str, name: str) -> str:
    """`value` as `check` accepts it, or an `InputFileError` about `parameter`."""
    try:
        return check(value)
    except ValueError as exc:
        raise InputFileError(
            "", [Problem(codes.BAD_READ_OPTION, str(exc), Location(name), parameter=parameter)]
        ) from None


def read_check(path: Path, name: str) -> None:
    """The file exists, is a file, can be read and is within the size limit (the one every
    input has, KAMRULES_MAX_FILE_MB): say so now rather than mid-way."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputFileError("", [Problem(codes.NO_FILE, "no such file", Location(name))]) from None
    except OSError as exc:  # a symbolic-link loop, a name too long: the OS's reason
        raise InputFileError("", [Problem(codes.NO_FILE, os_reason(exc), Location(name))]) from None
    if path.is_dir():
        raise InputFileError("", [Problem(codes.NOT_A_FILE, "is a folder, not a file", Location(name))])
    if not os.access(path, os.R_OK):
        raise InputFileError("", [Problem(codes.NO_FILE, "permission denied", Location(name))])
    check_size(st.st_size, max_bytes(), name)


def _is_pipe(path: Path, name: str) -> bool:
    read_check(path, name)
    return not stat.S_ISREG(path.stat().st_mode)


def _spool(source: BinaryIO, out: BinaryIO, name: str) -> None:
    """Standard input copied to `out`, refused as soon as it passes the size limit."""
    limit = max_bytes()
    copied = 0
    while chunk := source.read(1 << 20):
        copied += len(chunk)
        check_streamed(copied, limit, name)
        out.write(chunk)
