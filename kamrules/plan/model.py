"""The Key Account Development Plan as a YAML file: the ten steps of the deck (docs/domain.md §8).

A plan names the account it is for and the advice it was drafted from, its owner and period,
its review dates, and the ten steps, each with the fields its questions ask for. Three steps
carry the structured parts the checks read: the DMU map (step 4), the S.M.A.R.T. objectives
(step 7) and the action plan (step 9). Every field except the identifiers is optional, so that
a draft is a valid plan: what is missing or weak is for `kam plan check` to say, as findings,
not for the reader to refuse. Unknown keys, wrong types and impossible values are errors.

`notes` fields are the key account team's internal notes: they never reach the shared report.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from kamrules.i18n.languages import Lang
from kamrules.model.account import Fraction, IsoDate, Number, RequiredText, Strict, Text, TextList
from kamrules.model.vocabulary import Attitude, DmuRole, Level, ProfileId

StepId = Literal[
    "customer_profile",
    "current_relationship",
    "key_factors",
    "decision_process",
    "new_opportunities",
    "competitors",
    "objectives",
    "strategy",
    "action_plan",
    "relationship_development",
]
TierId = Literal["key_account", "potential_key_account", "important_account", "regular_account"]
StrategyId = Literal["strategic_investment", "selective_investment", "manage_for_cash", "proactive_maintenance"]
# The deck's row "Natura del nostro impegno contrattuale" and row "Pricing", as closed choices
# so that the plan can be checked against the account's strategy.
ContractKind = Literal["full_contract", "letter_of_intent", "no_contract"]
PricingKind = Literal["value_based", "market_based", "tactical"]
ObjectiveStatus = Literal["open", "achieved", "missed", "dropped"]
ActionStatus = Literal["planned", "in_progress", "done", "cancelled"]
Horizon = Literal["long_term", "short_term"]

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
_NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$")


def _item_id(value: Any) -> Any:
    # Ids are written by hand (O1, A2, R3); YAML reads `1` as a number, which is still an id.
    if isinstance(value, bool):
        raise ValueError("expected an id such as O1, not true/false")
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, str):
        value = value.strip()
        if not _ID.match(value):
            raise ValueError(f"expected an id of letters, digits, '.', '-' or '_' (such as O1), found {value!r}")
    return value


def _target(value: Any) -> Any:
    """A number, kept as a number; a percentage written `60%` is the fraction 0.6; anything else
    stays text, for the check to flag as not measurable ("a numeric target")."""
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValueError("expected a finite number")
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace("_", "")
        if text.endswith("%") and _NUMBER.match(text[:-1].strip()):
            return float(text[:-1].strip()) / 100.0
        if _NUMBER.match(text):
            return float(text)
        return value.strip()
    return value


ItemId = Annotated[str, BeforeValidator(_item_id)]
Target = Annotated[float | str, BeforeValidator(_target)]


class Period(Strict):
    """The time the plan covers."""

    start: IsoDate | None = None
    end: IsoDate | None = None


class AccountRef(Strict):
    """The account the plan is for, and what the advisor said about it when the plan was drafted."""

    id: RequiredText
    name: RequiredText
    file: Text | None = Field(
        None, description="The account's facts, relative to the plan file: kam plan check re-advises it."
    )
    tier: TierId | None = None
    profile: ProfileId | None = None
    strategy: StrategyId | None = Field(None, description="The strategy the plan is written for.")
    advised_on: IsoDate | None = Field(None, description="The evaluation date of the advice the plan was drafted from.")


class Requirement(Strict):
    """One of the customer's key requirements (step 3): the objectives say which they serve."""

    id: ItemId
    text: Text | None = None
    notes: Text | None = None


class DmuEntry(Strict):
    """A member of the customer's decision-making unit (step 4), and who of us looks after them."""

    name: RequiredText
    position: Text | None = Field(None, description="Their job title.")
    role: DmuRole | None = None
    influence: Level | None = None
    attitude: Attitude | None = None
    owner: Text | None = Field(None, description="Who in our company owns the relationship with them.")
    notes: Text | None = None


class CompetitorEntry(Strict):
    """A competitor on the account (step 6), as the customer sees it."""

    name: RequiredText
    share: Fraction | None = None
    strengths: TextList | None = None
    weaknesses: TextList | None = None
    notes: Text | None = None


class Objective(Strict):
    """A S.M.A.R.T. objective (step 7): specific, measurable, achievable, relevant, time-bound."""

    id: ItemId
    title: Text | None = Field(None, description="What is to be achieved, specifically.")
    horizon: Horizon | None = None
    metric: Text | None = Field(None, description="What is measured.")
    unit: Text | None = None
    baseline: Number | None = Field(None, description="Where the metric stands today.")
    target: Target | None = Field(None, description="The number to reach.")
    deadline: IsoDate | None = None
    owner: Text | None = None
    serves: ItemId | None = Field(None, description="The id of the customer requirement (step 3) it serves.")
    status: ObjectiveStatus = "open"
    notes: Text | None = None


