"""The canonical Arrow type of each account fact, derived from the `Account` model.

Every leaf, whatever the input column held (text, numbers, JSON text, native lists), is brought
to one type before the rules read it: numbers as float64, dates as date32, texts and choices as
strings, lists of texts as list<string>, lists of records as list<struct>, mappings as
map<string, ...>; a missing fact is null.
"""

from __future__ import annotations

import datetime as dt
import functools
import typing
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute
from pydantic import BaseModel

from kamrules.batch.leaves import Leaf, _metadata, _unwrap

_SCALARS: dict[str, pa.DataType] = {
    "number": pa.float64(),
    "text": pa.string(),
    "choice": pa.string(),
    "date": pa.date32(),
    "boolean": pa.bool_(),
    "text_list": pa.list_(pa.string()),
}


def of_annotation(annotation: Any) -> pa.DataType:
    """The Arrow type of a (possibly optional, annotated) pydantic type."""
    inner, _ = _unwrap(annotation)
    base, _ = _metadata(inner)
    origin = typing.get_origin(base)
    if base is float or base is int:
        return pa.float64()
    if base is str or origin is Literal:
        return pa.string()
    if base is dt.date:
        return pa.date32()
    if base is bool:
        return pa.bool_()
    if origin is list:
        (item,) = typing.get_args(base)
        return pa.list_(of_annotation(item))
    if origin is dict:
        _, value = typing.get_args(base)
        return entries_type(of_annotation(value))
    if isinstance(base, type) and issubclass(base, BaseModel):
        return pa.struct([(name, of_annotation(f.annotation)) for name, f in base.model_fields.items()])
    raise TypeError(f"no Arrow type for {annotation!r}")


@functools.cache
def _canonical(path: str, kind: str, annotation: Any) -> pa.DataType:
    if kind in _SCALARS:
        return _SCALARS[kind]
    if kind in ("objects", "mapping"):
        return of_annotation(annotation)
    return pa.null()


def entries_type(value: pa.DataType) -> pa.DataType:
    """A mapping's canonical type: the list of its (key, value) entries, in order (the list
    kernels of pyarrow.compute do not take map arrays)."""
    return pa.list_(pa.struct([("key", pa.string()), ("value", value)]))


def entries(array: pa.MapArray) -> pa.Array:
    """A map array as the list of its entries."""
    struct = pa.StructArray.from_arrays([array.keys, array.items], names=["key", "value"])
    return pa.ListArray.from_arrays(array.offsets, struct, mask=pa.compute.invert(array.is_valid()))


def canonical(leaf: Leaf) -> pa.DataType:
    return _canonical(leaf.path, leaf.kind, leaf.annotation)


def item_model(leaf: Leaf) -> type[BaseModel] | None:
    """The record model of a list of records or of a mapping of records, if any."""
    inner, _ = _unwrap(leaf.annotation)
    base, _ = _metadata(inner)
    args = typing.get_args(base)
    item = args[-1] if args else None
    item, _ = _unwrap(item)
    return item if isinstance(item, type) and issubclass(item, BaseModel) else None


def canonical_value(leaf: Leaf, value: Any) -> Any:
    """A validated account's value of `leaf` as its canonical column holds it."""
    if value is None:
        return None
    if isinstance(value, BaseModel):
        return value.model_dump(exclude_none=True)
    if isinstance(value, list):
        return [v.model_dump(exclude_none=True) if isinstance(v, BaseModel) else v for v in value]
    if isinstance(value, dict):
        return [
            {"key": k, "value": v.model_dump(exclude_none=True) if isinstance(v, BaseModel) else v}
            for k, v in value.items()
        ]
    return value
