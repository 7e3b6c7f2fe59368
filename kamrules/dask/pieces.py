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

    with (
        local_file(piece.url) as path,
        open_batches(path, piece.fmt, piece.encoding, piece.delimiter, size=size) as src,
    ):
        for batch in src.batches():
            batch.first += first
            yield batch


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
