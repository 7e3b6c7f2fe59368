"""Scorecards and computed facts, column by column, with the per-account path's arithmetic.

Sums are taken left to right as Python's `sum` takes them (`np.bincount` adds each bin's
weights in order), and values are rounded as Python's `round(x, 4)` rounds (`round4`), so that
every score and ratio is the same float as `kamrules.engine.compute` gives. What is missing,
when a value stays undecided, is kept per row as the per-account path keeps it
(`Evaluation.missing_detail`), as codes into a list of distinct tuples.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kamrules.batch import frame as fr
from kamrules.batch.calendar import calendar_years as vector_years
from kamrules.batch.errors import BatchUnsupported
from kamrules.batch.scales import extreme, scaled
from kamrules.engine.compute import calendar_years
from kamrules.language.rulebase import Compute, Scorecard


@dataclass
class Detail:
    """Per row, the missing facts that left a computed fact undecided (-1: none recorded)."""

    codes: np.ndarray
    values: list[tuple[str, ...]]


def round4(x: np.ndarray) -> np.ndarray:
    """Python's round(v, 4) of each v (`round_to`)."""
    return round_to(x, 4)


def round_to(x: np.ndarray, digits: int) -> np.ndarray:
    """Python's round(v, digits) of each v: x * 10**digits rounded half to even is right unless
    the product sits within rounding error of a half, or the value is huge; those few are
    rounded by Python."""
    scale = 10.0**digits
    with np.errstate(invalid="ignore", over="ignore"):
        k = x * scale
        out = np.rint(k) / scale
        frac = np.abs(k - np.floor(k) - 0.5)
        doubt = np.isfinite(x) & ((frac < 1e-6) | (np.abs(k) > 1e14))
    for i in np.flatnonzero(doubt).tolist():
        out[i] = round(float(x[i]), digits)
    nonfinite = ~np.isfinite(x)
    out[nonfinite] = x[nonfinite]
    return out


def _details(n: int, missing: list[tuple[np.ndarray, str]]) -> Detail:
    """Per row, the tuple of names whose mask holds (in the given order)."""
    if not missing:
        return Detail(np.full(n, -1, dtype=np.int64), [])
    bits = np.zeros(n, dtype=np.int64)
    for k, (mask, _) in enumerate(missing):
        bits |= mask.astype(np.int64) << k
    distinct, inverse = np.unique(bits, return_inverse=True)
    values = [tuple(name for k, (_, name) in enumerate(missing) if (int(b) >> k) & 1) for b in distinct.tolist()]
    codes = np.where(distinct[inverse] == 0, -1, inverse)
    return Detail(codes.astype(np.int64), values)


def _num(frame: fr.Frame, name: str) -> np.ndarray:
    column = frame.get(name)
    if isinstance(column, fr.Num):
        return column.x
    return np.where(column.present(), np.nan, np.nan)


def run_compute(comp: Compute, frame: fr.Frame) -> tuple[np.ndarray, Detail | None]:
    """The computed values (NaN: undecided) and what was missing where it is undecided."""
    n = frame.n
    op = comp.op
    if op == "count":
        return fr.count_of(frame.get(comp.args[0])), None
    if op == "count_where":
        return _count_where(comp, frame), None
    if op in ("minimum", "maximum"):
        return _extreme(comp, frame)
    args = [frame.get(a) for a in comp.args]
    present = [a.present() for a in args]
    missing = _details(n, [(~p, name) for p, name in zip(present, comp.args, strict=True)])
    complete = np.logical_and.reduce(present) if present else np.ones(n, dtype=bool)
    x = [_num(frame, a) for a in comp.args]
    with np.errstate(all="ignore"):
        if op == "ratio":
            value = np.where(x[1] == 0, np.nan, round4(x[0] / np.where(x[1] == 0, 1.0, x[1])))
        elif op == "difference":
            value = round4(x[0] - x[1])
        elif op == "product":
            result = np.full(n, comp.factor)
            for v in x:
                result = result * v
            value = round4(result)
        elif op == "sum":
            result = np.zeros(n)
            for v in x:
                result = result + v
            value = round4(result)
        elif op in ("days_since", "days_until"):
            days = frame.as_of.toordinal() - x[0]
            value = days if op == "days_since" else -days
        elif op == "years_since":
            value = _years_since(x[0], frame.as_of)
        elif op == "scale":
            value = round4(scaled(comp, x[0]))
        else:
            raise BatchUnsupported(f"the operation {op} of the computed fact {comp.id}, column-wise")
    value = np.where(complete, value, np.nan)
    return value, missing


