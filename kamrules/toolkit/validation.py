"""`kam rules validate`: every load-time check over a set of folders, every problem at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kamrules.errors import Problem, problems_from
from kamrules.language.load import load_report
from kamrules.language.read import LoadedFile, SourceFolder
from kamrules.language.rulebase import RuleBase
from kamrules.toolkit.cases import check_cases
from kamrules.toolkit.folders import RuleBaseKind, kind_of


@dataclass(frozen=True)
class Validation:
    """The rule base (None when anything is wrong), every problem, and the files read."""

    rulebase: RuleBase | None
    problems: tuple[Problem, ...]
    files: tuple[LoadedFile, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def validate(folders: Sequence[SourceFolder], kind: RuleBaseKind | None = None) -> Validation:
    """Load and link `folders`, then check their test cases; collect every problem.

    The facts the rules may read are the account's, or those of the input the user folders'
    manifest declares (`input: plan`, a portfolio's inputs: see `sources.kind_of`); give `kind`
    when it is known already."""
    if kind is None:
        kind = kind_of([f.root for f in folders if not f.builtin])
    report = load_report(folders, input_model=kind.model, input_name=kind.input_name)
    problems = list(report.problems)
    if report.linked is not None and kind.is_account:  # test cases hold account facts
        problems += check_cases(report.linked, report.files)
    found = problems_from(problems)
    return Validation(None if found else report.rulebase, found, report.files)
