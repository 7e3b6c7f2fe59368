"""KR101 table-gap: input values no row of a decision table covers.

Such an account gets no decision from the table: its output stays undecided although every
fact the table reads is given. Tables with hit policy `collect` are not checked (for them no
matching row is a normal answer: "nothing is missing").
"""

from __future__ import annotations

from collections.abc import Iterator

from kamrules.language.texts import Texts
from kamrules.toolkit.lint.finding import Finding, LintContext, describe

ID = "KR101"
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
        message = Texts(
            f"no row of table {table.id} decides when {describe(values, 'en')} "
            f"({len(gaps)} uncovered combination(s) of input values in all)",
            f"nessuna riga della tabella {table.id} decide quando {describe(values, 'it')} "
            f"({len(gaps)} combinazioni di valori in ingresso non coperte in tutto)",
        )
        yield Finding(ID, NAME, SEVERITY, message, table.where, values, ctx.example(values, "CX-1"), ident)
