"""Lists of records (`relationship.dmu`) and mappings (`assessment.attractiveness_criteria`)
checked column by column: their items' fields are leaves like any other, checked on the
flattened items, and an item in doubt marks the row it belongs to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel

from kamrules.batch import arrowtypes
from kamrules.batch.leaves import Leaf, _leaf

Check = Callable[[Leaf, pa.Array, bool], tuple[pa.Array, np.ndarray]]


def _np(array: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def _rows_of(bad_items: np.ndarray, parents: np.ndarray, n: int) -> np.ndarray:
    if not bad_items.any():
        return np.zeros(n, dtype=bool)
    return np.bincount(parents[bad_items], minlength=n) > 0


def _relist(array: pa.Array, items: pa.Array, kind: pa.DataType) -> pa.Array:
    """`items` (the flattened items of `array`, checked) back into lists of the same shape."""
    lengths = np.asarray(pc.fill_null(pc.list_value_length(array), 0).to_numpy(zero_copy_only=False), dtype=np.int32)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    valid = _np(array.is_valid())
    return pa.ListArray.from_arrays(pa.array(offsets), items, mask=pa.array(~valid)).cast(kind)


def _record(model: type[BaseModel], path: str, items: pa.Array, check: Check) -> tuple[pa.Array, np.ndarray]:
    """Struct items checked field by field against `model`."""
    kind = items.type
    given = {kind.field(k).name: items.field(k) for k in range(kind.num_fields)}
    bad = ~_np(items.is_valid())
    for name, child in given.items():
        if name not in model.model_fields:
            bad |= _np(child.is_valid())  # an unknown field, given: the per-account check says so
    children: list[pa.Array] = []
    for name, info in model.model_fields.items():
        leaf = _leaf(f"{path}.{name}", info.annotation, list(info.metadata), info.is_required())
        child = given.get(name)
        if child is None:
            child = pa.nulls(len(items))
        values, wrong = check(leaf, child, True)
        children.append(values.cast(arrowtypes.of_annotation(info.annotation)))
        bad |= wrong
    struct = pa.StructArray.from_arrays(children, names=list(model.model_fields), mask=pa.array(~_np(items.is_valid())))
    return struct, bad


def _items(leaf: Leaf, value_type: Any, path: str, items: pa.Array, check: Check) -> tuple[pa.Array, np.ndarray]:
    model = arrowtypes.item_model(leaf)
    if model is not None:
        if not pa.types.is_struct(items.type):
            return pa.nulls(len(items)), np.ones(len(items), dtype=bool)
        return _record(model, path, items, check)
    item_leaf = _leaf(path, value_type, [], True)
    return check(item_leaf, items, True)


def check_list(leaf: Leaf, array: pa.Array, target: pa.DataType, check: Check) -> tuple[pa.Array, np.ndarray]:
    n = len(array)
    flat = pc.list_flatten(array)
    parents = pc.list_parent_indices(array).to_numpy()
    items, bad_items = _items(leaf, None, f"{leaf.path}[]", flat, check)
    return _relist(array, items, target), _rows_of(bad_items, parents, n)


def check_map(leaf: Leaf, array: pa.Array, target: pa.DataType, check: Check) -> tuple[pa.Array, np.ndarray]:
    n = len(array)
    array = arrowtypes.entries(array)
    parents = pc.list_parent_indices(array).to_numpy()
    flat = pc.list_flatten(array)
    keys, values = flat.field(0), flat.field(1)
    key_leaf = _leaf(f"{leaf.path}{{}}", str, [], True)
    keys_checked, bad_keys = check(key_leaf, keys.cast(pa.string()), True)
    value_type = target.value_type.field(1).type
    items, bad_values = _items(leaf, _value_annotation(leaf), f"{leaf.path}{{}}", values, check)
    bad = bad_keys | bad_values | _repeated(keys_checked, parents)
    entries = pa.StructArray.from_arrays([keys_checked, items.cast(value_type)], names=["key", "value"])
    return _relist(array, entries, target), _rows_of(bad, parents, n)


def _value_annotation(leaf: Leaf) -> Any:
    import typing

    from kamrules.batch.leaves import _metadata, _unwrap

    base, _ = _metadata(_unwrap(leaf.annotation)[0])
    return typing.get_args(base)[-1]


def _repeated(keys: pa.Array, parents: np.ndarray) -> np.ndarray:
    """Items whose key appears earlier in the same mapping (a dict keeps one of them)."""
    if len(keys) == 0:
        return np.zeros(0, dtype=bool)
    codes = pc.dictionary_encode(keys).indices.to_numpy(zero_copy_only=False).astype(np.int64)
    pair = parents.astype(np.int64) * (int(codes.max()) + 1) + codes
    _, first = np.unique(pair, return_index=True)
    repeated = np.ones(len(pair), dtype=bool)
    repeated[first] = False
    return repeated
