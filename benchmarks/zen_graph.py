"""The built-in rules as a GoRules zen-engine decision graph (JDM), and the fast way to run it.

The graph mirrors the rule base stage by stage: an expression node for the scores and ratios,
then decision tables for the tier, the key account matrix (with the stage fallback), the
profile (manual override first), the strategy, its limits, the information checklist (a
collect column) and one table for the warnings and levers (collect columns: every matching row
adds its warning or lever). A last expression node returns only the decisions, so that zen does
not hand the whole account back to Python.

zen-engine is driven the way its documentation recommends for repeated evaluation:
`ZenEngine(loader=...)` and `engine.evaluate(key, context)`, which compiles the graph once and
caches it; `create_decision(...).evaluate` is several times slower and would flatter kamrules.

Semantics match the rule base: in a decision table, a test on a missing (null) input does not
match; `empty` counts a missing list as empty.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

KEY_TIERS = "'key_account', 'potential_key_account'"
LESSER_TIERS = "'important_account', 'regular_account'"
HARD_DATA_TIERS = "'key_account', 'potential_key_account', 'important_account'"
RELATIONSHIP_PROFILES = "'strategic', 'status', 'star'"
EARLY_STAGES = "'exploratory', 'basic'"
TECHNICAL = "['quality', 'technical_support', 'innovation', 'productivity', 'technology', 'technical_service']"
SERVICE = "['delivery', 'service', 'reliability', 'lead_time', 'availability', 'speed']"


def _position() -> dict[str, int]:
    return {"x": 0, "y": 0}


def _expressions(node_id: str, items: list[tuple[str, str]], pass_through: bool = True) -> dict[str, Any]:
    return {
        "id": node_id,
        "type": "expressionNode",
        "name": node_id,
        "position": _position(),
        "content": {
            "passThrough": pass_through,
            "inputField": None,
            "outputPath": None,
            "executionMode": "single",
            "expressions": [
                {"id": f"{node_id}{k}", "key": key, "value": value} for k, (key, value) in enumerate(items)
            ],
        },
    }


def _table(
    node_id: str, inputs: list[str], outputs: list[str], rows: list[tuple[dict[str, str], dict[str, str]]]
) -> dict[str, Any]:
    """A decision table, hit policy first; output columns ending in [] collect every matching row."""
    in_ids = {field: f"{node_id}i{k}" for k, field in enumerate(inputs)}
    out_ids = {field: f"{node_id}o{k}" for k, field in enumerate(outputs)}
    rules = []
    for n, (cells, outs) in enumerate(rows):
        rule: dict[str, str] = {"_id": f"{node_id}r{n}"}
        for field, cid in in_ids.items():
            rule[cid] = cells.get(field, "")
        for field, cid in out_ids.items():
            rule[cid] = outs.get(field, "")
        rules.append(rule)
    return {
        "id": node_id,
        "type": "decisionTableNode",
        "name": node_id,
        "position": _position(),
        "content": {
            "hitPolicy": "first",
            "passThrough": True,
            "inputField": None,
            "outputPath": None,
            "executionMode": "single",
            "inputs": [{"id": cid, "name": field, "field": field} for field, cid in in_ids.items()],
            "outputs": [{"id": cid, "name": field, "field": field} for field, cid in out_ids.items()],
            "rules": rules,
        },
    }


def _weighted(criteria: str, term: str) -> str:
    return f"sum(map(values({criteria}), #.weight * {term}))"


# The derived scores (rulesets/derived/, scores.yaml), one expression node per layer: a node's
# expressions cannot read each other, so each layer reads what the one before it computed, as
# the rule base's stages do. Every computed value is rounded to 4 decimals, as the engine does.
def _r(expr: str) -> str:
    return f"round({expr}, 4)"


def _scale(x: str, points: tuple[tuple[float, float], ...]) -> str:
    """A piecewise-linear scale, flat beyond the first and the last point (the `scale` operation)."""
    (x0, y0), *_ = points
    xn, yn = points[-1]
    inner = f"{yn}"
    for (a, ya), (b, yb) in reversed(list(itertools.pairwise(points))):
        inner = f"({x} <= {b} ? {_r(f'{ya} + ({yb} - {ya}) * ({x} - {a}) / ({b} - {a})')} : {inner})"
    return f"({x} == null ? null : ({x} <= {x0} ? {y0} : ({x} >= {xn} ? {yn} : {inner})))"


def _scorecard(criteria: list[tuple[float, str]], min_weight: float) -> str:
    """A ruleset scorecard: weights scaled to 100, renormalised over the criteria with a value."""
    total = sum(w for w, _ in criteria)
    scaled = [(w * 100.0 / total, v) for w, v in criteria]
    weight = " + ".join(f"({v} != null ? {w!r} : 0)" for w, v in scaled)
    score = " + ".join(f"({v} != null ? {w!r} * {v} : 0)" for w, v in scaled)
    return f"(({weight}) < {min_weight} ? null : {_r(f'({score}) / ({weight})')})"


def _level(fact: str, scores: dict[str, float]) -> str:
    out = "null"
    for value, score in scores.items():
        out = f"({fact} == '{value}' ? {score} : {out})"
    return out


CONTRIBUTION = ((0, 1), (100000, 5.5), (600000, 10))
UNTAPPED = ((0, 1), (60000, 5.5), (400000, 10))


def _derived_layers() -> list[dict[str, Any]]:
    rev, margin, share = "business.revenue", "business.margin_pct", "business.share_of_wallet"
    potential, cost = "business.potential_revenue", "business.cost_to_serve"
    levels = {"low": 2.5, "medium": 5.5, "high": 8.5}
    stages = {"exploratory": 2, "basic": 4, "cooperative": 6.5, "interdependent": 8, "integrated": 9.5}
    stages["disintegrating"] = 1.5
    prices = "map(filter(business.competitors ?? [], #.price_index != null), #.price_index)"
    since = "business.customer_since"
    d1 = [
        ("dGross", f"{rev} != null and {margin} != null ? {_r(f'{rev} * {margin}')} : null"),
        ("dPotHead", f"{potential} != null and {rev} != null ? {_r(f'{potential} - {rev}')} : null"),
        ("dWallet", f"{rev} != null and {share} != null and {share} != 0 ? {_r(f'{rev} / {share}')} : null"),
        ("dLowestPrice", f"len({prices}) > 0 ? {_r(f'min({prices})')} : null"),
        # coherence.yaml: a customer for long_relationship_years (10) or more.
        ("dLongCustomer", f"{since} != null ? d({since}).add(10, 'y') <= d(as_of) : null"),
        ("sRevenue", _scale(rev, ((0, 1), (750000, 5.5), (2500000, 10)))),
        ("sMargin", _scale(margin, ((0, 1), (0.2, 5.5), (0.35, 10)))),
        ("sGrowth", _scale("business.growth_rate", ((-0.2, 1), (0.05, 5.5), (0.2, 10)))),
        ("sShare", _scale(share, ((0, 1), (0.4, 5.5), (0.8, 10)))),
        ("sSize", _scale("company.revenue", ((0, 1), (50000000, 5.5), (250000000, 10)))),
        ("sPrice", _level("relationship.price_sensitivity", {"low": 8.5, "medium": 5.5, "high": 2.5})),
        ("sLoyalty", _level("relationship.loyalty", levels)),
        ("sSatisfaction", _level("relationship.satisfaction", levels)),
        ("sStage", _level("relationship.stage", stages)),
    ]
    d2 = [
        ("dNet", f"dGross != null and {cost} != null ? {_r(f'dGross - {cost}')} : null"),
        ("dWalletHead", f"dWallet != null ? {_r(f'dWallet - {rev}')} : null"),
        ("sGross", _scale("dGross", CONTRIBUTION)),
    ]
    d3 = [
        ("sNet", _scale("dNet", CONTRIBUTION)),
        ("dHeadroom", "dPotHead ?? dWalletHead"),
    ]
    d4 = [
        ("dCurrent", "sNet ?? sGross ?? sRevenue"),
        ("dUntapped", f"dHeadroom != null and {margin} != null ? {_r(f'dHeadroom * {margin}')} : null"),
    ]
    d5 = [("sUntapped", _scale("dUntapped", UNTAPPED))]
    d6 = [
        ("dPotential", _scorecard([(75.0, "sUntapped"), (25.0, "sGrowth")], 75.0)),
        ("dStrength", _scorecard([(3.0, "sShare"), (2.0, "sLoyalty"), (1.0, "sSatisfaction"), (2.0, "sStage")], 50.0)),
        (
            "dAttractiveness",
            _scorecard(
                [
                    (2.0, "sUntapped"),
                    (3.0, "sGrowth"),
                    (3.0, "sMargin"),
                    (2.0, "sPrice"),
                    (2.0, "assessment.sector_attractiveness"),
                    (2.0, "assessment.strategic_fit"),
                    (1.0, "sSize"),
                ],
                40.0,
            ),
        ),
    ]
    return [
        _expressions(f"derived{n}", layer, pass_through=True)
        for n, layer in enumerate((d1, d2, d3, d4, d5, d6), start=1)
    ]


def _far(hand: str, derived: str) -> str:
    # coherence.yaml: score_disagreement (3 points) between a hand score and the facts' one.
    return (
        f"({hand} != null and {derived} != null and "
        f"({_r(f'{hand} - {derived}')} >= 3 or {_r(f'{derived} - {hand}')} >= 3))"
    )


# The facts the tables read, under short flat names: the first node computes them once (scores,
# ratios, counts, days), and hands on only these, so that the tables pass a small context along
# rather than the whole account (as kamrules' stages send durable-rules only the fields they read).
def _facts() -> dict[str, Any]:
    ac = "assessment.attractiveness_criteria"
    bc = "assessment.buying_criteria"
    total_a = f"sum(map(values({ac}), #.weight))"
    total_b = f"sum(map(values({bc}), #.weight))"
    versus = (
        f"round(max([1, min([10, 5.5 + ({_weighted(bc, '#.ours')} / {total_b} - "
        f"{_weighted(bc, '#.best_competitor')} / {total_b}) / 2])]), 4)"
    )
    hand_attractiveness = (
        f"(assessment.attractiveness != null ? assessment.attractiveness : "
        f"(len(keys({ac} ?? {{}})) > 0 ? round({_weighted(ac, '#.score')} / {total_a}, 4) : null))"
    )
    hand_strength = (
        f"(assessment.relative_strength != null ? assessment.relative_strength : "
        f"(len(keys({bc} ?? {{}})) > 0 ? {versus} : null))"
    )
    far = " or ".join(
        (
            _far("assessment.current_contribution", "dCurrent"),
            _far("assessment.potential_contribution", "dPotential"),
            _far(hand_attractiveness, "dAttractiveness"),
            _far(hand_strength, "dStrength"),
        )
    )
    return _expressions(
        "facts",
        [
            ("current", "assessment.current_contribution ?? portfolio_scores.current_contribution ?? dCurrent"),
            ("potential", "assessment.potential_contribution ?? portfolio_scores.potential_contribution ?? dPotential"),
            ("attractiveness", f"{hand_attractiveness} ?? portfolio_scores.attractiveness ?? dAttractiveness"),
            ("strength", f"{hand_strength} ?? portfolio_scores.relative_strength ?? dStrength"),
            ("scoreFar", far),
            ("growth", "business.growth_rate"),
            ("lowestPrice", "dLowestPrice"),
            ("longCustomer", "dLongCustomer"),
            ("manual", "assessment.profile"),
            ("stage", "relationship.stage"),
            ("loyalty", "relationship.loyalty"),
            ("satisfaction", "relationship.satisfaction"),
            ("price", "relationship.price_sensitivity"),
            ("share", "business.share_of_wallet"),
            ("margin", "business.margin_pct"),
            (
                "ctsRatio",
                "business.cost_to_serve != null and business.revenue != null and business.revenue != 0 ? "
                "round(business.cost_to_serve / business.revenue, 4) : null",
            ),
            (
                "critics",
                "count(relationship.dmu ?? [], (#.role == 'decider' or #.role == 'influencer') "
                "and #.attitude == 'critic')",
            ),
            (
                "contractDays",
                "business.contract_end != null ? (date(business.contract_end) - date(as_of)) / 86400 : null",
            ),
            ("dmuCount", "len(relationship.dmu ?? [])"),
            ("technical", f"some(relationship.choice_criteria ?? [], # in {TECHNICAL})"),
            ("service", f"some(relationship.choice_criteria ?? [], # in {SERVICE})"),
            # The information checklist's inputs.
            ("address", "company.address"),
            ("phone", "company.phone"),
            ("whatsapp", "company.whatsapp"),
            ("email", "company.email"),
            ("products", "len(company.products ?? [])"),
            ("markets", "len(company.markets ?? [])"),
            ("revenue", "company.revenue"),
            ("volume", "company.sales_volume"),
            ("capital", "company.capital_invested"),
            ("roi", "company.roi"),
            ("ros", "company.ros"),
            ("environment", "len(environment ?? [])"),
            ("byProduct", "len(keys(business.revenue_by_product ?? {}))"),
            ("discounts", "business.discounts_pct"),
            ("competitors", "len(business.competitors ?? [])"),
            ("contractEnd", "business.contract_end"),
            ("criteria", "len(relationship.choice_criteria ?? [])"),
            ("perceptions", "relationship.perceptions"),
            ("process", "relationship.buying_process"),
            ("evaluations", "relationship.evaluations"),
        ],
        pass_through=False,
    )


def _tier() -> dict[str, Any]:
    c, p = "current", "potential"
    return _table(
        "tier",
        [c, p],
        ["tier"],
        [
            ({c: ">= 5.5", p: ">= 5.5"}, {"tier": "'key_account'"}),
            ({c: "< 5.5", p: ">= 5.5"}, {"tier": "'potential_key_account'"}),
            ({c: ">= 5.5", p: "< 5.5"}, {"tier": "'important_account'"}),
            ({c: "< 5.5", p: "< 5.5"}, {"tier": "'regular_account'"}),
        ],
    )


def _matrix() -> dict[str, Any]:
    a, s, st = "attractiveness", "strength", "stage"
    strong = "'cooperative', 'interdependent', 'integrated'"
    weak = "'exploratory', 'basic', 'disintegrating'"
    rows = []
    for att, prof_strong, prof_weak in ((">= 5.5", "strategic", "star"), ("< 5.5", "status", "opportunity")):
        rows.append(({a: att, s: ">= 5.5"}, {"matrixProfile": f"'{prof_strong}'", "matrixSource": "'matrix'"}))
        rows.append(({a: att, s: "< 5.5"}, {"matrixProfile": f"'{prof_weak}'", "matrixSource": "'matrix'"}))
        rows.append(
            ({a: att, s: "$ == null", st: strong}, {"matrixProfile": f"'{prof_strong}'", "matrixSource": "'stage'"})
        )
        rows.append(
            ({a: att, s: "$ == null", st: weak}, {"matrixProfile": f"'{prof_weak}'", "matrixSource": "'stage'"})
        )
    return _table("matrix", [a, s, st], ["matrixProfile", "matrixSource"], rows)


def _fit() -> dict[str, Any]:
    """fit.yaml: the tier against the matrix's profile; the profile the tier calls for if opposite."""
    t, x = "tier", "matrixProfile"
    rows: list[tuple[dict[str, str], dict[str, str]]] = [
        ({t: "'key_account', 'potential_key_account'", x: "'strategic', 'star'"}, {"fitGap": "'agree'"}),
        ({t: "'key_account'", x: "'status'"}, {"fitGap": "'tension'"}),
        ({t: "'key_account'", x: "'opportunity'"}, {"fitGap": "'opposite'", "fitProfile": "'star'"}),
        ({t: "'potential_key_account'", x: "'status', 'opportunity'"}, {"fitGap": "'tension'"}),
        ({t: "'important_account'", x: "'status'"}, {"fitGap": "'agree'"}),
        ({t: "'important_account'", x: "'strategic', 'star', 'opportunity'"}, {"fitGap": "'tension'"}),
        ({t: "'regular_account'", x: "'opportunity'"}, {"fitGap": "'agree'"}),
        ({t: "'regular_account'", x: "'star'"}, {"fitGap": "'tension'"}),
        ({t: "'regular_account'", x: "'strategic', 'status'"}, {"fitGap": "'opposite'", "fitProfile": "'opportunity'"}),
    ]
    return _table("fit", [t, x], ["fitGap", "fitProfile"], rows)


