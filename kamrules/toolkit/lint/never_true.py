"""KR104 never-true: a rule or row whose condition no account can satisfy.

Contradictory tests on one fact (`> 8` and `< 5`), a value out of a fact's range (a score
above 10), or a value of a derived fact that no rule or row ever sets (`matrix.source:
override`). Such a rule is dead weight and usually a typo in a threshold or a value."""

from __future__ import annotations

from collections.abc import Iterator

from kamrules.language.conditions.tree import facts_read
from kamrules.language.texts import Texts
from kamrules.toolkit.lint.finding import Finding, LintContext

ID = "KR104"
NAME = "never-true"
SEVERITY = "medium"


def check(ctx: LintContext) -> Iterator[Finding]:
    items = [(f"rule {r.id}", f"della regola {r.id}", r.when, r.where) for r in ctx.rb.rules]
    items += [
        (f"row {row.id} of table {t.id}", f"della riga {row.id} della tabella {t.id}", row.when, row.where)
        for t in ctx.rb.tables
        for row in t.rows
    ]
    for what_en, what_it, cond, where in items:
        if ctx.solver.satisfiable(cond):
            continue
        facts = ", ".join(sorted(facts_read(cond)))
        message = Texts(
            f"the condition of {what_en} can never be true: no values of {facts} satisfy it "
            "(given their ranges and the values the rules can set)",
            f"la condizione {what_it} non può mai essere vera: nessun valore di {facts} la soddisfa "
            "(dati i loro intervalli e i valori che le regole possono assegnare)",
        )
        yield Finding(ID, NAME, SEVERITY, message, where)
