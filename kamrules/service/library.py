"""Every kamrules function the service calls beyond the core names, in one module: the service
computes nothing the command line does not compute the same way (each function here is a thin
call into the library, never into `cli/`), so that its answers are the command line's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kamrules import codes
from kamrules.api import Engine
from kamrules.errors import KamError, Problem
from kamrules.model.advice import Advice


@dataclass(frozen=True)
class LoadedRules:
    """A rule base that loaded, checked and passed its test cases, with what else it drives."""

    engine: Engine
    plans: Any  # the plan checks (kamrules.plan.checks.PlanChecker)
    portfolio: Any  # the portfolio's rule bases (kamrules.portfolio.knowledge.PortfolioKnowledge)
    tests_passed: int
    tests_total: int
    files: int


class RulesRefused(Exception):
    """A rule base that cannot be served: every problem, each with its file and line."""

    def __init__(self, stage: str, problems: Sequence[Problem]) -> None:
        super().__init__(f"{stage}: {len(problems)} problem(s)")
        self.stage = stage  # "load" or "tests"
        self.problems = tuple(problems)


def load_rules(paths: Sequence[str], as_of: dt.date) -> LoadedRules:
    """Load, validate and test the rule base `paths` layer on the built-in one (as
    `kam rules validate` then `kam rules test` do), then compile it; raise `RulesRefused`."""
    from kamrules.errors import Location
    from kamrules.toolkit.folders import folders_for, kind_of
    from kamrules.toolkit.runner import run_tests
    from kamrules.toolkit.validation import validate

    kind = kind_of(paths)
    if not kind.is_account:
        where = Location(paths[-1] if paths else None)
        raise RulesRefused(
            "load",
            [
                Problem(
                    codes.SERVICE_NOT_ACCOUNT_RULES,
                    f"reads {kind.input_name} facts: the service needs account rules",
                    where,
                )
            ],
        )
    checked = validate(folders_for(paths, kind=kind), kind)
    if checked.rulebase is None:
        raise RulesRefused("load", checked.problems)
    rb = checked.rulebase
    run = run_tests(rb, default_as_of=as_of)
    failed = [r for r in run.results if not r.passed]
    if failed:
        raise RulesRefused("tests", [_case_problem(r) for r in failed])
    engine = Engine(rb)
    try:
        plans, portfolio = _nested(paths)
    except KamError as exc:
        raise RulesRefused("load", exc.problems or [Problem(codes.SERVICE_NOT_ACCOUNT_RULES, exc.message)]) from None
    passed = sum(1 for r in run.results if r.passed)
    return LoadedRules(engine, plans, portfolio, passed, len(run.results), len(checked.files))


def _nested(paths: Sequence[str]) -> tuple[Any, Any]:
    from kamrules.plan.api import engines
    from kamrules.portfolio.knowledge import load_knowledge

    _engine, checker = engines(list(paths))
    return checker, load_knowledge(list(paths))


def _case_problem(result: Any) -> Problem:
    parts = [f"{m.field}: expected {m.expected!r}, got {m.actual!r}" for m in result.mismatches]
    return Problem(
        codes.SERVICE_FAILING_CASE, f"test case {result.case.id} fails: " + "; ".join(parts), result.case.where
    )


def rule_files(paths: Sequence[str]) -> list[Path]:
    """The YAML files under `paths` (what --watch looks at)."""
    from kamrules.language.read import yaml_files

    found: list[Path] = []
    for p in paths:
        root = Path(p)
        found.extend(yaml_files(root) if root.is_dir() else [root])
        if root.is_dir():  # nested rule bases (plan/, portfolio/) count too
            found.extend(f for f in root.rglob("*.y*ml") if f not in found)
    return sorted(set(found))


def problem_json(problem: Problem) -> dict[str, Any]:
    """A problem as `kam rules validate --format json` writes it."""
    from kamrules.toolkit.render_problems import problem_json as render

    return render(problem)


def problem_line(problem: Problem) -> str:
    from kamrules.toolkit.render_problems import problem_line as render

    return render(problem)


# --- advice out ------------------------------------------------------------------------------


def advice_json(advice: Advice) -> dict[str, Any]:
    """One advice exactly as `kam advise --format json` prints it."""
    return advice.model_dump(mode="json", exclude_none=False)


def advice_text(advices: Sequence[Advice], engine: Engine, explain: bool) -> str:
    """The advice as `kam advise --format text` prints it (without colours)."""
    from kamrules.advice.render import render_text

    return render_text(advices, engine.rulebase, width=100, explain=explain)


def page_words(engine: Engine) -> dict[str, Any]:
    """The words the page shows around an advice, in each language, from the same places the
    text output takes them (section titles, severities, treatment rows, profile sources)."""
    from kamrules.advice.build import TREATMENT_KEYS
    from kamrules.advice.render import words
    from kamrules.i18n.languages import LANGS
    from kamrules.model.vocabulary import LABELS

    rb = engine.rulebase
    source = rb.facts.get("profile_source")
    out: dict[str, Any] = {}
    for lang in LANGS:
        out[lang] = {
            "words": dict(words(lang)),
            "severity": {k: v[lang] for k, v in LABELS["severity"].items()},
            "rows": {k: rb.treatment_rows[k].get(lang) if k in rb.treatment_rows else k for k in TREATMENT_KEYS},
            "profile_source": {k: v.get(lang, k) for k, v in (source.labels if source else {}).items()},
            "treatment_keys": list(TREATMENT_KEYS),
        }
    return out


def profiles(engine: Engine, lang: str) -> dict[str, Any]:
    """What `kam profiles --format json` prints: the treatment rows and every profile."""
    from kamrules.advice.profiles import profiles_data

    rb = engine.rulebase
    return {"rows": {k: v.get(lang) for k, v in rb.treatment_rows.items()}, "profiles": profiles_data(rb, lang)}


def schema(kind: str) -> dict[str, Any]:
    """What `kam schema KIND` prints."""
    from kamrules.json_schemas import schema_of

    return schema_of(kind)


# --- plans -----------------------------------------------------------------------------------


def draft_plan(account: Any, engine: Engine, checker: Any, as_of: dt.date, lang: str) -> Any:
    """A plan drafted for the account, as `kam plan new` drafts it."""
    from kamrules.plan.api import new_plan

    return new_plan(account, as_of=as_of, lang=lang, engine=engine, checker=checker)


def plan_yaml(plan: Any, as_of: dt.date) -> str:
    from kamrules.plan.emit import plan_to_yaml

    return plan_to_yaml(plan, drafted_on=as_of.isoformat())


def check_plan(
    plan_path: Path, account_path: Path | None, engine: Engine, checker: Any, as_of: dt.date, lang: str | None
) -> dict[str, Any]:
    """What `kam plan check --format json` prints for the plan (held to the account's advice
    today when its facts are given)."""
    from kamrules.plan.api import check_plan_file

    result = check_plan_file(
        plan_path, as_of=as_of, lang=lang, account_path=account_path, engine=engine, checker=checker
    )
    return result.data()


# --- portfolios ------------------------------------------------------------------------------


@dataclass
class PortfolioAnswer:
    summary: dict[str, Any]
    columns: list[str]
    outcome: Any
    sheet: Any  # kamrules.io.workbook.SheetSpec: the XLSX as kam portfolio --out rows.xlsx writes it


@dataclass(frozen=True)
class CellFormats:
    """The format of numbers and dates written as text, when the request forces it (None:
    detected from the file, as kam portfolio does without --decimal, --thousands, --dates)."""

    decimal: str | None = None  # "." or ","
    thousands: str | None = None  # ".", ",", " ", "'", or "" for none
    dates: str | None = None  # "dmy" or "mdy"


@dataclass(frozen=True)
class PortfolioOptions:
    """What a portfolio request asks, as kam portfolio's options say it."""

    as_of: dt.date
    lang: str = "en"
    fmt: str | None = None  # the input's format; from the file otherwise
    columns: Path | None = None  # a column map file (--columns)
    sectors: Path | None = None  # a sectors file (--sectors)
    cells: CellFormats = CellFormats()
    scores: str = "absolute"  # or "portfolio" (--scores)


