"""Effort allocation on output batches, column-wise: what `kamrules.portfolio.effort.EffortTally`
does row by row (`weigh` every row, then `share` every row once the totals are known).

The totals are summed in row order (`tally._sum`), each share is `weight / total` rounded as
`round(share, 6)` rounds it, each planned amount as `round(share * planned, 2)`, and the shares
per tier and the ten largest time shares are kept in the tally today's summary reads, so the
rows, the summary and the report are those of the per-row run.
"""

from __future__ import annotations

import heapq

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kamrules.batch.compute import round_to
from kamrules.batch.portfolio.tally import _sum
from kamrules.language.rulebase import RuleBase
from kamrules.portfolio.effort import _AMOUNTS, KINDS, TOP, EffortTally

WEIGHTS = tuple(f"effort.{kind}_weight" for kind in KINDS)


def applies(schema: pa.Schema) -> bool:
    """Whether the output rows have effort weights to share out (the built-in rule bases do)."""
    return all(name in schema.names for name in WEIGHTS)


def new_tally(rb: RuleBase) -> EffortTally:
    return EffortTally.for_rulebase(rb)


def _ok(batch: pa.RecordBatch) -> np.ndarray:
    status = batch.column(batch.schema.get_field_index("status"))
    return np.asarray(pc.fill_null(pc.equal(status, "ok"), False).to_numpy(zero_copy_only=False), dtype=bool)


def _weights(batch: pa.RecordBatch) -> list[np.ndarray]:
    out = []
    for name in WEIGHTS:
        column = batch.column(batch.schema.get_field_index(name)).cast(pa.float64())
        out.append(np.asarray(pc.fill_null(column, np.nan).to_numpy(zero_copy_only=False), dtype=np.float64))
    return out


def weigh(tally: EffortTally, batch: pa.RecordBatch) -> None:
    """`EffortTally.weigh` of every row of an output batch."""
    ok = _ok(batch)
    weights = _weights(batch)
    every = ok & np.logical_and.reduce([~np.isnan(w) for w in weights])
    tally.unallocated += int((ok & ~every).sum())
    tally.allocated += int(every.sum())
    for kind, w in zip(KINDS, weights, strict=True):
        tally.weights[kind] = _sum(tally.weights[kind], w[every])


def share(tally: EffortTally, batch: pa.RecordBatch, first: int) -> pa.RecordBatch:
    """`EffortTally.share` of every row of an output batch (rows `first`... of the output): the
    batch with its share and amount cells."""
    ok = _ok(batch)
    n = batch.num_rows
    tiers = [str(t) for t in batch.column(batch.schema.get_field_index("tier")).to_pylist()]
    columns = {name: batch.column(k) for k, name in enumerate(batch.schema.names)}
    shares: dict[str, np.ndarray] = {}
    with_share = np.zeros(n, dtype=bool)
    for kind, w in zip(KINDS, _weights(batch), strict=True):
        total = tally.weights[kind]
        has = ok & ~np.isnan(w) & (total > 0)
        raw = np.where(has, w / total if total > 0 else np.nan, np.nan)
        shares[kind] = raw
        with_share |= has
        rounded = round_to(raw, 6)
        columns[f"effort.{kind}_share"] = pa.array(rounded, pa.float64(), mask=~has)
        if kind in tally.planned:
            amount = round_to(raw * tally.planned[kind], 2)
            columns[_AMOUNTS[kind]] = pa.array(amount, pa.float64(), mask=~has)
    _by_tier(tally, tiers, shares, with_share)
    _top(tally, batch, columns["effort.time_share"], first)
    arrays = [columns[name].cast(f.type) for name, f in zip(batch.schema.names, batch.schema, strict=True)]
    return pa.RecordBatch.from_arrays(arrays, schema=batch.schema)


def _by_tier(tally: EffortTally, tiers: list[str], shares: dict[str, np.ndarray], with_share: np.ndarray) -> None:
    """Each tier's shares added up in row order (tiers in the order their first share came)."""
    for tier in dict.fromkeys(t for t, s in zip(tiers, with_share.tolist(), strict=True) if s):
        mine = np.array([t == tier for t in tiers], dtype=bool)
        by_kind = tally.by_tier.setdefault(tier, dict.fromkeys(KINDS, 0.0))
        for kind in KINDS:
            values = shares[kind][mine]
            by_kind[kind] = _sum(by_kind[kind], values[~np.isnan(values)])


def _top(tally: EffortTally, batch: pa.RecordBatch, time_share: pa.Array, first: int) -> None:
    """The batch's largest time shares, pushed on the tally's heap of the ten largest."""
    tally._seen += batch.num_rows
    values = np.asarray(pc.fill_null(time_share, np.nan).to_numpy(zero_copy_only=False), dtype=np.float64)
    found = np.flatnonzero(~np.isnan(values))
    if not len(found):
        return
    best = found[np.lexsort((found, -values[found]))][:TOP]
    ids = batch.column(batch.schema.get_field_index("id"))
    names = batch.column(batch.schema.get_field_index("name"))
    for k in best.tolist():
        name = names[k].as_py()
        item = (float(values[k]), -(first + k + 1), str(ids[k].as_py()), str(name or ids[k].as_py()))
        if len(tally._top) < TOP:
            heapq.heappush(tally._top, item)
        else:
            heapq.heappushpop(tally._top, item)
