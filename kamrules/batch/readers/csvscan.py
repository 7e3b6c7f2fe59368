"""Whether a CSV file can be read column-wise (by pyarrow) with the same cells as Python's `csv`.

pyarrow's CSV parser and Python's `csv` module agree on a well-formed file; they may part on
an odd one (a quote inside a cell that is not quoted, text after a closing quote, a lone
carriage return, a NUL byte, a cell over Python's 131,072-character limit, bytes that are not
valid in the file's encoding, which Python's reader reports cell by cell). One pass over the
bytes, in numpy, says which kind of file it is; an odd one is read by today's reader.

A quote is well placed when it opens a cell (after a delimiter, a line break, the start of the
data, or the quote closing the cell's previous part: `"a ""b"" c"`) or closes one (before a
delimiter, a line break, the end of the data, or the quote that reopens it).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CHUNK = 4 << 20
FIELD_LIMIT = 131072  # Python's csv.field_size_limit(): a longer cell is an error row there
# Encodings in which a byte below 0x80 is always that ASCII character (delimiters, quotes and
# line breaks are found in the bytes), and that pyarrow reads (transcoding the others).
ASCII_SAFE = {"utf-8", "utf-8-sig", "cp1252", "latin-1", "iso8859-1", "iso8859-15", "ascii"}
_QUOTE, _LF, _CR, _NUL = 34, 10, 13, 0


@dataclass(frozen=True)
class Layout:
    """Where the data of a CSV file starts, and whether it reads column-wise."""

    columns: list[str]  # the header's names, stripped ("" for an unnamed column)
    delimiter: str
    header_lines: int  # physical lines up to and including the header
    data_offset: int  # byte offset of the first data line
    columnar: bool
    why: str = ""  # why not, for the record


def codec_name(encoding: str) -> str:
    return codecs.lookup(encoding).name


def well_formed(path: str | Path, offset: int, encoding: str, delimiter: str) -> str:
    """ "" when the bytes from `offset` read the same in pyarrow and in Python's csv; else why not."""
    name = codec_name(encoding)
    if name not in ASCII_SAFE:
        return f"encoding {encoding}"
    decoder = codecs.getincrementaldecoder("utf-8" if name == "utf-8-sig" else name)(errors="strict")
    delim = ord(delimiter)
    state = _State()
    with open(path, "rb") as handle:
        handle.seek(offset)
        while True:
            chunk = handle.read(CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                return "bytes not valid in the encoding"
            if not chunk:
                break
            why = state.feed(np.frombuffer(chunk, dtype=np.uint8), delim)
            if why:
                return why
    return state.finish()


class _State:
    """The scan's state across chunks: the byte before, the quotes' parity, where the last
    line and the open cell started."""

    def __init__(self) -> None:
        self.offset = 0  # of the current chunk in the data
        self.previous = _LF  # the data starts like a line
        self.open = False  # inside a quoted cell at the chunk's start
        self.cell_start = -1  # where the open quoted cell started
        self.line_start = 0
        self.pending_close = False  # a closing quote ends the chunk: its next byte is unknown
        self.cr_pending = False  # a carriage return ends the chunk

    def feed(self, data: np.ndarray, delim: int) -> str:
        n = len(data)
        if not n:
            return ""
        if (data == _NUL).any():
            return "a NUL byte"
        if self.cr_pending and data[0] != _LF:
            return "a line break that is a lone carriage return"
        cr = np.flatnonzero(data == _CR)
        self.cr_pending = bool(len(cr)) and int(cr[-1]) == n - 1  # its LF, if any, is in the next chunk
        if len(cr):
            following = data[np.minimum(cr + 1, n - 1)]
            lone = following != _LF
            if self.cr_pending:
                lone[-1] = False
            if lone.any():
                return "a line break that is a lone carriage return"
        quotes = np.flatnonzero(data == _QUOTE)
        # The bytes around each quote only (not shifted copies of the chunk: memory stays small).
        q_before = np.where(quotes > 0, data[np.maximum(quotes - 1, 0)], self.previous).astype(np.int64)
        q_after = np.where(quotes < n - 1, data[np.minimum(quotes + 1, n - 1)], -1).astype(np.int64)
        opening = (np.arange(len(quotes)) % 2 == 0) != self.open  # even ordinals open a cell
        if self.pending_close and int(data[0]) not in (delim, _LF, _CR, _QUOTE):
            return "text after a closing quote"
        self.pending_close = False
        ok_open = np.isin(q_before, (delim, _LF, _CR, _QUOTE))
        ok_close = np.isin(q_after, (delim, _LF, _CR, _QUOTE, -1))
        if (opening & ~ok_open).any():
            return "a quote inside a cell that is not quoted"
        if (~opening & ~ok_close).any():
            return "text after a closing quote"
        # A closing quote ends the chunk: what follows it is judged with the next chunk.
        self.pending_close = bool(len(quotes)) and not opening[-1] and int(quotes[-1]) == n - 1
        # The longest quoted cell: from a quote opening it (not reopening it after "") to the
        # quote closing it (not followed by another).
        true_open = quotes[opening & (q_before != _QUOTE)] + self.offset
        true_close = quotes[~opening & (q_after != _QUOTE)] + self.offset
        if self.open and self.cell_start >= 0:
            true_open = np.concatenate(([self.cell_start], true_open))
        pairs = min(len(true_open), len(true_close))
        if pairs and int((true_close[:pairs] - true_open[:pairs]).max()) > FIELD_LIMIT - 2:
            return "a cell longer than Python's csv reader takes"
        if len(true_open) > pairs:
            self.cell_start = int(true_open[-1])
        else:
            self.cell_start = -1
        self.open = bool(len(quotes) % 2) != self.open
        lines = np.flatnonzero(data == _LF) + self.offset
        if len(lines):
            starts = np.concatenate(([self.line_start], lines[:-1] + 1))
            if int((lines - starts).max()) > FIELD_LIMIT - 2:
                return "a line longer than Python's csv reader takes"
            self.line_start = int(lines[-1]) + 1
        self.previous = int(data[-1])
        self.offset += n
        return ""

    def finish(self) -> str:
        if self.cr_pending:
            return "a line break that is a lone carriage return"
        if self.open:
            return "a quoted cell left open at the end of the file"
        if self.offset - self.line_start > FIELD_LIMIT - 2:
            return "a line longer than Python's csv reader takes"
        return ""