def _profile() -> dict[str, Any]:
    m, f, x = "manual", "fitProfile", "matrixProfile"
    return _table(
        "profile",
        [m, f, x],
        ["profile", "profile_source"],
        [
            ({m: "$ != null"}, {"profile": m, "profile_source": "'override'"}),
            ({f: "$ != null"}, {"profile": f, "profile_source": "'tier'"}),
            ({x: "$ != null"}, {"profile": x, "profile_source": "matrixSource"}),
        ],
    )


STRATEGIES = {
    "strategic": ("strategic_investment", 0.25, 0.10),
    "star": ("selective_investment", 0.20, 0.15),
    "status": ("manage_for_cash", 0.10, 0.20),
    "opportunity": ("proactive_maintenance", 0.05, 0.15),
}


def _strategy() -> dict[str, Any]:
    return _table(
        "strategy",
        ["profile"],
        ["strategy"],
        [({"profile": f"'{p}'"}, {"strategy": f"'{s}'"}) for p, (s, _, _) in STRATEGIES.items()],
    )


def _limits() -> dict[str, Any]:
    return _table(
        "limits",
        ["strategy"],
        ["maxCts", "marginFloor"],
        [({"strategy": f"'{s}'"}, {"maxCts": str(c), "marginFloor": str(f)}) for s, c, f in STRATEGIES.values()],
    )


