"""Batches from today's row readers (XLSX, YAML and JSON, JSON Lines, and CSV files the
column-wise reader leaves to Python's `csv`): each `RawRow` laid out in columns.

A cell goes into its column when the batch engine reads it there exactly as today's path reads
it: a text that `cell_value` leaves as it is, a number, a date, a true/false, a list or a mapping
Arrow can hold in the column's type. Anything else (a text a CSV cell would read otherwise, such
as `""` or `"[draft]"` in a JSON file; a date and time; a column whose values Arrow cannot hold
in one type) leaves its row in doubt: that row is judged by today's code, from its `RawRow`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np
import pyarrow as pa

from kamrules.batch.leaves import account_groups, account_leaves
from kamrules.batch.readers.batch import InputBatch
from kamrules.io.rows import RawRow, cell_value

# Groups of a structured account laid out as dotted columns: the account's own, and the plan.
_PLAN = "plan"


def row_batches(rows: Iterable[RawRow], size: int) -> Iterator[InputBatch]:
    """`rows` (from one of today's readers) in batches of at most `size` rows."""
    chunk: list[RawRow] = []
    for raw in rows:
        chunk.append(raw)
        if len(chunk) >= size:
            yield batch_of(chunk)
            chunk = []
    if chunk:
        yield batch_of(chunk)


def batch_of(raws: list[RawRow]) -> InputBatch:
    """One batch from consecutive rows of one reader."""
    n = len(raws)
    tabular = any(raw.cells is not None for raw in raws) or not any(raw.data is not None for raw in raws)
    flat: list[dict[str, Any] | None] = []
    for raw in raws:
        if raw.problems:
            flat.append(None)  # judged from its RawRow, problems and all
        elif tabular:
            flat.append(dict(raw.cells or {}))
        else:
            flat.append(_flatten(raw.data))
    names: dict[str, None] = {}
    for cells in flat:
        if cells is not None:
            names.update(dict.fromkeys(cells))
    doubt = np.array([cells is None for cells in flat], dtype=bool)  # not laid out: judged by today's code
    columns: dict[str, pa.Array] = {}
    for name in names:
        values = [None if cells is None else cells.get(name) for cells in flat]
        columns[name], odd = _column(name, values, tabular)
        doubt |= odd
    table = pa.table(columns) if columns else pa.table({"__empty": pa.nulls(n)}).drop(["__empty"])
    first = raws[0].index
    rows = np.array([raw.row for raw in raws], dtype=np.int64)
    lines = np.array([-1 if raw.line is None else raw.line for raw in raws], dtype=np.int64)
    return InputBatch(table, first, rows, lines, tabular, {}, doubt, list(raws))


def _flatten(data: Any) -> dict[str, Any] | None:
    """A structured account's facts as dotted columns (`business.revenue`); None when it is not
    a mapping, or holds a group that is not one (today's code tells what is wrong)."""
    if not isinstance(data, Mapping):
        return None
    groups = {*account_groups(), _PLAN}
    out: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str) or "." in key:
            return None
        if key in groups:
            if value is None:
                continue
            if not isinstance(value, Mapping) or not all(isinstance(k, str) and "." not in k for k in value):
                return None
            for inner, v in value.items():
                out[f"{key}.{inner}"] = v
        else:
            out[key] = value
    return out


def _stable(value: Any, tabular: bool) -> bool:
    """Whether the batch engine, reading `value` as a cell, reads what today's path reads."""
    if value is None or isinstance(value, (bool, int, float)):
        return not (isinstance(value, float) and math.isnan(value))  # NaN: left to today's code
    if isinstance(value, str):
        # Tabular cells went through cell_value already (reading them again changes nothing);
        # a structured text is taken as it is by today's path, and only a plain text is read
        # the same as a cell.
        return tabular or cell_value(value) == value
    if isinstance(value, dt.datetime):
        return False
    return isinstance(value, (dt.date, list, Mapping))


def _column(name: str, values: list[Any], tabular: bool) -> tuple[pa.Array, np.ndarray]:
    """The column of `name`, and the rows whose value it could not hold as it is."""
    odd = np.array([not _stable(v, tabular) for v in values], dtype=bool)
    kept = [None if o else v for v, o in zip(values, odd, strict=True)]
    leaf = account_leaves().get(name)
    try:
        if leaf is not None and leaf.kind == "mapping" and all(v is None or isinstance(v, Mapping) for v in kept):
            items = [None if v is None else list(v.items()) for v in kept]
            inferred = pa.array([x for v in kept if v for x in v.values()])
            return pa.array(items, type=pa.map_(pa.string(), inferred.type)), odd
        return pa.array(kept), odd
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError, ValueError, OverflowError):
        pass
    # Values of several types: each type's rows are in doubt but the texts' (the commonest).
    texts = [isinstance(v, str) for v in kept]
    odd |= np.array([v is not None and not t for v, t in zip(kept, texts, strict=True)], dtype=bool)
    return pa.array([v if t else None for v, t in zip(kept, texts, strict=True)], pa.string()), odd
