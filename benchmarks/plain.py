"""The built-in rules written by hand in plain Python: the practical limit for a Python engine.

Same input as the decision core (the account's values by dotted path, as
`kamrules.api.account_values` prepares them), same decisions: scores, tier, the key
account matrix with the relationship-stage fallback, the manual profile override, the strategy
of each profile, the strategy's limits, the information checklist, the relationship levers and
the warnings. The parameters are the built-in rulesets' values, written in; a change to the
rulesets that this file does not follow shows up as an equivalence failure, never silently.

Semantics follow docs/ruleset-language.md: a test on a missing fact is unknown and never fires;
`empty` counts a missing list as empty; `within_days` is 0..N days after the evaluation date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

# tier.yaml, matrix.yaml
CURRENT_HIGH = 5.5
POTENTIAL_HIGH = 5.5
ATTRACTIVENESS_HIGH = 5.5
STRENGTH_HIGH = 5.5
STRONG_STAGES = frozenset({"cooperative", "interdependent", "integrated"})
WEAK_STAGES = frozenset({"exploratory", "basic", "disintegrating"})
# profiles/*.yaml: the strategy: line of each profile.
STRATEGY = {
    "strategic": "strategic_investment",
    "star": "selective_investment",
    "status": "manage_for_cash",
    "opportunity": "proactive_maintenance",
}
# limits.yaml: (cost-to-serve ceiling, margin floor) of each strategy.
LIMITS = {
    "strategic_investment": (0.25, 0.10),
    "selective_investment": (0.20, 0.15),
    "manage_for_cash": (0.10, 0.20),
    "proactive_maintenance": (0.05, 0.15),
}
# information.yaml, warnings.yaml, levers.yaml
HARD_DATA_TIERS = frozenset({"key_account", "potential_key_account", "important_account"})
KEY_TIERS = frozenset({"key_account", "potential_key_account"})
LESSER_TIERS = frozenset({"important_account", "regular_account"})
RELATIONSHIP_PROFILES = frozenset({"strategic", "status", "star"})
EARLY_STAGES = frozenset({"exploratory", "basic"})
NOTICE_DAYS = 90
STRATEGIC_MIN_SHARE = 0.6
TECHNICAL_CRITERIA = frozenset(
    {"quality", "technical_support", "innovation", "productivity", "technology", "technical_service"}
)
SERVICE_CRITERIA = frozenset({"delivery", "service", "reliability", "lead_time", "availability", "speed"})


class Result(NamedTuple):
    tier: str | None
    profile: str | None
    profile_source: str | None
    strategy: str | None
    warnings: list[tuple[str, str]]  # (code, severity) of every warning raised, repeats included
    levers: list[str]
    missing: list[str]  # information.missing


def _score(values: dict[str, Any], given: str, criteria: str, versus: bool) -> float | None:
    score = values.get(given)
    if score is not None:
        return float(score)
    crit = values.get(criteria)
    if not crit:
        return None
    total = 0.0
    ours = 0.0
    best = 0.0
    for c in crit.values():
        w = float(c["weight"])
        total += w
        if versus:
            ours += w * c["ours"]
            best += w * c["best_competitor"]
        else:
            ours += w * c["score"]
    if versus:
        return round(min(10.0, max(1.0, 5.5 + (ours / total - best / total) / 2.0)), 4)
    return round(ours / total, 4)


def _empty(value: Any) -> bool:
    return value is None or len(value) == 0


def advise(values: dict[str, Any], as_of: dt.date) -> Result:
    """The decisions of the built-in rule base for one account's values."""
    get = values.get
    # Scores and ratios (scores.yaml).
    attractiveness = _score(values, "assessment.attractiveness", "assessment.attractiveness_criteria", False)
    strength = _score(values, "assessment.relative_strength", "assessment.buying_criteria", True)
    cost, revenue = get("business.cost_to_serve"), get("business.revenue")
    cts_ratio = round(cost / revenue, 4) if cost is not None and revenue else None
    dmu = get("relationship.dmu")
    critics = 0
    if dmu:
        for m in dmu:
            if m.get("role") in ("decider", "influencer") and m.get("attitude") == "critic":
                critics += 1

    # Tier (tier.yaml): a 2x2 of current and potential contribution.
    current, potential = get("assessment.current_contribution"), get("assessment.potential_contribution")
    tier = None
    if current is not None and potential is not None:
        if current >= CURRENT_HIGH:
            tier = "key_account" if potential >= POTENTIAL_HIGH else "important_account"
        else:
            tier = "potential_key_account" if potential >= POTENTIAL_HIGH else "regular_account"

    # Key account matrix (matrix.yaml), the relationship stage standing in for a missing strength.
    stage = get("relationship.stage")
    matrix = source = None
    if attractiveness is not None:
        high = attractiveness >= ATTRACTIVENESS_HIGH
        if strength is not None:
            strong = strength >= STRENGTH_HIGH
            source = "matrix"
        elif stage in STRONG_STAGES:
            strong, source = True, "stage"
        elif stage in WEAK_STAGES:
            strong, source = False, "stage"
        if source is not None:
            quadrants = ("strategic", "star") if high else ("status", "opportunity")
            matrix = quadrants[0] if strong else quadrants[1]

    # Profile (profile.yaml): a manual one first.
    manual = get("assessment.profile")
    profile: str | None
    profile_source: str | None
    if manual is not None:
        profile, profile_source = manual, "override"
    else:
        profile, profile_source = matrix, source

    # Strategy and its limits (strategy.yaml, limits.yaml).
    strategy = STRATEGY.get(profile) if profile is not None else None
    max_cts, floor = LIMITS[strategy] if strategy is not None else (None, None)

    # Information checklist (information.yaml).
    missing: list[str] = []
    hard = tier in HARD_DATA_TIERS
    everything = tier in KEY_TIERS
    if (
        get("company.address") is None
        and get("company.phone") is None
        and get("company.whatsapp") is None
        and get("company.email") is None
    ):
        missing.append("contact_details")
    if hard and _empty(get("company.products")) and _empty(get("company.markets")):
        missing.append("products_markets")
    if everything and get("company.revenue") is None and get("company.sales_volume") is None:
        missing.append("volumes_revenue")
    if everything and get("company.capital_invested") is None:
        missing.append("capital_invested")
    if everything and get("company.roi") is None and get("company.ros") is None:
        missing.append("operating_ratios")
    if everything and _empty(get("environment")):
        missing.append("environment")
    if hard and _empty(get("business.revenue_by_product")):
        missing.append("sales_by_product")
    margin = get("business.margin_pct")
    if margin is None:
        missing.append("price_profitability")
    if hard and get("business.discounts_pct") is None:
        missing.append("discounts")
    if hard and _empty(get("business.competitors")):
        missing.append("competitors")
    contract_end = get("business.contract_end")
    if hard and contract_end is None:
        missing.append("contract_dates")
    if everything:
        if _empty(dmu):
            missing.append("dmu")
        if _empty(get("relationship.choice_criteria")):
            missing.append("choice_criteria")
        if get("relationship.perceptions") is None:
            missing.append("perceptions")
        if get("relationship.buying_process") is None:
            missing.append("buying_process")
        if get("relationship.evaluations") is None:
            missing.append("evaluations")

    # Warnings (warnings.yaml) and levers (levers.yaml).
    loyalty = get("relationship.loyalty")
    satisfaction = get("relationship.satisfaction")
    price = get("relationship.price_sensitivity")
    criteria = get("relationship.choice_criteria")
    key = tier in KEY_TIERS
    worth = profile in RELATIONSHIP_PROFILES
    warnings: list[tuple[str, str]] = []
    levers: list[str] = []
    warn = warnings.append
    lever = levers.append
    if loyalty == "high" and tier in LESSER_TIERS:
        warn(("LOYAL_NOT_KEY", "info"))
    if contract_end is not None:
        days = (contract_end - as_of).days
        if 0 <= days <= NOTICE_DAYS:
            warn(("CONTRACT_EXPIRING", "high" if key else "medium"))
        elif days < 0:
            warn(("CONTRACT_EXPIRED", "high"))
    if profile == "strategic":
        if price == "high":
            warn(("PRICE_DRIVEN_STRATEGIC", "medium"))
        share = get("business.share_of_wallet")
        if share is not None and share < STRATEGIC_MIN_SHARE:
            warn(("LOW_SHARE_STRATEGIC", "medium"))
        if stage in EARLY_STAGES:
            warn(("STAGE_GAP", "medium"))
            lever("personal_trust")
    if key and _empty(dmu):
        warn(("DMU_UNMAPPED", "high"))
    if profile_source == "override":
        if matrix is not None and profile != matrix:
            warn(("PROFILE_OVERRIDE_CONFLICT", "medium"))
        if profile in ("strategic", "status") and price == "high":
            warn(("PROFILE_OVERRIDE_CONFLICT", "medium"))
        if profile in ("star", "opportunity") and price == "low":
            warn(("PROFILE_OVERRIDE_CONFLICT", "medium"))
        if profile == "strategic" and stage in EARLY_STAGES:
            warn(("PROFILE_OVERRIDE_CONFLICT", "medium"))
        if profile == "opportunity" and stage in ("interdependent", "integrated"):
            warn(("PROFILE_OVERRIDE_CONFLICT", "medium"))
    if cts_ratio is not None and max_cts is not None and cts_ratio > max_cts:
        warn(("OVERSERVICED", "medium"))
    if margin is not None and floor is not None and margin < floor:
        warn(("UNPROFITABLE_DEAL", "medium"))
    if missing:
        warn(("MISSING_DATA", "medium" if key else "low"))
    if loyalty in ("medium", "high") and satisfaction == "low":
        warn(("SATISFACTION_RISK", "high" if key else "medium"))
    if satisfaction == "high" and loyalty == "low":
        warn(("OPEN_TO_COMPETITORS", "medium" if key else "low"))
    if key and stage == "disintegrating":
        warn(("RELATIONSHIP_DISINTEGRATING", "high"))

    if key and stage in EARLY_STAGES:
        lever("personal_trust")
    if worth and critics > 0:
        lever("personal_trust")
    if key and loyalty == "low":
        lever("personal_trust")
    if profile in ("strategic", "star") and criteria and not TECHNICAL_CRITERIA.isdisjoint(criteria):
        lever("technical_support")
    if key and strength is not None and strength < STRENGTH_HIGH:
        lever("technical_support")
    if key and price == "high":
        lever("resource_support")
    if key and profile == "star":
        lever("resource_support")
    if worth and satisfaction in ("low", "medium"):
        lever("service_level")
    if worth and criteria and not SERVICE_CRITERIA.isdisjoint(criteria):
        lever("service_level")
    if stage == "disintegrating":
        lever("risk_reduction")
    if worth and satisfaction == "high" and loyalty == "low":
        lever("risk_reduction")
    if profile in ("strategic", "status") and stage == "exploratory":
        lever("risk_reduction")

    return Result(tier, profile, profile_source, strategy, warnings, levers, missing)
