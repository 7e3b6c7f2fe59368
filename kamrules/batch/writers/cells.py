"""Output columns as the texts of today's cells, column by column.

`csv_texts` gives what `kamrules.io.outputs._Csv` writes for each cell (a whole number below
10**15 without its `.0`, any other float as Python's repr, true/false, dates in ISO form, a list
as Python prints it, nothing for an empty cell); `json_texts` what `json.dumps` writes (floats
as repr, texts quoted and escaped, null). Arrow turns numbers into text the way Python does
(shortest round-trip digits) except in a few ranges (exponents, very small numbers, -0.0): the
cells in those ranges are turned by Python itself, so every text is Python's.

Every text cell of a CSV or JSON Lines output goes through `text_cells` first: the one place a
rule for texts (formula-injection neutralisation, issue 20) is to be applied to all of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def text_cells(array: pa.Array) -> pa.Array:
    """The text cells of an output column, as they are to be written (today: as they are)."""
    return array


def _python_where(texts: pa.Array, array: pa.Array, doubt: np.ndarray, show: Callable[[Any], str]) -> pa.Array:
    """`texts`, with the cells in `doubt` written by `show` from their Python values."""
    if not doubt.any():
        return texts
    where = np.flatnonzero(doubt)
    fixed = pa.array([show(v) for v in array.take(pa.array(where)).to_pylist()], pa.string())
    index = np.arange(len(texts))
    index[where] = len(texts) + np.arange(len(where))
    return pa.concat_arrays([texts, fixed]).take(pa.array(index))


_SMALL = r"^(?P<sign>-?)0\.(?P<zeros>0*)(?P<first>[1-9])(?P<rest>[0-9]*)$"  # Arrow's positional form of 0 < |x| < 1e-4


def _float_texts(array: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Arrow's texts of the floats, rewritten where Python writes otherwise and that is easy to
    do column-wise (a small number: Python writes 8.3e-05 where Arrow writes 0.000083); and the
    cells Python must still write itself (exponents Arrow chose, huge numbers, -0.0)."""
    texts = pc.cast(array, pa.string())
    x = np.asarray(pc.fill_null(array, 1.0).to_numpy(zero_copy_only=False), dtype=np.float64)
    with np.errstate(invalid="ignore"):
        small = (np.abs(x) < 1e-4) & (x != 0)
        odd = (np.abs(x) >= 1e15) | ~np.isfinite(x) | ((x == 0) & np.signbit(x))
    exponent = _mask(pc.match_substring(texts, "e"))
    doubt: np.ndarray = (odd | exponent | small) & _valid(array)
    if small.any():
        parts = pc.extract_regex(texts, _SMALL)
        matched = _mask(pc.is_valid(parts)) & small & ~exponent
        if matched.any():
            sign, zeros, first, rest = (pc.struct_field(parts, [k]) for k in range(4))
            power = pc.cast(pc.add(pc.utf8_length(zeros), 1), pa.string())
            dotted = pc.binary_join_element_wise(first, rest, ".")
            mantissa = pc.if_else(pc.greater(pc.utf8_length(rest), 0), dotted, first)
            python = pc.binary_join_element_wise(sign, mantissa, "e-", pc.utf8_lpad(power, 2, "0"), "")
            texts = pc.if_else(pa.array(matched), python, texts)
            doubt &= ~matched
    return texts, doubt


