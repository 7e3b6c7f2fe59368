"""A whole portfolio on a Dask cluster: `kam portfolio --scheduler` (and its Python form).

    with distributed.Client("tcp://scheduler:8786") as client:
        job = ColumnarRun(Request("s3://lake/accounts/*.parquet", as_of))   # loads, checks
        outcome = ClusterRun(job, client).run(pieces, Output("dataset", folder=...), on_result)

The first pass scans every piece on the cluster and reduces the scans to the portfolio facts,
in one task that stays on the cluster (`kamrules.dask.tasks.combine`); the second pass gives
each piece the facts its rows need (`cut`, on the worker holding the facts) and advises it. The
client receives each piece's result as the cluster finishes it (`as_completed`: the progress
follows the cluster's tasks), and hands the results to `on_result` in piece order, merging their
counts into today's tally in that order, so that every total is the float one machine gives. A
worker that dies takes its tasks with it; the scheduler runs them again elsewhere and each
piece's result is still received once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from kamrules.batch.portfolio import legacy
from kamrules.batch.portfolio.facts import PortfolioFacts
from kamrules.batch.portfolio.run import ColumnarRun, Summary, outcome
from kamrules.batch.portfolio.tally import merge
from kamrules.dask.api import share
from kamrules.dask.bundle import RuleBundle
from kamrules.dask.pieces import FilePiece
from kamrules.dask.tasks import (
    Output,
    PieceResult,
    Reduced,
    Shipment,
    advise_piece,
    combine,
    cut,
    scan_piece,
    tidy,
)


class ClusterRun:
    """A `ColumnarRun`'s two passes on the cluster `client` is connected to."""

    def __init__(self, job: ColumnarRun, client: Any) -> None:
        self.job = job
        self.client = client

    def run(
        self,
        pieces: Sequence[FilePiece],
        output: Output,
        on_result: Callable[[PieceResult], None],
        described: str,
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> legacy.Outcome:
        """Both passes over `pieces` (in input order); today's `Outcome` for the summary."""
        job = self.job
        context = job.context(pieces[0].name if len(pieces) == 1 else job.request.path)
        shipped = share(Shipment(RuleBundle.read(job.request.rules), context, job.request.keep_points))
        client = self.client
        scans = [client.submit(scan_piece, shipped, piece, pure=False) for piece in pieces]
        reduced = client.submit(combine, scans, pure=False)
        results = []
        for k, piece in enumerate(pieces):
            share_k = client.submit(cut, reduced, k, pure=False)
            results.append(client.submit(advise_piece, shipped, share_k, piece, k, output, pure=False))
        del scans  # released on the cluster once the reduction has them
        facts, counts = client.submit(headline, reduced, pure=False).result()  # the first pass is done
        tally = legacy.Tally(keep_points=job.request.keep_points)
        for result in _in_order(results, _Progress(progress, counts)):
            for part in result.tallies:
                merge(tally, part)
            on_result(result)
        if output.mode == "dataset" and output.folder is not None:
            tidy(output.folder)
        setup = job.loaded
        totals = tally.totals(facts.revenue_total)
        warnings = legacy.rendered_warnings(setup.knowledge.totals, totals, context.as_of, context.lang)
        return outcome(job, Summary(facts, tally, warnings), described)


class _Progress:
    """The second pass's progress in rows, as the cluster finishes pieces (in any order)."""

    def __init__(self, progress: Callable[[int, int], None] | None, counts: list[int]) -> None:
        self.progress = progress
        self.counts = counts
        self.total = sum(counts)
        self.done = 0

    def finished(self, k: int) -> None:
        self.done += self.counts[k]
        if self.progress is not None:
            self.progress(self.done, self.total)


def _in_order(futures: list[Any], progress: _Progress) -> Iterator[PieceResult]:
    """The futures' results in list order, each fetched once, as soon as it and those before it
    are done (a piece's rows are held on its worker until then)."""
    from distributed import as_completed

    position = {f.key: k for k, f in enumerate(futures)}
    finished: set[int] = set()
    following = 0
    for future in as_completed(futures):
        k = position[future.key]
        finished.add(k)
        progress.finished(k)
        while following in finished:
            result: PieceResult = futures[following].result()
            futures[following] = None  # released on the cluster
            following += 1
            yield result


def headline(reduced: Reduced) -> tuple[PortfolioFacts, list[int]]:
    """What the client needs of the reduction: the summary's facts (without the ranking, which
    stays on the cluster) and each piece's rows."""
    facts = reduced.facts
    light = PortfolioFacts(facts.rows, facts.revenue_total, facts.revenue_median, facts.potential_median)
    return light, reduced.counts
