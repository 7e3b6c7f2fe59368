"""The facts the plan checks read, as pydantic models: the catalog of the plan-check rule base
(its manifest says `input: plan`), one group of facts per kind of subject (see `subjects`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from kamrules.model.account import IsoDate, Strict, Text, TextList
from kamrules.model.vocabulary import Attitude, DmuRole, Level, ProfileId
from kamrules.plan.model import (
    ActionStatus,
    ContractKind,
    Horizon,
    ObjectiveStatus,
    PricingKind,
    StepId,
    StrategyId,
    TierId,
)

SubjectKind = Literal["plan", "step", "objective", "action", "member"]


class PlanLevel(Strict):
    """Facts about the plan as a whole."""

    strategy: StrategyId | None = None
    recorded_strategy: StrategyId | None = None
    advised_strategy: StrategyId | None = None
    advised: bool | None = Field(None, description="True when the account's advice was asked (its file was given).")
    strategy_missing: TextList | None = Field(
        None, description="The facts the account lacks for its advice to decide a strategy."
    )
    tier: TierId | None = None
    profile: ProfileId | None = None
    owner: Text | None = None
    present_steps: list[StepId] | None = None
    contract: ContractKind | None = None
    pricing: PricingKind | None = None
    requirement_count: int = 0
    objective_count: int = 0
    long_term_count: int = 0
    action_count: int = 0
    dmu_count: int = 0
    review_count: int = 0
    next_review: IsoDate | None = None
    period_end: IsoDate | None = None


class StepFacts(Strict):
    """One of the ten steps: whether it is there and how much it says."""

    id: StepId
    number: int
    title: Text
    present: bool
    words: int = 0


class ObjectiveFacts(Strict):
    id: Text
    title: Text | None = None
    horizon: Horizon | None = None
    metric: Text | None = None
    baseline: float | None = None
    target: float | None = None
    target_text: Text | None = None
    deadline: IsoDate | None = None
    owner: Text | None = None
    serves: Text | None = None
    serves_known: bool = False
    status: ObjectiveStatus = "open"


class ActionFacts(Strict):
    id: Text
    what: Text | None = None
    who: Text | None = None
    when: IsoDate | None = None
    how: Text | None = None
    resources: TextList | None = None
    objective: Text | None = None
    objective_known: bool = False
    contacts: TextList | None = None
    unknown_contacts: TextList | None = None
    status: ActionStatus = "planned"


class MemberFacts(Strict):
    name: Text
    role: DmuRole | None = None
    influence: Level | None = None
    attitude: Attitude | None = None
    owner: Text | None = None
    action_statuses: list[ActionStatus] | None = Field(
        None, description="The status of each action that lists the member among its contacts."
    )


class PlanFacts(Strict):
    """The input model of the plan-check rule base (its manifest says `input: plan`)."""

    subject: SubjectKind
    plan: PlanLevel
    step: StepFacts | None = None
    objective: ObjectiveFacts | None = None
    action: ActionFacts | None = None
    member: MemberFacts | None = None
