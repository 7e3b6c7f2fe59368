"""Account facts checked column by column, and the rows that need the per-account validator.

The column-wise checks accept a cell only when its value is beyond doubt: a number within its
bounds, a known choice, an ISO date, a text without unusual blanks at its ends, a list or a
mapping that the model's own type accepts. Everything else (a percentage over 100 %, `1_000`,
a number where a text is expected, an unknown column...) marks its row for `validate_account`,
which gives the same error messages as `Engine.advise`, or the same values when the row was fine
after all. The checks are conservative by design: a doubt costs a row's speed, never its answer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ValidationError, create_model

from kamrules.batch import arrowtypes, records
from kamrules.batch.leaves import Leaf, account_groups, account_leaves
from kamrules.io.rows import cell_value
from kamrules.model.account import Strict

# Python's str.strip removes these at a text's ends and pyarrow's ASCII trim does not: a text
# with one at an end is checked per account (pydantic's own strip differs on some of them too).
_ODD = "\\x{1c}-\\x{1f}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}"
_ODD_EDGE = f"^[{_ODD}]|[{_ODD}]$"
_ANY_EDGE_BLANK = f"^[\\s\\x{{0b}}{_ODD}]|[\\s\\x{{0b}}{_ODD}]$"
_ASCII_BLANKS = " \t\n\r\x0b\x0c"
_NUMBER = r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$"
_PERCENT = r"^(?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)[ \t]*%$"
_DATE = r"^\d{4}-\d{2}-\d{2}(?:T00:00:00)?$"


@dataclass
class Checked:
    """The canonical column of every leaf (`arrowtypes.canonical`), and the rows to check per
    account (their cells in `arrays` mean nothing)."""

    arrays: dict[str, pa.Array]
    slow: np.ndarray


def _mask(array: pa.Array) -> np.ndarray:
    """A boolean Arrow array as numpy, null as False."""
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def _nulls(n: int, leaf: Leaf) -> pa.Array:
    return pa.nulls(n, arrowtypes.canonical(leaf))


@dataclass
class _Texts:
    """A text column read the way `cell_value` reads it."""

    values: pa.Array  # stripped, blanks as null
    odd: np.ndarray  # ends in a character the two strips disagree on
    structured: np.ndarray  # a list or a mapping written as text


def _texts(array: pa.Array, nested: bool = False) -> _Texts:
    if nested:
        # Inside a list or a mapping a text is taken as it is (pydantic strips it): any blank at
        # an end is left to the per-account check; an empty text stays an empty text.
        n = len(array)
        edge = _mask(pc.match_substring_regex(array, _ANY_EDGE_BLANK))
        return _Texts(array, edge, np.zeros(n, dtype=bool))
    trimmed = pc.utf8_trim(array, characters=_ASCII_BLANKS)
    n = len(array)
    odd = np.zeros(n, dtype=bool) if _plain_bytes(array) else _mask(pc.match_substring_regex(trimmed, _ODD_EDGE))
    trimmed = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)
    structured = _mask(pc.match_substring_regex(trimmed, r"^[\[{]"))
    return _Texts(trimmed, odd, structured)


def _plain_bytes(array: pa.Array) -> bool:
    """Whether no text of the column holds a byte of a character the two strips disagree on
    (all of them are non-ASCII but \\x1c-\\x1f): then no cell needs the regular expression."""
    if array.type != pa.string():
        return False
    data = array.buffers()[2]
    if data is None:
        return True  # no text at all
    raw = np.frombuffer(data, dtype=np.uint8)
    return not bool(((raw >= 0x80) | ((raw >= 0x1C) & (raw <= 0x1F))).any())


def check_table(table: pa.Table) -> Checked:
    """Check every column of a table (through `cells.flatten_groups`) against the account facts."""
    n = table.num_rows
    leaves = account_leaves()
    groups = set(account_groups())
    slow = np.zeros(n, dtype=bool)
    arrays: dict[str, pa.Array] = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        if pa.types.is_dictionary(array.type):
            array = array.dictionary_decode()
        leaf = leaves.get(name)
        if leaf is None or name in groups:
            slow |= _filled(array)  # an unknown fact: its error comes from the per-account check
            continue
        values, bad = _check(leaf, array)
        arrays[name] = values
        slow |= bad
    for path, leaf in leaves.items():
        if path not in arrays:
            arrays[path] = _nulls(n, leaf)
            if leaf.required:
                slow[:] = True
    return Checked(arrays, slow)


def _filled(array: pa.Array) -> np.ndarray:
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return _mask(pc.is_valid(_texts(array.cast(pa.string())).values))
    return _mask(pc.is_valid(array))


def _check(leaf: Leaf, array: pa.Array, nested: bool = False) -> tuple[pa.Array, np.ndarray]:
    n = len(array)
    if pa.types.is_large_string(array.type):
        array = array.cast(pa.string())
    if pa.types.is_null(array.type):
        bad = np.full(n, leaf.required, dtype=bool)
        return _nulls(n, leaf), bad
    checker = _CHECKS.get(leaf.kind)
    if checker is None:
        return _nulls(n, leaf), _filled(array)
    values, bad = checker(leaf, array, nested)
    if leaf.required:
        bad |= ~_mask(pc.is_valid(values))
    return values, bad


def _is_text(array: pa.Array) -> bool:
    return bool(pa.types.is_string(array.type))


def _check_number(leaf: Leaf, array: pa.Array, nested: bool = False) -> tuple[pa.Array, np.ndarray]:
    n = len(array)
    bad = np.zeros(n, dtype=bool)
    if _is_text(array):
        texts = _texts(array, nested)
        bad |= texts.odd | texts.structured
        text = texts.values
        plain = _mask(pc.match_substring_regex(text, _NUMBER))
        numbers = pc.cast(pc.if_else(plain, text, pa.scalar(None, pa.string())), pa.float64())
        if leaf.percent:
            pct = _mask(pc.match_substring_regex(text, _PERCENT))
            part = pc.struct_field(pc.extract_regex(pc.if_else(pct, text, pa.scalar(None, pa.string())), _PERCENT), [0])
            share = pc.divide(pc.cast(part, pa.float64()), 100.0)
            if leaf.share:
                bad |= _mask(pc.greater(share, 1.0))
            numbers = pc.if_else(pct, share, numbers)
            plain |= pct
        bad |= _mask(pc.is_valid(text)) & ~plain
    elif pa.types.is_integer(array.type) or pa.types.is_floating(array.type) or pa.types.is_decimal(array.type):
        numbers = pc.cast(array, pa.float64(), safe=False)
    else:
        return pa.nulls(n, pa.float64()), _filled(array)
    x = numbers.to_numpy(zero_copy_only=False).astype(np.float64)
    present = _mask(pc.is_valid(numbers))
    with np.errstate(invalid="ignore"):
        wrong = ~np.isfinite(x)
        if leaf.low is not None:
            wrong |= x <= leaf.low if leaf.low_strict else x < leaf.low
        if leaf.high is not None:
            wrong |= x >= leaf.high if leaf.high_strict else x > leaf.high
        if leaf.fraction_hint:
            wrong |= (x > 1.0) & (x <= 100.0)
    bad |= present & wrong
    return numbers, bad


def _check_text(leaf: Leaf, array: pa.Array, nested: bool = False) -> tuple[pa.Array, np.ndarray]:
    n = len(array)
    if pa.types.is_integer(array.type):
        return pc.cast(array, pa.string()), np.zeros(n, dtype=bool)  # str(int) is what pydantic writes
    if not _is_text(array):
        return pa.nulls(n, pa.string()), _filled(array)
    texts = _texts(array, nested)
    bad = texts.odd | texts.structured
    if leaf.kind == "choice":
        known = _mask(pc.is_in(texts.values, value_set=pa.array(leaf.choices, pa.string())))
        bad |= _mask(pc.is_valid(texts.values)) & ~known
    return texts.values, bad


def _check_date(leaf: Leaf, array: pa.Array, nested: bool = False) -> tuple[pa.Array, np.ndarray]:
    n = len(array)
    kind = array.type
    if pa.types.is_date(kind):
        return pc.cast(array, pa.date32()), np.zeros(n, dtype=bool)
    if pa.types.is_timestamp(kind) and kind.tz is None:
        days = pc.cast(pc.floor_temporal(array, unit="day"), pa.date32())
        midnight = pc.equal(pc.floor_temporal(array, unit="day"), array)
        return days, _mask(pc.is_valid(array)) & ~_mask(midnight)
    if not _is_text(array):
        return pa.nulls(n, pa.date32()), _filled(array)
    texts = _texts(array, nested)
    shaped = _mask(pc.match_substring_regex(texts.values, _DATE))
    day = pc.utf8_slice_codeunits(pc.if_else(shaped, texts.values, pa.scalar(None, pa.string())), 0, 10)
    parsed = pc.cast(pc.strptime(day, format="%Y-%m-%d", unit="s", error_is_null=True), pa.date32())
    # Arrow's strptime carries a day past the month's end over (2026-02-30 is 2026-03-02);
    # Python refuses it: a date that does not read back as written is the per-account check's.
    rolled = ~_mask(pc.equal(pc.cast(parsed, pa.string()), day)) & _mask(pc.is_valid(parsed))
    bad = texts.odd | texts.structured | rolled | (_mask(pc.is_valid(texts.values)) & ~_mask(pc.is_valid(parsed)))
    return parsed, bad


def _check_boolean(leaf: Leaf, array: pa.Array, nested: bool = False) -> tuple[pa.Array, np.ndarray]:
    if pa.types.is_boolean(array.type):
        return array, np.zeros(len(array), dtype=bool)
    return pa.nulls(len(array), pa.bool_()), _filled(array)


def _check_text_list(leaf: Leaf, array: pa.Array, nested: bool = False) -> tuple[pa.Array, np.ndarray]:
    n = len(array)
    if _is_text(array):
        texts = _texts(array, nested)
        single = pc.if_else(pa.array(texts.structured), pa.scalar(None, pa.string()), texts.values)
        offsets = np.arange(n + 1, dtype=np.int32)
        ones = pa.ListArray.from_arrays(pa.array(offsets), single.fill_null(""), mask=pc.invert(pc.is_valid(single)))
        parsed, bad = _structured(leaf, texts)
        return _merge(ones, parsed, texts.structured), bad | texts.odd
    if (pa.types.is_list(array.type) or pa.types.is_large_list(array.type)) and _is_text_type(array.type.value_type):
        lists = array.cast(pa.list_(pa.string()))
        items = pc.list_flatten(lists)
        parents = pc.list_parent_indices(lists).to_numpy()
        doubt = ~_mask(pc.is_valid(items)) | _mask(pc.match_substring_regex(items, _ANY_EDGE_BLANK))
        bad = np.bincount(parents[doubt], minlength=n) > 0
        return lists, bad
    return pa.nulls(n, pa.list_(pa.string())), _filled(array)


def _is_text_type(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _merge(base: pa.Array, other: pa.Array, take_other: np.ndarray) -> pa.Array:
    """`other` where `take_other`, `base` elsewhere (nested types included)."""
    if not take_other.any():
        return base
    n = len(base)
    index = np.where(take_other, np.arange(n) + n, np.arange(n))
    return pa.concat_arrays([base, other.cast(base.type)]).take(pa.array(index))


def _check_nested(leaf: Leaf, array: pa.Array, nested: bool = False) -> tuple[pa.Array, np.ndarray]:
    n = len(array)
    if _is_text(array) and not nested:
        texts = _texts(array)
        parsed, bad = _structured(leaf, texts)
        plain_text = _mask(pc.is_valid(texts.values)) & ~texts.structured
        return parsed, bad | texts.odd | plain_text
    kind = array.type
    target = arrowtypes.canonical(leaf)
    if leaf.kind == "mapping" and pa.types.is_map(kind):
        return records.check_map(leaf, array, target, _check)
    if leaf.kind == "objects" and pa.types.is_list(kind) and pa.types.is_struct(kind.value_type):
        return records.check_list(leaf, array, target, _check)
    return pa.nulls(n, target), _filled(array)


def _item_fields(leaf: Leaf) -> list[str]:
    item = arrowtypes.item_model(leaf)
    return list(item.model_fields) if item is not None else []


def _structured(leaf: Leaf, texts: _Texts) -> tuple[pa.Array, np.ndarray]:
    """The cells written as lists or mappings, parsed once per distinct text and checked by the
    model's own type."""
    n = len(texts.values)
    if not texts.structured.any():
        return pa.nulls(n, arrowtypes.canonical(leaf)), np.zeros(n, dtype=bool)
    chosen = pc.if_else(pa.array(texts.structured), texts.values, pa.scalar(None, pa.string()))
    encoded = pc.dictionary_encode(chosen)
    distinct = [_parsed(text) for text in encoded.dictionary.to_pylist()]
    values, bad = _validated(leaf, distinct)
    codes = encoded.indices
    out = values.take(codes)
    bad_rows = np.zeros(n, dtype=bool)
    if bad.any():
        code_array = codes.to_numpy(zero_copy_only=False)
        present = _mask(pc.is_valid(codes))
        bad_rows[present] = bad[code_array[present].astype(np.int64)]
    return out, bad_rows


