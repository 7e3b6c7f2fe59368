"""Why not: the outcomes that nearly happened, each with the single condition that kept it from
happening ("STAGE_GAP not raised: relationship.stage is integrated; it needs exploratory or basic")."""

from __future__ import annotations

from kamrules.engine.evaluation import Evaluation
from kamrules.errors import Location
from kamrules.language.conditions.explain import NearMiss, near_miss, phrase
from kamrules.language.rulebase import RuleBase
from kamrules.model.advice import WhyNot


def why_not(rb: RuleBase, ev: Evaluation) -> list[WhyNot]:
    """Outcomes that did not happen because exactly one condition failed: of the rules, then of
    the table rows."""
    return [*_rules(rb, ev), *_rows(rb, ev)]


def _rules(rb: RuleBase, ev: Evaluation) -> list[WhyNot]:
    lang = ev.lang
    out: list[WhyNot] = []
    seen: set[str] = set()
    raised = {r.warn.code for r in ev.warnings if r.warn}
    recommended = {pick.id for _, pick in ev.levers}
    for rule in rb.rules:
        if rule.id in ev.fired:
            continue
        outcomes: list[str] = []
        if rule.warn is not None and rule.warn.code not in raised:
            outcomes.append(phrase(lang, "not_raised").format(outcome=rule.warn.code))
        outcomes += [
            phrase(lang, "not_recommended").format(outcome=f"lever {p.id}")
            for p in rule.levers
            if p.id not in recommended
        ]
        outcomes += [
            phrase(lang, "not_set").format(outcome=f"{k}={v.literal}")
            for k, v in rule.sets.items()
            if v.fact is None and ev.values.get(k) != v.literal
        ]
        if not outcomes:
            continue
        miss = near_miss(rule.when, ev.values, ev.as_of, lang)
        if miss is None:
            continue
        for outcome in outcomes:
            if f"{outcome}: {miss.sentence}" in seen:
                continue
            seen.add(f"{outcome}: {miss.sentence}")
            out.append(_why_not(outcome, rule.id, miss, rule.where))
    return out


def _rows(rb: RuleBase, ev: Evaluation) -> list[WhyNot]:
    lang = ev.lang
    out: list[WhyNot] = []
    for table in rb.tables:
        for row in table.rows:
            ref = table.row_ref(row)
            if ref in ev.fired:
                continue
            changes = [
                f"{k}={v.literal}"
                for k, v in row.outputs.items()
                if v.fact is None and ev.values.get(k) != v.literal and k in rb.decisions
            ]
            if not changes:
                continue
            miss = near_miss(row.when, ev.values, ev.as_of, lang)
            if miss is None:
                continue
            out.append(_why_not(phrase(lang, "not_set").format(outcome=", ".join(changes)), ref, miss, row.where))
    return out


def _why_not(outcome: str, rule: str, miss: NearMiss, where: Location) -> WhyNot:
    return WhyNot.model_construct(
        outcome=outcome,
        rule=rule,
        because=f"{outcome}: {miss.sentence}",
        fact=miss.fact,
        actual=miss.actual,
        expected=miss.expected,
        file=where.file,
        line=where.line,
    )