def _information() -> dict[str, Any]:
    missing = "$ == null"
    everything = {"tier": KEY_TIERS}
    hard = {"tier": HARD_DATA_TIERS}
    rows: list[tuple[dict[str, str], str]] = [
        ({"address": missing, "phone": missing, "whatsapp": missing, "email": missing}, "contact_details"),
        ({**hard, "products": "0", "markets": "0"}, "products_markets"),
        ({**everything, "revenue": missing, "volume": missing}, "volumes_revenue"),
        ({**everything, "capital": missing}, "capital_invested"),
        ({**everything, "roi": missing, "ros": missing}, "operating_ratios"),
        ({**everything, "environment": "0"}, "environment"),
        ({**hard, "byProduct": "0"}, "sales_by_product"),
        ({"margin": missing}, "price_profitability"),
        ({**hard, "discounts": missing}, "discounts"),
        ({**hard, "competitors": "0"}, "competitors"),
        ({**hard, "contractEnd": missing}, "contract_dates"),
        ({**everything, "dmuCount": "0"}, "dmu"),
        ({**everything, "criteria": "0"}, "choice_criteria"),
        ({**everything, "perceptions": missing}, "perceptions"),
        ({**everything, "process": missing}, "buying_process"),
        ({**everything, "evaluations": missing}, "evaluations"),
    ]
    inputs = list(dict.fromkeys(k for cells, _ in rows for k in cells))
    return _table("information", inputs, ["missing[]"], [(cells, {"missing[]": f"'{item}'"}) for cells, item in rows])


