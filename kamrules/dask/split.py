"""A large CSV or JSON Lines file cut into byte ranges, so that several workers read it.

A file of INPUT larger than `SPLIT_BYTES` (64 MB) is cut, on the client, into ranges of about
that size, each ending at a line break: `plan` reads it once (numpy over 4 MB chunks) to find
where it may be cut and how many line breaks come before each cut. On a worker, `range_file`
gives the task a local file of the range alone, behind the file's header for a CSV file (the
header's bytes repeated, so the range reads as the file does), and the rows read from it are
numbered in the whole file by adding the line breaks before the range (`pieces.file_batches`):
the error rows, the duplicates and the ranking see the numbers one machine gives.

A cut is only made where every line break ends a record, so that a range's rows are the
file's rows and their numbers its line numbers. A file is read whole, by one worker, and the
reason given (`Plan.why`, said on standard error by `kam portfolio`), when that cannot be
vouched for: a quoted cell holding a line break (its record spans lines); a CSV file that
today's row reader reads (`csvscan.well_formed` says why: a lone carriage return, a quote out
of place, a NUL byte, bytes not valid in the encoding...); a JSON Lines file with a lone carriage
return (Python's text reader breaks lines there) or bytes not valid in its encoding; an encoding
in which a line break is not the byte 0x0A (UTF-16); a file that is not local (the client would
have to download it to find its lines); XLSX, YAML and JSON files (one document, read whole;
Parquet files are cut along their row groups by `sources`).
"""

from __future__ import annotations

import codecs
import contextlib
import math
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

SPLIT_BYTES = 64 << 20  # a file larger than this is cut into ranges of about this size
CHUNK = 4 << 20  # the scan's reads
_QUOTE, _LF, _CR = 34, 10, 13


@dataclass(frozen=True)
class ByteRange:
    """Bytes `start` to `end` (excluded) of a file, read as a file of their own behind its
    first `head` bytes (a CSV file's lines up to its header; 0 for JSON Lines); `lines_before`
    line breaks lie between the head and `start` (the records before the range). `fmt`,
    `encoding` and `delimiter` are the whole file's, decided on the client: a range is read in
    them, not in what its own bytes would suggest."""

    start: int
    end: int
    head: int
    lines_before: int
    fmt: str
    encoding: str
    delimiter: str | None = None

    @property
    def first_of_file(self) -> bool:
        return self.start == self.head


@dataclass(frozen=True)
class Plan:
    """How a file is read: in `ranges` (none: whole), and why not when it is large and whole."""

    ranges: list[ByteRange] = field(default_factory=list)
    why: str = ""


def plan(path: str, name: str, fmt: str | None, encoding: str | None, delimiter: str | None, split_bytes: int) -> Plan:
    """The ranges of the local file `path` (`name` as the messages name it), cut into about
    `split_bytes` each; the user's options `fmt`, `encoding`, `delimiter` decided as one machine
    decides them. A file no larger than `split_bytes` is one range (`Plan()`)."""
    from kamrules.errors import InputFileError
    from kamrules.io.portfolio_file import open_source

    size = os.path.getsize(path)
    if size <= split_bytes:
        return Plan()
    try:
        with open_source(path, fmt, encoding, delimiter) as source:
            kind, enc, delim = source.format, source.encoding or "utf-8", source.delimiter
            if kind == "csv":
                from kamrules.batch.readers.csvfast import read_layout

                layout = read_layout(path, name, enc, delim or ",")
    except InputFileError:
        return Plan()  # the task reading it whole reports the problem, as one machine does
    if kind not in ("csv", "jsonl"):
        return Plan(why=f"{kind.upper()} files are not cut")
    from kamrules.batch.readers import csvscan

    if csvscan.codec_name(enc) not in csvscan.ASCII_SAFE:
        return Plan(why=f"in encoding {enc} a line break is not one byte")
    if kind == "csv":
        if not layout.columnar:  # today's reader reads it: its lines may not be its records
            return Plan(why=layout.why)
        head = layout.data_offset
    else:
        head = 0
    scan = _scan(path, head, size, enc, quoted=kind == "csv", parts=math.ceil((size - head) / split_bytes))
    if scan.why:
        return Plan(why=scan.why)
    bounds = [head, *scan.cuts, size]
    befores = [0, *scan.before]
    return Plan(
        [
            ByteRange(a, b, head, n, kind, enc, delim)
            for a, b, n in zip(bounds[:-1], bounds[1:], befores, strict=True)
            if b > a
        ]
    )


