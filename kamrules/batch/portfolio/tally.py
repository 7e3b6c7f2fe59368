"""The summary's counts, column-wise: a `TallyPart` per batch, merged in input order into
today's `Tally` (`kamrules.portfolio.tally`), which the summary, the report and the plots read.

A part holds, for the batch's advised rows, the counts (rows, rejected, key accounts, class A,
accounts per quadrant, per sector left off the target sectors matrix, per warning code and
severity), the first ids of key accounts without a plan or with an outdated one, the five
largest accounts, and the values of every sum (revenue per quadrant, key accounts' revenue, the
BCG estimate) in input order: merged in that order, each sum is the float today's row-by-row
tally gives. Which columns are counted is today's tally's: the quadrant columns of its matrices,
`revenue_class`, `no_plan`, `plan_outdated` and the `estimate.*` columns.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kamrules.batch.portfolio.legacy import ESTIMATES, MATRICES, MAX_IDS, POINT_COLUMNS, Tally


@dataclass
class TallyPart:
    rows: int = 0
    ok: int = 0
    key_accounts: int = 0
    key_revenue: np.ndarray = field(default_factory=lambda: np.zeros(0))
    without_plan: int = 0
    without_plan_ids: list[str] = field(default_factory=list)
    plan_outdated: int = 0
    plan_outdated_ids: list[str] = field(default_factory=list)
    class_a: int = 0
    quadrants: dict[str, list[tuple[str, int, np.ndarray]]] = field(default_factory=dict)  # in first-seen order
    warnings: list[tuple[tuple[str, str], int]] = field(default_factory=list)
    unplaced_sectors: list[tuple[str, int]] = field(default_factory=list)
    estimate: dict[str, np.ndarray] = field(default_factory=dict)
    top: list[tuple[float, int, str]] = field(default_factory=list)
    points: list[dict[str, Any]] = field(default_factory=list)


def _texts(table: pa.Table, name: str) -> pa.Array:
    return table.column(name).combine_chunks() if name in table.column_names else pa.nulls(table.num_rows, pa.string())


def _numbers(table: pa.Table, name: str) -> np.ndarray:
    if name not in table.column_names:
        return np.full(table.num_rows, np.nan)
    column = table.column(name).combine_chunks().cast(pa.float64())
    return np.asarray(pc.fill_null(column, np.nan).to_numpy(zero_copy_only=False), dtype=np.float64)


def _flags(table: pa.Table, name: str) -> np.ndarray:
    if name not in table.column_names:
        return np.zeros(table.num_rows, dtype=bool)
    column = table.column(name).combine_chunks()
    if not pa.types.is_boolean(column.type):
        return np.asarray(pc.is_valid(column).to_numpy(zero_copy_only=False), dtype=bool)
    return np.asarray(pc.fill_null(column, False).to_numpy(zero_copy_only=False), dtype=bool)


def _equals(column: pa.Array, value: str) -> np.ndarray:
    return np.asarray(pc.fill_null(pc.equal(column, value), False).to_numpy(zero_copy_only=False), dtype=bool)


def _counts(values: pa.Array) -> list[tuple[str, int]]:
    """Each distinct value with its count, in the order first met (as a Counter fills)."""
    if not len(values):
        return []
    encoded = pc.dictionary_encode(values)
    codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    counts = np.bincount(codes, minlength=len(encoded.dictionary))
    return list(zip(encoded.dictionary.to_pylist(), counts.tolist(), strict=True))


def tally_part(
    advised: pa.Table,
    positions: np.ndarray,
    rows: int,
    warning_kinds: np.ndarray,
    kinds: list[tuple[str, str]],
    keep_points: bool,
) -> TallyPart:
    """The part of a batch whose advised rows are `advised` (today's output columns), at
    `positions` (1-based places among the portfolio's rows, error rows included); `rows` the
    batch's rows; the advised rows' warnings as codes into `kinds` ((code, severity) pairs), in
    the order of the rows and of each row's advice."""
    part = TallyPart(rows=rows, ok=advised.num_rows)
    m = advised.num_rows
    if not m:
        return part
    revenue = _numbers(advised, "business.revenue")
    revenue_or_zero = np.nan_to_num(revenue, nan=0.0)
    ids = _texts(advised, "id")
    key = _equals(_texts(advised, "tier"), "key_account")
    part.key_accounts = int(key.sum())
    part.key_revenue = revenue_or_zero[key]
    no_plan, outdated = key & _flags(advised, "no_plan"), key & _flags(advised, "plan_outdated")
    part.without_plan, part.without_plan_ids = int(no_plan.sum()), _first_ids(ids, no_plan)
    part.plan_outdated, part.plan_outdated_ids = int(outdated.sum()), _first_ids(ids, outdated)
    part.class_a = int(_equals(_texts(advised, "revenue_class"), "A").sum())
    for matrix in MATRICES:
        column = _texts(advised, matrix.quadrant_column)
        valid = np.asarray(column.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        found: list[tuple[str, int, np.ndarray]] = []
        for quadrant, count in _counts(column.filter(pa.array(valid))):
            mine = _equals(column, quadrant)
            found.append((quadrant, count, revenue_or_zero[mine]))
        if found:
            part.quadrants[matrix.id] = found
    sector = _texts(advised, "sector")
    placed = np.asarray(
        _texts(advised, "attractiveness_adaptability.quadrant").is_valid().to_numpy(zero_copy_only=False), dtype=bool
    )
    named = np.asarray(
        pc.fill_null(pc.greater(pc.utf8_length(sector), 0), False).to_numpy(zero_copy_only=False), dtype=bool
    )
    part.unplaced_sectors = _counts(sector.filter(pa.array(named & ~placed)))
    if len(warning_kinds):
        counts = np.bincount(warning_kinds, minlength=len(kinds))
        _, first = np.unique(warning_kinds, return_index=True)
        met = np.unique(warning_kinds)[np.argsort(first)]  # in the order first met
        totals: dict[tuple[str, str], int] = {}
        for k in met.tolist():  # two kinds may be one (code, severity) pair: their counts add up
            totals[kinds[k]] = totals.get(kinds[k], 0) + int(counts[k])
        part.warnings = list(totals.items())
    for name in ESTIMATES:
        values = _numbers(advised, name)
        part.estimate[name] = values[~np.isnan(values)]
    has_revenue = ~np.isnan(revenue)
    if has_revenue.any():
        names = _texts(advised, "name")
        shown = pc.if_else(pc.fill_null(pc.greater(pc.utf8_length(names), 0), False), names, ids)
        order_ = np.lexsort((positions, -revenue))  # largest first, then the earlier row
        chosen = [k for k in order_.tolist() if has_revenue[k]][:5]
        part.top = [(float(revenue[k]), -int(positions[k]), str(shown[k].as_py())) for k in chosen]
    if keep_points:
        part.points = points(advised)
    return part


def _first_ids(ids: pa.Array, chosen: np.ndarray) -> list[str]:
    return [str(x) for x in ids.take(pa.array(np.flatnonzero(chosen)[:MAX_IDS])).to_pylist()]


def points(advised: pa.Table) -> list[dict[str, Any]]:
    """The cells the report and the plots read, per account, as today's cells hold them."""
    columns = {}
    for name in POINT_COLUMNS:
        if name not in advised.column_names:
            columns[name] = [None] * advised.num_rows
            continue
        column = advised.column(name)
        if pa.types.is_date(column.type):
            column = column.cast(pa.string())
        columns[name] = column.to_pylist()
    return [dict(zip(POINT_COLUMNS, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _sum(start: float, values: np.ndarray) -> float:
    """start + v1 + v2 + ..., added one by one as Python adds them."""
    if not len(values):
        return start
    return float(np.cumsum(np.concatenate(([start], values)))[-1])


def merge(tally: Tally, part: TallyPart) -> None:
    """Add a batch's part to `tally` (the parts of a run in input order)."""
    tally.rows += part.rows
    tally.ok += part.ok
    tally.rejected += part.rows - part.ok
    tally.key_accounts += part.key_accounts
    tally.key_revenue = _sum(tally.key_revenue, part.key_revenue)
    tally.without_plan += part.without_plan
    tally.without_plan_ids.extend(part.without_plan_ids[: MAX_IDS - len(tally.without_plan_ids)])
    tally.plan_outdated += part.plan_outdated
    tally.plan_outdated_ids.extend(part.plan_outdated_ids[: MAX_IDS - len(tally.plan_outdated_ids)])
    tally.class_a += part.class_a
    for matrix_id, found in part.quadrants.items():
        counts = tally.quadrants.setdefault(matrix_id, Counter())
        revenue = tally.quadrant_revenue.setdefault(matrix_id, {})
        for quadrant, count, values in found:
            counts[quadrant] += count
            revenue[quadrant] = _sum(revenue.get(quadrant, 0.0), values)
    for kind, count in part.warnings:
        tally.warnings[kind] += count
    for sector, count in part.unplaced_sectors:
        tally.unplaced_sectors[str(sector)] += count
    for name, values in part.estimate.items():
        tally.estimate[name] = _sum(tally.estimate[name], values)
    for item in part.top:
        tally._top.append(item)
    tally._top = sorted(tally._top, reverse=True)[:5]
    if tally.keep_points:
        tally.points.extend(part.points)
