"""A batch's output rows in input order: the advised rows' columns and the error rows' cells
(`kamrules.portfolio.flatten.error_cells`), laid out in today's columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from kamrules.batch.portfolio import legacy
from kamrules.batch.readers.batch import InputBatch

if TYPE_CHECKING:
    from kamrules.batch.portfolio.steps import ErrorRow


def assemble(
    schema: pa.Schema,
    batch: InputBatch,
    advised_rows: np.ndarray,
    keep: np.ndarray,
    cells: dict[str, pa.Array],
    errors: dict[int, ErrorRow],
) -> tuple[pa.RecordBatch, pa.Table]:
    """The batch's output (`schema`'s columns) and the advised rows alone.

    `cells` holds a column per output column for the valid rows, of which `keep` are advised
    (the others are the later rows of an id given twice), at `advised_rows` in the batch."""
    n = batch.n
    m = len(advised_rows)
    chosen = pa.array(np.flatnonzero(keep))
    error_rows = np.array(sorted(errors), dtype=np.int64)
    index = np.empty(n, dtype=np.int64)  # each row's place among the advised then the error rows
    index[advised_rows] = np.arange(m)
    index[error_rows] = m + np.arange(len(error_rows))
    take = pa.array(index)
    error_cells = [
        legacy.flatten.error_cells(e.row, e.ident, e.name, [(p.column, p.text()) for p in e.problems])
        for e in (errors[int(k)] for k in error_rows)
    ]
    fixed = {
        "row": pa.array(batch.rows[advised_rows], pa.int64()),
        "status": pa.array(np.full(m, "ok", dtype=object), pa.string()),
    }
    columns: list[pa.Array] = []
    advised: list[pa.Array] = []
    for f in schema:
        if f.name in fixed:
            own = fixed[f.name]
        elif f.name in cells:
            own = cells[f.name].take(chosen) if len(chosen) != len(cells[f.name]) else cells[f.name]
            own = own if own.type == f.type else own.cast(f.type)
        else:
            own = pa.nulls(m, f.type)
        advised.append(own)
        if not len(error_rows):
            columns.append(own)
            continue
        theirs = pa.array([c.get(f.name) for c in error_cells], f.type)
        columns.append(pa.concat_arrays([own, theirs]).take(take))
    return pa.RecordBatch.from_arrays(columns, schema=schema), pa.Table.from_arrays(advised, schema=schema)
