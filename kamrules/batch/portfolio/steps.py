"""The two passes' work on one batch: pure functions of (context, [facts,] batch).

`scan_batch` (first pass) reads and checks a batch and keeps what the portfolio facts are
reduced from; `advise_batch` (second pass) advises the batch's accounts, places them on the
portfolio matrices and gives the batch's output rows, its part of the summary's counts and its
error rows. Both load the rule bases once per process (`context.loaded`), so they can run in a
worker process, or on a Dask worker, fed only with the context, the facts and the batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from kamrules.batch import frame as fr
from kamrules.batch.accounts import Accounts, read_accounts
from kamrules.batch.portfolio import legacy
from kamrules.batch.portfolio.assemble import assemble
from kamrules.batch.portfolio.cells import advice_cells
from kamrules.batch.portfolio.context import Context, loaded
from kamrules.batch.portfolio.enrich import progress_cells, progress_rows, with_sector_attractiveness
from kamrules.batch.portfolio.facts import PortfolioFacts, ScanPart
from kamrules.batch.portfolio.mapping import Mapped, map_batch
from kamrules.batch.portfolio.position import Placement, derived_cells, place_accounts, sector_cells, sector_codes
from kamrules.batch.portfolio.tally import TallyPart, tally_part
from kamrules.batch.readers.batch import InputBatch
from kamrules.batch.run import evaluate
from kamrules.model.account import Account
from kamrules.portfolio.enrich import with_context
from kamrules.portfolio.progress import ProgressRow


@dataclass
class ErrorRow:
    """A row that could not be advised: its number, line and problems (for standard error)."""

    row: int
    line: int | None
    problems: list[legacy.RowProblem]
    ident: str | None = None
    name: str | None = None


@dataclass
class BatchResult:
    """The second pass's output for one batch."""

    first: int
    table: pa.RecordBatch | None  # the output rows (None when only `encoded` was asked for)
    tally: TallyPart
    errors: list[ErrorRow] = field(default_factory=list)
    encoded: bytes | None = None  # the rows as a writer's bytes, when asked
    progress: list[ProgressRow] = field(default_factory=list)  # its advised rows with a plan compared


@dataclass
class _Read:
    mapped: Mapped
    accounts: Accounts
    prepared: dict[int, legacy.Prepared]


def _read(context: Context, batch: InputBatch) -> _Read:
    mapped = map_batch(batch, context.colmap)
    mapped.accounts = with_sector_attractiveness(mapped.accounts, context.sectors)
    prepared: dict[int, legacy.Prepared] = {}

    def account_of(k: int) -> Account | None:
        prep = legacy.prepare(batch.raw_row(k), context.colmap, context.name)
        prepared[k] = prep
        if not prep.ok or prep.account is None:
            return None
        sector = context.sectors.get(prep.account.sector.casefold()) if prep.account.sector else None
        return with_context(prep.account, sector.attractiveness if sector is not None else None)

    accounts = read_accounts(mapped.accounts, context.as_of, doubt=mapped.doubt, account_of=account_of)
    return _Read(mapped, accounts, prepared)


def scan_batch(context: Context, batch: InputBatch) -> ScanPart:
    """First pass: the batch's accounts that can be advised, for the portfolio facts."""
    read = _read(context, batch)
    acc = read.accounts
    frame = acc.frame
    return ScanPart(
        batch.n,
        batch.first + acc.rows.astype(np.int64),
        batch.rows[acc.rows],
        acc.ids.cast(pa.string()),
        _number(frame, "business.revenue"),
        _number(frame, "business.potential_revenue"),
    )


def _number(frame: fr.Frame, name: str) -> np.ndarray:
    column = frame.get(name)
    return column.x if isinstance(column, fr.Num) else np.full(frame.n, np.nan)


