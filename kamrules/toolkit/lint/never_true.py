"""KR104 never-true: a rule or row whose condition no account can satisfy.

Contradictory tests on one fact (`> 8` and `< 5`), a value out of a fact's range (a score
above 10), or a value of a derived fact that no rule or row ever sets (`matrix.source:
override`). Such a rule is dead weight and usually a typo in a threshold or a value."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from kamrules import codes
from kamrules.i18n.catalog import phrases
from kamrules.language.conditions.tree import facts_read
from kamrules.toolkit.lint.finding import Finding, LintContext, message

ID = codes.NEVER_TRUE
NAME = "never-true"
SEVERITY = "medium"


def _what(key: str, names: dict[str, str], lang: str) -> str:
    return phrases(lang, "lint").say(key, **names)


def check(ctx: LintContext) -> Iterator[Finding]:
    items = [(("never_true.rule", {"rule": r.id}), r.when, r.where) for r in ctx.rb.rules]
    items += [
        (("never_true.row", {"row": row.id, "table": t.id}), row.when, row.where)
        for t in ctx.rb.tables
        for row in t.rows
    ]
    for (what, names), cond, where in items:
        if ctx.solver.satisfiable(cond):
            continue
        facts = ", ".join(sorted(facts_read(cond)))
        text = message(
            "never_true",
            what=partial(_what, what, names),
            facts=facts,
        )
        yield Finding(ID, NAME, SEVERITY, text, where)
