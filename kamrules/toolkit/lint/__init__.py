"""`kam rules lint`: static analysis of a rule base. Each check is one module with a stable id
(`ID`), a readable name (`NAME`), a default severity (`SEVERITY`) and a `check(ctx)` generator
of findings; this registry lists them, in id order. docs/lint-rules.md documents each id with
a bad and a good example (and a test runs those examples)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from types import ModuleType

from kamrules.language.read import LoadedFile
from kamrules.language.rulebase import RuleBase
from kamrules.toolkit.lint import (
    masked_rows,
    missing_language,
    never_true,
    scorecard_weights,
    table_gaps,
    table_overlaps,
    unanalysed_tables,
    undated_cases,
    untested_codes,
    unused_parameters,
)
from kamrules.toolkit.lint.finding import SEVERITIES, Finding, LintContext

CHECKS: tuple[ModuleType, ...] = (
    table_gaps,
    table_overlaps,
    masked_rows,
    never_true,
    unused_parameters,
    missing_language,
    untested_codes,
    scorecard_weights,
    undated_cases,
    unanalysed_tables,
)


def check_ids() -> dict[str, str]:
    """Id -> name of every check."""
    return {module.ID: module.NAME for module in CHECKS}


def _selected(module: ModuleType, select: Sequence[str], ignore: Sequence[str]) -> bool:
    names = {module.ID, module.NAME}
    if select and not names & set(select):
        return False
    return not names & set(ignore)


def lint(
    rb: RuleBase,
    files: Sequence[LoadedFile],
    *,
    as_of: dt.date,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> list[Finding]:
    """Every finding of the selected checks (by id or name), in the order of the files and lines."""
    ctx = LintContext(rb, tuple(files), as_of)
    findings: list[Finding] = []
    for module in CHECKS:
        if _selected(module, select, ignore):
            run: Callable[[LintContext], Iterator[Finding]] = module.check
            findings.extend(run(ctx))
    return sorted(
        findings,
        key=lambda f: (f.where.file or "", f.where.line or 0, f.where.column or 0, -SEVERITIES.index(f.severity), f.id),
    )