def _advice() -> dict[str, Any]:
    tier, loyalty, days, profile = "tier", "loyalty", "contractDays", "profile"
    price, share, stage = "price", "share", "stage"
    dmu, source, matrix, cts = "dmuCount", "profile_source", "matrixProfile", "ctsRatio"
    margin, missing, satisfaction = "margin", "len(missing ?? [])", "satisfaction"
    critics, strength, technical, service = "critics", "strength", "technical", "service"

    def warn(code: str, severity: str) -> dict[str, str]:
        return {"warnings[]": f"{{code: '{code}', severity: '{severity}'}}"}

    def lever(name: str) -> dict[str, str]:
        return {"levers[]": f"'{name}'"}

    key = {tier: KEY_TIERS}
    worth = {profile: RELATIONSHIP_PROFILES}
    # levers.yaml: the rules that look at the tier alone want a profile worth a relationship, or none.
    open_profile = {profile: f"$ == null or $ in [{RELATIONSHIP_PROFILES}]"}
    placed = {source: "'matrix', 'stage'"}
    rows: list[tuple[dict[str, str], dict[str, str]]] = [
        ({loyalty: "'high'", tier: LESSER_TIERS}, warn("LOYAL_NOT_KEY", "info")),
        ({**key, days: "[0..90]"}, warn("CONTRACT_EXPIRING", "high")),
        ({days: "[0..90]"}, warn("CONTRACT_EXPIRING", "medium")),
        ({days: "< 0"}, warn("CONTRACT_EXPIRED", "high")),
        ({profile: "'strategic'", price: "'high'"}, warn("PRICE_DRIVEN_STRATEGIC", "medium")),
        ({**key, dmu: "0"}, warn("DMU_UNMAPPED", "high")),
        ({profile: "'strategic'", share: "< 0.6"}, warn("LOW_SHARE_STRATEGIC", "medium")),
        (
            {source: "'override'", matrix: "$ != null", profile: f"$ != {matrix}"},
            warn("PROFILE_OVERRIDE_CONFLICT", "medium"),
        ),
        (
            {source: "'override'", profile: "'strategic', 'status'", price: "'high'"},
            warn("PROFILE_OVERRIDE_CONFLICT", "medium"),
        ),
        (
            {source: "'override'", profile: "'star', 'opportunity'", price: "'low'"},
            warn("PROFILE_OVERRIDE_CONFLICT", "medium"),
        ),
        (
            {source: "'override'", profile: "'strategic'", stage: EARLY_STAGES},
            warn("PROFILE_OVERRIDE_CONFLICT", "medium"),
        ),
        (
            {source: "'override'", profile: "'opportunity'", stage: "'interdependent', 'integrated'"},
            warn("PROFILE_OVERRIDE_CONFLICT", "medium"),
        ),
        ({cts: "maxCts != null and $ > maxCts"}, warn("OVERSERVICED", "medium")),
        ({margin: "marginFloor != null and $ < marginFloor"}, warn("UNPROFITABLE_DEAL", "medium")),
        ({profile: "'strategic'", stage: EARLY_STAGES}, {**warn("STAGE_GAP", "medium"), **lever("personal_trust")}),
        ({**key, missing: "> 0"}, warn("MISSING_DATA", "medium")),
        ({missing: "> 0"}, warn("MISSING_DATA", "low")),
        ({**key, loyalty: "'medium', 'high'", satisfaction: "'low'"}, warn("SATISFACTION_RISK", "high")),
        ({loyalty: "'medium', 'high'", satisfaction: "'low'"}, warn("SATISFACTION_RISK", "medium")),
        ({**key, satisfaction: "'high'", loyalty: "'low'"}, warn("OPEN_TO_COMPETITORS", "medium")),
        ({satisfaction: "'high'", loyalty: "'low'"}, warn("OPEN_TO_COMPETITORS", "low")),
        ({**key, stage: "'disintegrating'"}, warn("RELATIONSHIP_DISINTEGRATING", "high")),
        ({**key, **open_profile, stage: EARLY_STAGES}, lever("personal_trust")),
        ({**worth, critics: "> 0"}, lever("personal_trust")),
        ({**key, **open_profile, loyalty: "'low'"}, lever("personal_trust")),
        ({profile: "'strategic', 'star'", technical: "true"}, lever("technical_support")),
        ({**key, **open_profile, strength: "< 5.5"}, lever("technical_support")),
        ({**key, **open_profile, price: "'high'"}, lever("resource_support")),
        ({**key, profile: "'star'"}, lever("resource_support")),
        ({**worth, satisfaction: "'low', 'medium'"}, lever("service_level")),
        ({**worth, service: "true"}, lever("service_level")),
        ({**open_profile, stage: "'disintegrating'"}, lever("risk_reduction")),
        ({**worth, satisfaction: "'high'", loyalty: "'low'"}, lever("risk_reduction")),
        ({profile: "'strategic', 'status'", stage: "'exploratory'"}, lever("risk_reduction")),
        # coherence.yaml
        ({source: "'tier'"}, warn("TIER_PROFILE_CONFLICT", "high")),
        (
            {source: "'override'", tier: "'regular_account'", profile: "'strategic', 'status'"},
            warn("TIER_PROFILE_CONFLICT", "high"),
        ),
        (
            {source: "'override'", tier: "'key_account'", profile: "'opportunity'"},
            warn("TIER_PROFILE_CONFLICT", "high"),
        ),
        ({**placed, "fitGap": "'tension'"}, warn("TIER_PROFILE_CONFLICT", "low")),
        ({**placed, profile: "'strategic'", loyalty: "'low'"}, warn("PROFILE_BEHAVIOUR_CONFLICT", "medium")),
        ({**placed, profile: "'status'", price: "'high'"}, warn("PROFILE_BEHAVIOUR_CONFLICT", "medium")),
        ({**placed, profile: "'status'", stage: EARLY_STAGES}, warn("PROFILE_BEHAVIOUR_CONFLICT", "medium")),
        ({**placed, profile: "'star', 'opportunity'", price: "'low'"}, warn("PROFILE_BEHAVIOUR_CONFLICT", "medium")),
        ({**placed, profile: "'star'", "growth": "< 0"}, warn("PROFILE_BEHAVIOUR_CONFLICT", "medium")),
        (
            {**placed, profile: "'opportunity'", stage: "'interdependent', 'integrated'"},
            warn("PROFILE_BEHAVIOUR_CONFLICT", "medium"),
        ),
        (
            {**placed, profile: "'opportunity'", loyalty: "'high'", "longCustomer": "true"},
            warn("PROFILE_BEHAVIOUR_CONFLICT", "medium"),
        ),
        ({"scoreFar": "true"}, warn("SCORE_DISAGREES", "medium")),
        # pitfalls.yaml
        (
            {"strategy": "'manage_for_cash'", satisfaction: "'low'"},
            {**warn("COMPLACENCY_RISK", "medium"), **lever("service_level")},
        ),
        (
            {"strategy": "'manage_for_cash'", critics: "> 0"},
            {**warn("COMPLACENCY_RISK", "medium"), **lever("service_level")},
        ),
        (
            {"strategy": "'manage_for_cash'", "growth": "<= -0.05"},
            {**warn("COMPLACENCY_RISK", "medium"), **lever("service_level")},
        ),
        (
            {"strategy": "'proactive_maintenance'", "lowestPrice": ">= 1.1"},
            warn("MARKET_DESTABILISING_PRICE", "medium"),
        ),
        ({"lowestPrice": ">= 1.1"}, warn("MARKET_DESTABILISING_PRICE", "low")),
    ]
    inputs = list(dict.fromkeys(k for cells, _ in rows for k in cells))
    return _table("advice", inputs, ["warnings[]", "levers[]"], rows)


