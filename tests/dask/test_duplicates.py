"""The file of a duplicate's first row, across the pieces of a run (kamrules.dask.duplicates),
without a cluster: found from the pieces' first indexes (an empty piece in between), kept in a
piece's facts only where it is another file than the piece's own."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from kamrules.batch.portfolio.facts import PortfolioFacts, ScanPart
from kamrules.dask.duplicates import for_piece, name_first_files


def _part(first: int, ids: list[str]) -> ScanPart:
    n = len(ids)
    index = np.arange(first, first + n, dtype=np.int64)
    return ScanPart(n, index, index - first + 2, pa.array(ids), np.ones(n), np.ones(n))


def test_the_first_rows_file_is_named_where_it_is_another() -> None:
    # Three pieces: a.csv (X, Y), an empty one (c.csv), b.csv (Y, Z, Z): Y repeats a.csv's, Z its own.
    parts = [_part(0, ["X", "Y"]), _part(2, ["Y", "Z", "Z"])]
    facts = PortfolioFacts.combine(parts)
    assert facts.dup_ids == ["Y", "Z"] and facts.dup_first_index.tolist() == [1, 3]
    name_first_files(facts, [0, 2, 2], ["a.csv", "c.csv", "b.csv"])
    assert facts.dup_first_file == ["a.csv", "b.csv"]
    mine = for_piece(facts.for_rows(2, 3), "b.csv")
    assert mine.first_files(np.array([2, 4])) == ["a.csv", None]  # Z's first row is in b.csv itself
    assert mine.duplicates(np.array([2, 3, 4]))[0].tolist() == [True, False, True]


def test_one_file_names_no_file() -> None:
    facts = PortfolioFacts.combine([_part(0, ["X", "X"])])
    name_first_files(facts, [0], ["a.csv"])
    assert facts.dup_first_file == [] and facts.first_files(np.array([1])) == [None]
    name_first_files(facts, [0, 1], ["a.csv", "a.csv"])  # two ranges of one file
    assert facts.dup_first_file == []
