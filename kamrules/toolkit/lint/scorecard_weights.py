"""KR108 scorecard-weights: the numeric weights of a scorecard's criteria do not add up to 100,
or numbers are mixed with high / medium / low. The engine scales the weights to 100 anyway, so
the advice still works; but the deck (and the Cranfield method) state weights summing to 100,
and a sum of 90 is almost always a criterion someone forgot."""

from __future__ import annotations

from collections.abc import Iterator

from kamrules import codes
from kamrules.language import spec as S
from kamrules.toolkit.lint.finding import Finding, LintContext, message

ID = codes.SCORECARD_WEIGHTS
NAME = "scorecard-weights"
SEVERITY = "medium"


def check(ctx: LintContext) -> Iterator[Finding]:
    for f in ctx.files:
        if not isinstance(f.spec, S.RulesetFile):
            continue
        for i, card in enumerate(f.spec.scorecards or []):
            if not card.criteria:
                continue
            weights = [c.weight for c in card.criteria.values()]
            numbers = [float(w) for w in weights if not isinstance(w, str)]
            where = f.doc.location(("scorecards", i, "criteria"))
            if numbers and len(numbers) != len(weights):
                yield Finding(ID, NAME, SEVERITY, message("scorecard_mixed", card=card.id), where)
            elif numbers and abs(sum(numbers) - 100) > 1e-6:
                total = f"{sum(numbers):g}"
                yield Finding(ID, NAME, SEVERITY, message("scorecard_total", card=card.id, total=total), where)
