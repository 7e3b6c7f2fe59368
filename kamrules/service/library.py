"""Every kamrules internal the service uses, in one module, so that it is re-pointed in one place
when the library's modules move (the public API, `from kamrules import ...`, is used elsewhere).

Each function here is a thin call into the library: the service computes nothing the command
line does not compute the same way, so that its answers are the command line's.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kamrules import Advice, Engine, KamError, Problem, validate_account


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
    from kamrules.toolkit.runner import run_tests
    from kamrules.toolkit.sources import folders_for, kind_of
    from kamrules.toolkit.validation import validate

    kind = kind_of(paths)
    if not kind.is_account:
        where = Location(paths[-1] if paths else None)
        raise RulesRefused(
            "load",
            [Problem("SRV001", f"reads {kind.input_name} facts: the service needs account rules", where)],
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
        raise RulesRefused("load", exc.problems or [Problem("SRV001", exc.message)]) from None
    passed = sum(1 for r in run.results if r.passed)
    return LoadedRules(engine, plans, portfolio, passed, len(run.results), len(checked.files))


def _nested(paths: Sequence[str]) -> tuple[Any, Any]:
    from kamrules.plan.api import engines
    from kamrules.portfolio.knowledge import load_knowledge

    _engine, checker = engines(list(paths))
    return checker, load_knowledge(list(paths))


def _case_problem(result: Any) -> Problem:
    parts = [f"{m.field}: expected {m.expected!r}, got {m.actual!r}" for m in result.mismatches]
    return Problem("SRV002", f"test case {result.case.id} fails: " + "; ".join(parts), result.case.where)


def rule_files(paths: Sequence[str]) -> list[Path]:
    """The YAML files under `paths` (what --watch looks at)."""
    from kamrules.language.loader import yaml_files

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


# --- accounts in -----------------------------------------------------------------------------


@dataclass
class Row:
    """One account of a request: its row (1-based, as the command line counts), its line in
    the body, and its facts or its problems."""

    row: int
    line: int | None
    label: str
    data: Any = None
    locate: Callable[[tuple[str | int, ...]], Any] | None = None
    problems: tuple[Problem, ...] = ()


def is_single(rows: Sequence[Row], name: str) -> bool:
    """Whether the rows are one account given alone (a mapping, not a list of one)."""
    return len(rows) == 1 and rows[0].label == name


def structured_rows(text: str, name: str) -> list[Row]:
    """The accounts of a YAML or JSON text (one, a list, or several documents), as `kam advise`
    reads a file."""
    from kamrules.io.accounts import yaml_records

    rows = []
    for record in yaml_records(text, name):
        line = record.location(()).line if record.location is not None else None
        problems = record.error.problems if record.error is not None else ()
        if record.error is not None and not problems:
            problems = (Problem("IO007", record.error.message),)
        rows.append(Row(record.index + 1, line, record.label, record.data, record.location, problems))
    return rows


def plain_json(text: str) -> list[Any] | dict[str, Any] | None:
    """The accounts of a text that is plain JSON (an object or a list of objects), read by the
    fast JSON reader; None when it is anything else or anything about it is odd (duplicate
    keys, NaN, deep nesting...): the located reader then reads it, as the command line does,
    so that every problem is reported exactly as `kam advise` reports it."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        found = dict(items)
        if len(found) != len(items):
            raise ValueError("duplicate key")
        return found

    def no_constant(name: str) -> Any:
        raise ValueError(name)

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_constant=no_constant)
    except (ValueError, RecursionError):
        return None
    if isinstance(data, dict):
        return data
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        return data
    return None


def tabular_rows(path: Path, name: str, fmt: str) -> Iterator[Row]:
    """The accounts of a CSV or JSON Lines file, streamed, located as `kam advise` locates them."""
    from kamrules.io.rows import nest
    from kamrules.io.sources import Source
    from kamrules.io.textfile import csv_dialect, detect_encoding

    encoding = detect_encoding(path)
    delimiter = csv_dialect(path, encoding, name) if fmt == "csv" else None
    source = Source(path, name, fmt, encoding, delimiter)
    for raw in source.rows():
        line = raw.line or raw.row
        label = f"{name} row {raw.row}" if fmt == "csv" else f"{name} line {raw.row}"
        data = nest(raw.cells or {}) if fmt == "csv" else raw.data
        yield Row(raw.row, line, label, data, _line_locator(name, line, fmt), tuple(raw.problems))


def _line_locator(name: str, line: int, fmt: str) -> Callable[[tuple[str | int, ...]], Any]:
    from kamrules.errors import Location

    def locate(path: tuple[str | int, ...]) -> Location:
        keys = [str(p) for p in path if fmt != "csv" or isinstance(p, str)]
        return Location(name, line, None, ".".join(keys) or None)

    return locate


def check_account(row: Row) -> Any:
    """The row's facts checked against the contract (raises `FactsError`, located)."""
    return validate_account(row.data, source=row.label, location=row.locate)


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
    from kamrules.model.vocabulary import LABELS, LANGS

    rb = engine.rulebase
    source = rb.facts.get("profile_source")
    out: dict[str, Any] = {}
    for lang in LANGS:
        out[lang] = {
            "words": words(lang),
            "severity": {k: v[lang] for k, v in LABELS["severity"].items()},
            "rows": {k: rb.treatment_rows[k].get(lang) if k in rb.treatment_rows else k for k in TREATMENT_KEYS},
            "profile_source": {k: v.get(lang, k) for k, v in (source.labels if source else {}).items()},
            "treatment_keys": list(TREATMENT_KEYS),
        }
    return out