class Action(Strict):
    """An action of the plan (step 9): WHAT, WHO, WHEN, HOW (and how it is measured), WHICH resources."""

    id: ItemId
    what: Text | None = None
    who: Text | None = None
    when: IsoDate | None = None
    how: Text | None = Field(None, description="How it is done and how it is measured.")
    resources: TextList | None = None
    objective: ItemId | None = Field(None, description="The id of the objective it serves.")
    contacts: TextList | None = Field(None, description="The DMU members (by name) it involves.")
    status: ActionStatus = "planned"
    notes: Text | None = None


class CustomerProfile(Strict):
    """1. Understand the customer's business: the CEO's vision, strategies, organisation, objectives."""

    summary: Text | None = None
    business: Text | None = None
    vision: Text | None = None
    strategies: Text | None = None
    organisation: Text | None = None
    goals: Text | None = None
    notes: Text | None = None


class CurrentRelationship(Strict):
    """2. History, contractual performance, perceptions; key contacts, their power, our gaps."""

    summary: Text | None = None
    history: Text | None = None
    contract_performance: Text | None = None
    perception: Text | None = None
    key_contacts: TextList | None = None
    presence: Text | None = None
    gaps: TextList | None = None
    notes: Text | None = None


class KeyFactors(Strict):
    """3. What the customer buys, its requirements and future needs, what delights it."""

    summary: Text | None = None
    purchases: Text | None = None
    requirements: list[Requirement] | None = None
    valued: TextList | None = None
    unmet_needs: TextList | None = None
    future_needs: TextList | None = None
    delighters: TextList | None = None
    notes: Text | None = None


class DecisionProcess(Strict):
    """4. Key criteria, who decides and how (the DMU), other influencing factors."""

    summary: Text | None = None
    criteria: TextList | None = None
    dmu: list[DmuEntry] | None = None
    other_factors: TextList | None = None
    notes: Text | None = None


class NewOpportunities(Strict):
    """5. Where our strengths serve unmet needs; untapped opportunities; shortcomings to overcome."""

    summary: Text | None = None
    opportunities: TextList | None = None
    leverage: Text | None = None
    shortcomings: TextList | None = None
    notes: Text | None = None


class Competitors(Strict):
    """6. The main competitors, their strengths and weaknesses as the customer sees them, our positioning."""

    summary: Text | None = None
    competitors: list[CompetitorEntry] | None = None
    positioning: Text | None = None
    notes: Text | None = None


class Objectives(Strict):
    """7. Long-term results first, then short-term S.M.A.R.T. objectives."""

    summary: Text | None = None
    objectives: list[Objective] | None = None
    notes: Text | None = None


class StrategyStep(Strict):
    """8. How to differentiate, show capability, guard critical factors, minimise cost, show value."""

    summary: Text | None = None
    differentiation: Text | None = None
    value_proposition: Text | None = None
    critical_factors: TextList | None = None
    cost_reduction: Text | None = None
    value_for_money: Text | None = None
    contract: ContractKind | None = Field(None, description="Our contractual commitment.")
    pricing: PricingKind | None = None
    notes: Text | None = None


class ActionPlan(Strict):
    """9. The actions, monitored and reviewed systematically."""

    summary: Text | None = None
    actions: list[Action] | None = None
    notes: Text | None = None


class RelationshipDevelopment(Strict):
    """10. Initiatives that improve the relationship, activities that earn points, the best return."""

    summary: Text | None = None
    initiatives: TextList | None = None
    point_earners: TextList | None = None
    best_return: Text | None = None
    notes: Text | None = None


class Steps(Strict):
    """The ten steps, in the deck's order."""

    customer_profile: CustomerProfile | None = None
    current_relationship: CurrentRelationship | None = None
    key_factors: KeyFactors | None = None
    decision_process: DecisionProcess | None = None
    new_opportunities: NewOpportunities | None = None
    competitors: Competitors | None = None
    objectives: Objectives | None = None
    strategy: StrategyStep | None = None
    action_plan: ActionPlan | None = None
    relationship_development: RelationshipDevelopment | None = None


class Plan(Strict):
    """A Key Account Development Plan."""

    kind: Literal["plan"]
    lang: Lang = "en"
    account: AccountRef
    owner: Text | None = Field(None, description="The key account manager who owns the plan.")
    team: TextList | None = None
    period: Period | None = None
    reviews: list[IsoDate] | None = Field(None, description="The dates the plan is reviewed on.")
    steps: Steps = Field(default_factory=Steps)
    notes: Text | None = None


STEP_IDS: tuple[StepId, ...] = (
    "customer_profile",
    "current_relationship",
    "key_factors",
    "decision_process",
    "new_opportunities",
    "competitors",
    "objectives",
    "strategy",
    "action_plan",
    "relationship_development",
)
