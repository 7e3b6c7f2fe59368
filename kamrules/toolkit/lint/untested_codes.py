"""KR107 untested-warning: a warning code that no test case expects (in warnings:,
only_warnings: or severities:; for UNDECIDED, undecided: too). A warning without a test can
silently stop being raised after the next change to a threshold."""

from __future__ import annotations

from collections.abc import Iterator

from kamrules import codes
from kamrules.toolkit.lint.finding import Finding, LintContext, message

ID = codes.UNTESTED_WARNING
NAME = "untested-warning"
SEVERITY = "low"


def expected_codes(ctx: LintContext) -> set[str]:
    codes: set[str] = set()
    for case in ctx.rb.tests:
        codes.update(case.expect.get("warnings", []))
        codes.update(case.expect.get("only_warnings", []))
        codes.update(case.expect.get("severities", {}))
        if case.undecided:
            codes.add("UNDECIDED")
    return codes


def check(ctx: LintContext) -> Iterator[Finding]:
    tested = expected_codes(ctx)
    for code in ctx.rb.warning_codes.values():
        if code.code in tested:
            continue
        yield Finding(ID, NAME, SEVERITY, message("untested_warning", code=code.code), code.where)
