"""A whole portfolio, column-wise: the two passes over bounded record batches, in this process
or in worker processes, and the summary.

    with open_batches("portfolio.csv") as source:
        job = ColumnarRun(Request("portfolio.csv", as_of))
        outcome = job.run(source.batches, on_batch=write)

`run(batches_factory, context, ...)` is the same without today's request: the first pass reduces
every batch's `ScanPart` to the `PortfolioFacts`; the second pass gives every batch's
`BatchResult` (its output rows, typed, or their bytes; its error rows; its part of the counts),
in input order, to `on_batch`, and the totals rule base's warnings are worded at the end.
Nothing is kept per row but the facts (16 bytes per ranked account); a worker receives the
context once, then each batch with the slice of the facts its rows need.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kamrules.batch.memory import give_back
from kamrules.batch.parallel import Workers
from kamrules.batch.portfolio import effort, legacy
from kamrules.batch.portfolio.context import Context, loaded, remember
from kamrules.batch.portfolio.detect import detect
from kamrules.batch.portfolio.facts import PortfolioFacts, ScanPart
from kamrules.batch.portfolio.sharing import Spool
from kamrules.batch.portfolio.steps import BatchResult, advise_batch, scan_batch
from kamrules.batch.portfolio.tally import merge
from kamrules.batch.readers import BatchSource
from kamrules.batch.readers.batch import InputBatch
from kamrules.portfolio.effort import EffortTally
from kamrules.portfolio.progress import ProgressRow

Encoder = Callable[[Any], bytes]


@dataclass
class Summary:
    """What the summary needs once every batch is done."""

    facts: PortfolioFacts
    tally: legacy.Tally
    warnings: list[legacy.PortfolioWarning] = field(default_factory=list)
    effort: EffortTally | None = None
    progress: list[ProgressRow] = field(default_factory=list)


@dataclass(frozen=True)
class _Settings:
    context: Context
    keep_points: bool
    encode: Encoder | None
    keep_table: bool
    # Whether a batch is encoded as soon as it is advised; not when its effort shares wait for
    # the whole portfolio's totals (then `_encode_one` encodes it once shared).
    encode_advised: bool = True


_STATE: dict[str, _Settings] = {}


def _init(settings: _Settings) -> None:
    _STATE["settings"] = settings
    loaded(settings.context.rules)  # the rule bases, compiled once in this process


def _init_worker(settings: _Settings) -> None:
    """A worker process's setup: one thread for Arrow (the processes are the parallelism) and
    the system allocator, which gives a batch's memory back (Arrow's default keeps it, and a
    worker's resident memory would grow to the largest batch's several times over)."""
    import pyarrow as pa

    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    pa.set_memory_pool(pa.system_memory_pool())
    _init(settings)


def _scan_one(batch: InputBatch) -> ScanPart:
    context = _STATE["settings"].context
    try:
        return scan_batch(context, batch)
    except Exception:
        from kamrules.batch.portfolio.fallback import scan_rows

        return scan_rows(context, batch)
    finally:
        give_back()


def _advise_one(job: tuple[InputBatch, PortfolioFacts]) -> BatchResult:
    settings = _STATE["settings"]
    batch, facts = job
    try:
        result = advise_batch(settings.context, facts, batch, keep_points=settings.keep_points)
    except Exception:
        from kamrules.batch.portfolio.fallback import advise_rows

        result = advise_rows(settings.context, facts, batch, settings.keep_points)
    if settings.encode_advised:
        _encoded(settings, result)
    give_back()
    return result


def _encode_one(result: BatchResult) -> BatchResult:
    """A shared-out batch's bytes, computed where the batch is (a worker, or this process)."""
    _encoded(_STATE["settings"], result)
    give_back()
    return result


def _encoded(settings: _Settings, result: BatchResult) -> None:
    # In the worker: the bytes cross the pipe instead of the table, and the parent, which reads
    # and writes for everyone, does not encode every batch itself (it did the shared-out ones
    # alone, after the workers were done: 7 s of 21 on 200,000 rows).
    if settings.encode is not None and result.table is not None:
        result.encoded = settings.encode(result.table)
        if not settings.keep_table:
            result.table = None


