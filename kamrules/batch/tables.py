"""Input tables from account facts already in Python (lists of mappings, as `Engine.advise`
takes them): one column per dotted path, in native Arrow types where the values allow it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa

from kamrules.batch.leaves import account_groups, account_leaves


def _flat(facts: Mapping[str, Any], groups: frozenset[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in facts.items():
        if key in groups and isinstance(value, Mapping):
            for inner, v in value.items():
                out[f"{key}.{inner}"] = v
        else:
            out[key] = value
    return out


def _as_text(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, dict)):
        return json.dumps(value, default=str, ensure_ascii=False)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def accounts_table(accounts: Iterable[Mapping[str, Any]]) -> pa.Table:
    """An input table for `Engine.advise_table` holding these accounts' facts: mappings as Arrow
    maps, lists and numbers as themselves; a column whose values Arrow cannot hold in one type
    is written as text (JSON for lists and mappings), which the batch path reads as a CSV cell."""
    groups = frozenset(account_groups())
    leaves = account_leaves()
    rows = [_flat(a, groups) for a in accounts]
    paths: dict[str, None] = {}
    for row in rows:
        paths.update(dict.fromkeys(row))
    columns: dict[str, pa.Array] = {}
    for path in paths:
        values = [row.get(path) for row in rows]
        leaf = leaves.get(path)
        try:
            if leaf is not None and leaf.kind == "mapping" and all(v is None or isinstance(v, Mapping) for v in values):
                items = [None if v is None else list(v.items()) for v in values]
                inferred = pa.array([x for v in values if v for x in v.values()])
                columns[path] = pa.array(items, type=pa.map_(pa.string(), inferred.type))
            else:
                columns[path] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
            columns[path] = pa.array([_as_text(v) for v in values], type=pa.string())
    return pa.table(columns) if columns else pa.table({"id": pa.array([], pa.string())})
