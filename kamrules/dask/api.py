"""`kamrules.dask.advise`: a Dask DataFrame of account facts in, a Dask DataFrame of advice out.

    import dask.dataframe as dd
    import kamrules.dask

    accounts = dd.read_parquet("s3://lake/accounts/")          # columns: the facts' dotted paths
    advice = kamrules.dask.advise(accounts, lang="it", as_of="2026-11-27")
    advice.to_parquet("s3://lake/advice/")

The rows are `kam portfolio`'s output rows (docs/contract.md §11.1), one per input row, in input
order, with the ABC classes, revenue shares and duplicates of the whole portfolio. The first
pass (each partition's accounts, reduced to the portfolio facts) runs when `advise` is called
and stays in the cluster's memory (16 bytes a ranked account); the returned frame is the second
pass, lazy like any Dask DataFrame, reading the input again; with the built-in rule bases, each
row's share of the portfolio's effort needs every row's weight, so computing any partition
advises them all (`kamrules.dask.effort`). The rule bases are loaded here (any problem with them
is raised now) and shipped to each worker once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kamrules.dask.bundle import RuleBundle
from kamrules.dask.effort import applies
from kamrules.dask.formats import without_reading
from kamrules.dask.tasks import (
    Shipment,
    advise_frame,
    combine,
    cut,
    effort_totals,
    empty_frame,
    frame_of,
    scan_piece,
    weights_of,
)

DATAFRAME = "<dataframe>"  # how error rows name the input


def advise(
    ddf: Any,
    *,
    rules: str | Path | Sequence[str | Path] | None = None,
    lang: str = "en",
    as_of: dt.date | str | None = None,
) -> Any:
    """The advice of every row of `ddf` (a `dask.dataframe.DataFrame` whose columns are the
    facts' dotted paths, or a struct column per group), as a Dask DataFrame of `kam portfolio`'s
    output rows with Arrow-backed dtypes; `rules`: rule folders on top of the built-in ones.

    An invalid row gets its error columns (`status` "error", `error.*`) and no advice; `row` is
    the row's position in `ddf`, from 1. Raises `RulesetError` for a bad rule base and
    `ArgumentError` for a bad `lang` or `as_of`, before anything runs on the cluster."""
    import dask.dataframe as dd
    from dask.base import persist
    from dask.delayed import delayed

    from kamrules.api import check_lang, parse_as_of
    from kamrules.batch.portfolio.effort import new_tally
    from kamrules.batch.portfolio.run import ColumnarRun
    from kamrules.portfolio.run import Request

    paths = _paths(rules)
    request = Request(DATAFRAME, parse_as_of(as_of), check_lang(lang), rules=paths)
    job = ColumnarRun(request)  # the rule bases, loaded and checked here
    # A frame's values are typed: the formats are decided as for a Parquet file (nothing read).
    context = job.context(DATAFRAME, without_reading(job).colmap)
    shipped = share(Shipment(RuleBundle.read(paths), context))
    partitions = ddf.to_delayed()
    scans = [delayed(scan_piece, pure=True)(shipped, p) for p in partitions]
    reduced = delayed(combine, pure=True)(scans)
    (reduced,) = persist(reduced)  # the first pass, now; its input is released after it
    advised = [
        delayed(advise_frame, pure=True)(shipped, delayed(cut, pure=True)(reduced, k), p)
        for k, p in enumerate(partitions)
    ]
    totals = None
    if applies(job.schema):  # every row's effort weight is summed before the first is shared out
        template = new_tally(job.loaded.knowledge.accounts.rulebase)
        lights = [delayed(weights_of, pure=True)(a) for a in advised]
        totals = delayed(effort_totals, pure=True)(template, lights)
    frames = [delayed(frame_of, pure=True)(shipped, a, totals) for a in advised]
    return dd.from_delayed(frames, meta=empty_frame(job.schema), verify_meta=False)


def share(value: Any) -> Any:
    """`value` where every task can take it: with the distributed client in use, a task of its
    own that returns it (the value travels, pickled, in the task's definition; the workers
    needing it fetch it from the worker holding it), else a key of the graph (the local schedulers).

    Not `Client.scatter`: scattered data has no task to compute it again, and the scheduler's
    active memory manager soon keeps a single copy of it whatever `broadcast` asked; a worker
    that died holding that copy took it with it, and every task of the run was cancelled
    ("already forgotten": tests/dask/test_cluster.py kills a worker in the middle of a run).
    A task the scheduler runs again elsewhere. Its key is its own (`pure=False`), never its
    content's hash: a second run with the same value on the same client (the same shipment,
    the same effort totals) took the key of the first run's, which the scheduler was
    releasing, and failed with "lost dependencies" (distributed issue 8576)."""
    from dask.delayed import delayed

    try:
        from distributed import default_client

        client = default_client()
    except (ImportError, ValueError):
        return delayed(value, pure=True)
    from distributed.protocol.pickle import dumps, loads

    # The value as bytes: opaque to Dask, which would otherwise look into (and rebuild) every
    # container and dataclass of it as part of the task's definition.
    return client.submit(loads, dumps(value), pure=False)


def _paths(rules: str | Path | Sequence[str | Path] | None) -> tuple[str, ...]:
    if rules is None:
        return ()
    if isinstance(rules, str | Path):
        return (str(rules),)
    return tuple(str(r) for r in rules)