def run(
    batches: Callable[[], Iterable[InputBatch]],
    context: Context,
    on_batch: Callable[[BatchResult], None],
    *,
    jobs: int = 1,
    encode: Encoder | None = None,
    keep_table: bool = True,
    keep_points: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Both passes over `batches()` (called twice: each call reads the input from its start);
    see the module's docstring. With `encode`, each result carries its rows' bytes, and with
    `keep_table=False` only them. `progress(done, total)` follows the second pass's rows."""
    setup = loaded(context.rules)
    # Effort shares need the whole portfolio's weights: the rows wait in a spool, typed, and are
    # shared out here, then encoded by the workers, once every batch is done (sharing.py).
    shares = effort.new_tally(setup.knowledge.accounts.rulebase) if effort.applies(setup.schema) else None
    settings = _Settings(context, keep_points, encode, keep_table, encode_advised=shares is None)
    tally = legacy.Tally(keep_points=keep_points)
    compared: list[ProgressRow] = []

    def take(result: BatchResult) -> None:
        compared.extend(result.progress)
        on_batch(result)

    _init(settings)
    spool = Spool(shares) if shares is not None else None
    deliver: Callable[[BatchResult], None] = spool if spool is not None else take
    try:
        if jobs > 1:
            # jobs processes in all: this one reads, writes and advises too when the others are busy.
            from kamrules.portfolio.spawn import spawn_context

            # Started deaf to SIGINT and SIGHUP, as today's workers (kamrules.portfolio.spawn).
            with Workers(jobs - 1, _init_worker, (settings,), context=spawn_context()) as workers:
                facts = PortfolioFacts.combine(workers.map(_scan_one, batches(), _scan_one))
                give_back()  # the first pass's parts, reduced: their memory goes before the second pass
                jobs_ = ((b, facts.for_rows(b.first, b.n)) for b in batches())
                _second(workers.map(_advise_one, jobs_, _advise_one), tally, facts, deliver, progress)
                if spool is not None:
                    shared = spool.shared()
                    # Only bytes are worth a trip to a worker: a table goes to its writer as it is.
                    _deliver(workers.map(_encode_one, shared, _encode_one) if encode is not None else shared, take)
        else:
            facts = PortfolioFacts.combine(_scan_one(b) for b in batches())
            give_back()
            _second((_advise_one((b, facts)) for b in batches()), tally, facts, deliver, progress)
            if spool is not None:
                _deliver((_encode_one(r) for r in spool.shared()), take)
    finally:
        if spool is not None:
            spool.close()
    totals = tally.totals(facts.revenue_total)
    warnings = legacy.rendered_warnings(setup.knowledge.totals, totals, context.as_of, context.lang)
    return Summary(facts, tally, warnings, shares, compared)


def _deliver(results: Iterator[BatchResult], on_batch: Callable[[BatchResult], None]) -> None:
    for result in results:
        on_batch(result)
        del result  # the batch's rows and bytes go now, not when the next one comes


def _second(
    results: Iterator[BatchResult],
    tally: legacy.Tally,
    facts: PortfolioFacts,
    on_batch: Callable[[BatchResult], None],
    progress: Callable[[int, int], None] | None,
) -> None:
    done = 0
    for result in results:
        merge(tally, result.tally)
        on_batch(result)
        done += result.tally.rows
        if progress is not None:
            progress(done, facts.rows)


class ColumnarRun:
    """`kamrules.portfolio.run.PortfolioRun`, column-wise: everything the request names is
    loaded (and every problem with it raised) before any row is read, and the output's
    columns and types are known, so the caller can open its output first."""

    def __init__(self, request: legacy.Request) -> None:
        self.request = request
        engine = legacy.account_engine(request.rules)
        knowledge = legacy.load_knowledge(request.rules)
        self.loaded = remember(request.rules, engine, knowledge)
        self.colmap = legacy.load_column_map(request.columns) if request.columns else legacy.IDENTITY
        self.sectors = (
            legacy.evaluate_sectors(legacy.load_sectors(request.sectors), knowledge.sectors, request.as_of)
            if request.sectors
            else {}
        )
        plans = legacy.read_plan_folder(request.plans) if request.plans is not None else None
        self.plans = plans.ids if plans is not None else None
        days = int(knowledge.accounts.rulebase.params["objective_at_risk_days"].value)
        self.progress = (
            {ident: legacy.plan_progress(plan, request.as_of, days) for ident, plan in plans.plans.items()}
            if plans is not None
            else None
        )
        self.skipped_plans: tuple[str, ...] = plans.skipped if plans is not None else ()
        self.columns = self.loaded.columns
        self.schema = self.loaded.schema

    def sheet_spec(self, *, machine: bool = False) -> Any:
        """The XLSX workbook of the output rows (`PortfolioRun.sheet_spec`)."""
        from kamrules.portfolio.outcolumns import sheet_spec

        lang = self.request.lang
        rows = {key: texts.get(lang) for key, texts in self.loaded.engine.rulebase.treatment_rows.items()}
        derived = self.loaded.knowledge.accounts.rulebase.derived
        about = {name: d.description.get(lang) or "" for name, d in derived.items()}
        return sheet_spec(self.columns, lang, rows, about, machine=machine)

    def context(self, name: str, colmap: legacy.ColumnMap | None = None) -> Context:
        r = self.request
        colmap = colmap or self.colmap
        return Context(r.rules, r.lang, r.as_of, name, colmap, self.sectors, self.plans, self.progress)

    def read_in_formats(
        self, batches: Callable[[], Iterable[InputBatch]], file_format: str, delimiter: str | None
    ) -> legacy.ColumnMap:
        """The column map with the file's number and date formats decided: the options first,
        then the map's own, then what the file's cells show (CSV and XLSX only, as today)."""
        r, own = self.request, self.colmap.forced
        forced = legacy.Forced(
            r.decimal if r.decimal is not None else own.decimal,
            r.thousands if r.thousands is not None else own.thousands,
            r.dates if r.dates is not None else own.dates,
        )
        read = batches() if file_format in ("csv", "xlsx") else iter(())
        return detect(read, self.colmap, forced, delimiter)

    def run(
        self,
        source: BatchSource,
        on_batch: Callable[[BatchResult], None],
        *,
        encode: Encoder | None = None,
        keep_table: bool = True,
        progress: Callable[[int, int], None] | None = None,
    ) -> legacy.Outcome:
        """The file's formats, then both passes; the `Outcome` today's summary, report and plots
        read (the input named as "portfolio.csv (CSV, delimiter ',', encoding utf-8)")."""
        import pyarrow as pa

        r = self.request
        # The system allocator gives each batch's memory back (Arrow's default keeps it): the
        # run's resident memory stays that of a few batches. Set before the detection's pass
        # too, which reads every batch (with Arrow's pool it left 8 MB more held in this
        # process for the whole run, measured on 200,000 rows). Put back after the run.
        previous = pa.default_memory_pool()
        pa.set_memory_pool(pa.system_memory_pool())
        try:
            colmap = self.read_in_formats(source.batches, source.format, source.delimiter)
            give_back()
            formats = ", ".join(x for x in (source.describe(r.lang), colmap.formats.described) if x)
            described = f"{source.name} ({formats})"
            summary = run(
                source.batches,
                self.context(source.name, colmap),
                on_batch,
                jobs=r.jobs,
                encode=encode,
                keep_table=keep_table,
                keep_points=r.keep_points,
                progress=progress,
            )
        finally:
            pa.set_memory_pool(previous)
        done = outcome(self, summary, described)
        done.notes = colmap.formats.notes
        return done


def outcome(job: ColumnarRun, summary: Summary, described: str) -> legacy.Outcome:
    """Today's `Outcome` of a columnar run, for the summary, the report and the plots."""
    facts = summary.facts
    scan = legacy.Scan(
        rows=facts.rows,
        revenue_total=facts.revenue_total,
        revenue_median=facts.revenue_median,
        potential_median=facts.potential_median,
    )
    out = legacy.Outcome(
        source=described,
        scan=scan,
        tally=summary.tally,
        warnings=summary.warnings,
        sectors=job.sectors,
        engine=job.loaded.engine,
        knowledge=job.loaded.knowledge,
        request=job.request,
        effort=summary.effort,
        progress=summary.progress,
    )
    if job.request.keep_points:
        out.plots = legacy.plot_models(summary.tally.points, legacy.plot_context(out))
    return out