def run_portfolio(
    path: Path,
    loaded: LoadedRules,
    rules: Sequence[str],
    how: PortfolioOptions,
    on_row: Callable[[dict[str, Any], bool], None],
    *,
    keep_points: bool,
    snapshots: bool = False,
) -> PortfolioAnswer:
    """Advise every row of the portfolio file with the served rule base, as `kam portfolio`
    does (one process: the service's workers are the parallelism); with `snapshots`, each
    advised row also carries what the history store records (kamrules.store.snapshots)."""
    from kamrules.portfolio.run import PortfolioRun, Request
    from kamrules.portfolio.summary import summary_data

    request = Request(
        str(path),
        how.as_of,
        how.lang,
        how.fmt,
        columns=None if how.columns is None else str(how.columns),
        sectors=None if how.sectors is None else str(how.sectors),
        rules=tuple(rules),
        keep_points=keep_points,
        decimal=how.cells.decimal,
        thousands=how.cells.thousands,
        dates=how.cells.dates,
        scores=how.scores,
        snapshots=snapshots,
    )
    # The rule base being served, not one read again from disk.
    job = PortfolioRun(request, engine=loaded.engine, knowledge=loaded.portfolio)
    outcome = job.run(lambda result: on_row(result.cells, result.ok))
    return PortfolioAnswer(summary_data(outcome), list(job.columns), outcome, job.sheet_spec())


