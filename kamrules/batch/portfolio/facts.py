"""The portfolio facts: what no row knows about itself, reduced from the first pass.

Each batch of the first pass gives a `ScanPart`: per account it can advise (valid, its plan
columns too), its data-row index, its row number, its id, its revenue and potential revenue.
`PortfolioFacts.combine(parts)` reduces them, in input order, to what `kamrules.portfolio.scan`
computes: the later rows of an id given twice (duplicates, named with the first row), the
revenue ranking (largest first, equal revenues in file order; a portfolio with no revenue has
none), the total revenue and the medians of revenue and potential over the accounts kept.

The facts keep, per ranked account, its index and the share of revenue ranked before it (16
bytes an account); duplicates are few. `for_rows` cuts the part a batch needs, so that a worker
(or a Dask partition) receives only its own rows' facts. Sums are taken in input order, as
today's scan takes them, so that every share is the same float.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


@dataclass
class ScanPart:
    """What a batch of the first pass keeps (the accounts it can advise, in input order)."""

    rows: int  # the batch's data rows, valid or not
    index: np.ndarray  # int64: data-row index of each account
    row: np.ndarray  # int64: its row number
    ids: pa.Array  # string: its id
    revenue: np.ndarray  # float64, NaN: not given
    potential: np.ndarray  # float64, NaN: not given


@dataclass
class PortfolioFacts:
    """The portfolio-level facts a row's advice needs (see the module's docstring)."""

    rows: int = 0
    revenue_total: float = 0.0
    revenue_median: float | None = None
    potential_median: float | None = None
    ranked: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # sorted indexes
    before: np.ndarray = field(default_factory=lambda: np.zeros(0))  # revenue ranked before each, summed
    dup_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # sorted
    dup_first_row: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    dup_ids: list[str] = field(default_factory=list)
    dup_first_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # A run over several files (kamrules.dask.duplicates): the file of each duplicate's first
    # row where it is another file than the duplicate's own; None, or empty, where it is not.
    dup_first_file: list[str | None] = field(default_factory=list)

    @classmethod
    def combine(cls, parts: Iterable[ScanPart]) -> PortfolioFacts:
        """The facts of the whole portfolio from its batches' parts, given in input order."""
        parts = list(parts)
        facts = cls(rows=sum(p.rows for p in parts))
        if not parts or not sum(len(p.index) for p in parts):
            return facts
        # Each column is joined and then let go from the parts before the next: the peak holds
        # one column twice, not all of them.
        index = _joined(parts, "index")
        row = _joined(parts, "row")
        revenue = _joined(parts, "revenue")
        potential = _joined(parts, "potential")
        ids = pa.chunked_array([p.ids.cast(pa.string()) for p in parts], pa.string())
        parts.clear()
        # One hash table over every batch's ids, chunk by chunk (no copy of the ids themselves).
        encoded = pc.dictionary_encode(ids)
        codes = np.concatenate([np.asarray(c.indices.to_numpy(zero_copy_only=False)) for c in encoded.chunks])
        del encoded
        _, first = np.unique(codes, return_index=True)
        kept = np.zeros(len(index), dtype=bool)
        kept[first] = True
        if not kept.all():
            later = np.flatnonzero(~kept)
            first_of_code = np.empty(int(codes.max()) + 1, dtype=np.int64)
            first_of_code[codes[first]] = first
            facts.dup_index = index[later]
            facts.dup_first_row = row[first_of_code[codes[later]]]
            facts.dup_first_index = index[first_of_code[codes[later]]]
            facts.dup_ids = ids.take(pa.array(later)).to_pylist()
        del codes, row, ids, first
        if not kept.all():  # duplicates: only the first row of each id is ranked (no copy otherwise)
            index, revenue, potential = index[kept], revenue[kept], potential[kept]
        facts._rank(index, revenue, potential)
        return facts

    def _rank(self, index: np.ndarray, revenue: np.ndarray, potential: np.ndarray) -> None:
        given = ~np.isnan(revenue)
        revenues = revenue[given]
        # Python's sum of the revenues in file order: the same float as today's scan's.
        total = float(np.cumsum(revenues)[-1]) if len(revenues) else 0.0
        self.revenue_total = total
        self.revenue_median = _median(revenues)
        self.potential_median = _median(potential[~np.isnan(potential)])
        if total <= 0:
            return  # a share of no revenue is undefined: no account is ranked
        order = np.argsort(-revenues, kind="stable")  # largest first, ties in file order
        before = np.empty(len(order))
        before[0] = 0.0
        np.cumsum(revenues[order][:-1], out=before[1:])  # summed as today's loop sums
        places = index[given][order]
        del order
        by_index = np.argsort(places)
        self.ranked = places[by_index]
        self.before = before[by_index]

    def place(self, index: np.ndarray, revenue: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(revenue share, cumulative share before) of the rows at `index` with `revenue`
        (NaN: not ranked), as `Scan.place` gives them."""
        share = np.full(len(index), np.nan)
        before = np.full(len(index), np.nan)
        if not len(self.ranked) or not len(index):
            return share, before
        at = np.minimum(np.searchsorted(self.ranked, index), len(self.ranked) - 1)
        hit = self.ranked[at] == index
        total = self.revenue_total
        share[hit] = revenue[hit] / total
        before[hit] = np.minimum(1.0, self.before[at[hit]] / total)
        return share, before

    def duplicates(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(whether each row at `index` repeats an earlier row's id, the first such row's number)."""
        dup = np.zeros(len(index), dtype=bool)
        first = np.full(len(index), -1, dtype=np.int64)
        if not len(self.dup_index) or not len(index):
            return dup, first
        at = np.minimum(np.searchsorted(self.dup_index, index), len(self.dup_index) - 1)
        dup = self.dup_index[at] == index
        first[dup] = self.dup_first_row[at[dup]]
        return dup, first

    def for_rows(self, start: int, count: int) -> PortfolioFacts:
        """The facts rows `start` to `start + count - 1` need (small enough to send with them)."""
        lo, hi = np.searchsorted(self.ranked, [start, start + count])
        dlo, dhi = np.searchsorted(self.dup_index, [start, start + count])
        return PortfolioFacts(
            self.rows,
            self.revenue_total,
            self.revenue_median,
            self.potential_median,
            self.ranked[lo:hi],
            self.before[lo:hi],
            self.dup_index[dlo:dhi],
            self.dup_first_row[dlo:dhi],
            self.dup_ids[dlo:dhi],
            self.dup_first_index[dlo:dhi],
            self.dup_first_file[dlo:dhi],
        )

    def first_files(self, index: np.ndarray) -> list[str | None]:
        """The file of the first row of the id each duplicate row at `index` repeats, where it
        is another file than the row's own (None: the same file, or one file in all)."""
        if not self.dup_first_file or not len(index):
            return [None] * len(index)
        at = np.searchsorted(self.dup_index, index)
        return [self.dup_first_file[k] for k in at.tolist()]


_NONE = np.zeros(0)


def _joined(parts: list[ScanPart], name: str) -> np.ndarray:
    """The parts' `name` arrays end to end, each part's own released once copied."""
    joined = np.concatenate([getattr(p, name) for p in parts])
    for p in parts:
        setattr(p, name, _NONE)
    return joined


def _median(values: np.ndarray) -> float | None:
    """statistics.median: the middle value, or the mean of the two middle ones."""
    n = len(values)
    if not n:
        return None
    ordered = np.sort(values)
    middle = n // 2
    if n % 2:
        return float(ordered[middle])
    return float((float(ordered[middle - 1]) + float(ordered[middle])) / 2)


def is_nan(value: float | None) -> bool:
    return value is None or math.isnan(value)
