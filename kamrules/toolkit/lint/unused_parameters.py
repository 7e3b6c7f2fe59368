"""KR105 unused-parameter: a parameter no rule or row reads (in a condition, a value it sets,
or a message). Changing it changes nothing, which is exactly what a business user will not
expect; usually a misspelled reference, or a rule that was removed."""

from __future__ import annotations

from collections.abc import Iterator

from kamrules import codes
from kamrules.toolkit.lint.finding import Finding, LintContext, message
from kamrules.toolkit.usage import used_params

ID = codes.UNUSED_PARAMETER
NAME = "unused-parameter"
SEVERITY = "low"


def check(ctx: LintContext) -> Iterator[Finding]:
    used = used_params(ctx.rb)
    for param in ctx.rb.params.values():
        if param.name in used:
            continue
        yield Finding(ID, NAME, SEVERITY, message("unused_parameter", param=param.name), param.where)