def portfolio_html(outcome: Any) -> str:
    from kamrules.portfolio.html_report import render_report

    return render_report(outcome)


def xlsx_writer(sheet: Any) -> Any:
    """A workbook of the rows, written as `kam portfolio --out rows.xlsx` writes it (headers in
    the request's language, typed cells, text neutralised against formula injection)."""
    from kamrules.io.workbook import Workbook

    return Workbook(sheet)


def portfolio_formats() -> tuple[str, ...]:
    from kamrules.io.formats import PORTFOLIO_FORMATS

    return tuple(PORTFOLIO_FORMATS)


def today() -> dt.date:
    return dt.date.today()


def json_safe(data: Mapping[str, Any]) -> str:
    """One JSON Lines record, as kamrules writes them (no NaN, no stray line breaks)."""
    from kamrules.io.outputs import jsonl_line

    return jsonl_line(data)


def read_yaml_document(text: str, name: str) -> tuple[Any, Callable[[tuple[str | int, ...]], int | None]]:
    """One YAML document, read safely, and the line of each key path in it (raises KamError,
    located, for YAML that cannot be read)."""
    from kamrules.io.yamlsafe import parse_document

    doc = parse_document(text, name)
    return doc.data, lambda path: doc.location(path).line


def parameter_problem(where: Sequence[str | int], message: str) -> Problem:
    """A bad query or path parameter as a problem, `where` as the web framework locates it
    (`("query", "as_of")`): no file, the request line is the input."""
    from kamrules.errors import Location

    path = ".".join(str(p) for p in where)
    parameter = str(where[-1]) if len(where) == 2 and where[0] in ("query", "path") else None
    return Problem(codes.SERVICE_PARAMETER, message, Location(None, None, None, path), parameter=parameter)


def report_inline_sources() -> tuple[str, str]:
    """The portfolio report's inline style and script, whose hashes the page's policy allows
    (the page opens the report in a tab of its own, which inherits the page's policy)."""
    from kamrules.portfolio.report_style import CSS, SCRIPT

    return CSS, SCRIPT