def graph() -> dict[str, Any]:
    """The whole decision graph, as JDM."""
    nodes = [
        {"id": "request", "type": "inputNode", "name": "request", "position": _position()},
        *_derived_layers(),
        _facts(),
        _tier(),
        _matrix(),
        _fit(),
        _profile(),
        _strategy(),
        _limits(),
        _information(),
        _advice(),
        _expressions(
            "answer",
            [(k, k) for k in ("tier", "profile", "profile_source", "strategy", "warnings", "levers", "missing")],
            pass_through=False,
        ),
        {"id": "response", "type": "outputNode", "name": "response", "position": _position()},
    ]
    edges = [
        {"id": f"e{k}", "sourceId": a["id"], "targetId": b["id"], "type": "edge"}
        for k, (a, b) in enumerate(itertools.pairwise(nodes))
    ]
    return {"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges}


KEY = "kamrules-builtin.json"


def engine() -> Any:
    """A zen engine whose loader serves the graph, parsed once.

    The loader is called on every `evaluate`: returning the JSON text would make zen parse the
    graph each time (measured: about 10x slower), so it returns one `ZenDecisionContent`.
    """
    import zen

    content = zen.ZenDecisionContent(json.dumps(graph()))

    def loader(key: str) -> Any:
        return content

    return zen.ZenEngine({"loader": loader})


def context(facts: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    """zen's input: the validated account as JSON (dates as ISO text) and the evaluation date."""
    return {**facts, "as_of": as_of.isoformat()}
