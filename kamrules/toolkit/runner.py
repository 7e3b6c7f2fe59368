"""`kam rules test`: run the test cases written in YAML next to the rules.

Each case's facts go through the same engine `kam advise` uses, on the evaluation date the case
names (`as_of`; a default date otherwise), and the advice is compared with what the case
expects. What each run exercised (rules and rows applied, warnings raised) feeds coverage.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kamrules.advice.build import build_advice
from kamrules.api import Engine
from kamrules.engine.evaluation import Evaluation
from kamrules.language.rulebase import RuleBase, Table, TestCase
from kamrules.toolkit.coverage import Coverage, measure
from kamrules.toolkit.expect import Mismatch, compare


@dataclass(frozen=True)
class CaseResult:
    """One case: its mismatches (none when it passed) and what its run exercised."""

    case: TestCase
    as_of: dt.date
    mismatches: tuple[Mismatch, ...]
    applied: frozenset[str] = frozenset()  # rule ids and table:row refs that decided something
    raised: frozenset[str] = frozenset()  # warning codes

    @property
    def passed(self) -> bool:
        return not self.mismatches


@dataclass(frozen=True)
class SuiteRun:
    results: tuple[CaseResult, ...]
    coverage: Coverage
    selected: bool = False  # only some cases ran (a pattern was given)
    skipped: tuple[str, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.passed)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed


def applied_rows(table: Table, held: set[str]) -> list[str]:
    """The rows of `table` that decide, under its hit policy, given the rows whose conditions held."""
    matched = [row for row in table.rows if table.row_ref(row) in held]
    if not matched:
        return []
    if table.hit_policy == "collect":
        chosen = matched
    elif table.hit_policy == "first":
        chosen = matched[:1]
    elif table.hit_policy == "priority":
        best = max(row.priority for row in matched)
        chosen = [next(row for row in matched if row.priority == best)]
    else:  # unique: two matching rows decide nothing (the engine reports the conflict)
        chosen = matched if len(matched) == 1 else []
    return [table.row_ref(row) for row in chosen]


def exercised(rb: RuleBase, ev: Evaluation) -> frozenset[str]:
    """The rules that fired, the table rows that decided and the computed facts that got a value
    (their parameters count as used) in one evaluation."""
    out = {rule.id for rule in rb.rules if rule.id in ev.fired}
    out |= {comp.id for comp in rb.computes if comp.id in ev.fired}
    for table in rb.tables:
        out.update(applied_rows(table, ev.fired))
    return frozenset(out)


def run_case(engine: Engine, case: TestCase, default_as_of: dt.date) -> CaseResult:
    """Run one case (its facts are valid: `kam rules validate` checks them first)."""
    as_of = case.as_of or default_as_of
    account, ev = engine.evaluate(case.facts, as_of=as_of, lang="en", trace=False)
    advice = build_advice(engine.rulebase, ev, account.id, account.name)
    mismatches = compare(case.expect, case.undecided, advice, ev.values)
    return CaseResult(
        case,
        as_of,
        tuple(mismatches),
        exercised(engine.rulebase, ev),
        frozenset(w.code for w in advice.warnings),
    )


def select(cases: Iterable[TestCase], patterns: Sequence[str]) -> list[TestCase]:
    """The cases whose id matches one of the patterns (shell-style: `tier_*`), or all of them."""
    chosen = list(cases)
    if patterns:
        chosen = [c for c in chosen if any(fnmatch.fnmatchcase(c.id, p) or p in c.id for p in patterns)]
    return chosen


def run_tests(rb: RuleBase, *, default_as_of: dt.date, patterns: Sequence[str] = ()) -> SuiteRun:
    """Run the rule base's test cases (those matching `patterns`, if given) and measure coverage."""
    engine = Engine(rb)
    results = tuple(run_case(engine, case, default_as_of) for case in select(rb.tests, patterns))
    return SuiteRun(results, measure(rb, results), selected=bool(patterns))
