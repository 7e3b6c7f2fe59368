"""Every test case written in YAML next to the built-in rules (rulesets/tests/), one pytest test
each with the case's own id, and the coverage they reach: 100 % of the rules and table rows."""

from __future__ import annotations

import datetime as dt

import pytest

from kamrules import Engine
from kamrules.language import rulebase
from kamrules.language.load import load_rulebase
from kamrules.toolkit.render_tests import mismatch_line
from kamrules.toolkit.runner import run_case, run_tests

RULEBASE = load_rulebase()
# A date far from any case's own: a case that forgot its as_of would fail loudly.
NO_DEFAULT_DATE = dt.date(1999, 1, 1)


@pytest.fixture(scope="module")
def builtin_engine() -> Engine:
    return Engine(RULEBASE)


def test_the_builtin_cases_exist() -> None:
    assert len(RULEBASE.tests) >= 60


@pytest.mark.parametrize("case", RULEBASE.tests, ids=lambda case: case.id)
def test_builtin_case(case: rulebase.TestCase, builtin_engine: Engine) -> None:
    assert case.as_of is not None, f"{case.id} ({case.where}) names no as_of"
    result = run_case(builtin_engine, case, NO_DEFAULT_DATE)
    assert result.passed, f"{case.id} ({case.where}):\n" + "\n".join(mismatch_line(m, "en") for m in result.mismatches)


def test_builtin_cases_reach_full_coverage() -> None:
    run = run_tests(RULEBASE, default_as_of=NO_DEFAULT_DATE)
    assert run.failed == 0
    for kind in ("rules", "rows", "parameters", "warnings"):
        measure = run.coverage.of(kind)
        assert not measure.missed, f"{kind} not exercised: {[i.id for i in measure.missed]}"
        assert measure.percent == 100.0


def test_every_case_is_described_in_both_languages() -> None:
    for case in RULEBASE.tests:
        assert case.description.en and case.description.it, case.id
