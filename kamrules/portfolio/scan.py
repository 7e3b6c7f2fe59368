"""The first pass over a portfolio: what no single row can know about itself.

Revenue class (ABC) needs each account's place in the cumulative revenue of the whole
portfolio, ranked largest first; the revenue x potential matrix cuts at the portfolio's
medians; a duplicate id is only a duplicate given the rows before it. So the file is read
twice: this first pass validates every row and keeps, per valid account, its position, its id
and two numbers (revenue and potential); the second pass advises and writes, row by row.
Memory grows with those few values per account, never with the accounts' facts.

An account is in the ranking when it is valid, not a duplicate, and has a revenue; equal
revenues keep the order of the file. Rejected rows count for nothing. A portfolio whose total
revenue is 0 has no ranking: shares of nothing are undefined.
"""

from __future__ import annotations

import math
import statistics
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field

from kamrules import codes
from kamrules.portfolio.prepare import Prepared, RowProblem


@dataclass(frozen=True)
class Place:
    """An account's place in the portfolio's revenue."""

    revenue_share: float
    cumulative_share_before: float


@dataclass
class Scan:
    rows: int = 0  # input rows (valid or not)
    revenue_total: float = 0.0
    revenue_median: float | None = None
    potential_median: float | None = None
    # Row index -> revenue share and cumulative share before it; NaN where there is no place.
    # Two arrays of floats, not one object per account: 16 bytes a row.
    shares: array[float] = field(default_factory=lambda: array("d"))
    befores: array[float] = field(default_factory=lambda: array("d"))
    duplicates: dict[int, RowProblem] = field(default_factory=dict)  # row index -> the problem

    def place(self, index: int) -> Place | None:
        """The place of the row at `index` in the revenue ranking (None: no revenue, or rejected)."""
        if index >= len(self.shares) or math.isnan(self.shares[index]):
            return None
        return Place(self.shares[index], self.befores[index])


@dataclass(frozen=True)
class ScanRow:
    """What the first pass keeps of a row: small enough to send back from a worker process."""

    index: int
    row: int
    line: int | None
    ok: bool
    ident: str | None
    revenue: float | None
    potential: float | None


def summary(prep: Prepared) -> ScanRow:
    account = prep.account
    business = account.business if account is not None else None
    return ScanRow(
        index=prep.index,
        row=prep.row,
        line=prep.line,
        ok=prep.ok and account is not None,
        ident=account.id if account is not None else None,
        revenue=business.revenue if business is not None else None,
        potential=business.potential_revenue if business is not None else None,
    )


def duplicate_problem(
    ident: str, first_row: int, line: int | None, first_file: str | None = None, here: str | None = None
) -> RowProblem:
    """The later row of an id given twice; `first_file`: the first row's file where it is
    another than the row's own file, `here` (a run over several files names both)."""
    if first_file is not None:
        message = f"duplicate id {ident!r} in {here}: row {first_row} of {first_file} has the same id"
        return RowProblem("id", message, codes.DUPLICATE_ID, line)
    return RowProblem("id", f"duplicate id {ident!r}: row {first_row} has the same id", codes.DUPLICATE_ID, line)


def scan(rows: Iterable[Prepared | ScanRow]) -> Scan:
    """Read every row once, in file order (prepared here, or summarised by worker processes);
    see the module's docstring."""
    result = Scan()
    first_row: dict[str, int] = {}
    indexes = array("q")
    revenues = array("d")
    potentials = array("d")
    for item in rows:
        row = item if isinstance(item, ScanRow) else summary(item)
        result.rows += 1
        if not row.ok or row.ident is None:
            continue
        ident = row.ident
        if ident in first_row:
            result.duplicates[row.index] = duplicate_problem(ident, first_row[ident], row.line)
            continue
        first_row[ident] = row.row
        if row.revenue is not None:
            indexes.append(row.index)
            revenues.append(row.revenue)
        if row.potential is not None:
            potentials.append(row.potential)
    total = float(sum(revenues))
    result.revenue_total = total
    if revenues:
        result.revenue_median = float(statistics.median(revenues))
    if potentials:
        result.potential_median = float(statistics.median(potentials))
    result.shares = array("d", [math.nan]) * result.rows
    result.befores = array("d", [math.nan]) * result.rows
    if total <= 0:
        # No revenue at all: a share of nothing is undefined, so no account has a place in the
        # ranking (and so no revenue class), rather than every account sharing the last place.
        return result
    # Largest first; sorted() is stable, so equal revenues keep the file's order.
    order = sorted(range(len(revenues)), key=lambda k: -revenues[k])
    before = 0.0
    for k in order:
        result.shares[indexes[k]] = revenues[k] / total
        result.befores[indexes[k]] = min(1.0, before / total)
        before += revenues[k]
    return result
