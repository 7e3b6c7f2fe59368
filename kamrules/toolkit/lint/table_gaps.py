"""KR101 table-gap: input values no row of a decision table covers.

Such an account gets no decision from the table: its output stays undecided although every
fact the table reads is given. Tables with hit policy `collect` are not checked (for them no
matching row is a normal answer: "nothing is missing").
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from kamrules import codes
from kamrules.toolkit.lint.finding import Finding, LintContext, describe, message

ID = codes.TABLE_GAP
NAME = "table-gap"
SEVERITY = "medium"


def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.rb.tables:
        if table.hit_policy == "collect":
            continue
        analysis = ctx.analysis(table)
        if analysis is None:
            continue
        gaps = [c for c in analysis.given() if not c.holding]
        if not gaps:
            continue
        values = gaps[0].values
        ident = f"{table.id}_gap"
        text = message("table_gap", table=table.id, values=partial(describe, values), n=len(gaps))
        yield Finding(
            id=ID,
            name=NAME,
            severity=SEVERITY,
            message=text,
            where=table.where,
            inputs=values,
            example=ctx.example(values, "CX-1"),
            example_id=ident,
        )
