"""Compare what a test case expects with what the rule base decided for its facts."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from kamrules.model.advice import Advice

MismatchKind = Literal["value", "raised", "not_raised", "only", "severity", "lever", "not_lever", "undecided"]
DECISIONS = ("tier", "profile", "profile_source", "strategy")


@dataclass(frozen=True)
class Mismatch:
    """One expectation that did not hold: what was expected, and what happened instead."""

    field: str  # "tier", "warnings", "severities.CONTRACT_EXPIRING", "facts.scores.attractiveness"
    kind: MismatchKind
    expected: Any
    actual: Any


def plain(value: Any) -> Any:
    """A value as JSON shows it: dates as text, whole floats as integers, lists in a stable order."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def same(expected: Any, actual: Any) -> bool:
    """Equal as a business user means it: numbers to 6 decimals, lists in any order."""
    expected, actual = plain(expected), plain(actual)
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(actual, numbers) and not isinstance(expected, bool):
        return not isinstance(actual, bool) and math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-6)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and sorted(map(repr, expected)) == sorted(map(repr, actual))
    return bool(expected == actual)


def compare(
    expect: Mapping[str, Any], undecided: tuple[str, ...], advice: Advice, values: Mapping[str, Any]
) -> list[Mismatch]:
    """Every expectation of a case that the advice (and the derived facts) do not meet."""
    out: list[Mismatch] = []
    decided = {name: getattr(advice, name) for name in DECISIONS}
    for name in DECISIONS:
        if name in expect and decided[name] != expect[name]:
            out.append(Mismatch(name, "value", expect[name], decided[name]))
    raised = {w.code: w.severity for w in advice.warnings}
    codes = sorted(raised)
    missing = [c for c in expect.get("warnings", []) if c not in raised]
    if missing:
        out.append(Mismatch("warnings", "raised", missing, codes))
    unwanted = [c for c in expect.get("not_warnings", []) if c in raised]
    if unwanted:
        out.append(Mismatch("not_warnings", "not_raised", unwanted, codes))
    if "only_warnings" in expect and set(expect["only_warnings"]) != set(raised):
        out.append(Mismatch("only_warnings", "only", sorted(set(expect["only_warnings"])), codes))
    for code, severity in expect.get("severities", {}).items():
        if raised.get(code) != severity:
            out.append(Mismatch(f"severities.{code}", "severity", severity, raised.get(code)))
    pulled = sorted({lever.id for lever in advice.levers})
    absent = [lv for lv in expect.get("levers", []) if lv not in pulled]
    if absent:
        out.append(Mismatch("levers", "lever", absent, pulled))
    extra = [lv for lv in expect.get("not_levers", []) if lv in pulled]
    if extra:
        out.append(Mismatch("not_levers", "not_lever", extra, pulled))
    for fact, wanted in expect.get("facts", {}).items():
        got = values.get(fact)
        if not (got is None and wanted is None) and (got is None or not same(wanted, got)):
            out.append(Mismatch(f"facts.{fact}", "value", plain(wanted), plain(got)))
    for fact in undecided:
        got = values.get(fact)
        if got is not None:
            out.append(Mismatch(f"undecided.{fact}", "undecided", None, plain(got)))
    return out