def _extreme(comp: Compute, frame: fr.Frame) -> tuple[np.ndarray, Detail]:
    """A minimum or maximum, undecided for want of the list, or of a value in its records."""
    column = frame.get(comp.args[0])
    value, empty = extreme(comp, column, frame.n)
    name = comp.args[0]
    detail = _details(frame.n, [(~column.present(), name), (empty, f"{name}.{comp.item_field}")])
    return round4(value), detail


def _years_since(ordinals: np.ndarray, as_of: dt.date) -> np.ndarray:
    """`calendar_years(date, as_of)` of each date, in numpy (`kamrules.batch.calendar`)."""
    out = np.full(len(ordinals), np.nan)
    present = ~np.isnan(ordinals)
    if not present.any():
        return out
    given = ordinals[present]
    years = vector_years(given, np.full(len(given), float(as_of.toordinal())))
    # Years at the calendar's ends: the per-account path's own function (which refuses an
    # anniversary after 9999), so that such a row fails as it fails there.
    edge = (given < _YEAR_2) | (given > _YEAR_9998)
    for k in np.flatnonzero(edge).tolist():
        years[k] = calendar_years(dt.date.fromordinal(int(given[k])), as_of)[2]
    out[present] = round4(years)
    return out


_YEAR_2 = float(dt.date(2, 1, 1).toordinal())
_YEAR_9998 = float(dt.date(9997, 12, 31).toordinal())


def _count_where(comp: Compute, frame: fr.Frame) -> np.ndarray:
    column = frame.get(comp.args[0])
    n = frame.n
    if not isinstance(column, fr.Lst) or column.mapping or not pa.types.is_struct(column.arr.type.value_type):
        return np.zeros(n)  # items that are not records match no filter
    items = pc.list_flatten(column.arr)
    parents = pc.list_parent_indices(column.arr).to_numpy()
    keep = np.ones(len(items), dtype=bool)
    fields = {items.type.field(k).name for k in range(items.type.num_fields)}
    for name, accepted in comp.filters:
        if name not in fields or not pa.types.is_string(items.type.field(name).type):
            keep[:] = False
            continue
        hit = pc.is_in(items.field(name), value_set=pa.array(list(accepted), pa.string()))
        keep &= np.asarray(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), dtype=bool)
    return np.bincount(parents[keep], minlength=n).astype(np.float64)


def run_scorecard(card: Scorecard, frame: fr.Frame) -> tuple[np.ndarray, Detail]:
    n = frame.n
    value = np.full(n, np.nan)
    todo = np.ones(n, dtype=bool)
    parts: list[tuple[np.ndarray, Detail]] = []
    if card.given is not None:
        given = _num(frame, card.given)
        has = ~np.isnan(given)
        value[has] = given[has]
        todo &= ~has
    if card.criteria_from is not None:
        column = frame.get(card.criteria_from)
        own = todo & (fr.count_of(column) > 0)
        if own.any() and isinstance(column, fr.Lst):
            v, detail = _from_account(card, column, n)
            value[own] = v[own]
            parts.append((own, detail))
        todo &= ~own
    if card.criteria:
        v, detail = _from_ruleset(card, frame)
        value[todo] = v[todo]
        parts.append((todo, detail))
    else:
        names = tuple(x for x in (card.given, card.criteria_from) if x)
        parts.append((todo, Detail(np.zeros(n, dtype=np.int64), [names]) if names else Detail(np.full(n, -1), [])))
    return value, _combine(n, parts)


def _combine(n: int, parts: list[tuple[np.ndarray, Detail]]) -> Detail:
    codes = np.full(n, -1, dtype=np.int64)
    values: list[tuple[str, ...]] = []
    for mask, detail in parts:
        offset = len(values)
        values += detail.values
        chosen = mask & (detail.codes >= 0)
        codes[chosen] = detail.codes[chosen] + offset
    return Detail(codes, values)


