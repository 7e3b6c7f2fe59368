"""What the portfolio adds to a batch's accounts and rows, column-wise: each account's sector
attractiveness from the sectors file (`kamrules.portfolio.enrich.with_context`: never in place
of one the account gives), and the progress of its plan's objectives (`--plans`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kamrules.batch.portfolio.legacy import SectorResult
from kamrules.batch.validate import _mask, _texts
from kamrules.portfolio.progress import STATES, PlanProgress, ProgressRow

ATTRACTIVENESS = "assessment.sector_attractiveness"


def with_sector_attractiveness(table: pa.Table, sectors: Mapping[str, SectorResult]) -> pa.Table:
    """`table` (the account facts' columns) with each account's sector attractiveness where it
    gives none and the sectors file scores its sector (matched ignoring case)."""
    if not sectors or "sector" not in table.column_names:
        return table
    sector = table.column("sector").combine_chunks()
    if not (pa.types.is_string(sector.type) or pa.types.is_large_string(sector.type)):
        return table
    encoded = pc.dictionary_encode(_texts(sector.cast(pa.string())).values)
    scores = []
    for name in encoded.dictionary.to_pylist():
        found = sectors.get(name.casefold()) if name else None
        scores.append(found.attractiveness if found is not None else None)
    attractiveness = pa.array(scores, pa.float64()).take(encoded.indices)
    if ATTRACTIVENESS not in table.column_names:
        return table.append_column(ATTRACTIVENESS, attractiveness)
    index = table.column_names.index(ATTRACTIVENESS)
    given = table.column(index).combine_chunks()
    if pa.types.is_string(given.type) or pa.types.is_large_string(given.type):
        blank = ~_mask(pc.is_valid(_texts(given.cast(pa.string())).values))
        written = pa.array([None if v is None else repr(v) for v in attractiveness.to_pylist()], pa.string())
        filled = pc.if_else(pa.array(blank & _mask(pc.is_valid(attractiveness))), written, given.cast(pa.string()))
    elif pa.types.is_integer(given.type) or pa.types.is_floating(given.type) or pa.types.is_null(given.type):
        filled = pc.coalesce(given.cast(pa.float64()), attractiveness)
    else:
        return table
    return table.set_column(index, ATTRACTIVENESS, filled)


def progress_cells(ids: pa.Array, progress: Mapping[str, PlanProgress] | None) -> dict[str, pa.Array]:
    """The `plan.objectives.*` counts of each row whose id has a plan in the folder."""
    if not progress:
        return {}
    keys = list(progress)
    at = pc.index_in(ids.cast(pa.string()), value_set=pa.array(keys, pa.string()))
    return {
        f"plan.objectives.{state}": pa.array([getattr(progress[k], state) for k in keys], pa.int64()).take(at)
        for state in STATES
    }


def progress_rows(advised: pa.Table, progress: Mapping[str, PlanProgress] | None) -> list[ProgressRow]:
    """The advised rows with a plan compared, in row order, as `PortfolioRun.run` lists them."""
    if not progress or "id" not in advised.column_names:
        return []
    ids = advised.column("id").to_pylist()
    names = advised.column("name").to_pylist()
    tiers = advised.column("tier").to_pylist()
    found = np.flatnonzero([i in progress for i in ids])
    return [ProgressRow(str(ids[k]), str(names[k]), tiers[k], progress[ids[k]]) for k in found.tolist()]
