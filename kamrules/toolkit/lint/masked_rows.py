"""KR103 masked-row: a row that never decides because earlier (or higher-priority) rows always
match whenever it does, under hit policy `first` or `priority`. Usually a row in the wrong
place: a general row above a specific one."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from kamrules import codes
from kamrules.language.rulebase import Table
from kamrules.toolkit.lint.finding import Finding, LintContext, describe, message

ID = codes.MASKED_ROW
NAME = "masked-row"
SEVERITY = "medium"


def _winner(table: Table, holding: tuple[int, ...]) -> int:
    if table.hit_policy == "first":
        return holding[0]
    best = max(table.rows[i].priority for i in holding)
    return next(i for i in holding if table.rows[i].priority == best)


def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.rb.tables:
        if table.hit_policy not in ("first", "priority"):
            continue
        analysis = ctx.analysis(table)
        if analysis is None:
            continue
        for index, row in enumerate(table.rows):
            matching = [c for c in analysis.combinations if index in c.holding]
            if not matching or any(_winner(table, c.holding) == index for c in matching):
                continue  # never true is KR104's finding; otherwise it decides somewhere
            winners = sorted({_winner(table, c.holding) for c in matching})
            by = ", ".join(table.rows[i].id for i in winners)
            values = matching[0].values
            text = message(
                "masked_row",
                row=row.id,
                table=table.id,
                by=by,
                policy=table.hit_policy,
                values=partial(describe, values),
            )
            ident = f"{table.id}_masked_{row.id}"
            yield Finding(
                id=ID,
                name=NAME,
                severity=SEVERITY,
                message=text,
                where=row.where,
                inputs=values,
                example=ctx.example(values, "CX-1"),
                example_id=ident,
            )
