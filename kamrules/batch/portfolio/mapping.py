"""A batch's cells as account facts, column-wise: the column map applied, the plan taken apart.

What `kamrules.portfolio.prepare.prepare` does to one row, done to a column at a time for the
rows it is sure of: each column renamed to the fact its map names (a column the map leaves out
kept, ignored or refused as `unmapped:` says; of two columns naming one fact, the later one),
the CRM's picklist values translated, and the
portfolio's own columns (`plan.exists`, `plan.reviewed`) read apart from the account's facts;
numbers, dates and lists read in the file's formats (`cellread`).

A row whose cells this cannot vouch for is left in doubt, and `prepare` judges it: a refused
column filled, a translated value that is not a plain text, a cell a column-wise regular
expression could read otherwise than Python's (non-ASCII characters where a decimal comma is
read), a group of facts given as one cell, a plan cell that is neither yes/no nor an ISO date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kamrules.batch.frame import ORDINAL_1970
from kamrules.batch.leaves import Leaf, account_groups
from kamrules.batch.portfolio.cellread import percent_cells, read_formats
from kamrules.batch.portfolio.legacy import ColumnMap
from kamrules.batch.readers.batch import InputBatch
from kamrules.batch.validate import _check_date, _mask, _texts
from kamrules.io.rows import cell_value
from kamrules.model.cellkinds import member_field

PLAN_EXISTS, PLAN_REVIEWED = "plan.exists", "plan.reviewed"
# kamrules.portfolio.prepare's words for a plan recorded or not (CRM checkboxes, Italian).
_YES = ("yes", "y", "true", "1", "si", "sì", "x")
_NO = ("no", "n", "false", "0")
_DATE_LEAF = Leaf(PLAN_REVIEWED, "date", None)


@dataclass
class Mapped:
    """A batch as the account facts' columns, its plan columns, and the rows in doubt."""

    accounts: pa.Table  # dotted fact paths
    plan_exists: np.ndarray  # int8: -1 not given, 0, 1
    plan_reviewed: np.ndarray  # float64 day ordinals, NaN not given
    doubt: np.ndarray


def map_batch(batch: InputBatch, colmap: ColumnMap) -> Mapped:
    n = batch.n
    doubt = batch.doubtful()
    targets: dict[str, pa.Array] = {}
    for name, column in zip(batch.table.column_names, batch.table.columns, strict=True):
        array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        if not batch.tabular:
            targets[name] = array
            continue
        target = colmap.columns.get(name)
        if target is None:
            if colmap.unmapped == "ignore":
                continue
            if colmap.unmapped == "error":
                doubt |= _filled(array)  # refused: prepare says which columns
                continue
            target = name
        array, odd = read_column(array, target, colmap, name)
        doubt |= odd
        targets[target] = array  # the later of two columns for one fact wins, as in ColumnMap.apply
    groups = {*account_groups(), "plan"}
    accounts: dict[str, pa.Array] = {}
    plan: dict[str, pa.Array] = {}
    for target, array in targets.items():
        if target in (PLAN_EXISTS, PLAN_REVIEWED):
            plan[target] = array
        elif target in groups or target.startswith("plan."):
            doubt |= _filled(array)  # a group given as one cell, a plan field prepare refuses
        else:
            accounts[target] = array
    exists, odd = _plan_exists(plan.get(PLAN_EXISTS), n)
    doubt |= odd
    reviewed, odd = _plan_reviewed(plan.get(PLAN_REVIEWED), n)
    doubt |= odd
    table = pa.table(accounts) if accounts else pa.table({"id": pa.nulls(n, pa.string())})
    return Mapped(table, exists, reviewed, doubt)


def _filled(array: pa.Array) -> np.ndarray:
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return _mask(pc.is_valid(_texts(array.cast(pa.string())).values))
    return _mask(pc.is_valid(array))


def _is_text(array: pa.Array) -> bool:
    return bool(pa.types.is_string(array.type) or pa.types.is_large_string(array.type))


def read_column(array: pa.Array, target: str, colmap: ColumnMap, column: str = "") -> tuple[pa.Array, np.ndarray]:
    """A column's cells as the fact `target` reads them: the map's value translation, a percent
    column's `%`, the file's number and date formats and lists (`kamrules.batch.portfolio.
    cellread`) applied, and the rows in doubt. Every reader's cells pass here (the CSV reader's
    texts, Parquet's, today's row readers' cells)."""
    n = len(array)
    doubt = np.zeros(n, dtype=bool)
    translate = colmap.values.get(target)
    if translate is None and "." in target and member_field(target) is not None:
        return array, _filled(array)  # a member's field in its own column: prepare reads it
    done = np.zeros(n, dtype=bool)
    if translate and _is_text(array):
        texts = _texts(array.cast(pa.string()))
        value = texts.values  # as cell_value reads it (stripped, blank as null)
        doubt |= texts.odd  # an end Python strips and Arrow does not: prepare reads it
        keys = [k for k in translate if isinstance(k, str)]
        at = pc.index_in(value, value_set=pa.array(keys, pa.string()))
        hit = _mask(pc.is_valid(at))
        hit &= ~texts.structured  # cell_value made it a list or a mapping: not translated
        if hit.any():
            plain = [translate[k] if _plain_text(translate[k]) else None for k in keys]
            fine = np.array([p is not None for p in plain], dtype=bool)
            codes = np.asarray(pc.fill_null(at, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
            doubt |= hit & ~fine[codes]
            replaced = pa.array(plain, pa.string()).take(pa.array(codes))
            array = pc.if_else(pa.array(hit), replaced, array.cast(pa.string()))
            done |= hit
    if column in colmap.percent:
        marked, odd = percent_cells(array)
        array = pc.if_else(pa.array(done), array, marked) if done.any() else marked
        doubt |= odd & ~done
    read, odd = read_formats(array, target, colmap.formats)
    return read, doubt | odd


def _plain_text(value: Any) -> bool:
    """A translated value the batch engine reads as prepare reads it: a text cell_value keeps."""
    return isinstance(value, str) and cell_value(value) == value and not re.search(r"^\s|\s$", value)


def _plan_exists(array: pa.Array | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    out = np.full(n, -1, dtype=np.int8)
    doubt = np.zeros(n, dtype=bool)
    if array is None or pa.types.is_null(array.type):
        return out, doubt
    if pa.types.is_boolean(array.type):
        valid = _mask(pc.is_valid(array))
        out[valid] = _mask(array)[valid].astype(np.int8)
        return out, doubt
    if not _is_text(array):
        return out, _filled(array)
    texts = _texts(array.cast(pa.string()))
    lower = pc.utf8_lower(texts.values)
    yes = _mask(pc.is_in(lower, value_set=pa.array(_YES, pa.string())))
    no = _mask(pc.is_in(lower, value_set=pa.array(_NO, pa.string())))
    given = _mask(pc.is_valid(texts.values))
    out[yes] = 1
    out[no] = 0
    doubt |= texts.odd | (given & ~yes & ~no) | (given & ~_mask(pc.string_is_ascii(texts.values)) & ~yes)
    return out, doubt


def _plan_reviewed(array: pa.Array | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    out = np.full(n, np.nan)
    if array is None or pa.types.is_null(array.type):
        return out, np.zeros(n, dtype=bool)
    values, bad = _check_date(_DATE_LEAF, array.cast(pa.string()) if pa.types.is_large_string(array.type) else array)
    days = pc.cast(values, pa.int32()).to_numpy(zero_copy_only=False)
    valid = _mask(pc.is_valid(values))
    out[valid] = np.asarray(days, dtype=np.float64)[valid] + ORDINAL_1970
    return out, bad
