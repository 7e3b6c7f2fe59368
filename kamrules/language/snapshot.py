"""A loaded rule base as plain JSON data, and back.

Loading the YAML knowledge (parsing, checking every file against its schema, linking) is the
largest part of a cold `kam advise`; a snapshot of what loading produced lets the next run skip
it (see `kamrules.language.cache`). The snapshot is JSON, never pickle: decoding it can only
build the rule base's own data classes, named in the fixed table below, from plain values, so a
snapshot file cannot make kamrules run anything.

Encoding is exact: tuples stay tuples, dates stay dates, floats keep every digit, and a value of
a type this module does not know makes `encode` refuse (the caller then simply does not cache).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from kamrules.errors import Location
from kamrules.i18n.texts import Texts
from kamrules.language.conditions.tree import All, AnyOf, Arg, Leaf, Not
from kamrules.language.rulebase import (
    Compute,
    Criterion,
    Derived,
    LeverDef,
    LeverPick,
    OutputValue,
    Param,
    Profile,
    Row,
    Rule,
    RuleBase,
    Scorecard,
    SourceFile,
    Stage,
    Strategy,
    Table,
    TestCase,
    Warn,
    WarningCode,
)
from kamrules.model.catalog import FactInfo, FactType

# Every class a rule base is made of. Decoding builds these and nothing else.
_CLASSES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        RuleBase,
        Param,
        Derived,
        WarningCode,
        LeverDef,
        Warn,
        LeverPick,
        OutputValue,
        Rule,
        Row,
        Table,
        Criterion,
        Scorecard,
        Compute,
        Stage,
        Profile,
        Strategy,
        TestCase,
        SourceFile,
        Location,
        FactType,
        FactInfo,
        Arg,
        Leaf,
        All,
        AnyOf,
        Not,
    )
}
_FIELDS: dict[str, tuple[str, ...]] = {
    name: tuple(f.name for f in dataclasses.fields(cls)) for name, cls in _CLASSES.items()
}

# Containers are tagged objects, so a mapping whose keys start with "$" is never mistaken for one.
_TUPLE, _DICT, _DATE, _OBJECT, _TEXTS = "$t", "$d", "$date", "$c", "$x"


class SnapshotError(ValueError):
    """The value cannot be encoded, or the data is not a snapshot this code can read."""


def encode(value: Any) -> Any:
    """`value` (a rule base, or any part of one) as JSON-compatible data."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, tuple):
        return {_TUPLE: [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise SnapshotError("a mapping with keys that are not text")
        return {_DICT: {k: encode(v) for k, v in value.items()}}
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return {_DATE: value.isoformat()}
    if isinstance(value, Texts):
        return {_TEXTS: value.as_dict()}
    name = type(value).__name__
    if _CLASSES.get(name) is type(value):
        return {_OBJECT: name, "f": {f: encode(getattr(value, f)) for f in _FIELDS[name]}}
    raise SnapshotError(f"cannot encode a value of type {name}")


def decode(data: Any) -> Any:
    """The value `encode` was given."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict) or len(data) not in (1, 2):
        raise SnapshotError("not a snapshot value")
    if _TUPLE in data:
        return tuple(decode(v) for v in _list(data[_TUPLE]))
    if _DICT in data:
        items = data[_DICT]
        if not isinstance(items, dict):
            raise SnapshotError("not a snapshot mapping")
        return {k: decode(v) for k, v in items.items()}
    if _DATE in data:
        try:
            return dt.date.fromisoformat(str(data[_DATE]))
        except ValueError as exc:
            raise SnapshotError("not a snapshot date") from exc
    if _TEXTS in data:
        texts = data[_TEXTS]
        if not isinstance(texts, dict) or not all(isinstance(t, str) for t in texts.values()):
            raise SnapshotError("not snapshot texts")
        return Texts.from_dict(texts)
    if _OBJECT in data:
        cls = _CLASSES.get(str(data[_OBJECT]))
        fields = data.get("f")
        if cls is None or not isinstance(fields, dict) or set(fields) != set(_FIELDS[cls.__name__]):
            raise SnapshotError("not an object this version of kamrules knows")
        return cls(**{k: decode(v) for k, v in fields.items()})
    raise SnapshotError("not a snapshot value")


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise SnapshotError("not a snapshot list")
    return value


def encode_rulebase(rulebase: RuleBase) -> Any:
    return encode(rulebase)


def decode_rulebase(data: Any) -> RuleBase:
    rulebase = decode(data)
    if not isinstance(rulebase, RuleBase):
        raise SnapshotError("not a rule base")
    return rulebase
