"""Parquet portfolios (new): record batches straight from the file, cells read as a CSV cell.

The columns are the facts' dotted paths, or the names a column map names (a struct column named
after a group of facts, `business`, stands for its fields). Texts are read as `kam portfolio`
reads a CSV cell; numbers, dates, timestamps at midnight, lists and maps as they are
(docs/contract.md §11). A record's row number is its position in the file, from 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

from kamrules import codes
from kamrules.batch.leaves import account_groups
from kamrules.batch.readers.batch import InputBatch
from kamrules.errors import InputFileError, Location, Problem

MAGIC = b"PAR1"
SUFFIXES = (".parquet", ".parq", ".pq")


def is_parquet(path: Path) -> bool:
    """A Parquet file, by its name or its first bytes."""
    if path.suffix.lower() in SUFFIXES:
        return True
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == MAGIC
    except OSError:
        return False


def parquet_batches(path: Path, name: str, size: int) -> Iterator[InputBatch]:
    """The file's rows in batches of at most `size` rows."""
    import pyarrow.parquet as pq

    try:
        handle = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        reason = str(exc) or type(exc).__name__
        raise InputFileError(
            "", [Problem(codes.BAD_PARQUET, f"is not a readable Parquet file ({reason})", Location(name))]
        ) from None
    first = 0
    for batch in handle.iter_batches(batch_size=size):
        table = flat_groups(pa.Table.from_batches([batch]))
        n = table.num_rows
        rows = np.arange(first + 1, first + n + 1, dtype=np.int64)
        yield InputBatch(table, first, rows, np.full(n, -1, dtype=np.int64), True)
        first += n


def flat_groups(table: pa.Table) -> pa.Table:
    """Struct columns named after a group of facts (or `plan`) as one column per field."""
    groups = {*account_groups(), "plan"}
    names: list[str] = []
    columns: list[pa.ChunkedArray] = []
    for column_name, column in zip(table.column_names, table.columns, strict=True):
        if column_name in groups and pa.types.is_struct(column.type):
            for k in range(column.type.num_fields):
                field = column.type.field(k)
                names.append(f"{column_name}.{field.name}")
                columns.append(pa.chunked_array([chunk.field(k) for chunk in column.chunks], field.type))
        else:
            names.append(column_name)
            columns.append(column)
    return pa.table(columns, names=names)
