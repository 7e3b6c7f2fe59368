"""A file's number and date formats, decided from its batches as `ColumnMap.read_in_formats_of`
decides them from its rows (`kamrules.model.cellformats`), column-wise for the cells that are
plain.

`Detection.observe` looks at every text cell of a number or date column, row by row, and counts
the cells that prove a decimal mark or a date order, and those that are ambiguous, each with the
first it met (row, column, text) for the notes. Here the plain cells are counted by regular
expressions, a column at a time: a whole number proves nothing; `12.5`, `-0.25`, `7.5%` prove
the decimal point (unless a thousands separator is forced: then nothing is decided here); `1.200`
is ambiguous. An ISO date, or any text no d/m/y pattern can match, says nothing of the order.
Every other text cell (commas, currency, spaces, `01/03/2020`, non-ASCII characters) is looked
at by `Detection.observe` itself, as is every row a reader read one by one. The first cell of
each count is the earliest in the file's order (rows, then the columns as the map lays them
out), whichever way it was counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kamrules.batch.portfolio.legacy import ColumnMap
from kamrules.batch.readers.batch import InputBatch
from kamrules.batch.validate import _mask, _texts
from kamrules.io.rows import cell_value
from kamrules.model.cellformats import Detection, Forced, Seen, decide
from kamrules.model.cellkinds import path_kind

WHOLE = r"^[-+]?[0-9]+%?$"
POINT = r"^[-+]?[0-9]+\.[0-9]+%?$"
AMBIGUOUS = r"^[-+]?[1-9][0-9]{0,2}\.[0-9]{3}%?$"
# Texts read_date might read as a d/m/y date (its own patterns decide): all others are inert.
DATE_LIKE = r"^[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-]|^[0-9]{4}[/.][0-9]{1,2}[/.][0-9]{1,2}$|[^\x00-\x7f]"

Key = tuple[int, int]  # (data row index, column position): the file's order of cells


@dataclass
class _Counts:
    """Cells counted column-wise: per kind of evidence, how many and the earliest."""

    count: dict[str, int] = field(default_factory=dict)
    first: dict[str, tuple[Key, int, str, str]] = field(default_factory=dict)

    def add(self, what: str, hits: np.ndarray, batch: InputBatch, position: int, column: str, texts: pa.Array) -> None:
        found = np.flatnonzero(hits)
        if not len(found):
            return
        self.count[what] = self.count.get(what, 0) + len(found)
        k = int(found[0])
        key = (batch.first + k, position)
        if what not in self.first or key < self.first[what][0]:
            self.first[what] = (key, int(batch.rows[k]), column, str(texts[k].as_py()))


def mapped_columns(batch: InputBatch, colmap: ColumnMap) -> dict[str, tuple[int, str, pa.Array]]:
    """Fact -> (position, source column, cells) as `ColumnMap.apply` lays a row out: of two
    columns for one fact the later's cells, at the earlier's place."""
    out: dict[str, tuple[int, str, pa.Array]] = {}
    for position, (name, column) in enumerate(zip(batch.table.column_names, batch.table.columns, strict=True)):
        target = colmap.columns.get(name)
        if target is None:
            if colmap.unmapped != "keep":
                continue
            target = name
        array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        place = out[target][0] if target in out else position
        out[target] = (place, name, array)
    return out


def detect(batches: Iterable[InputBatch], colmap: ColumnMap, forced: Forced, delimiter: str | None) -> ColumnMap:
    """`colmap` with the formats of the file whose `batches` these are decided."""
    detection = Detection()
    counts = _Counts()
    odd: list[tuple[Key, Callable[[Detection], None]]] = []
    if forced.decimal_mark() is None or forced.dates is None:
        for batch in batches:
            if batch.tabular:
                _observe(batch, colmap, forced, counts, odd)
    odd.sort(key=lambda item: item[0])
    keys: dict[int, Key] = {}
    for key, observe in odd:
        before = _firsts(detection)
        observe(detection)
        for seen in _seens(detection):
            if before.get(id(seen)) is None and seen.first is not None:
                keys[id(seen)] = key
    _merge(detection, counts, keys)
    return replace(colmap, formats=decide(detection, forced, delimiter))


def _seens(detection: Detection) -> list[Seen]:
    return [
        *detection.numbers.values(),
        detection.ambiguous_numbers,
        *detection.dates.values(),
        detection.ambiguous_dates,
    ]


def _firsts(detection: Detection) -> dict[int, object]:
    return {id(seen): seen.first for seen in _seens(detection)}


def _merge(detection: Detection, counts: _Counts, keys: dict[int, Key]) -> None:
    targets = {".": detection.numbers["."], "ambiguous": detection.ambiguous_numbers}
    for what, seen in targets.items():
        n = counts.count.get(what, 0)
        if not n:
            continue
        key, row, column, text = counts.first[what]
        if seen.first is None or key < keys.get(id(seen), (1 << 62, 0)):
            seen.first = (row, column, text)
        seen.count += n


def _observe(
    batch: InputBatch,
    colmap: ColumnMap,
    forced: Forced,
    counts: _Counts,
    odd: list[tuple[Key, Callable[[Detection], None]]],
) -> None:
    by_row = batch.doubtful()  # rows read one by one: observed as the rows the reader gave
    for k in np.flatnonzero(by_row).tolist():
        raw = batch.raw_row(k)
        if raw.cells is None:
            continue
        flat, columns, _refused, _original = colmap.apply(raw.cells)
        odd.append(((batch.first + k, -1), partial(_row, row=raw.row, flat=flat, columns=columns, forced=forced)))
    numbers = forced.decimal_mark() is None
    for target, (position, column, array) in mapped_columns(batch, colmap).items():
        found = path_kind(target)
        kind = found.kind if found is not None else None
        if kind not in ("number", "date") or not (
            pa.types.is_string(array.type) or pa.types.is_large_string(array.type)
        ):
            continue
        if (kind == "number" and not numbers) or (kind == "date" and forced.dates is not None):
            continue
        texts = _texts(array.cast(pa.string()))
        value = texts.values
        candidate = _mask(pc.is_valid(value)) & ~texts.structured & ~by_row
        if kind == "number":
            rest = _numbers(value, candidate, forced, counts, batch, position, column)
        else:
            rest = candidate & _mask(pc.fill_null(pc.match_substring_regex(value, DATE_LIKE), False))
        for k in np.flatnonzero(rest | (candidate & texts.odd)).tolist():
            cell = {target: cell_value(array[k].as_py())}  # as today's reader holds it
            key = (batch.first + k, position)
            odd.append((key, partial(_one, row=int(batch.rows[k]), cell=cell, column=column, forced=forced)))


def _row(detection: Detection, *, row: int, flat: dict[str, Any], columns: dict[str, str], forced: Forced) -> None:
    detection.observe(row, flat, columns, forced)


def _one(detection: Detection, *, row: int, cell: dict[str, Any], column: str, forced: Forced) -> None:
    (target,) = cell
    detection.observe(row, cell, {target: column}, forced)


def _numbers(
    value: pa.Array,
    candidate: np.ndarray,
    forced: Forced,
    counts: _Counts,
    batch: InputBatch,
    position: int,
    column: str,
) -> np.ndarray:
    """Count the plain number cells; the others, for `Detection.observe`."""

    def matches(pattern: str) -> np.ndarray:
        hit: np.ndarray = candidate & _mask(pc.fill_null(pc.match_substring_regex(value, pattern), False))
        return hit

    whole, point = matches(WHOLE), matches(POINT)
    ambiguous = matches(AMBIGUOUS) if forced.grouping() is None else np.zeros(len(candidate), dtype=bool)
    counts.add(".", point & ~ambiguous, batch, position, column, value)
    counts.add("ambiguous", ambiguous, batch, position, column, value)
    rest: np.ndarray = candidate & ~whole & ~point
    return rest
