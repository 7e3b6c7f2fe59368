"""KR109 undated-case: a test case with dates in its facts and no `as_of` (neither its own nor
its file's). Its result depends on the day it runs: it passes today and fails in three months,
when a contract it treats as far away is suddenly expiring."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from kamrules import codes
from kamrules.toolkit.lint.finding import Finding, LintContext, message

ID = codes.UNDATED_CASE
NAME = "undated-case"
SEVERITY = "medium"


def _has_date(value: Any) -> bool:
    if isinstance(value, dt.date):
        return True
    if isinstance(value, dict):
        return any(_has_date(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_date(v) for v in value)
    if isinstance(value, str) and len(value) == 10:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    return False


def check(ctx: LintContext) -> Iterator[Finding]:
    for case in ctx.rb.tests:
        if case.as_of is None and _has_date(case.facts):
            yield Finding(ID, NAME, SEVERITY, message("undated_case", case=case.id), case.where)