def _mask(array: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def _whole(texts: pa.Array) -> np.ndarray:
    """Texts of whole numbers (Arrow writes 2.0 as "2")."""
    return _mask(pc.match_substring_regex(texts, r"^-?[0-9]+$"))


def csv_float(value: float) -> str:
    """`kamrules.io.outputs._text` of a float."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _csv_list(value: list[Any]) -> str:
    return str(value)


def csv_texts(array: pa.Array) -> pa.Array:
    """Each cell as the CSV writer writes it (null: an empty cell)."""
    kind = array.type
    if pa.types.is_floating(kind):
        texts, doubt = _float_texts(array)
        return _python_where(texts, array, doubt, csv_float)
    if pa.types.is_integer(kind) or pa.types.is_date(kind):
        return pc.cast(array, pa.string())
    if pa.types.is_boolean(kind):
        return pc.if_else(array, "true", "false")
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return _lists(array, _python_repr, "[", ", ", "]")
    if pa.types.is_null(kind):
        return pa.nulls(len(array), pa.string())
    return text_cells(array.cast(pa.string()))


def _valid(array: pa.Array) -> np.ndarray:
    return np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def _python_repr(items: pa.Array) -> pa.Array:
    return pa.array([repr(v) for v in items.to_pylist()], pa.string())


def _json_string(items: pa.Array) -> pa.Array:
    return json_strings(items)


def _lists(
    array: pa.Array, item: Callable[[pa.Array], pa.Array], opening: str, separator: str, closing: str
) -> pa.Array:
    """A list column written item by item (each distinct item once), joined by Arrow."""
    lists = array.cast(pa.list_(pa.string()))
    encoded = pc.dictionary_encode(pc.list_flatten(lists))
    words = item(encoded.dictionary).take(encoded.indices)
    lengths = np.asarray(pc.fill_null(pc.list_value_length(lists), 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    offsets = pa.array(np.concatenate(([0], np.cumsum(lengths))).astype(np.int32))
    joined = pc.binary_join(pa.ListArray.from_arrays(offsets, words, mask=lists.is_null()), separator)
    return pc.binary_join_element_wise(opening, joined, closing, "")


_JSON_ESCAPES = [
    ("\\", "\\\\"),
    ('"', '\\"'),
    ("\n", "\\n"),
    ("\r", "\\r"),
    ("\t", "\\t"),
    ("\b", "\\b"),
    ("\f", "\\f"),
]
_JSON_SPECIAL = re.compile('[\x00-\x1f\\\\"\x85\u2028\u2029]')


def json_strings(array: pa.Array) -> pa.Array:
    """Texts as JSON strings, as `kamrules.io.outputs.jsonl_line` writes them (json.dumps with
    ensure_ascii=False, then the three line separators escaped)."""
    texts = array.cast(pa.string())
    if pc.any(pc.match_substring_regex(texts, _JSON_SPECIAL.pattern)).as_py():
        for plain, escaped in _JSON_ESCAPES:
            texts = pc.replace_substring(texts, plain, escaped)
        for code in [*range(0x20), 0x85, 0x2028, 0x2029]:
            char = chr(code)
            if char in "\n\r\t\b\f":
                continue
            if pc.any(pc.match_substring(texts, char)).as_py():
                texts = pc.replace_substring(texts, char, f"\\u{code:04x}")
    return pc.binary_join_element_wise('"', texts, '"', "")


def json_float(value: float) -> str:
    return json.dumps(value)


def json_texts(array: pa.Array) -> pa.Array:
    """Each cell as `json.dumps` writes it (null: `null`)."""
    kind = array.type
    if pa.types.is_floating(kind):
        texts, doubt = _float_texts(array)
        whole = _whole(texts) & ~doubt
        texts = pc.if_else(pa.array(whole), pc.binary_join_element_wise(texts, ".0", ""), texts)
        out = _python_where(texts, array, doubt, json_float)
    elif pa.types.is_integer(kind):
        out = pc.cast(array, pa.string())
    elif pa.types.is_boolean(kind):
        out = pc.if_else(array, "true", "false")
    elif pa.types.is_date(kind):
        out = pc.binary_join_element_wise('"', pc.cast(array, pa.string()), '"', "")
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
        out = _lists(array, _json_string, "[", ", ", "]")
    elif pa.types.is_null(kind):
        out = pa.nulls(len(array), pa.string())
    else:
        out = json_strings(text_cells(array.cast(pa.string())))
    return pc.fill_null(out, "null")
