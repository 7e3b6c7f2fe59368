"""A column's text cells read as `kamrules.model.cellformats.read_cells` reads each row's, for
the cells that are plain, column-wise; every other filled cell puts its row in doubt, and
`prepare` reads that row.

* numbers: a plain number (`1200`, `-0.25`, `7.5%`) is read as it is written when the file's
  decimal mark is the point; with the decimal comma only a whole number is (`1.200` is 1200
  there). Anything else (separators, currency, spaces, a comma) is read by `prepare`;
* dates: an ISO date, or any text no d/m/y pattern can match, is left as it is, as `read_date`
  leaves it; `01/03/2020` and its kind are read by `prepare`;
* lists of texts (`quality; delivery`): each distinct cell split as `read_cells` splits it, and
  written as the JSON list the batch engine reads;
* a field of a list's member spread over columns (`relationship.dmu.1.role`): `prepare`;
* a column map's percent column (`22.5` means 22.5 %): `%` added to a text that has none.
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kamrules.batch.validate import _mask, _texts
from kamrules.model.cellformats import _ITEMS, Formats
from kamrules.model.cellkinds import path_kind

PLAIN = r"^-?[0-9]+(\.[0-9]+)?%?$"
WHOLE = r"^-?[0-9]+%?$"
DATE_LIKE = r"^[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-]|^[0-9]{4}[/.][0-9]{1,2}[/.][0-9]{1,2}$|[^\x00-\x7f]"


def _is_text(array: pa.Array) -> bool:
    return bool(pa.types.is_string(array.type) or pa.types.is_large_string(array.type))


def percent_cells(array: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """A percent column's cells with `%` (`ColumnMap.apply`); a typed number is left to `prepare`."""
    n = len(array)
    if not _is_text(array):
        return array, _mask(pc.is_valid(array)) if n else np.zeros(0, dtype=bool)
    texts = _texts(array.cast(pa.string()))
    value = texts.values
    bare = _mask(pc.is_valid(value)) & ~_mask(pc.fill_null(pc.ends_with(value, "%"), True))
    if not bare.any():
        return array, texts.odd | texts.structured & _mask(pc.is_valid(value))
    added = pc.binary_join_element_wise(value, pa.scalar("%"), "")
    return pc.if_else(pa.array(bare), added, array.cast(pa.string())), texts.odd | (texts.structured & bare)


def read_formats(array: pa.Array, target: str, formats: Formats) -> tuple[pa.Array, np.ndarray]:
    """The cells of the fact `target` as `read_cells` reads them, and the rows in doubt."""
    n = len(array)
    doubt = np.zeros(n, dtype=bool)
    found = path_kind(target)
    if found is None or not _is_text(array):
        return array, doubt
    texts = _texts(array.cast(pa.string()))
    value = texts.values
    filled = _mask(pc.is_valid(value)) & ~texts.structured
    if found.list_path is not None:
        return array, filled | texts.odd  # a member's field in its own column: prepare gathers them
    if found.kind == "number":
        decimal = formats.forced.decimal_mark() or formats.decimal
        plain = _mask(pc.fill_null(pc.match_substring_regex(value, PLAIN if decimal == "." else WHOLE), False))
        return array, (filled & ~plain) | (filled & texts.odd)
    if found.kind == "date":
        dated = _mask(pc.fill_null(pc.match_substring_regex(value, DATE_LIKE), False))
        return array, (filled & dated) | (filled & texts.odd)
    if found.kind == "texts":
        return _lists(array, value, filled, texts.odd)
    return array, doubt


def _lists(array: pa.Array, value: pa.Array, filled: np.ndarray, odd: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """Each distinct list cell split into its items, as a JSON list (rows with odd ends: doubt)."""
    if not filled.any():
        return array, odd & filled
    encoded = pc.dictionary_encode(value)
    lists = [json.dumps(_split(v), ensure_ascii=False) for v in encoded.dictionary.to_pylist()]
    written = pa.array(lists, pa.string()).take(encoded.indices)
    return pc.if_else(pa.array(filled), written, array.cast(pa.string())), odd & filled


def _split(text: str) -> list[str]:
    return [item for item in _ITEMS.split(text.strip()) if item]