def _from_account(card: Scorecard, column: fr.Lst, n: int) -> tuple[np.ndarray, Detail]:
    src = card.criteria_from or ""
    entries = pc.list_flatten(column.arr)
    parents = pc.list_parent_indices(column.arr).to_numpy()
    keys = entries.field(0)
    items = entries.field(1)
    versus = card.method == "versus_competitor"
    fields = ("ours", "best_competitor") if versus else ("score",)

    def field(name: str) -> np.ndarray:
        kind = items.type
        if not pa.types.is_struct(kind) or kind.get_field_index(name) < 0:
            return np.full(len(items), np.nan)
        return np.asarray(items.field(name).to_numpy(zero_copy_only=False), dtype=np.float64)

    weight = np.nan_to_num(field("weight"), nan=0.0)
    scores = [field(f) for f in fields]
    have = np.logical_and.reduce([~np.isnan(s) for s in scores])
    total = np.bincount(parents, weights=weight, minlength=n)
    have_weight = np.bincount(parents[have], weights=weight[have], minlength=n)
    have_count = np.bincount(parents[have], minlength=n)
    gaps = np.bincount(parents[~have], minlength=n) > 0
    sums = [np.bincount(parents[have], weights=(weight * s)[have], minlength=n) for s in scores]
    with np.errstate(all="ignore"):
        share = have_weight * 100.0 / total
        undecided = (
            (have_count == 0)
            | (have_weight <= 0)
            | (gaps & ((card.on_missing == "undecided") | (share < card.min_weight)))
        )
        if versus:
            ours, best = sums[0] / have_weight, sums[1] / have_weight
            value = round4(np.minimum(10.0, np.maximum(1.0, 5.5 + (ours - best) / 2.0)))
        else:
            value = round4(sums[0] / have_weight)
    value = np.where(undecided, np.nan, value)
    return value, _gap_names(src, keys, scores, fields, parents, undecided & gaps, n)


def _gap_names(
    src: str,
    keys: pa.Array,
    scores: list[np.ndarray],
    fields: tuple[str, ...],
    parents: np.ndarray,
    rows: np.ndarray,
    n: int,
) -> Detail:
    """Per undecided row, "src.criterion.field" for each score a criterion lacks, in order (the
    criteria in the row's order, each with its gaps in field order): the names are joined by
    Arrow and told apart per distinct list, not row by row."""
    codes = np.full(n, -1, dtype=np.int64)
    if not rows.any():
        return Detail(codes, [])
    keys = keys.cast(pa.string())
    entry, field, parent = [], [], []
    for f, s in enumerate(scores):
        gap = np.flatnonzero(np.isnan(s) & rows[parents])
        entry.append(gap)
        field.append(np.full(len(gap), f))
        parent.append(parents[gap])
    e, f_, p = np.concatenate(entry), np.concatenate(field), np.concatenate(parent)
    if not len(e):
        return Detail(codes, [])
    order = np.lexsort((f_, e))  # entries in order (rows ascending with them), fields within
    e, f_, p = e[order], f_[order], p[order]
    suffix = pa.array([f".{name}" for name in fields], pa.string()).take(pa.array(f_))
    names = pc.binary_join_element_wise(pa.scalar(f"{src}."), keys.take(pa.array(e)), suffix, "")
    starts = np.flatnonzero(np.concatenate([[True], p[1:] != p[:-1]]))
    offsets = np.concatenate([starts, [len(p)]]).astype(np.int32)
    # A row's list of names, told apart by the codes of its names joined (digits and commas:
    # no name can make two lists look alike).
    words = pc.dictionary_encode(names)
    numbers = pc.cast(words.indices, pa.string())
    lists = pc.dictionary_encode(pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), numbers), ","))
    codes[p[starts]] = lists.indices.to_numpy(zero_copy_only=False)
    vocabulary = words.dictionary.to_pylist()
    values = [tuple(vocabulary[int(k)] for k in key.split(",")) for key in lists.dictionary.to_pylist()]
    return Detail(codes, values)


def _from_ruleset(card: Scorecard, frame: fr.Frame) -> tuple[np.ndarray, Detail]:
    n = frame.n
    weight = np.zeros(n)
    total = np.zeros(n)
    have = np.zeros(n, dtype=np.int64)
    gaps: list[tuple[np.ndarray, str]] = []
    for c in card.criteria:
        v = _num(frame, c.fact)
        present = ~np.isnan(v)
        weight = weight + np.where(present, c.weight, 0.0)
        total = total + np.where(present, c.weight * np.nan_to_num(v), 0.0)
        have += present
        gaps.append((~present, c.fact))
    missing = np.logical_or.reduce([g for g, _ in gaps])
    with np.errstate(all="ignore"):
        undecided = missing & ((card.on_missing == "undecided") | (weight < card.min_weight) | (have == 0))
        value = np.where(undecided, np.nan, round4(total / weight))
    detail = _details(n, gaps)
    detail.codes = np.where(undecided, detail.codes, -1)
    return value, detail
