"""Every warning code of CONTRACT.md §4, raised and not raised, at the contract's severity."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from kamrules import Engine
from tests.support import AS_OF

HEALTHY: dict[str, Any] = {
    "id": "K-1",
    "name": "Healthy Key S.p.A.",
    "company": {
        "address": "Via Roma 1",
        "email": "a@b.example",
        "products": ["gearboxes"],
        "markets": ["EU"],
        "revenue": 50_000_000,
        "capital_invested": 20_000_000,
        "roi": 0.1,
        "ros": 0.06,
    },
    "environment": ["stable demand"],
    "business": {
        "revenue": 1_000_000,
        "margin_pct": 0.3,
        "share_of_wallet": 0.7,
        "cost_to_serve": 50_000,
        "discounts_pct": 0.02,
        "revenue_by_product": {"gearboxes": 1_000_000},
        "contract_end": (AS_OF + dt.timedelta(days=400)).isoformat(),
        "competitors": [{"name": "Other", "share": 0.3}],
    },
    "relationship": {
        "dmu": [{"name": "Anna", "role": "decider", "influence": "high", "attitude": "sponsor"}],
        "choice_criteria": ["value"],
        "perceptions": "a partner",
        "buying_process": "framework agreement",
        "evaluations": "rated A",
        "stage": "interdependent",
        "loyalty": "high",
        "satisfaction": "high",
        "price_sensitivity": "low",
    },
    "assessment": {"current_contribution": 8, "potential_contribution": 9, "attractiveness": 8, "relative_strength": 8},
}

Change = Callable[[dict[str, Any]], None]


def variant(*changes: tuple[str, Any]) -> dict[str, Any]:
    """HEALTHY with dotted paths set (None removes the fact)."""
    facts = copy.deepcopy(HEALTHY)
    for path, value in changes:
        *groups, key = path.split(".")
        target = facts
        for g in groups:
            target = target.setdefault(g, {})
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
    return facts


def days(n: int) -> str:
    return (AS_OF + dt.timedelta(days=n)).isoformat()


REGULAR = (("assessment.current_contribution", 2), ("assessment.potential_contribution", 2))
IMPORTANT = (("assessment.current_contribution", 8), ("assessment.potential_contribution", 2))


def codes(engine: Engine, facts: dict[str, Any]) -> dict[str, str]:
    return {w.code: w.severity for w in engine.advise(facts, as_of=AS_OF).warnings}


def test_a_healthy_key_account_raises_nothing(engine: Engine) -> None:
    advice = engine.advise(HEALTHY, as_of=AS_OF)
    assert (advice.tier, advice.profile, advice.strategy) == ("key_account", "strategic", "strategic_investment")
    assert advice.warnings == []


RAISED = [
    ("LOYAL_NOT_KEY", "info", variant(*IMPORTANT)),
    ("LOYAL_NOT_KEY", "info", variant(*REGULAR)),
    ("CONTRACT_EXPIRING", "high", variant(("business.contract_end", days(30)))),
    ("CONTRACT_EXPIRING", "high", variant(("business.contract_end", days(90)))),
    ("CONTRACT_EXPIRING", "high", variant(("business.contract_end", days(0)))),
    ("CONTRACT_EXPIRING", "medium", variant(("business.contract_end", days(30)), *REGULAR)),
    ("CONTRACT_EXPIRED", "high", variant(("business.contract_end", days(-1)))),
    ("PRICE_DRIVEN_STRATEGIC", "medium", variant(("relationship.price_sensitivity", "high"))),
    ("DMU_UNMAPPED", "high", variant(("relationship.dmu", None))),
    ("DMU_UNMAPPED", "high", variant(("relationship.dmu", []))),
    ("LOW_SHARE_STRATEGIC", "medium", variant(("business.share_of_wallet", 0.59))),
    ("PROFILE_OVERRIDE_CONFLICT", "medium", variant(("assessment.profile", "star"))),
    (
        "PROFILE_OVERRIDE_CONFLICT",
        "medium",
        variant(("assessment.profile", "strategic"), ("relationship.price_sensitivity", "high")),
    ),
    ("OVERSERVICED", "medium", variant(("business.cost_to_serve", 300_000))),
    ("UNPROFITABLE_DEAL", "medium", variant(("business.margin_pct", 0.05))),
    ("STAGE_GAP", "medium", variant(("relationship.stage", "basic"))),
    ("STAGE_GAP", "medium", variant(("relationship.stage", "exploratory"))),
    ("MISSING_DATA", "medium", variant(("relationship.perceptions", None))),
    ("MISSING_DATA", "low", variant(("business.margin_pct", None), *REGULAR)),
    ("SATISFACTION_RISK", "high", variant(("relationship.satisfaction", "low"))),
    ("SATISFACTION_RISK", "medium", variant(("relationship.satisfaction", "low"), *REGULAR)),
    ("OPEN_TO_COMPETITORS", "medium", variant(("relationship.loyalty", "low"))),
    ("OPEN_TO_COMPETITORS", "low", variant(("relationship.loyalty", "low"), *REGULAR)),
    ("RELATIONSHIP_DISINTEGRATING", "high", variant(("relationship.stage", "disintegrating"))),
    # With no score, the CRM facts decide (rulesets/derived/); with neither, the advice is undecided.
    ("UNDECIDED", "high", variant(("assessment", None), ("business", None))),
    ("TIER_PROFILE_CONFLICT", "high", variant(*REGULAR)),  # a regular account placed strategic
    ("TIER_PROFILE_CONFLICT", "low", variant(*IMPORTANT)),  # an important account placed strategic
    (
        "PROFILE_BEHAVIOUR_CONFLICT",
        "medium",
        variant(("assessment.attractiveness", 3), ("relationship.price_sensitivity", "high")),  # status
    ),
    ("SCORE_DISAGREES", "medium", variant(("assessment.current_contribution", 10), ("business.margin_pct", 0.06))),
    ("COMPLACENCY_RISK", "medium", variant(("assessment.attractiveness", 3), ("relationship.satisfaction", "low"))),
    (
        "MARKET_DESTABILISING_PRICE",
        "low",
        variant(("business.competitors", [{"name": "Other", "share": 0.3, "price_index": 1.2}])),
    ),
]

NOT_RAISED = [
    ("LOYAL_NOT_KEY", variant(*IMPORTANT, ("relationship.loyalty", "medium"))),
    ("CONTRACT_EXPIRING", variant(("business.contract_end", days(91)))),
    ("CONTRACT_EXPIRING", variant(("business.contract_end", days(-1)))),
    ("CONTRACT_EXPIRED", variant(("business.contract_end", days(0)))),
    ("PRICE_DRIVEN_STRATEGIC", variant(("relationship.price_sensitivity", "medium"))),
    (
        "PRICE_DRIVEN_STRATEGIC",
        variant(("relationship.price_sensitivity", "high"), ("assessment.relative_strength", 2)),
    ),
    ("DMU_UNMAPPED", variant(("relationship.dmu", None), *REGULAR)),
    ("LOW_SHARE_STRATEGIC", variant(("business.share_of_wallet", 0.6))),
    ("LOW_SHARE_STRATEGIC", variant(("business.share_of_wallet", None))),
    ("PROFILE_OVERRIDE_CONFLICT", variant(("assessment.profile", "strategic"))),
    ("OVERSERVICED", variant(("business.cost_to_serve", 250_000))),
    # No strategy (no score, and too few facts to derive attractiveness): no limit to exceed.
    ("OVERSERVICED", variant(("business.cost_to_serve", 300_000), ("assessment", None), ("relationship", None))),
    ("UNPROFITABLE_DEAL", variant(("business.margin_pct", 0.10))),
    ("STAGE_GAP", variant(("relationship.stage", "cooperative"))),
    ("STAGE_GAP", variant(("relationship.stage", "basic"), ("assessment.relative_strength", 2))),
    ("MISSING_DATA", variant(("relationship.perceptions", None), *REGULAR)),
    ("SATISFACTION_RISK", variant(("relationship.satisfaction", "medium"))),
    ("SATISFACTION_RISK", variant(("relationship.satisfaction", "low"), ("relationship.loyalty", "low"))),
    ("OPEN_TO_COMPETITORS", variant(("relationship.loyalty", "medium"))),
    ("RELATIONSHIP_DISINTEGRATING", variant(("relationship.stage", "disintegrating"), *REGULAR)),
    ("UNDECIDED", variant(("assessment.relative_strength", None))),  # the facts stand in
    ("UNDECIDED", variant(("assessment", None))),  # the CRM facts decide everything
    ("TIER_PROFILE_CONFLICT", variant(("assessment.relative_strength", 3))),  # a key account placed star
    (
        "PROFILE_BEHAVIOUR_CONFLICT",
        variant(("assessment.profile", "status"), ("relationship.price_sensitivity", "high")),
    ),
    ("SCORE_DISAGREES", variant(("assessment.current_contribution", 7))),  # the facts give 5.5 + 4.5 x 200/500
    ("COMPLACENCY_RISK", variant(("relationship.satisfaction", "low"))),  # strategic investment, not cash
    (
        "MARKET_DESTABILISING_PRICE",
        variant(("business.competitors", [{"name": "Other", "share": 0.3, "price_index": 1.09}])),
    ),
]


@pytest.mark.parametrize(
    ("code", "severity", "facts"), RAISED, ids=[f"{c}-{s}-{i}" for i, (c, s, _) in enumerate(RAISED)]
)
def test_raised(engine: Engine, code: str, severity: str, facts: dict[str, Any]) -> None:
    found = codes(engine, facts)
    assert found.get(code) == severity, found


@pytest.mark.parametrize(("code", "facts"), NOT_RAISED, ids=[f"{c}-{i}" for i, (c, _) in enumerate(NOT_RAISED)])
def test_not_raised(engine: Engine, code: str, facts: dict[str, Any]) -> None:
    assert code not in codes(engine, facts)


def test_every_contract_code_is_declared_and_tested(engine: Engine) -> None:
    contract = {
        "LOYAL_NOT_KEY",
        "CONTRACT_EXPIRING",
        "CONTRACT_EXPIRED",
        "PRICE_DRIVEN_STRATEGIC",
        "DMU_UNMAPPED",
        "LOW_SHARE_STRATEGIC",
        "PROFILE_OVERRIDE_CONFLICT",
        "OVERSERVICED",
        "UNPROFITABLE_DEAL",
        "STAGE_GAP",
        "MISSING_DATA",
        "SATISFACTION_RISK",
        "OPEN_TO_COMPETITORS",
        "UNDECIDED",
        "TIER_PROFILE_CONFLICT",
        "PROFILE_BEHAVIOUR_CONFLICT",
        "SCORE_DISAGREES",
        "COMPLACENCY_RISK",
        "MARKET_DESTABILISING_PRICE",
    }
    assert contract <= set(engine.rulebase.warning_codes)
    assert contract <= {c for c, _, _ in RAISED}
    assert contract <= {c for c, _ in NOT_RAISED}


def test_messages_name_the_facts_in_both_languages(engine: Engine) -> None:
    facts = variant(("business.contract_end", days(30)), ("relationship.perceptions", None))
    en = {w.code: w.message for w in engine.advise(facts, as_of=AS_OF).warnings}
    it = {w.code: w.message for w in engine.advise(facts, as_of=AS_OF, lang="it").warnings}
    assert days(30) in en["CONTRACT_EXPIRING"] and "30 days" in en["CONTRACT_EXPIRING"]
    assert "tra 30 giorni" in it["CONTRACT_EXPIRING"]
    assert en["MISSING_DATA"] == "Missing from the information system: perceptions and attitudes."
    assert it["MISSING_DATA"] == "Mancano nel sistema informativo: Percezioni e attitudini."


def test_undecided_names_what_would_decide(engine: Engine) -> None:
    advice = engine.advise({"id": "U", "name": "Unknown"}, as_of=AS_OF)
    assert (advice.tier, advice.profile, advice.strategy) == (None, None, None)
    messages = {w.message for w in advice.warnings if w.code == "UNDECIDED"}
    assert any(m.startswith("tier could not be decided") and "assessment.current_contribution" in m for m in messages)
    (profile,) = (m for m in messages if m.startswith("profile could not be decided"))
    # The hand scores, then the CRM facts they would be derived from, then the stage that stands in.
    assert profile.startswith(
        "profile could not be decided; missing facts that would decide it: assessment.profile, "
        "assessment.attractiveness or assessment.attractiveness_criteria, portfolio_scores.attractiveness, "
        "business.potential_revenue, business.revenue, business.share_of_wallet, business.margin_pct, "
    )
    assert "assessment.relative_strength or assessment.buying_criteria" in profile
    assert profile.endswith("relationship.loyalty, relationship.satisfaction, relationship.stage")
    assert "tier" not in profile.split(": ", 1)[1].split(", ")  # waits on the matrix, not on the tier
    assert any(m == "strategy could not be decided because profile is undecided" for m in messages)


def test_the_relationship_stage_stands_in_for_a_missing_relative_strength(engine: Engine) -> None:
    # Share of wallet, loyalty and satisfaction would derive the strength; the stage alone cannot.
    alone = (
        ("assessment.relative_strength", None),
        ("business.share_of_wallet", None),
        ("relationship.loyalty", None),
        ("relationship.satisfaction", None),
    )
    advice = engine.advise(variant(*alone), as_of=AS_OF)
    assert (advice.profile, advice.profile_source) == ("strategic", "stage")
    weak = engine.advise(variant(*alone, ("relationship.stage", "basic")), as_of=AS_OF)
    assert (weak.profile, weak.profile_source) == ("star", "stage")


def test_the_facts_derive_a_missing_relative_strength(engine: Engine) -> None:
    advice = engine.advise(variant(("assessment.relative_strength", None)), as_of=AS_OF)
    assert (advice.profile, advice.profile_source) == ("strategic", "matrix")
    assert advice.score_sources.relative_strength == "derived"
    assert advice.score_sources.attractiveness == "hand"
