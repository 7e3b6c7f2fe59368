"""A whole portfolio, end to end: two passes over the file, every row advised and handed to the
caller in input order, then the portfolio's totals and warnings.

The core knows nothing of the command line: it calls `on_row` for each row (an advice row or an
error row) and `progress` as rows are done, and returns what the summary, the report and the
plots need. `kam portfolio` decides files, formats and exit codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kamrules import codes
from kamrules.api import Engine
from kamrules.io.portfolio_file import Source, open_source
from kamrules.language.rulebase import RuleBase
from kamrules.language.templates import render
from kamrules.model.vocabulary import SEVERITY_ORDER
from kamrules.portfolio import flatten
from kamrules.portfolio.columns import IDENTITY, ColumnMap, load_column_map
from kamrules.portfolio.evaluate import Evaluator, RowResult, Shared
from kamrules.portfolio.knowledge import Compiled, PortfolioKnowledge, account_engine, load_knowledge
from kamrules.portfolio.plots import Context, PlotModel, plot_models
from kamrules.portfolio.prepare import prepare
from kamrules.portfolio.scan import Scan, scan
from kamrules.portfolio.sectors import SectorResult, evaluate_sectors, load_sectors
from kamrules.portfolio.tally import Tally
from kamrules.portfolio.workers import Task, evaluate_parallel, evaluate_serial, scan_parallel


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


PLAN_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class PlanFolder:
    """The account ids with a plan in a `--plans` folder, and the files that were not counted."""

    ids: frozenset[str]
    skipped: tuple[str, ...] = ()  # one message per file not counted, naming it and why


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
    for path in markdown:
        if path.stem not in ids:
            skipped.append(
                f"{path}: not counted as a plan: a Markdown plan is for reading; keep the YAML plan beside it "
                f"({path.stem}.yaml, written by kam plan new)"
            )
    return PlanFolder(frozenset(ids), tuple(skipped))


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


def _tasks(source: Source, result: Scan) -> Iterator[Task]:
    for raw in source.rows():
        yield raw, result.place(raw.index), result.duplicates.get(raw.index)


class PortfolioRun:
    """A portfolio run, ready to go: the rules, the column map, the sectors and the plans are
    loaded (and every problem with them raised) before any row is read, and the output columns
    are known, so the caller can open its output before `run`."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.engine = account_engine(request.rules)
        self.knowledge = load_knowledge(request.rules)
        self.colmap: ColumnMap = load_column_map(request.columns) if request.columns else IDENTITY
        self.sectors = (
            evaluate_sectors(load_sectors(request.sectors), self.knowledge.sectors, request.as_of)
            if request.sectors
            else {}
        )
        plans = read_plan_folder(request.plans) if request.plans is not None else None
        self.plans = plans.ids if plans is not None else None
        # The plan files that were not counted, and why: the caller says so (kam portfolio, on stderr).
        self.skipped_plans: tuple[str, ...] = plans.skipped if plans is not None else ()
        self.columns = flatten.columns(self.knowledge.accounts.rulebase)

    def run(self, on_row: Callable[[RowResult], None], progress: Callable[[int, int], None] | None = None) -> Outcome:
        """Advise every row, in input order; see the module's docstring."""
        request = self.request
        colmap = self.colmap
        with open_source(request.path, request.fmt, request.encoding, request.delimiter) as source:
            if request.jobs > 1:
                first = scan(scan_parallel(source.rows(), request.jobs, colmap, source.name))
            else:
                first = scan(prepare(raw, colmap, source.name) for raw in source.rows())
            shared = Shared(
                rules=request.rules,
                lang=request.lang,
                as_of=request.as_of,
                revenue_median=first.revenue_median,
                potential_median=first.potential_median,
                sectors=self.sectors,
                plans=self.plans,
            )
            tally = Tally(keep_points=request.keep_points)
            tasks = _tasks(source, first)
            if request.jobs > 1:
                results = evaluate_parallel(tasks, request.jobs, shared, colmap, source.name)
            else:
                results = evaluate_serial(Evaluator(self.engine, self.knowledge, shared), colmap, source.name, tasks)
            for done, result in enumerate(results, start=1):
                on_row(result)
                tally.add(result.cells, result.ok)
                if progress is not None:
                    progress(done, first.rows)
            described = f"{source.name} ({source.describe(request.lang)})"
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
        )
        if request.keep_points:
            outcome.plots = plot_models(tally.points, plot_context(outcome))
        return outcome


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
