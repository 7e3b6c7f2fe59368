"""KR102 table-overlap: two rows of a `unique` table that match the same input values.

The engine then decides nothing for that account (it reports the conflict as undecided), so
an overlap in a `unique` table is a real error. Use `first` or `priority` if the order or a
priority is meant to settle it.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from kamrules import codes
from kamrules.toolkit.lint.finding import Finding, LintContext, describe, message

ID = codes.TABLE_OVERLAP
NAME = "table-overlap"
SEVERITY = "high"


def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.rb.tables:
        if table.hit_policy != "unique":
            continue
        analysis = ctx.analysis(table)
        if analysis is None:
            continue
        reported: set[tuple[int, int]] = set()
        for combo in analysis.combinations:
            for k, first in enumerate(combo.holding):
                for second in combo.holding[k + 1 :]:
                    if (first, second) in reported:
                        continue
                    reported.add((first, second))
                    a, b = table.rows[first], table.rows[second]
                    values = combo.values
                    text = message("table_overlap", a=a.id, b=b.id, table=table.id, values=partial(describe, values))
                    ident = f"{table.id}_overlap_{a.id}_{b.id}"
                    example = ctx.example(values, "CX-1")
                    yield Finding(
                        id=ID,
                        name=NAME,
                        severity=SEVERITY,
                        message=text,
                        where=b.where,
                        inputs=values,
                        example=example,
                        example_id=ident,
                    )
