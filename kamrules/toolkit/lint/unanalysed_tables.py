"""KR110 unanalysed-table: a decision table the gap, overlap and masking checks could not look
into, because a cell compares two facts (or the evaluation date), or because its inputs have
too many combinations of values. Information only: nothing is known to be wrong with it."""

from __future__ import annotations

from collections.abc import Iterator

from kamrules import codes
from kamrules.toolkit.lint.finding import Finding, LintContext, message
from kamrules.toolkit.lint.tables import MAX_COMBINATIONS, analysable, combination_count

ID = codes.UNANALYSED_TABLE
NAME = "unanalysed-table"
SEVERITY = "info"


def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.rb.tables:
        if table.hit_policy == "collect" or ctx.analysis(table) is not None:
            continue
        if not analysable(table):
            text = message("unanalysed_facts", table=table.id)
        else:
            n = combination_count(table, ctx.solver)
            text = message("unanalysed_size", table=table.id, n=n, limit=MAX_COMBINATIONS)
        yield Finding(ID, NAME, SEVERITY, text, table.where)
