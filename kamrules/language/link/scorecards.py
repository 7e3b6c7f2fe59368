"""Scorecards (`scorecards:`): weighted criteria that give one score from 1 to 10."""

from __future__ import annotations

from kamrules import codes
from kamrules.i18n.texts import Texts
from kamrules.language import spec as S
from kamrules.language.link.context import ItemSource, Linker
from kamrules.language.link.outputs import check_target
from kamrules.language.rulebase import Criterion, Scorecard
from kamrules.suggest import suggest

KEY = "scorecards"
_LEVELS = {"high": 3.0, "medium": 2.0, "low": 1.0}


def specs(ruleset: S.RulesetFile) -> list[S.ScorecardSpec]:
    return ruleset.scorecards or []


def link(lk: Linker, item: ItemSource[S.ScorecardSpec]) -> Scorecard | None:
    f, base, c, stage = item.file, item.path, item.spec, item.stage
    ok = True
    ctx = lk.parse_context(f, stage)
    for key, name in (("given", c.given), ("criteria_from", c.criteria_from)):
        if name is not None and name not in ctx.facts:
            lk.error(f, (*base, key), codes.UNKNOWN_FACT, f"unknown fact {name!r}", suggest(name, list(ctx.facts)))
            ok = False
    if c.criteria_from is None and not c.criteria:
        lk.error(f, base, codes.SCORECARD, "a scorecard needs criteria: or criteria_from:")
        ok = False
    criteria: list[Criterion] = []
    if c.criteria:
        levels = _LEVELS | dict(c.levels or {})
        raw = {
            n: (levels[cr.weight] if isinstance(cr.weight, str) else float(cr.weight)) for n, cr in c.criteria.items()
        }
        # Weights are scaled to add up to 100; `kam rules lint` (KR108) says when they do not.
        total = sum(raw.values())
        for n, cr in c.criteria.items():
            info = ctx.facts.get(cr.fact)
            if info is None:
                where = (*base, "criteria", n, "fact")
                lk.error(f, where, codes.UNKNOWN_FACT, f"unknown fact {cr.fact!r}", suggest(cr.fact, list(ctx.facts)))
                ok = False
            elif info.type.kind != "number":
                lk.error(f, (*base, "criteria", n, "fact"), codes.TYPE_MISMATCH, f"{cr.fact} is not a number")
                ok = False
            weight = raw[n] * 100.0 / total if total else 0.0
            criteria.append(Criterion(name=n, fact=cr.fact, weight=weight, label=Texts.of(cr.label)))
    if c.method == "versus_competitor" and c.criteria_from is None:
        lk.error(
            f,
            (*base, "method"),
            codes.SCORECARD,
            "versus_competitor reads criteria_from: {criterion: {weight, ours, best_competitor}}",
        )
        ok = False
    if check_target(lk, f, (*base, "sets"), c.sets, stage) is None or not ok:
        return None
    return Scorecard(
        id=c.id,
        ruleset=item.ruleset,
        stage=stage,
        description=Texts.of(c.description),
        sets=c.sets,
        method=c.method,
        given=c.given,
        criteria_from=c.criteria_from,
        criteria=tuple(criteria),
        on_missing=c.on_missing,
        min_weight=c.min_weight,
        where=f.doc.location(base),
        order=lk.next_order(),
    )