@dataclass
class _Scan:
    cuts: list[int] = field(default_factory=list)  # byte offsets just after a line break
    before: list[int] = field(default_factory=list)  # line breaks from the head to each cut
    why: str = ""


def _scan(path: str, head: int, size: int, encoding: str, *, quoted: bool, parts: int) -> _Scan:
    """Where the data from `head` may be cut into `parts` ranges, each cut just after the first
    line break at or past its target; `why` when a line break does not always end a record."""
    name = codecs.lookup(encoding).name
    decoder = codecs.getincrementaldecoder("utf-8" if name == "utf-8-sig" else name)(errors="strict")
    targets = [head + (size - head) * k // parts for k in range(1, parts)]
    out = _Scan()
    offset = head  # of the chunk in the file
    breaks = 0  # line breaks so far
    quotes = 0  # quotes so far (their parity: inside a quoted cell or not)
    cr_last = False  # the previous chunk ended with a carriage return
    with open(path, "rb") as handle:
        handle.seek(head)
        while True:
            chunk = handle.read(CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                return _Scan(why=f"bytes not valid in encoding {encoding}")
            if not chunk:
                break
            data = np.frombuffer(chunk, dtype=np.uint8)
            lf = np.flatnonzero(data == _LF)
            if not quoted:  # a JSON Lines file: Python's text reader breaks lines at a lone CR
                cr = np.flatnonzero(data == _CR)
                inner = cr[cr < len(data) - 1]
                if (cr_last and data[0] != _LF) or (data[inner + 1] != _LF).any():
                    return _Scan(why="a line break that is a lone carriage return")
                cr_last = bool(len(cr)) and int(cr[-1]) == len(data) - 1
            if quoted and len(lf):
                # A line break inside a quoted cell has an odd number of quotes before it.
                within = np.cumsum(data == _QUOTE)[lf] + quotes
                odd = np.flatnonzero(within % 2)
                if len(odd):
                    line = breaks + int(odd[0]) + 1  # the break's line, counted from the head
                    return _Scan(why=f"a quoted cell holds a line break (data line {line})")
            if quoted:
                quotes += int(np.count_nonzero(data == _QUOTE))
            while targets and len(lf) and targets[0] <= offset + int(lf[-1]):
                k = int(np.searchsorted(lf, targets.pop(0) - offset))
                cut = offset + int(lf[k]) + 1
                if cut < size and (not out.cuts or cut > out.cuts[-1]):
                    out.cuts.append(cut)
                    out.before.append(breaks + k + 1)
            breaks += len(lf)
            offset += len(data)
    if cr_last:
        return _Scan(why="a line break that is a lone carriage return")
    return out


@contextlib.contextmanager
def range_file(path: Path, cut: ByteRange, suffix: str) -> Iterator[Path]:
    """A temporary local file of the file's head and the range's bytes, removed after use."""
    fd, copy = tempfile.mkstemp(prefix="kam-range-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as out, open(path, "rb") as handle:
            out.write(handle.read(cut.head))
            handle.seek(cut.start)
            _copy(handle, out, cut.end - cut.start)
        yield Path(copy)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(copy)


def _copy(source: BinaryIO, target: BinaryIO, length: int) -> None:
    left = length
    while left > 0:
        block = source.read(min(left, CHUNK))
        if not block:
            break
        target.write(block)
        left -= len(block)
