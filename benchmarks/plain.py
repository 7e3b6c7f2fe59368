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
import itertools
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
# rulesets/derived/ and scores.yaml: the lines of each scale, as (value, score) points.
CONTRIBUTION_POINTS = ((0.0, 1.0), (100_000.0, 5.5), (600_000.0, 10.0))
REVENUE_POINTS = ((0.0, 1.0), (750_000.0, 5.5), (2_500_000.0, 10.0))
MARGIN_POINTS = ((0.0, 1.0), (0.20, 5.5), (0.35, 10.0))
GROWTH_POINTS = ((-0.2, 1.0), (0.05, 5.5), (0.2, 10.0))
SHARE_POINTS = ((0.0, 1.0), (0.40, 5.5), (0.80, 10.0))
SIZE_POINTS = ((0.0, 1.0), (50_000_000.0, 5.5), (250_000_000.0, 10.0))
UNTAPPED_POINTS = ((0.0, 1.0), (60_000.0, 5.5), (400_000.0, 10.0))
LEVEL_SCORE = {"low": 2.5, "medium": 5.5, "high": 8.5}
PRICE_SCORE = {"low": 8.5, "medium": 5.5, "high": 2.5}
STAGE_SCORE = {
    "exploratory": 2.0,
    "basic": 4.0,
    "cooperative": 6.5,
    "interdependent": 8.0,
    "integrated": 9.5,
    "disintegrating": 1.5,
}
# Scorecards: (relative weight) of each criterion, in the order the YAML lists them, and min_weight.
POTENTIAL_WEIGHTS = (75.0, 25.0)  # untapped contribution, growth
STRENGTH_WEIGHTS = (3.0, 2.0, 1.0, 2.0)  # share, loyalty, satisfaction, stage
ATTRACTIVENESS_WEIGHTS = (2.0, 3.0, 3.0, 2.0, 2.0, 2.0, 1.0)  # untapped, growth, margin, price, sector, fit, size
# fit.yaml: (tier, matrix profile) -> "agree" | "tension" | ("opposite", profile the tier calls for)
FIT: dict[tuple[str, str], Any] = {}
for _profile in ("strategic", "star"):
    FIT["key_account", _profile] = FIT["potential_key_account", _profile] = "agree"
FIT["key_account", "status"] = "tension"
FIT["key_account", "opportunity"] = ("opposite", "star")
FIT["potential_key_account", "status"] = FIT["potential_key_account", "opportunity"] = "tension"
FIT["important_account", "status"] = "agree"
for _profile in ("strategic", "star", "opportunity"):
    FIT["important_account", _profile] = "tension"
FIT["regular_account", "opportunity"] = "agree"
FIT["regular_account", "star"] = "tension"
FIT["regular_account", "strategic"] = FIT["regular_account", "status"] = ("opposite", "opportunity")
SCORE_DISAGREEMENT = 3.0
LONG_RELATIONSHIP_YEARS = 10.0
COMPLACENCY_DECLINE = -0.05
DESTABILISING_PRICE_INDEX = 1.1


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


def _r(x: float) -> float:
    # Every computed fact and scorecard rounds to 4 decimals, as the engine does.
    return round(x, 4)


