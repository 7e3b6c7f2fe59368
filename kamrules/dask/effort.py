"""Effort allocation on the cluster: each account's share of the portfolio's time and budget
(issue 14) needs the weights of every row first.

One machine spools its advised rows and shares them out once every weight is summed
(`kamrules.batch.portfolio.effort`). On a cluster the advised rows stay on their workers: the
client receives only the few columns the totals need (`light`), sums the weights in input order
(`weigh_in_order`, the same float additions as one machine), and sends the totals back
(`totals_only`); each piece's rows then get their shares where they are (`shared`). The summary's
shares per tier and its largest time shares are counted on the client, from the same light
columns, in input order (`kamrules.dask.run`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence

import pyarrow as pa

from kamrules.batch.portfolio import effort
from kamrules.portfolio.effort import EffortTally

LIGHT = ("status", "tier", "id", "name", *effort.WEIGHTS)


def applies(schema: pa.Schema) -> bool:
    """Whether the output rows have effort weights to share out (the built-in rule bases do)."""
    return effort.applies(schema)


def light(tables: Sequence[pa.RecordBatch]) -> list[pa.RecordBatch]:
    """The columns of a piece's output batches that the effort totals and the summary read."""
    return [pa.RecordBatch.from_arrays([t.column(name) for name in LIGHT], names=list(LIGHT)) for t in tables]


def weigh_in_order(tally: EffortTally, pieces: Iterable[Sequence[pa.RecordBatch]]) -> None:
    """Every piece's light batches weighed into `tally`, pieces and batches in input order."""
    for batches in pieces:
        for batch in batches:
            effort.weigh(tally, batch)


def totals_only(tally: EffortTally) -> EffortTally:
    """What a worker needs to share its rows out: the planned totals and the summed weights."""
    return EffortTally(dict(tally.planned), dict(tally.weights), tally.allocated, tally.unallocated)


def shared(tables: Sequence[pa.RecordBatch], totals: EffortTally | None, first: int) -> list[pa.RecordBatch]:
    """A piece's output batches (its rows from `first`) with their shares and amounts; as they
    are without `totals` (a rule base without effort weights)."""
    if totals is None:
        return list(tables)
    mine = copy.deepcopy(totals)  # share() also counts the summary's parts: the client's, not ours
    out = []
    for table in tables:
        out.append(effort.share(mine, table, first))
        first += table.num_rows
    return out


def count_shares(tally: EffortTally, batches: Sequence[pa.RecordBatch], first: int) -> None:
    """The summary's shares per tier and largest time shares, from a piece's light batches
    (its rows from `first`), as one machine counts them while sharing out."""
    for batch in batches:
        effort.share(tally, batch, first)
        first += batch.num_rows