def advise_batch(
    context: Context, facts: PortfolioFacts, batch: InputBatch, *, keep_points: bool = False
) -> BatchResult:
    """Second pass: the batch's output rows (today's columns, typed), in input order."""
    setup = loaded(context.rules)
    read = _read(context, batch)
    acc = read.accounts
    index = batch.first + acc.rows.astype(np.int64)
    dup, first_row = facts.duplicates(index)
    res = evaluate(setup.engine.program, setup.account_plans, acc.frame)
    frame = res.frame
    cells, warnings = advice_cells(setup.engine.rulebase, res, context.lang)
    share, before = facts.place(index, _number(frame, "business.revenue"))
    codes, sectors = sector_codes(frame, context.sectors)
    exists, reviewed = _plans(context, batch, read, acc)
    place = Placement(share, before, facts.revenue_median, facts.potential_median, codes, sectors, exists, reviewed)
    portfolio = setup.knowledge.accounts
    placed = place_accounts(portfolio, setup.position_plans, frame, place)
    cells.update(derived_cells(portfolio.rulebase, placed, context.lang))
    cells.update(sector_cells(setup.knowledge.sectors.rulebase, place, context.lang))
    cells["portfolio.revenue_share"] = _floats(share)
    cells["portfolio.cumulative_share_before"] = _floats(before)
    cells["plan.exists"] = pa.array(exists == 1, pa.bool_(), mask=exists < 0)
    cells.update(progress_cells(acc.ids, context.progress))
    for name in ("id", "name"):
        cells[name] = (acc.ids if name == "id" else acc.names).cast(pa.string())
    sector = frame.get("sector")
    cells["sector"] = sector.to_arrow() if isinstance(sector, fr.Text) else pa.nulls(frame.n, pa.string())
    for name in legacy.flatten.INPUTS:
        column = frame.get(name)
        if isinstance(column, fr.Num) and column.date:
            days = np.where(np.isnan(column.x), 0, column.x - fr.ORDINAL_1970).astype(np.int32)
            cells[name] = pa.array(days, pa.int32(), mask=np.isnan(column.x)).cast(pa.date32())
        elif isinstance(column, fr.Num):
            cells[name] = _floats(column.x)
    errors = _errors(context, batch, read, acc, dup, first_row, facts.first_files(index[dup]))
    table, advised = assemble(setup.schema, batch, acc.rows[~dup], ~dup, cells, errors)
    advised = _with_unwritten(advised, cells, ~dup)
    positions = batch.first + acc.rows[~dup].astype(np.int64) + 1
    advised_warnings = warnings.kind[~dup[warnings.rows]] if len(warnings.rows) else warnings.kind
    kinds = [(kind[0], kind[1]) for kind in warnings.kinds]
    tally = tally_part(advised, positions, batch.n, advised_warnings, kinds, keep_points)
    compared = progress_rows(advised, context.progress)
    return BatchResult(batch.first, table, tally, [errors[k] for k in sorted(errors)], progress=compared)


def _with_unwritten(advised: pa.Table, cells: dict[str, pa.Array], keep: np.ndarray) -> pa.Table:
    """The advised rows with the facts the summary counts that are not written (a quadrant the
    output leaves out as repeated: kamrules.portfolio.outcolumns.REPEATED)."""
    chosen = pa.array(np.flatnonzero(keep))
    for name in (
        *(m.quadrant_column for m in legacy.MATRICES),
        *(f"{m.quadrant_column}.text" for m in legacy.MATRICES),
    ):
        if name in cells and name not in advised.column_names:
            advised = advised.append_column(name, cells[name].take(chosen))
    return advised


def _floats(x: np.ndarray) -> pa.Array:
    return pa.array(x, pa.float64(), mask=np.isnan(x))


def _plans(context: Context, batch: InputBatch, read: _Read, acc: Accounts) -> tuple[np.ndarray, np.ndarray]:
    """Whether each valid row has a plan (its own plan.exists, else the --plans folder), and
    when it was reviewed: `Evaluator._values`'s rules."""
    rows = acc.rows
    exists = read.mapped.plan_exists[rows].copy()
    reviewed = read.mapped.plan_reviewed[rows].copy()
    for j, k in enumerate(rows.tolist()):
        prep = read.prepared.get(k)
        if prep is None:
            continue
        plan = prep.plan
        exists[j] = -1 if plan is None or plan.exists is None else int(plan.exists)
        reviewed[j] = np.nan if plan is None or plan.reviewed is None else float(plan.reviewed.toordinal())
    if context.plans is not None:
        unknown = exists < 0
        if unknown.any():
            ids = acc.ids.cast(pa.string()).to_pylist()
            listed = np.array([i in context.plans for i in ids], dtype=bool)
            exists = np.where(unknown, listed.astype(np.int8), exists).astype(np.int8)
    return exists, reviewed


def _errors(
    context: Context,
    batch: InputBatch,
    read: _Read,
    acc: Accounts,
    dup: np.ndarray,
    first_row: np.ndarray,
    first_files: list[str | None],
) -> dict[int, ErrorRow]:
    """The batch's error rows (by row in the batch): every row that is not a valid account,
    and the later rows of an id given twice, with the problems today's code finds."""
    out: dict[int, ErrorRow] = {}
    valid = np.zeros(batch.n, dtype=bool)
    valid[acc.rows] = True
    duplicate = dict(zip(acc.rows[dup].tolist(), zip(first_row[dup].tolist(), first_files, strict=True), strict=True))
    for k in np.flatnonzero(~valid).tolist() + sorted(duplicate):
        prep = read.prepared.get(k)
        if prep is None:
            prep = legacy.prepare(batch.raw_row(k), context.colmap, context.name)
        problems = list(prep.problems)
        if k in duplicate:
            ident = acc.ids[int(np.searchsorted(acc.rows, k))].as_py()
            row, file = duplicate[k]
            problems.append(legacy.duplicate_problem(str(ident), row, batch.line(k), file, context.name))
        out[k] = ErrorRow(int(batch.rows[k]), batch.line(k), problems, prep.ident, prep.name)
    return out