def _scale(points: tuple[tuple[float, float], ...], x: Any) -> float | None:
    if x is None:
        return None
    if x <= points[0][0]:
        return points[0][1]
    if x >= points[-1][0]:
        return points[-1][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x0 <= x <= x1:
            return _r(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
    return None  # pragma: no cover


def _weighted(pairs: list[tuple[float, Any]], min_weight: float) -> float | None:
    """A ruleset scorecard: weights scaled to 100, renormalised over the criteria that have a value."""
    total = sum(w for w, _ in pairs)
    scaled = [(w * 100.0 / total, v) for w, v in pairs]
    have = [(w, float(v)) for w, v in scaled if v is not None]
    weight = sum(w for w, _ in have)
    if len(have) < len(scaled) and (weight < min_weight or not have):
        return None
    return _r(sum(w * v for w, v in have) / weight)


def _years(start: dt.date, end: dt.date) -> float:
    """Calendar years from `start` to `end` (years_since: anniversaries plus the year under way)."""

    def anniversary(years: int) -> dt.date:
        try:
            return start.replace(year=start.year + years)
        except ValueError:
            return dt.date(start.year + years, 2, 28)

    if end < start:
        return -_years(end, start)
    whole = end.year - start.year
    if anniversary(whole) > end:
        whole -= 1
    last, following = anniversary(whole), anniversary(whole + 1)
    return whole + (end - last).days / (following - last).days


class Scores(NamedTuple):
    current: float | None
    potential: float | None
    attractiveness: float | None
    strength: float | None
    derived_current: float | None
    derived_potential: float | None
    derived_attractiveness: float | None
    derived_strength: float | None
    hand_attractiveness: float | None
    hand_strength: float | None
    lowest_price: float | None
    customer_years: float | None


def _first(*candidates: Any) -> Any:
    return next((c for c in candidates if c is not None), None)


def scores(values: dict[str, Any], as_of: dt.date) -> Scores:
    """The four scores (rulesets/derived/, scores.yaml): by hand, against the portfolio, or derived."""
    get = values.get
    revenue, margin = get("business.revenue"), get("business.margin_pct")
    potential, share = get("business.potential_revenue"), get("business.share_of_wallet")
    cost = get("business.cost_to_serve")
    gross = _r(revenue * margin) if revenue is not None and margin is not None else None
    net = _r(gross - cost) if gross is not None and cost is not None else None
    potential_headroom = _r(potential - revenue) if potential is not None and revenue is not None else None
    wallet = _r(revenue / share) if revenue is not None and share else None
    wallet_headroom = _r(wallet - revenue) if wallet is not None else None
    headroom = _first(potential_headroom, wallet_headroom)
    untapped = _r(headroom * margin) if headroom is not None and margin is not None else None
    growth = _scale(GROWTH_POINTS, get("business.growth_rate"))
    derived_current = _first(
        _scale(CONTRIBUTION_POINTS, net), _scale(CONTRIBUTION_POINTS, gross), _scale(REVENUE_POINTS, revenue)
    )
    untapped_score = _scale(UNTAPPED_POINTS, untapped)
    derived_potential = _weighted(list(zip(POTENTIAL_WEIGHTS, (untapped_score, growth), strict=True)), 75.0)
    stage = get("relationship.stage")
    strength_criteria = (
        _scale(SHARE_POINTS, share),
        LEVEL_SCORE.get(get("relationship.loyalty")),  # type: ignore[arg-type]
        LEVEL_SCORE.get(get("relationship.satisfaction")),  # type: ignore[arg-type]
        STAGE_SCORE.get(stage),  # type: ignore[arg-type]
    )
    derived_strength = _weighted(list(zip(STRENGTH_WEIGHTS, strength_criteria, strict=True)), 50.0)
    attractiveness_criteria = (
        untapped_score,
        growth,
        _scale(MARGIN_POINTS, margin),
        PRICE_SCORE.get(get("relationship.price_sensitivity")),  # type: ignore[arg-type]
        get("assessment.sector_attractiveness"),
        get("assessment.strategic_fit"),
        _scale(SIZE_POINTS, get("company.revenue")),
    )
    derived_attractiveness = _weighted(list(zip(ATTRACTIVENESS_WEIGHTS, attractiveness_criteria, strict=True)), 40.0)
    hand_attractiveness = _score(values, "assessment.attractiveness", "assessment.attractiveness_criteria", False)
    hand_strength = _score(values, "assessment.relative_strength", "assessment.buying_criteria", True)
    prices = [c["price_index"] for c in get("business.competitors") or () if c.get("price_index") is not None]
    since = get("business.customer_since")
    return Scores(
        _first(get("assessment.current_contribution"), get("portfolio_scores.current_contribution"), derived_current),
        _first(
            get("assessment.potential_contribution"), get("portfolio_scores.potential_contribution"), derived_potential
        ),
        _first(hand_attractiveness, get("portfolio_scores.attractiveness"), derived_attractiveness),
        _first(hand_strength, get("portfolio_scores.relative_strength"), derived_strength),
        derived_current,
        derived_potential,
        derived_attractiveness,
        derived_strength,
        hand_attractiveness,
        hand_strength,
        _r(min(prices)) if prices else None,
        _r(_years(since, as_of)) if since is not None else None,
    )


def _far(hand: Any, derived: Any) -> bool:
    if hand is None or derived is None:
        return False
    return _r(hand - derived) >= SCORE_DISAGREEMENT or _r(derived - hand) >= SCORE_DISAGREEMENT


def _empty(value: Any) -> bool:
    return value is None or len(value) == 0


def advise(values: dict[str, Any], as_of: dt.date) -> Result:
    """The decisions of the built-in rule base for one account's values."""
    get = values.get
    # Scores (rulesets/derived/, scores.yaml) and ratios.
    sc = scores(values, as_of)
    attractiveness, strength = sc.attractiveness, sc.strength
    cost, revenue = get("business.cost_to_serve"), get("business.revenue")
    cts_ratio = round(cost / revenue, 4) if cost is not None and revenue else None
    dmu = get("relationship.dmu")
    critics = 0
    if dmu:
        for m in dmu:
            if m.get("role") in ("decider", "influencer") and m.get("attitude") == "critic":
                critics += 1

    # Tier (tier.yaml): a 2x2 of current and potential contribution.
    current, potential = sc.current, sc.potential
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

    # Tier against the matrix's profile (fit.yaml); profile (profile.yaml): a manual one first,
    # the tier's where the matrix's is its opposite, else the matrix's.
    fit = FIT.get((tier, matrix)) if tier is not None and matrix is not None else None
    manual = get("assessment.profile")
    profile: str | None
    profile_source: str | None
    if manual is not None:
        profile, profile_source = manual, "override"
    elif isinstance(fit, tuple):
        profile, profile_source = fit[1], "tier"
    else:
        profile, profile_source = matrix, source
    gap = fit[0] if isinstance(fit, tuple) else fit

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
    # levers.yaml: the tier-only rules want a profile worth a relationship, or none decided yet.
    open_profile = profile is None or worth
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

    _coherence(values, sc, tier, matrix, profile, profile_source, gap, warn)
    _pitfalls(values, sc, strategy, critics, warn, lever)

    if key and open_profile and stage in EARLY_STAGES:
        lever("personal_trust")
    if worth and critics > 0:
        lever("personal_trust")
    if key and open_profile and loyalty == "low":
        lever("personal_trust")
    if profile in ("strategic", "star") and criteria and not TECHNICAL_CRITERIA.isdisjoint(criteria):
        lever("technical_support")
    if key and open_profile and strength is not None and strength < STRENGTH_HIGH:
        lever("technical_support")
    if key and open_profile and price == "high":
        lever("resource_support")
    if key and profile == "star":
        lever("resource_support")
    if worth and satisfaction in ("low", "medium"):
        lever("service_level")
    if worth and criteria and not SERVICE_CRITERIA.isdisjoint(criteria):
        lever("service_level")
    if open_profile and stage == "disintegrating":
        lever("risk_reduction")
    if worth and satisfaction == "high" and loyalty == "low":
        lever("risk_reduction")
    if profile in ("strategic", "status") and stage == "exploratory":
        lever("risk_reduction")

    return Result(tier, profile, profile_source, strategy, warnings, levers, missing)


def _coherence(
    values: dict[str, Any],
    sc: Scores,
    tier: str | None,
    matrix: str | None,
    profile: str | None,
    source: str | None,
    gap: str | None,
    warn: Any,
) -> None:
    """coherence.yaml: TIER_PROFILE_CONFLICT, PROFILE_BEHAVIOUR_CONFLICT, SCORE_DISAGREES."""
    get = values.get
    if source == "tier":
        warn(("TIER_PROFILE_CONFLICT", "high"))
    if source == "override" and (
        (tier == "regular_account" and profile in ("strategic", "status"))
        or (tier == "key_account" and profile == "opportunity")
    ):
        warn(("TIER_PROFILE_CONFLICT", "high"))
    if gap == "tension" and source in ("matrix", "stage"):
        warn(("TIER_PROFILE_CONFLICT", "low"))
    if source in ("matrix", "stage"):
        price, stage, loyalty = (
            get("relationship.price_sensitivity"),
            get("relationship.stage"),
            get("relationship.loyalty"),
        )
        growth = get("business.growth_rate")
        behaviour = (
            (profile == "strategic" and loyalty == "low")
            or (profile == "status" and (price == "high" or stage in EARLY_STAGES))
            or (profile in ("star", "opportunity") and price == "low")
            or (profile == "star" and growth is not None and growth < 0)
            or (profile == "opportunity" and stage in ("interdependent", "integrated"))
            or (
                profile == "opportunity"
                and loyalty == "high"
                and sc.customer_years is not None
                and sc.customer_years >= LONG_RELATIONSHIP_YEARS
            )
        )
        if behaviour:
            warn(("PROFILE_BEHAVIOUR_CONFLICT", "medium"))
    if (
        _far(get("assessment.current_contribution"), sc.derived_current)
        or _far(get("assessment.potential_contribution"), sc.derived_potential)
        or _far(sc.hand_attractiveness, sc.derived_attractiveness)
        or _far(sc.hand_strength, sc.derived_strength)
    ):
        warn(("SCORE_DISAGREES", "medium"))


def _pitfalls(values: dict[str, Any], sc: Scores, strategy: str | None, critics: int, warn: Any, lever: Any) -> None:
    """pitfalls.yaml: COMPLACENCY_RISK, MARKET_DESTABILISING_PRICE."""
    growth = values.get("business.growth_rate")
    if strategy == "manage_for_cash" and (
        values.get("relationship.satisfaction") == "low"
        or critics > 0
        or (growth is not None and growth <= COMPLACENCY_DECLINE)
    ):
        warn(("COMPLACENCY_RISK", "medium"))
        lever("service_level")
    if sc.lowest_price is not None and sc.lowest_price >= DESTABILISING_PRICE_INDEX:
        warn(("MARKET_DESTABILISING_PRICE", "medium" if strategy == "proactive_maintenance" else "low"))
