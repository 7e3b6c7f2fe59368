"""The facts of many accounts, one column per fact, as the batch engine reads and writes them.

Numbers and dates are float64 arrays (dates as day ordinals), NaN where the fact is missing;
texts and choices are codes into a list of distinct values (-1 where missing); true/false is
-1/0/1; lists and mappings stay Arrow arrays (null where missing); a group of facts (`business`)
is its presence and the number of its facts given. `py(row)` gives one row's value as
`account_values` holds it, for the few rows that stand for a whole class of accounts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kamrules.batch.cells import plain

ORDINAL_1970 = dt.date(1970, 1, 1).toordinal()


class Column:
    """One fact over the frame's rows."""

    def present(self) -> np.ndarray:
        raise NotImplementedError

    def count(self) -> np.ndarray:
        """The number of items (0 when missing), as `len(value)` would say."""
        raise NotImplementedError

    def py(self, row: int) -> Any:
        raise NotImplementedError

    def take(self, rows: np.ndarray) -> Column:
        raise NotImplementedError


@dataclass
class Num(Column):
    x: np.ndarray
    date: bool = False

    def present(self) -> np.ndarray:
        given: np.ndarray = ~np.isnan(self.x)
        return given

    def py(self, row: int) -> Any:
        v = self.x[row]
        if np.isnan(v):
            return None
        return dt.date.fromordinal(int(v)) if self.date else float(v)

    def take(self, rows: np.ndarray) -> Column:
        return Num(self.x[rows], self.date)

    def py_of(self, v: float) -> Any:
        """A value of this column as Python holds it (a date for a date column)."""
        return dt.date.fromordinal(int(v)) if self.date else float(v)


@dataclass
class Text(Column):
    codes: np.ndarray  # int32, -1 missing
    values: list[str]

    def present(self) -> np.ndarray:
        return self.codes >= 0

    def py(self, row: int) -> Any:
        c = int(self.codes[row])
        return None if c < 0 else self.values[c]

    def take(self, rows: np.ndarray) -> Column:
        return Text(self.codes[rows], self.values)

    def to_arrow(self) -> pa.Array:
        valid = self.codes >= 0
        codes = pa.array(np.where(valid, self.codes, 0).astype(np.int32), mask=~valid)
        return pa.DictionaryArray.from_arrays(codes, pa.array(self.values or [""], pa.string())).cast(pa.string())


@dataclass
class Bool(Column):
    v: np.ndarray  # int8: -1 missing, 0, 1

    def present(self) -> np.ndarray:
        return self.v >= 0

    def py(self, row: int) -> Any:
        v = int(self.v[row])
        return None if v < 0 else bool(v)

    def take(self, rows: np.ndarray) -> Column:
        return Bool(self.v[rows])


@dataclass
class Lst(Column):
    """A list or a mapping per row (an Arrow list or map array)."""

    arr: pa.Array
    mapping: bool = False  # a list of (key, value) entries standing for a mapping
    _valid: np.ndarray | None = field(default=None, repr=False)

    def present(self) -> np.ndarray:
        if self._valid is None:
            self._valid = np.asarray(self.arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        return self._valid

    def count(self) -> np.ndarray:
        lengths = pc.fill_null(pc.list_value_length(self.arr), 0)
        return np.asarray(lengths.to_numpy(zero_copy_only=False), dtype=np.float64)

    def has(self, item: str) -> np.ndarray:
        """Whether each row's list holds `item` (a mapping: has it as a key)."""
        n = len(self.arr)
        kind = self.arr.type
        if self.mapping:
            flat, parents = pc.list_flatten(self.arr).field(0), pc.list_parent_indices(self.arr)
        elif pa.types.is_string(kind.value_type):
            flat, parents = pc.list_flatten(self.arr), pc.list_parent_indices(self.arr)
        else:
            return np.zeros(n, dtype=bool)
        hit = np.asarray(pc.fill_null(pc.equal(flat, item), False).to_numpy(zero_copy_only=False), dtype=bool)
        return np.bincount(parents.to_numpy()[hit], minlength=n) > 0

    def py(self, row: int) -> Any:
        value = self.arr[row].as_py()
        if value is None:
            return None
        if self.mapping:
            return {e["key"]: plain(e["value"]) for e in value}
        return plain(value)

    def take(self, rows: np.ndarray) -> Column:
        return Lst(self.arr.take(pa.array(rows)), self.mapping)


@dataclass
class Group(Column):
    """A group of account facts (`business`): given when the account gave any of it."""

    given: np.ndarray
    members: dict[str, Column]

    def present(self) -> np.ndarray:
        return self.given

    def count(self) -> np.ndarray:
        total = np.zeros(len(self.given), dtype=np.float64)
        for column in self.members.values():
            total += column.present()
        return total

    def py(self, row: int) -> Any:
        if not self.given[row]:
            return None
        out = {}
        for name, column in self.members.items():
            value = column.py(row)
            if value is not None:
                out[name.rpartition(".")[2]] = value
        return out

    def take(self, rows: np.ndarray) -> Column:
        return Group(self.given[rows], {k: c.take(rows) for k, c in self.members.items()})


def count_of(column: Column) -> np.ndarray:
    """`len(value)` where given, 0 where missing (a scalar counts as 1, as `eval_prim` says)."""
    if isinstance(column, (Lst, Group)):
        return column.count()
    if isinstance(column, Text):
        lengths = np.array([len(v) for v in column.values] or [0], dtype=np.float64)
        return np.where(column.codes >= 0, lengths[np.maximum(column.codes, 0)], 0.0)
    return column.present().astype(np.float64)


def text_column(array: pa.Array) -> Text:
    encoded = pc.dictionary_encode(array)
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    codes = np.where(np.asarray(encoded.indices.is_valid().to_numpy(zero_copy_only=False), dtype=bool), codes, -1)
    return Text(np.nan_to_num(codes, nan=-1).astype(np.int32), encoded.dictionary.to_pylist())


def number_column(array: pa.Array) -> Num:
    return Num(np.asarray(array.to_numpy(zero_copy_only=False), dtype=np.float64))


def date_column(array: pa.Array) -> Num:
    days = pc.cast(array, pa.int32()).to_numpy(zero_copy_only=False)
    return Num(np.asarray(days, dtype=np.float64) + ORDINAL_1970, date=True)


def bool_column(array: pa.Array) -> Bool:
    valid = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    values = np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)
    return Bool(np.where(valid, values.astype(np.int8), np.int8(-1)).astype(np.int8))


@dataclass
class Frame:
    """Every fact of `n` accounts, by dotted path; derived facts are added stage by stage."""

    n: int
    as_of: dt.date
    columns: dict[str, Column]

    def get(self, name: str) -> Column:
        if name == "as_of":
            return Num(np.full(self.n, float(self.as_of.toordinal())), date=True)
        column = self.columns.get(name)
        if column is None:
            return Num(np.full(self.n, np.nan))  # a fact nobody gave or decided
        return column

    def py(self, name: str, row: int) -> Any:
        if name == "as_of":
            return self.as_of
        column = self.columns.get(name)
        return None if column is None else column.py(row)
