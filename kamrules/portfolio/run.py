"""A whole portfolio, end to end: two passes over the file, every row advised and handed to the
caller in input order, then the portfolio's totals and warnings.

The core knows nothing of the command line: it calls `on_row` for each row (an advice row or an
error row) and `progress` as rows are done, and returns what the summary, the report and the
plots need. `kam portfolio` decides files, formats and exit codes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kamrules import codes
from kamrules.api import Engine
from kamrules.errors import Note
from kamrules.language.rulebase import RuleBase
from kamrules.language.templates import render
from kamrules.model.account import Account
from kamrules.model.cellformats import Forced
from kamrules.model.vocabulary import SEVERITY_ORDER
from kamrules.plan.model import Plan
from kamrules.portfolio import flatten
from kamrules.portfolio.columns import IDENTITY, ColumnMap, load_column_map
from kamrules.portfolio.effort import EffortTally, with_shares
from kamrules.portfolio.enrich import with_context
from kamrules.portfolio.evaluate import Evaluator, RowResult, Shared
from kamrules.portfolio.knowledge import Compiled, PortfolioKnowledge, account_engine, load_knowledge
from kamrules.portfolio.outcolumns import sheet_spec
from kamrules.portfolio.plots import Context, PlotModel, plot_models
from kamrules.portfolio.prepare import prepare
from kamrules.portfolio.progress import ProgressRow, plan_progress, progress_of
from kamrules.portfolio.relative import Ranking, rank
from kamrules.portfolio.scan import Scan, scan
from kamrules.portfolio.sectors import SectorResult, evaluate_sectors, load_sectors
from kamrules.portfolio.sources import RowSource, open_rows
from kamrules.portfolio.tally import Tally
from kamrules.portfolio.workers import Task, evaluate_parallel, evaluate_serial, scan_parallel

if TYPE_CHECKING:
    from kamrules.io.workbook import SheetSpec


@dataclass(frozen=True)
class Request:
    path: str
    as_of: dt.date
    lang: str = "en"
    fmt: str | None = None  # input format; guessed from the file otherwise
    encoding: str | None = None
    delimiter: str | None = None
    columns: str | None = None  # a column map file
    sectors: str | None = None  # a sectors file
    plans: str | None = None  # a folder of plans, one file per account id
    rules: tuple[str, ...] = ()
    jobs: int = 1
    keep_points: bool = False  # for the report and the plots
    labels: int = 15  # how many of the largest accounts are named on the plots
    # The format of numbers and dates written as text (CSV, XLSX): forced, or detected when None.
    decimal: str | None = None  # "." or ","
    thousands: str | None = None  # ".", ",", " ", "'", or "" for none
    dates: str | None = None  # "dmy" or "mdy"
    scores: str = "absolute"  # or "portfolio": scores measured against the portfolio (relative.py)
    snapshots: bool = False  # each row also carries its kamrules.store snapshot (kam portfolio --record)


@dataclass(frozen=True)
class PortfolioWarning:
    code: str
    severity: str
    title: str
    message: str
    rule: str


@dataclass(kw_only=True)
class Outcome:
    source: str
    scan: Scan
    tally: Tally
    warnings: list[PortfolioWarning]
    sectors: dict[str, SectorResult]
    engine: Engine
    knowledge: PortfolioKnowledge
    request: Request
    plots: list[PlotModel] = field(default_factory=list)
    # What was decided about the file's number and date formats, where it read an ambiguous value.
    notes: tuple[Note, ...] = ()
    effort: EffortTally | None = None
    progress: list[ProgressRow] = field(default_factory=list)  # the accounts whose plans were compared
    ranked: dict[str, int] = field(default_factory=dict)  # --scores portfolio: accounts ranked per score


PLAN_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class PlanFolder:
    """The account ids with a plan in a `--plans` folder, and the files that were not counted."""

    ids: frozenset[str]
    skipped: tuple[str, ...] = ()  # one message per file not counted, naming it and why
    plans: Mapping[str, Plan] = field(default_factory=dict)  # id -> its plan, for progress.py


def read_plan_folder(folder: str) -> PlanFolder:
    """The plans in `folder`: each `<id>.yaml`, `.yml` or `.json` that reads as the plan of the
    account `<id>` counts; a file that does not (broken YAML, not a plan, another account's
    plan) is skipped and said why, and so is a Markdown plan (`.md`) with no readable plan
    beside it: Markdown is for reading, and says nothing kamrules can check."""
    from kamrules.errors import InputFileError, KamError, Location, Problem
    from kamrules.plan.read import MARKDOWN_SUFFIXES, read_plan

    root = Path(folder)
    if not root.is_dir():
        raise InputFileError(
            "", [Problem(codes.NOT_A_FILE, "{parameter}: not a folder", Location(folder), parameter="plans")]
        )
    ids: set[str] = set()
    found: dict[str, Plan] = {}
    skipped: list[str] = []
    markdown: list[Path] = []
    for path in sorted(root.iterdir()):
        suffix = path.suffix.lower()
        if suffix in MARKDOWN_SUFFIXES:
            markdown.append(path)
            continue
        if suffix not in PLAN_SUFFIXES or not path.is_file():
            continue
        try:
            plan = read_plan(path).plan
        except KamError as exc:
            skipped.append(f"{path}: not counted as a plan:\n  " + exc.render().replace("\n", "\n  "))
            continue
        if plan.account.id != path.stem:
            skipped.append(
                f"{path}: not counted as a plan: it is the plan of {plan.account.id}, and the file of a plan "
                f"is named after its account's id ({plan.account.id}{suffix})"
            )
            continue
        ids.add(path.stem)
        found[path.stem] = plan
    for path in markdown:
        if path.stem not in ids:
            skipped.append(
                f"{path}: not counted as a plan: a Markdown plan is for reading; keep the YAML plan beside it "
                f"({path.stem}.yaml, written by kam plan new)"
            )
    return PlanFolder(frozenset(ids), tuple(skipped), found)


def rendered_warnings(compiled: Compiled, values: dict[str, Any], as_of: dt.date, lang: str) -> list[PortfolioWarning]:
    """The warnings a portfolio rule base raises on `values` (the totals'), one per code, the
    most severe first, worded in `lang`; the columnar run (kamrules/batch/portfolio) uses it too."""
    rb = compiled.rulebase
    ev = compiled.program.run(dict(values), as_of, lang, trace=False)

    def lookup(name: str) -> Any:
        return rb.params[name].value if name in rb.params else ev.values.get(name)

    def label(name: str, value: Any) -> str:
        return rb.label(name, value, lang)

    by_code: dict[str, PortfolioWarning] = {}
    for rule in ev.warnings:
        warn = rule.warn
        if warn is None:  # pragma: no cover - ev.warnings holds warning rules only
            continue
        code = rb.warning_codes.get(warn.code)
        candidate = PortfolioWarning(
            warn.code,
            warn.severity,
            code.title.get(lang) if code else warn.code,
            render(warn.message.get(lang), lookup, label, as_of, lang),
            rule.id,
        )
        prev = by_code.get(warn.code)
        # One warning per code: the most severe.
        if prev is None or SEVERITY_ORDER[candidate.severity] > SEVERITY_ORDER[prev.severity]:
            by_code[warn.code] = candidate
    return sorted(by_code.values(), key=lambda w: (-SEVERITY_ORDER[w.severity], w.code))


def _tasks(source: RowSource, result: Scan) -> Iterator[Task]:
    for raw in source.rows():
        yield raw, result.place(raw.index), result.duplicates.get(raw.index)


class PortfolioRun:
    """A portfolio run, ready to go: the rules, the column map, the sectors and the plans are
    loaded (and every problem with them raised) before any row is read, and the output columns
    are known, so the caller can open its output before `run`."""

    def __init__(
        self, request: Request, *, engine: Engine | None = None, knowledge: PortfolioKnowledge | None = None
    ) -> None:
        """`engine` and `knowledge`: the account rules and the portfolio's rule bases already
        compiled for `request.rules` (the service's, which serves one rule base to every request)."""
        self.request = request
        self.engine = engine if engine is not None else account_engine(request.rules)
        self.knowledge = knowledge if knowledge is not None else load_knowledge(request.rules)
        self.colmap: ColumnMap = load_column_map(request.columns) if request.columns else IDENTITY
        self.sectors = (
            evaluate_sectors(load_sectors(request.sectors), self.knowledge.sectors, request.as_of)
            if request.sectors
            else {}
        )
        plans = read_plan_folder(request.plans) if request.plans is not None else None
        self.plans = plans.ids if plans is not None else None
        days = int(self.knowledge.accounts.rulebase.params["objective_at_risk_days"].value)
        self.progress = (
            {ident: plan_progress(plan, request.as_of, days) for ident, plan in plans.plans.items()}
            if plans is not None
            else None
        )
        # The plan files that were not counted, and why: the caller says so (kam portfolio, on stderr).
        self.skipped_plans: tuple[str, ...] = plans.skipped if plans is not None else ()
        self.columns = flatten.columns(self.knowledge.accounts.rulebase)

    def sheet_spec(self, *, machine: bool = False) -> SheetSpec:
        """The XLSX workbook of the output rows, in the language asked for (outcolumns); with
        `machine`, under the columns' machine names, for scripts."""
        lang = self.request.lang
        rows = {key: texts.get(lang) for key, texts in self.engine.rulebase.treatment_rows.items()}
        about = {name: d.description.get(lang) or "" for name, d in self.knowledge.accounts.rulebase.derived.items()}
        return sheet_spec(self.columns, lang, rows, about, machine=machine)

    def run(self, on_row: Callable[[RowResult], None], progress: Callable[[int, int], None] | None = None) -> Outcome:
        """Advise every row, in input order; see the module's docstring."""
        request = self.request
        colmap = self.colmap
        with open_rows(request.path, request.fmt, request.encoding, request.delimiter) as source:
            colmap = _with_formats(source, colmap, request)
            if request.jobs > 1:
                with _closing(scan_parallel(source.rows(), request.jobs, colmap, source.name)) as summaries:
                    first = scan(summaries)
            else:
                first = scan(prepare(raw, colmap, source.name) for raw in source.rows())
            ranking = self._ranking(source, first) if request.scores == "portfolio" else None
            shared = self._shared(first, ranking)
            tally = Tally(keep_points=request.keep_points)
            tasks = _tasks(source, first)
            if request.jobs > 1:
                results = evaluate_parallel(tasks, request.jobs, shared, colmap, source.name)
            else:
                results = evaluate_serial(Evaluator(self.engine, self.knowledge, shared), colmap, source.name, tasks)
            effort = EffortTally.for_rulebase(self.knowledge.accounts.rulebase)
            compared: list[ProgressRow] = []
            with _closing(results):
                for result in with_shares(results, effort, progress, first.rows):
                    on_row(result)
                    tally.add(result.cells, result.ok)
                    row_progress = progress_of(result.cells)
                    if row_progress is not None and result.ok:
                        cells = result.cells
                        compared.append(
                            ProgressRow(str(cells["id"]), str(cells["name"]), cells.get("tier"), row_progress)
                        )
            formats = ", ".join(x for x in (source.describe(request.lang), colmap.formats.described) if x)
            described = f"{source.name} ({formats})"
        totals = tally.totals(first.revenue_total)
        warnings = rendered_warnings(self.knowledge.totals, totals, request.as_of, request.lang)
        outcome = Outcome(
            source=described,
            scan=first,
            tally=tally,
            warnings=warnings,
            sectors=self.sectors,
            engine=self.engine,
            knowledge=self.knowledge,
            request=request,
            notes=colmap.formats.notes,
            effort=effort,
            progress=compared,
            ranked=ranking.counted() if ranking is not None else {},
        )
        if request.keep_points:
            outcome.plots = plot_models(tally.points, plot_context(outcome))
        return outcome

    def _shared(self, first: Scan, ranking: Ranking | None) -> Shared:
        """What every row's evaluation needs to know of the portfolio and the request."""
        request = self.request
        return Shared(
            rules=request.rules,
            lang=request.lang,
            as_of=request.as_of,
            revenue_median=first.revenue_median,
            potential_median=first.potential_median,
            sectors=self.sectors,
            plans=self.plans,
            progress=self.progress,
            ranking=ranking,
            snapshots=request.snapshots,
        )

    def _ranking(self, source: RowSource, first: Scan) -> Ranking:
        """--scores portfolio: every valid account's measures, one more pass over the file."""
        sectors = self.sectors

        def with_sector(account: Account) -> Account:
            sector = sectors.get(account.sector.casefold()) if account.sector else None
            return with_context(account, sector.attractiveness if sector is not None else None)

        rows = (prepare(raw, self.colmap, source.name) for raw in source.rows())
        params = self.knowledge.accounts.rulebase.params
        return rank(rows, self.engine, self.request.as_of, params, with_sector, skip=first.duplicates)


@contextlib.contextmanager
def _closing(rows: Iterator[Any]) -> Iterator[Iterator[Any]]:
    """`rows`, closed as the block ends however it ends: a generator feeding on worker processes
    stops them then (an interrupted run must not wait for the garbage collector to do it)."""
    try:
        yield rows
    finally:
        if isinstance(rows, Generator):
            rows.close()


def _with_formats(source: RowSource, colmap: ColumnMap, request: Request) -> ColumnMap:
    """The column map, with the file's number and date formats decided: the options first, then
    the map's own, then what one pass over the file's cells shows (CSV and XLSX only: the other
    formats hold typed values)."""
    own = colmap.forced
    forced = Forced(
        request.decimal if request.decimal is not None else own.decimal,
        request.thousands if request.thousands is not None else own.thousands,
        request.dates if request.dates is not None else own.dates,
    )
    rows = source.rows() if source.format in ("csv", "xlsx") else iter(())
    return colmap.read_in_formats_of(rows, source.delimiter, forced)


def run_portfolio(
    request: Request,
    on_row: Callable[[RowResult], None],
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Load everything `request` names, then advise every row of the portfolio."""
    return PortfolioRun(request).run(on_row, progress)


def plot_context(outcome: Outcome) -> Context:
    """What the matrices' plots of a run's outcome read (the columnar run's too)."""
    k = outcome.knowledge
    request = outcome.request

    def run_accounts(values: dict[str, Any]) -> dict[str, Any]:
        return k.accounts.program.run(dict(values), request.as_of, request.lang, trace=False).values

    account_rb: RuleBase = outcome.engine.rulebase
    return Context(
        accounts_rb=k.accounts.rulebase,
        account_rb=account_rb,
        sectors_rb=k.sectors.rulebase,
        run_accounts=run_accounts,
        revenue_median=outcome.scan.revenue_median,
        potential_median=outcome.scan.potential_median,
        sectors=list(outcome.sectors.values()),
        lang=request.lang,
        as_of=request.as_of,
        labels=request.labels,
    )
