"""A whole portfolio on a Dask cluster: `kam portfolio --scheduler` (and its Python form).

    with distributed.Client("tcp://scheduler:8786") as client:
        job = ColumnarRun(Request("s3://lake/accounts/*.parquet", as_of))   # loads, checks
        outcome = ClusterRun(job, client).run(pieces, Output("dataset", folder=...), on_result)

Each CSV or XLSX file's number and date formats are decided first, by a task reading it
(`kamrules.dask.formats`). The first pass scans every piece on the cluster and reduces the scans
to the portfolio facts, in one task that stays on the cluster (`kamrules.dask.tasks.combine`);
the second pass gives each piece the facts its rows need (`cut`, on the worker holding the
facts) and advises it. With effort weights in the rule bases, the advised rows wait on their
workers while the client sums the weights in input order, then are shared out where they are
(`share_piece`, `kamrules.dask.effort`) before they are written or sent. The
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
from kamrules.batch.portfolio.effort import new_tally
from kamrules.batch.portfolio.facts import PortfolioFacts
from kamrules.batch.portfolio.run import ColumnarRun, Summary, outcome
from kamrules.batch.portfolio.tally import merge
from kamrules.dask.api import share
from kamrules.dask.bundle import RuleBundle
from kamrules.dask.effort import applies, count_shares, totals_only, weigh_in_order
from kamrules.dask.formats import PieceFormats, forced, read_formats, without_reading
from kamrules.dask.pieces import FilePiece, file_count
from kamrules.dask.tasks import (
    Output,
    PieceResult,
    Reduced,
    Shipment,
    advise_piece,
    combine,
    cut,
    scan_piece,
    share_piece,
    tidy,
    weights_of,
)
from kamrules.portfolio.effort import EffortTally
from kamrules.portfolio.progress import ProgressRow


class ClusterRun:
    """A `ColumnarRun`'s two passes on the cluster `client` is connected to."""

    def __init__(self, job: ColumnarRun, client: Any) -> None:
        self.job = job
        self.client = client
        self.formats: list[PieceFormats] = []  # each piece's, once run: the notes name their file
        self._shipped: Any = None

    def run(
        self,
        pieces: Sequence[FilePiece],
        output: Output,
        on_result: Callable[[PieceResult], None],
        described: str | None = None,
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> legacy.Outcome:
        """Both passes over `pieces` (in input order); today's `Outcome` for the summary
        (`described`: the input as the summary names it; by default, one file's as one machine
        names it, with its formats)."""
        job = self.job
        one_file = file_count(list(pieces)) == 1  # named as one machine names it, cut or not
        context = job.context(pieces[0].name if one_file else job.request.path)
        shipped = share(Shipment(RuleBundle.read(job.request.rules), context, job.request.keep_points))
        self._shipped = shipped
        client = self.client
        formats = self._formats(shipped, pieces)
        colmaps = [client.submit(_colmap, f, pure=False) for f in formats]
        spread = _Spread(client)
        scans = [
            client.submit(scan_piece, shipped, p, c, pure=False, **spread(k))
            for k, (p, c) in enumerate(zip(pieces, colmaps, strict=True))
        ]
        reduced = client.submit(combine, scans, pure=False)
        sharing = applies(job.schema)  # the effort's shares wait for every row's weight
        first_output = Output("table") if sharing else output
        results = []
        for k, (piece, colmap) in enumerate(zip(pieces, colmaps, strict=True)):
            share_k = client.submit(cut, reduced, k, pure=False)
            advised = client.submit(
                advise_piece, shipped, share_k, piece, k, first_output, colmap, pure=False, **spread(k)
            )
            results.append(advised)
        del scans  # released on the cluster once the reduction has them
        facts, counts = client.submit(headline, reduced, pure=False).result()  # the first pass is done
        self.formats = client.gather(formats)
        tally = legacy.Tally(keep_points=job.request.keep_points)
        compared: list[ProgressRow] = []
        seen = [client.submit(weights_of, r, pure=False) for r in results] if sharing else results
        received = []
        for result in _in_order(seen, _Progress(progress, counts)):
            for part in result.tallies:
                merge(tally, part)
            compared.extend(result.progress)
            if sharing:
                received.append(result)
            else:
                on_result(result)
        shares = self._share_out(results, received, output, on_result) if sharing else None
        if output.mode == "dataset" and output.folder is not None:
            tidy(output.folder)
        totals = tally.totals(facts.revenue_total)
        warnings = legacy.rendered_warnings(job.loaded.knowledge.totals, totals, context.as_of, context.lang)
        if described is None:
            described = f"{pieces[0].name} ({self.formats[0].described})" if one_file else job.request.path
        done = outcome(job, Summary(facts, tally, warnings, shares, compared), described)
        done.notes = tuple(
            note for f, p in zip(self.formats, pieces, strict=True) if p.first_of_file for note in f.notes
        )
        return done

    def _formats(self, shipped: Any, pieces: Sequence[FilePiece]) -> list[Any]:
        """Each piece's formats: a task reading a whole CSV or XLSX file (once for all the
        ranges of a file cut in pieces: they are read in the whole file's formats, as one
        machine reads it), else decided here."""
        typed = share(without_reading(self.job)) if any(p.row_groups is not None for p in pieces) else None
        force = forced(self.job)
        spread = _Spread(self.client)
        out: list[Any] = []
        for p in pieces:
            if p.row_groups is not None:
                out.append(typed)
            elif p.first_of_file:
                out.append(self.client.submit(read_formats, shipped, p, force, pure=False, **spread(len(out))))
            else:  # a later range of the file the piece before belongs to
                out.append(out[-1])
        return out

    def _share_out(
        self, advised: list[Any], received: list[PieceResult], output: Output, on_result: Callable[[PieceResult], None]
    ) -> EffortTally:
        """Every piece's rows with their effort shares, written as `output` asks and given to
        `on_result` in piece order; the effort tally the summary reads."""
        tally = new_tally(self.job.loaded.knowledge.accounts.rulebase)
        weigh_in_order(tally, (r.light for r in received))
        totals = totals_only(tally)
        sent = share(totals)
        finished = [self.client.submit(share_piece, self._shipped, a, sent, output, pure=False) for a in advised]
        advised.clear()  # the advised rows are released once shared out
        in_order = _in_order(finished, _Progress(None, [r.rows for r in received]))
        for result, first in zip(in_order, received, strict=True):
            count_shares(tally, first.light, first.first)
            on_result(result)
        return tally


class _Spread:
    """Where a piece's tasks should run: the pieces dealt round the workers in turn, loosely
    (another worker takes a task whose worker is gone or busy elsewhere). Dask places a task
    where its inputs are, and every piece's inputs include small ones held by a single worker
    (the shipment; the formats of a file cut in ranges, shared by all its ranges): left to
    itself, it ran every piece of a cut file on that one worker."""

    def __init__(self, client: Any) -> None:
        self.workers = sorted(client.scheduler_info().get("workers", {}))

    def __call__(self, k: int) -> dict[str, Any]:
        if len(self.workers) < 2:
            return {}
        return {"workers": [self.workers[k % len(self.workers)]], "allow_other_workers": True}


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


def _colmap(formats: PieceFormats) -> legacy.ColumnMap:
    return formats.colmap


def headline(reduced: Reduced) -> tuple[PortfolioFacts, list[int]]:
    """What the client needs of the reduction: the summary's facts (without the ranking, which
    stays on the cluster) and each piece's rows."""
    facts = reduced.facts
    light = PortfolioFacts(facts.rows, facts.revenue_total, facts.revenue_median, facts.potential_median)
    return light, reduced.counts
