"""Load-time checks of the test cases written in YAML (`kind: tests`), beyond their schema.

The loader checks a tests file's shape; these checks need the linked rule base: the facts must
be valid account facts, and every value, warning code, lever and derived fact an expectation
names must exist, so that a misspelled expectation is reported instead of silently failing (or
worse, silently passing as a `not_warnings`). Codes KR201 to KR206.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kamrules import codes
from kamrules.errors import Location, Problem
from kamrules.language import spec as S
from kamrules.language.read import LoadedFile
from kamrules.language.rulebase import RuleBase
from kamrules.model.account import Account
from kamrules.model.validate import validate_model
from kamrules.suggest import suggest

CHOICE_EXPECTATIONS = ("tier", "profile", "profile_source", "strategy")
CODE_EXPECTATIONS = ("warnings", "not_warnings", "only_warnings")
LEVER_EXPECTATIONS = ("levers", "not_levers")


def check_cases(rb: RuleBase, files: Iterable[LoadedFile]) -> list[Problem]:
    """Every problem of the test cases in `files` against the rule base `rb`."""
    problems: list[Problem] = []
    first_seen: dict[str, Location] = {}
    for f in files:
        if f.kind != S.FileKind.TESTS:
            continue
        spec: S.CasesFile = f.spec
        for i, case in enumerate(spec.cases):
            base: tuple[str | int, ...] = ("cases", i)

            def at(*path: str | int, _base: tuple[str | int, ...] = base, _f: LoadedFile = f) -> Location:
                return _f.doc.location((*_base, *path))

            where = at("id")
            if case.id in first_seen:
                problems.append(
                    Problem(
                        codes.CASE_ID, f"test case id {case.id!r} is already used at {_at(first_seen[case.id])}", where
                    )
                )
            else:
                first_seen[case.id] = where
            problems += _facts_problems(case.facts, at)
            problems += _expect_problems(rb, case.expect, case.undecided or [], at)
    return problems


def _at(loc: Location) -> str:
    return ":".join(str(p) for p in (loc.file, loc.line, loc.column) if p is not None)


def _facts_problems(facts: dict[str, Any], at: Any) -> list[Problem]:
    _, found = validate_model(Account, facts, lambda path: at("facts", *path))
    # The message names the field: the text format shows a problem's line, not its key path.
    return [
        Problem(
            codes.CASE_FACTS,
            f"facts.{p.location.path}: {p.message}" if p.location.path else p.message,
            p.location,
            p.suggestion,
        )
        for p in found
    ]


def _expect_problems(rb: RuleBase, expect: S.CaseExpect, undecided: list[str], at: Any) -> list[Problem]:
    out: list[Problem] = []
    for name in CHOICE_EXPECTATIONS:
        value = getattr(expect, name)
        if value is None:
            continue
        derived = rb.derived.get(name)
        values = list(derived.type.values) if derived is not None else []
        if derived is not None and values and value not in values:
            out.append(
                Problem(
                    codes.CASE_VALUE,
                    f"{value!r} is not a value of {name}; its values are {', '.join(values)}",
                    at("expect", name),
                    suggest(value, values),
                )
            )
    for name in CODE_EXPECTATIONS:
        for k, code in enumerate(getattr(expect, name) or []):
            if code not in rb.warning_codes:
                out.append(_unknown(codes.CASE_WARNING, "warning code", code, rb.warning_codes, at("expect", name, k)))
    for code in expect.severities or {}:
        if code not in rb.warning_codes:
            out.append(
                _unknown(codes.CASE_WARNING, "warning code", code, rb.warning_codes, at("expect", "severities", code))
            )
    for name in LEVER_EXPECTATIONS:
        for k, lever in enumerate(getattr(expect, name) or []):
            if lever not in rb.levers:
                out.append(_unknown(codes.CASE_LEVER, "lever", lever, rb.levers, at("expect", name, k)))
    for fact in expect.facts or {}:
        if fact not in rb.derived:
            out.append(_unknown(codes.CASE_FACT, "derived fact", fact, rb.derived, at("expect", "facts", fact)))
    for k, fact in enumerate(undecided):
        if fact not in rb.derived:
            out.append(_unknown(codes.CASE_FACT, "derived fact", fact, rb.derived, at("undecided", k)))
    return out


def _unknown(code: str, what: str, name: str, known: Iterable[str], where: Location) -> Problem:
    names = list(known)
    return Problem(code, f"unknown {what} {name!r}", where, suggest(name, names))
