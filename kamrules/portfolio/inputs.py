"""The facts the three portfolio rule bases read, as pydantic models (their catalogs).

* `AccountPosition` (`input: portfolio_account`, rulesets/portfolio/): one account's facts, the
  advice the account rule base gave it, and its place in the portfolio (the first pass).
* `SectorFacts` (`input: sector`, rulesets/portfolio/sectors/): one sector of the sectors file,
  its criteria scored 1 to 10 (DOMAIN.md §7).
* `PortfolioTotals` (`input: portfolio`, rulesets/portfolio/totals/): the whole portfolio's
  aggregates, for the portfolio warnings.

The models define which facts a rule may read and their types; the values handed to the engine
are built from already validated data, so they are not validated a second time.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from kamrules.model.account import (
    Assessment,
    Business,
    Fraction,
    IsoDate,
    Money,
    Relationship,
    Score,
    Strict,
    Text,
    TextList,
)
from kamrules.model.vocabulary import ProfileId

Tier = Literal["key_account", "potential_key_account", "important_account", "regular_account"]
StrategyId = Literal["strategic_investment", "selective_investment", "manage_for_cash", "proactive_maintenance"]


class AdviceFacts(Strict):
    """What the account rule base decided for the account."""

    tier: Tier | None = None
    profile: ProfileId | None = None
    strategy: StrategyId | None = None


class PortfolioPlace(Strict):
    """The account's place in the portfolio, from the first pass over the whole file."""

    revenue_share: Fraction | None = Field(None, description="Its share of the portfolio's revenue.")
    cumulative_share_before: Fraction | None = Field(
        None, description="The share of revenue of the accounts ranked above it (largest first)."
    )
    revenue_median: Money | None = Field(None, description="The median revenue of the portfolio's accounts.")
    potential_median: Money | None = Field(None, description="The median potential revenue of the portfolio.")


class SectorPlace(Strict):
    """The account's sector, scored by the sectors rule base."""

    attractiveness: Score | None = None
    adaptability: Score | None = None


class PlanFacts(Strict):
    """Whether the account has a Key Account Development Plan (DOMAIN.md §8)."""

    exists: bool | None = Field(None, description="true when a plan is recorded for the account.")
    reviewed: IsoDate | None = Field(None, description="When the plan was last reviewed.")


class AccountPosition(Strict):
    """One account as the portfolio rule base sees it."""

    business: Business | None = None
    relationship: Relationship | None = None
    assessment: Assessment | None = None
    advice: AdviceFacts | None = None
    portfolio: PortfolioPlace | None = None
    sector: SectorPlace | None = None
    plan: PlanFacts | None = None


class SectorAttractiveness(Strict):
    """The deck's sector attractiveness criteria ("Attrattività dei Settori"), each 1 to 10
    (10 = most attractive: for competition, 10 means little of it)."""

    margin: Score | None = None
    size: Score | None = None
    revenue: Score | None = None
    access: Score | None = None
    growth_rate: Score | None = None
    potential_customers: Score | None = None
    competition: Score | None = None


class SectorAdaptability(Strict):
    """The deck's criteria of our adaptability to the sector ("Adattabilità dell'azienda verso il
    settore"), each 1 to 10 (10 = we fit the sector best)."""

    quality: Score | None = None
    customer_experience: Score | None = None
    needs_knowledge: Score | None = None
    technical_service: Score | None = None
    innovation: Score | None = None
    competitiveness: Score | None = None
    commercial_services: Score | None = None


class SectorFacts(Strict):
    """One sector, as the sectors file describes it."""

    id: Text
    name: Text | None = None
    attractiveness: SectorAttractiveness | None = None
    adaptability: SectorAdaptability | None = None


class PortfolioTotals(Strict):
    """The portfolio's aggregates, for the portfolio warnings."""

    accounts: int = Field(0, ge=0, description="Accounts advised.")
    rejected: int = Field(0, ge=0, description="Input rows rejected.")
    key_accounts: int = Field(0, ge=0, description="Accounts whose tier is key_account.")
    key_accounts_without_plan: int = Field(0, ge=0, description="Key accounts with no plan recorded.")
    key_accounts_without_plan_ids: TextList | None = Field(None, description="Their ids (the first few).")
    key_accounts_plan_outdated: int = Field(0, ge=0, description="Key accounts whose plan is out of date.")
    key_accounts_plan_outdated_ids: TextList | None = Field(None, description="Their ids (the first few).")
    revenue_total: Money | None = None
    largest_account: Text | None = Field(None, description="The name of the account with the most revenue.")
    top1_share: Fraction | None = Field(None, description="The largest account's share of revenue.")
    top5_share: Fraction | None = Field(None, description="The five largest accounts' share of revenue.")
    class_a_accounts: int = Field(0, ge=0, description="Accounts in revenue class A.")
