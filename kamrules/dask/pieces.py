"""The pieces of a portfolio a task reads, on the worker: a Dask DataFrame's partition, a file
(read by kamrules' own readers, as `kam portfolio` reads it), or some row groups of a Parquet
file. Each gives its rows as the batch engine's `InputBatch`es, numbered from `first` (the index
of the piece's first row in the whole portfolio): the first pass reads a piece from 0 (its offset
is known only once every piece has been counted) and the reduction shifts it.

A file piece names its file by an fsspec URL or a local path: a local file is read where it is,
any other is copied to the worker's temporary folder first (kamrules' readers read local files;
a Parquet piece reads its row groups through the filesystem directly).
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from kamrules.batch.readers import BATCH_ROWS
from kamrules.batch.readers.batch import InputBatch
from kamrules.dask.split import ByteRange, range_file


@dataclass(frozen=True)
class FilePiece:
    """A file of the input (or `row_groups` of a Parquet file, starting at its row `start`)."""

    url: str
    name: str  # as error rows name it
    fmt: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    row_groups: tuple[int, ...] | None = None  # Parquet only: None is the whole file
    start: int = 0  # Parquet: the file's records before the first row group (row numbers follow)
    rows: int | None = None  # known in advance (Parquet), else counted by the first pass
    cut: ByteRange | None = None  # a range of a large CSV or JSON Lines file (kamrules.dask.split)
    uncut: str = ""  # why a large file is read whole, by one task (said on standard error)

    @property
    def first_of_file(self) -> bool:
        """Whether this is its file's first piece (a file's formats and notes are its first's)."""
        if self.cut is not None:
            return self.cut.first_of_file
        return self.row_groups is None or self.start == 0


def file_count(pieces: list[FilePiece]) -> int:
    """How many files the pieces are of."""
    return sum(1 for p in pieces if p.first_of_file)


def frame_batches(frame: Any, first: int, size: int = BATCH_ROWS) -> Iterator[InputBatch]:
    """A pandas partition's rows, numbered across the frame from `first` (row number: index + 1)."""
    from kamrules.batch.readers.parquet import flat_groups

    table = flat_groups(_arrow(frame))
    for start in range(0, table.num_rows, size):
        part = table.slice(start, size)
        n = part.num_rows
        rows = np.arange(first + start + 1, first + start + n + 1, dtype=np.int64)
        yield InputBatch(part, first + start, rows, np.full(n, -1, dtype=np.int64), True)


def _arrow(frame: Any) -> pa.Table:
    """The partition as an Arrow table; a column Arrow cannot type (objects of mixed kinds) as
    text cells, which are then read as a CSV cell is read."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    columns = []
    for name in frame.columns:
        series = frame[name]
        try:
            columns.append(pa.array(series, from_pandas=True))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            cells = [None if _missing(v) else str(v) for v in series.tolist()]
            columns.append(pa.array(cells, pa.string()))
    return pa.table(columns, names=[str(c) for c in frame.columns])


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def file_batches(piece: FilePiece, first: int, size: int = BATCH_ROWS) -> Iterator[InputBatch]:
    """The piece's rows as kamrules' readers give them, data-row indexes from `first`."""
    if piece.row_groups is not None:
        yield from _row_groups(piece, first, size)
        return
    from kamrules.batch.readers import open_batches

    if piece.cut is not None:
        yield from _range_batches(piece, piece.cut, first, size)
        return
    with (
        local_file(piece.url) as path,
        open_batches(path, piece.fmt, piece.encoding, piece.delimiter, size=size) as src,
    ):
        for batch in src.batches():
            batch.first += first
            yield batch


def _range_batches(piece: FilePiece, cut: ByteRange, first: int, size: int) -> Iterator[InputBatch]:
    """A range's rows, read in the whole file's format, encoding and delimiter, numbered as in
    the whole file: every line break before the range ends a record (`split.plan` saw to it),
    so its rows' numbers and lines follow them by `cut.lines_before`. The column-wise CSV
    reader numbers its rows from the header's line, which is moved down by as much (its
    messages then name the rows by their numbers in the whole file); the others' rows are
    renumbered as they come."""
    import dataclasses

    from kamrules.batch.readers import open_batches

    shift = cut.lines_before
    with (
        local_file(piece.url) as whole,
        range_file(whole, cut, whole.suffix) as path,
        open_batches(path, cut.fmt, cut.encoding, cut.delimiter, size=size) as src,
    ):
        layout = src.layout
        if layout is not None and layout.columnar:
            moved = dataclasses.replace(layout, header_lines=layout.header_lines + shift)
            for batch in dataclasses.replace(src, layout=moved).batches():
                batch.first += first
                yield batch
            return
        for batch in src.batches():
            batch.first += first
            yield _renumbered(batch, shift)


def _renumbered(batch: InputBatch, shift: int) -> InputBatch:
    """A batch of a range read by a row reader (JSON Lines), its rows numbered in the whole
    file (their messages do not name them by number)."""
    batch.rows = batch.rows + shift
    batch.lines = np.where(batch.lines >= 0, batch.lines + shift, batch.lines)
    for raw in [*batch.known.values(), *(batch.raws or ())]:
        raw.row += shift
        if raw.line is not None:
            raw.line += shift
    return batch


def _row_groups(piece: FilePiece, first: int, size: int) -> Iterator[InputBatch]:
    import fsspec
    import pyarrow.parquet as pq

    from kamrules.batch.readers.parquet import flat_groups

    fs, path = fsspec.core.url_to_fs(piece.url)
    done = 0
    with fs.open(path, "rb") as handle:
        source = pq.ParquetFile(handle)
        for batch in source.iter_batches(batch_size=size, row_groups=list(piece.row_groups or ())):
            table = flat_groups(pa.Table.from_batches([batch]))
            n = table.num_rows
            start = piece.start + done  # records before this batch in the file
            rows = np.arange(start + 1, start + n + 1, dtype=np.int64)
            yield InputBatch(table, first + done, rows, np.full(n, -1, dtype=np.int64), True)
            done += n


@contextlib.contextmanager
def local_file(url: str) -> Iterator[Path]:
    """A local path to the file `url` names: itself, or a copy in the temporary folder."""
    import fsspec

    fs, path = fsspec.core.url_to_fs(url)
    if "file" in _protocols(fs):
        yield Path(path)
        return
    suffix = Path(path).suffix
    fd, copy = tempfile.mkstemp(prefix="kam-piece-", suffix=suffix)
    os.close(fd)
    try:
        fs.get(path, copy)
        yield Path(copy)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(copy)


def _protocols(fs: Any) -> tuple[str, ...]:
    protocol = fs.protocol
    return (protocol,) if isinstance(protocol, str) else tuple(protocol)