@functools.lru_cache(maxsize=1 << 16)
def _parsed(text: str) -> Any:
    """`cell_value` of a text written as a list or a mapping, remembered: a portfolio's cells
    repeat (`[quality, delivery]`) across batches, and parsing YAML is the slow part. The value
    is only read (validated into new objects), never changed."""
    return cell_value(text)


@functools.cache
def _wrapper(path: str) -> type[BaseModel]:
    leaf = account_leaves()[path]
    listed: Any = list[leaf.annotation]  # type: ignore[name-defined]
    # The account model's configuration (strip, numbers as text) applies inside too.
    model: type[BaseModel] = create_model("BatchColumn", __base__=Strict, values=(listed, ...))
    return model


def _validated(leaf: Leaf, rows: list[Any]) -> tuple[pa.Array, np.ndarray]:
    """Nested values checked by the leaf's pydantic type, in one call; canonical form out."""
    model = _wrapper(leaf.path)
    bad = np.zeros(len(rows), dtype=bool)
    try:
        checked = model.model_validate({"values": rows})
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = err["loc"]
            if len(loc) > 1 and isinstance(loc[1], int):
                bad[loc[1]] = True
            else:
                bad[:] = True
        kept = [None if b else r for r, b in zip(rows, bad, strict=True)]
        checked = model.model_validate({"values": kept})
    dumped = checked.model_dump(exclude_none=True)["values"]
    if leaf.kind == "mapping":  # canonical mappings are lists of (key, value) entries
        dumped = [None if d is None else [{"key": k, "value": v} for k, v in d.items()] for d in dumped]
    return pa.array(dumped, type=arrowtypes.canonical(leaf)), bad


_CHECKS: dict[str, Callable[[Leaf, pa.Array, bool], tuple[pa.Array, np.ndarray]]] = {
    "number": _check_number,
    "text": _check_text,
    "choice": _check_text,
    "date": _check_date,
    "boolean": _check_boolean,
    "text_list": _check_text_list,
    "objects": _check_nested,
    "mapping": _check_nested,
}


def canonical_rows(values: Iterable[Any], leaf: Leaf) -> pa.Array:
    """Values of validated accounts (per-account path) as the leaf's canonical column."""
    return pa.array([arrowtypes.canonical_value(leaf, v) for v in values], type=arrowtypes.canonical(leaf))
