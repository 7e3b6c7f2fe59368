"""An account id given in two files of one run: its later row's error names both files.

On one machine a portfolio is one file, and a duplicate's message names the first row by its
number ("row 5 has the same id"). On a cluster the rows come from several files, each numbered
on its own, so a number alone would point into the wrong file: the reduction (`tasks.combine`)
finds the file of each duplicate's first row from the pieces' first data-row indexes
(`name_first_files`), and a piece's cut (`tasks.cut`) keeps it only where it is another file
than the piece's own (`for_piece`), so that a duplicate within one file reads as one machine
words it, and one across files as "duplicate id 'X' in b.csv: row 5 of a.csv has the same id".
"""

from __future__ import annotations

import dataclasses

import numpy as np

from kamrules.batch.portfolio.facts import PortfolioFacts


def name_first_files(facts: PortfolioFacts, firsts: list[int], names: list[str | None]) -> None:
    """Set `facts.dup_first_file`: the file of each duplicate's first row, given each piece's
    first data-row index (`firsts`, in piece order) and file (`names`). Nothing is set when the
    pieces are of one file (or of a DataFrame, whose pieces have no file)."""
    if len({n for n in names if n is not None}) < 2 or not len(facts.dup_index):
        return
    # The last piece starting at or before the row: an empty piece shares its first index with
    # the piece after it, which holds the row.
    piece = np.searchsorted(np.asarray(firsts, dtype=np.int64), facts.dup_first_index, side="right") - 1
    facts.dup_first_file = [names[int(k)] for k in piece]


def for_piece(facts: PortfolioFacts, name: str | None) -> PortfolioFacts:
    """A piece's facts with the first rows' files kept only where they are not the piece's own."""
    if not facts.dup_first_file:
        return facts
    files = [f if f != name else None for f in facts.dup_first_file]
    return dataclasses.replace(facts, dup_first_file=files if any(f is not None for f in files) else [])
