"""The plan's Python API, used by `kam plan` and callable without it.

from kamrules.plan.api import new_plan, check_plan_file, report
plan = new_plan(account_facts, as_of="2026-11-27", lang="it")
result = check_plan_file("plan.yaml", as_of="2026-11-27")
html = report(result.plan, "html")
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kamrules import codes
from kamrules.advice.build import build_advice
from kamrules.advice.undecided import missing_facts
from kamrules.api import Engine, check_lang, parse_as_of
from kamrules.errors import InputFileError, Location, Problem
from kamrules.io.accounts import Record, read_records
from kamrules.language.read import yaml_files
from kamrules.model.account import Account
from kamrules.model.advice import Advice
from kamrules.model.cellformats import FileCells
from kamrules.model.validate import validate_account
from kamrules.plan.checks import PLAN_RULES, Finding, PlanChecker, user_plan_folders
from kamrules.plan.draft import draft_plan
from kamrules.plan.labels import decision_labels
from kamrules.plan.model import Plan
from kamrules.plan.page import render_report
from kamrules.plan.read import LoadedPlan, read_plan


@dataclass(frozen=True, kw_only=True)
class CheckResult:
    """What `kam plan check` found, and against what."""

    loaded: LoadedPlan
    as_of: dt.date
    lang: str
    findings: list[Finding]
    strategy: str | None  # the strategy the plan was held to
    strategy_label: str | None  # its name in the result's language
    advice: Advice | None  # the account's advice today, when its file was given
    rules: tuple[str, str, str]  # the plan checks' name, version and digest

    @property
    def plan(self) -> Plan:
        return self.loaded.plan

    def data(self) -> dict[str, Any]:
        """What `kam plan check --format json` prints (and the service's POST /v1/plans/check
        answers): the plan, its account, the findings and their count by severity, the rules."""
        name, version, digest = self.rules
        return {
            "plan": self.loaded.source,
            "account": {"id": self.plan.account.id, "name": self.plan.account.name},
            "as_of": self.as_of.isoformat(),
            "lang": self.lang,
            "strategy": self.strategy,
            "findings": [f.model_dump(mode="json") for f in self.findings],
            "summary": dict(Counter(f.severity for f in self.findings)),
            "rules": {"name": name, "version": version, "digest": digest},
        }


def engines(rules: Sequence[str | Path] = ()) -> tuple[Engine, PlanChecker]:
    """The advisor and the plan checks, built in or with `rules` folders layered on top (a
    folder's `plan/` subfolder, when it has a manifest, layers the plan checks)."""
    extra = user_plan_folders(rules)
    # A folder that holds nothing but plan checks (its plan/ subfolder) leaves the advice as is.
    advisor = [p for p in rules if yaml_files(Path(p)) or Path(p) / PLAN_RULES not in extra]
    engine = Engine.from_paths(*advisor) if advisor else Engine.default()
    checker = PlanChecker.from_paths(*extra) if extra else PlanChecker.default()
    return engine, checker


def read_account(path: str | Path, account_id: str | None = None, *, where: Location | None = None) -> Account:
    """The one account in `path` (or the one with `account_id`), checked against the contract."""
    records = list(read_records(path, cells=FileCells))
    readable = [r for r in records if r.error is None]
    chosen: list[Record] = readable
    if account_id is not None:
        chosen = [r for r in readable if isinstance(r.data, Mapping) and str(r.data.get("id")) == account_id]
    # An unreadable record matters unless the account asked for was found among the others.
    broken = next((r.error for r in records if r.error is not None), None)
    if broken is not None and (account_id is None or not chosen):
        raise broken
    if account_id is not None and not chosen:
        found = ", ".join(str(r.data.get("id")) for r in records if isinstance(r.data, Mapping))
        raise InputFileError(
            "",
            [
                Problem(
                    codes.PLAN_ACCOUNT,
                    f"{path} holds no account with id {account_id!r} (it holds {found or 'none'})",
                    where or Location(str(path)),
                    parameter="account_id",
                )
            ],
        )
    if len(chosen) != 1:
        raise InputFileError(
            "",
            [
                Problem(
                    codes.PLAN_ACCOUNT,
                    f"holds {len(chosen)} accounts; a plan is for one: name it with {{parameter}}",
                    Location(str(path)),
                    parameter="account_id",
                )
            ],
        )
    record = chosen[0]
    return validate_account(record.data, source=record.label, location=record.location)


def relative_file(account_path: str | Path, out: str | Path | None) -> str | None:
    """How the plan names its account's file: relative to where the plan is written."""
    if str(account_path) == "-":
        return None
    folder = Path(out).resolve().parent if out else Path.cwd()
    return Path(os.path.relpath(Path(account_path).resolve(), folder)).as_posix()


def new_plan(
    account: Mapping[str, Any] | Account,
    *,
    as_of: dt.date | str | None = None,
    lang: str = "en",
    account_file: str | None = None,
    engine: Engine | None = None,
    checker: PlanChecker | None = None,
) -> Plan:
    """A new plan for `account`, drafted from its facts and its advice."""
    engine = engine or Engine.default()
    checker = checker or PlanChecker.default()
    day = parse_as_of(as_of)
    language = check_lang(lang)
    acc = validate_account(account)
    advice = engine.advise(acc, lang=language, as_of=day)
    rb = engine.rulebase
    return draft_plan(
        acc,
        advice,
        as_of=day,
        lang=language,
        params={name: p.value for name, p in rb.params.items()},
        expected=checker.expected(advice.strategy, day) if advice.strategy else {},
        row_titles={key: title.get(language) for key, title in rb.treatment_rows.items()},
        account_file=account_file,
    )


def check_plan_file(
    path: str | Path,
    *,
    as_of: dt.date | str | None = None,
    lang: str | None = None,
    account_path: str | Path | None = None,
    engine: Engine | None = None,
    checker: PlanChecker | None = None,
) -> CheckResult:
    """Check the plan in `path`. Its account is re-advised when `account_path` is given or the
    plan names its file (`account.file`, relative to the plan), so that the plan is held to the
    strategy the account deserves today."""
    loaded = read_plan(path)
    plan = loaded.plan
    day = parse_as_of(as_of)
    language = check_lang(lang or plan.lang)
    engine = engine or Engine.default()
    checker = checker or PlanChecker.default()
    advice = None
    source: str | Path | None = account_path
    where = None
    if source is None and plan.account.file:
        source = loaded.folder / plan.account.file
        where = loaded.document.location(("account", "file"))
        if not Path(source).is_file():
            raise InputFileError(
                "", [Problem(codes.PLAN_ACCOUNT_FILE, f"the account file {plan.account.file!r} does not exist", where)]
            )
    strategy_missing: list[str] = []
    if source is not None:
        account = read_account(source, plan.account.id, where=where)
        account, ev = engine.evaluate(account, lang=language, as_of=day)
        advice = build_advice(engine.rulebase, ev, account.id, account.name)
        # When the advice cannot decide a strategy, the facts the account lacks to decide it.
        strategy_missing = missing_facts(engine.rulebase, ev.undecided, "strategy", language)
    strategy_labels = decision_labels(engine.rulebase, language)["strategy"]
    findings = checker.check(
        plan,
        as_of=day,
        lang=language,
        document=loaded.document,
        advised=advice is not None,
        advised_strategy=advice.strategy if advice else None,
        strategy_missing=strategy_missing,
        strategy_labels=strategy_labels,
    )
    rb = checker.rulebase
    strategy = (advice.strategy if advice else None) or plan.account.strategy
    return CheckResult(
        loaded=loaded,
        as_of=day,
        lang=language,
        findings=findings,
        strategy=strategy,
        strategy_label=strategy_labels.get(strategy, strategy) if strategy else None,
        advice=advice,
        rules=(rb.name, rb.version, rb.digest),
    )


def report(plan: Plan, fmt: str = "markdown", lang: str | None = None) -> str:
    """The one-page plan to share with the customer, as Markdown or HTML."""
    return render_report(plan, fmt, lang)
