"""A batch the columnar path fails on (a bug of kamrules, met on some row), done by today's
per-row path instead: each row prepared and evaluated alone, so that the row that meets the bug
becomes an error row (`INTERNAL`, as today) and every other row of the batch is still advised.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa

from kamrules.batch.portfolio import legacy
from kamrules.batch.portfolio.context import Context, loaded
from kamrules.batch.portfolio.enrich import progress_rows
from kamrules.batch.portfolio.facts import PortfolioFacts, ScanPart
from kamrules.batch.portfolio.steps import BatchResult, ErrorRow
from kamrules.batch.portfolio.tally import tally_part
from kamrules.batch.readers.batch import InputBatch

_WARNINGS_SEEN = "_warnings"  # kamrules.portfolio.flatten.WARNINGS_SEEN


def scan_rows(context: Context, batch: InputBatch) -> ScanPart:
    """`scan_batch`, row by row."""
    index, row, ids, revenue, potential = [], [], [], [], []
    for k in range(batch.n):
        prep = legacy.prepare(batch.raw_row(k), context.colmap, context.name)
        if not prep.ok or prep.account is None:
            continue
        business = prep.account.business
        index.append(batch.first + k)
        row.append(int(batch.rows[k]))
        ids.append(prep.account.id)
        revenue.append(np.nan if business is None or business.revenue is None else business.revenue)
        potential.append(
            np.nan if business is None or business.potential_revenue is None else business.potential_revenue
        )
    return ScanPart(
        batch.n,
        np.array(index, dtype=np.int64),
        np.array(row, dtype=np.int64),
        pa.array(ids, pa.string()),
        np.array(revenue, dtype=np.float64),
        np.array(potential, dtype=np.float64),
    )


def advise_rows(context: Context, facts: PortfolioFacts, batch: InputBatch, keep_points: bool) -> BatchResult:
    """`advise_batch`, row by row, with today's evaluator."""
    setup = loaded(context.rules)
    shared = legacy.Shared(
        context.rules,
        context.lang,
        context.as_of,
        facts.revenue_median,
        facts.potential_median,
        context.sectors,
        context.plans,
        progress=context.progress,
    )
    evaluator = legacy.Evaluator(setup.engine, setup.knowledge, shared)
    cells: list[dict[str, Any]] = []
    errors: list[ErrorRow] = []
    advised: list[int] = []
    kinds: dict[tuple[str, str], int] = {}
    seen: list[int] = []
    for k in range(batch.n):
        prep = legacy.prepare(batch.raw_row(k), context.colmap, context.name)
        index = np.array([batch.first + k], dtype=np.int64)
        place = duplicate = None
        if prep.ok and prep.account is not None:
            business = prep.account.business
            revenue = business.revenue if business is not None and business.revenue is not None else np.nan
            share, before = facts.place(index, np.array([revenue]))
            if not np.isnan(share[0]):
                place = legacy.Place(float(share[0]), float(before[0]))
            dup, first = facts.duplicates(index)
            if dup[0]:
                file = facts.first_files(index)[0]
                duplicate = legacy.duplicate_problem(prep.account.id, int(first[0]), batch.line(k), file, context.name)
        try:
            result = evaluator.evaluate(prep, place, duplicate)
        except Exception as exc:  # the bug's row: an error row, and the batch goes on
            result = evaluator.internal_error(prep, exc)
        cells.append(result.cells)
        if result.ok:
            advised.append(k)
            for pair in result.cells.get(_WARNINGS_SEEN) or ():
                code, severity = pair
                seen.append(kinds.setdefault((code, severity), len(kinds)))
        else:
            errors.append(ErrorRow(result.row, result.line, result.problems, prep.ident, prep.name))
    table = _table(setup.schema, cells)
    advised_table = pa.Table.from_batches([table]).take(pa.array(advised, pa.int64()))
    positions = batch.first + np.array(advised, dtype=np.int64) + 1
    tally = tally_part(advised_table, positions, batch.n, np.array(seen, dtype=np.int64), list(kinds), keep_points)
    compared = progress_rows(advised_table, context.progress)
    return BatchResult(batch.first, table, tally, errors, progress=compared)


def _table(schema: pa.Schema, cells: list[dict[str, Any]]) -> pa.RecordBatch:
    columns = []
    for f in schema:
        values = [c.get(f.name) for c in cells]
        if pa.types.is_date(f.type):
            values = [dt.date.fromisoformat(v) if isinstance(v, str) else v for v in values]
        columns.append(pa.array(values, f.type))
    return pa.RecordBatch.from_arrays(columns, schema=schema)
