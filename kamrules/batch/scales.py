"""`scale`, `minimum` and `maximum` computed facts, column by column, with the per-account
path's arithmetic (`kamrules.engine.compute.scale_value` and `_extreme`).

A scale picks the segment the per-account loop picks (the first whose ends hold the value, so a
value on an inner point falls in the segment that point ends) and interpolates with the same
operations in the same order, so every score is the same float. A minimum or a maximum reads the
numeric values of one field of a list's records; a row whose list holds none stays undecided,
missing "list.field", as it does per account.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kamrules.batch import frame as fr
from kamrules.language.rulebase import Compute


def scaled(comp: Compute, x: np.ndarray) -> np.ndarray:
    """The score of each value on the computed fact's points (NaN where the value is missing)."""
    xs = np.array([p[0] for p in comp.points], dtype=np.float64)
    ys = np.array([p[1] for p in comp.points], dtype=np.float64)
    k = np.clip(np.searchsorted(xs, x, side="left") - 1, 0, len(xs) - 2) if len(xs) > 1 else np.zeros(len(x), int)
    with np.errstate(all="ignore"):
        if len(xs) > 1:
            x0, x1, y0, y1 = xs[k], xs[k + 1], ys[k], ys[k + 1]
            inner = y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        else:
            inner = np.full(len(x), ys[0])
    out = np.where(x <= xs[0], ys[0], np.where(x >= xs[-1], ys[-1], inner))
    return np.where(np.isnan(x), np.nan, out)


def extreme(comp: Compute, column: fr.Column, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The least or greatest numeric `item_field` of each row's records (NaN: none), and the
    rows whose list is given but holds no such value (undecided for want of "list.field")."""
    value = np.full(n, np.nan)
    given = column.present()
    if not isinstance(column, fr.Lst) or column.mapping or not pa.types.is_struct(column.arr.type.value_type):
        return value, given
    items = pc.list_flatten(column.arr)
    index = items.type.get_field_index(comp.item_field)
    kind = items.type.field(index).type if index >= 0 else pa.null()
    if index < 0 or not (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
        return value, given  # booleans and texts are not numbers here, as per account
    numbers = np.asarray(pc.cast(items.field(index), pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
    parents = pc.list_parent_indices(column.arr).to_numpy()
    keep = ~np.isnan(numbers)
    numbers, parents = numbers[keep], parents[keep]
    if comp.op == "minimum":
        out = np.full(n, np.inf)
        np.minimum.at(out, parents, numbers)
    else:
        out = np.full(n, -np.inf)
        np.maximum.at(out, parents, numbers)
    found = np.bincount(parents, minlength=n) > 0
    value[found] = out[found]
    return value, given & ~found
