"""KR110 unanalysed-table: a decision table the gap, overlap and masking checks could not look
into, because a cell compares two facts (or the evaluation date), or because its inputs have
too many combinations of values. Information only: nothing is known to be wrong with it."""

from __future__ import annotations

from collections.abc import Iterator

from kamrules.language.texts import Texts
from kamrules.toolkit.lint.finding import Finding, LintContext
from kamrules.toolkit.lint.tables import MAX_COMBINATIONS, analysable, combination_count

ID = "KR110"
NAME = "unanalysed-table"
SEVERITY = "info"


def check(ctx: LintContext) -> Iterator[Finding]:
    for table in ctx.rb.tables:
        if table.hit_policy == "collect" or ctx.analysis(table) is not None:
            continue
        if not analysable(table):
            message = Texts(
                f"table {table.id} compares two facts in a cell: gaps, overlaps and masked rows were not checked",
                f"la tabella {table.id} confronta due fatti in una cella: lacune, sovrapposizioni e righe "
                "mascherate non sono state verificate",
            )
        else:
            n = combination_count(table, ctx.solver)
            message = Texts(
                f"table {table.id} has {n} combinations of input values (more than {MAX_COMBINATIONS}): "
                "gaps, overlaps and masked rows were not checked",
                f"la tabella {table.id} ha {n} combinazioni di valori in ingresso (più di {MAX_COMBINATIONS}): "
                "lacune, sovrapposizioni e righe mascherate non sono state verificate",
            )
        yield Finding(ID, NAME, SEVERITY, message, table.where)