def profiles(engine: Engine, lang: str) -> dict[str, Any]:
    """What `kam profiles --format json` prints: the treatment rows and every profile."""
    from kamrules.cli.profiles import profiles_data

    rb = engine.rulebase
    return {"rows": {k: v.get(lang) for k, v in rb.treatment_rows.items()}, "profiles": profiles_data(rb, lang)}


def schema(kind: str) -> dict[str, Any]:
    """What `kam schema KIND` prints."""
    from kamrules.schemas import schema_of

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
    from kamrules.cli.plan import _render_check  # the command's own JSON, so the two never differ
    from kamrules.plan.api import check_plan_file

    result = check_plan_file(
        plan_path, as_of=as_of, lang=lang, account_path=account_path, engine=engine, checker=checker
    )
    data: dict[str, Any] = json.loads(_render_check(result, "json", lambda text, **_: text))
    return data


# --- portfolios ------------------------------------------------------------------------------


@dataclass
class PortfolioAnswer:
    summary: dict[str, Any]
    columns: list[str]
    outcome: Any


def run_portfolio(
    path: Path,
    loaded: LoadedRules,
    rules: Sequence[str],
    as_of: dt.date,
    lang: str,
    fmt: str | None,
    on_row: Callable[[dict[str, Any], bool], None],
    *,
    keep_points: bool,
) -> PortfolioAnswer:
    """Advise every row of the portfolio file with the served rule base, as `kam portfolio`
    does (one process: the service's workers are the parallelism)."""
    from kamrules.portfolio.run import Request
    from kamrules.portfolio.summary import summary_data

    request = Request(str(path), as_of, lang, fmt, rules=tuple(rules), keep_points=keep_points)
    job = _ServedRun(request, loaded)
    outcome = job.run(lambda result: on_row(result.cells, result.ok))
    return PortfolioAnswer(summary_data(outcome), list(job.columns), outcome)


@functools.cache
def _served_run_class() -> type:
    from kamrules.io.columns import IDENTITY
    from kamrules.portfolio import flatten
    from kamrules.portfolio.run import PortfolioRun

    class ServedRun(PortfolioRun):
        """A portfolio run on the rule base being served, not one read again from disk."""

        def __init__(self, request: Any, loaded: LoadedRules) -> None:
            self.request = request
            self.engine = loaded.engine
            self.knowledge = loaded.portfolio
            self.colmap = IDENTITY
            self.sectors = {}
            self.plans = None
            self.skipped_plans = ()
            self.columns = flatten.columns(self.knowledge.accounts.rulebase)

    return ServedRun


def _ServedRun(request: Any, loaded: LoadedRules) -> Any:
    return _served_run_class()(request, loaded)


def portfolio_html(outcome: Any) -> str:
    from kamrules.portfolio.report import render_report

    return render_report(outcome)


def xlsx_writer(columns: Sequence[str]) -> Any:
    """A workbook of the rows, written as `kam portfolio --out rows.xlsx` writes it."""
    from kamrules.io.xlsx import XlsxWriter

    book = XlsxWriter("accounts")
    book.header(list(columns))
    return book


def portfolio_formats() -> tuple[str, ...]:
    from kamrules.io.sources import FORMATS

    return tuple(FORMATS)


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


def decode_bytes(data: bytes, name: str) -> str:
    """A body's text, decoded as `kam advise` decodes a file (raises InputFileError, located)."""
    from kamrules.io.files import decode_text

    return decode_text(data, name)


def decode_file(path: Path, name: str) -> str:
    """A file's text, decoded as `kam advise` decodes it (raises InputFileError, located)."""
    from kamrules.io.files import decode_text, read_bytes

    return decode_text(read_bytes(path), name)


def detect_format(path: Path, name: str) -> str:
    """A body's format from its content, as `kam portfolio -` tells it (xlsx, jsonl, csv, yaml)."""
    from kamrules.io.sources import _guess_format

    kind = _guess_format(path, name)
    return "yaml" if kind == "json" else kind


def count_rows(path: Path, fmt: str) -> int:
    """How many accounts a CSV or JSON Lines file holds (for the batch limit, before any is
    advised): records after the header, or lines that are not blank."""
    import csv

    from kamrules.io.textfile import csv_dialect, detect_encoding, open_text

    encoding = detect_encoding(path)
    with open_text(path, encoding) as handle:
        if fmt == "jsonl":
            return sum(1 for line in handle if line.strip())
        delimiter = csv_dialect(path, encoding)
        records = sum(1 for cells in csv.reader(handle, delimiter=delimiter) if any(c.strip() for c in cells))
    return max(records - 1, 0)


def parameter_problem(name: str, message: str) -> Problem:
    """A bad query or path parameter as a problem (no file: the request line is the input)."""
    from kamrules.errors import Location

    return Problem("HTTP400", message, Location(None, None, None, name))


def report_inline_sources() -> tuple[str, str]:
    """The portfolio report's inline style and script, whose hashes the page's policy allows
    (the page opens the report in a tab of its own, which inherits the page's policy)."""
    from kamrules.portfolio.report import CSS, SCRIPT

    return CSS, SCRIPT
