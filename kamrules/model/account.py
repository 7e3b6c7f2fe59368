"""Account facts: the input of the advisor, exactly as docs/contract.md §2 describes them.

Only `id` and `name` are required. A missing fact is never an error (the advice says what it
could not decide); a fact of the wrong type or out of range is, and so is an unknown key.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)

from kamrules.model.numbers import DIGITS
from kamrules.model.vocabulary import Attitude, DmuRole, Level, ProfileId, Stage


def _reject_bool(value: Any) -> Any:
    # pydantic would read True as 1; a yes/no answer is never a number here.
    if value is True or value is False:
        raise ValueError("expected a number, not true/false")
    return value


def _percent_text(value: Any) -> Any:
    """`"45%"` means 0.45: CRM exports often write shares that way."""
    value = _reject_bool(value)
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            return float(value.strip()[:-1].strip()) / 100.0
        except ValueError:
            raise ValueError(f"expected a fraction such as 0.45 or 45%, found {value!r}") from None
    return value


def _share_text(value: Any) -> Any:
    """`_percent_text` for a share, which is at most 100 %: "125%" is refused as written, before
    the hint for numbers such as 45 (meant as 45 %) could misread it."""
    share = _percent_text(value)
    if isinstance(value, str) and isinstance(share, float) and share > 1.0:
        raise ValueError(f"expected a share from 0% to 100%, found {value.strip()!r}")
    return share


def _fraction_hint(value: float) -> float:
    if 1.0 < value <= 100.0:
        raise ValueError(f"expected a fraction between 0 and 1; {value:g} % is written {value / 100:g} or '{value:g}%'")
    return value


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0, 0) or value.tzinfo is not None:
            raise ValueError("expected a date (YYYY-MM-DD), not a date and time")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text[:10] if text.endswith("T00:00:00") else text)
        except ValueError:
            raise ValueError(f"expected a date written YYYY-MM-DD, found {value!r}") from None
    raise ValueError(f"expected a date written YYYY-MM-DD, found {value!r}")


def _text_list(value: Any) -> Any:
    # A single text where a list is expected is a list of one ("markets: EU").
    if isinstance(value, str):
        return [value] if value.strip() else []
    return value


# What each validator above does, by name. The column-wise checks of the batch engine
# (kamrules/batch/validate.py) apply the same rules to whole columns, and send to the per-account
# validator every fact with a validator this table does not name: a new validator is safe by
# default, and one that changes what it accepts must change its column-wise twin with it.
ValidatorRole = Literal["not_bool", "percent", "share", "fraction_hint", "iso_date", "text_list"]
_ROLES: dict[object, ValidatorRole] = {
    _reject_bool: "not_bool",
    _percent_text: "percent",
    _share_text: "share",
    _fraction_hint: "fraction_hint",
    _iso_date: "iso_date",
    _text_list: "text_list",
}


def validator_role(function: object) -> ValidatorRole | None:
    """What a validator function of the account's types does (None: not one of those above)."""
    return _ROLES.get(function)


# Where a range sits in these Annotated types matters for the JSON Schema (`kam schema account`).
# A Field(ge=…) placed *before* the validators constrains the number itself, and the schema says
# `minimum`/`maximum`/`exclusiveMinimum`. Placed *after* one, pydantic applies it as a separate
# step and writes its own names (`ge`, `le`, `gt`) into the schema, which JSON Schema validators
# ignore. The fractions keep their range after the validators, so that 45 gets the hint about
# writing 0.45 or '45%' first; their schema is spelled out instead (a number in range, or a
# percentage text, which is what `_percent_text` reads).
_UP_TO_100 = r"(?:100(?:\.0*)?|\d{1,2}(?:\.\d*)?|\.\d+)"


def _percent_schema(pattern: str, minimum: float, maximum: float | None = None) -> WithJsonSchema:
    """A number from `minimum` to `maximum`, or a percentage text such as "45%" (`pattern` is the
    part before the % sign)."""
    in_range: dict[str, Any] = {"type": "number", "minimum": minimum}
    if maximum is not None:
        in_range["maximum"] = maximum
    as_text = {"type": "string", "pattern": rf"^\s*{pattern}\s*%$", "examples": ["45%"]}
    return WithJsonSchema({"anyOf": [in_range, as_text]})


Number = Annotated[float, BeforeValidator(_reject_bool)]
Money = Annotated[float, Field(ge=0), BeforeValidator(_reject_bool)]
Fraction = Annotated[
    float,
    BeforeValidator(_share_text),
    AfterValidator(_fraction_hint),
    Field(ge=0, le=1),
    _percent_schema(rf"\+?{_UP_TO_100}", 0, 1),
]
SignedFraction = Annotated[
    float,
    BeforeValidator(_share_text),
    AfterValidator(_fraction_hint),
    Field(ge=-1, le=1),
    _percent_schema(rf"[+-]?{_UP_TO_100}", -1, 1),
]
Growth = Annotated[
    float,
    BeforeValidator(_percent_text),
    Field(ge=-1),
    _percent_schema(rf"(?:-{_UP_TO_100}|\+?{DIGITS})", -1),
]
Score = Annotated[float, Field(ge=1, le=10), BeforeValidator(_reject_bool)]
Weight = Annotated[float, Field(gt=0, le=100), BeforeValidator(_reject_bool)]
# YAML reads an unquoted phone number or a numeric id as a number: the model config turns
# numbers into texts (coerce_numbers_to_str) and strips surrounding blanks.
Text = str
RequiredText = Annotated[str, Field(min_length=1)]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
TextList = Annotated[list[Text], BeforeValidator(_text_list)]
PositiveNumber = Annotated[float, Field(gt=0), BeforeValidator(_reject_bool)]


class Strict(BaseModel):
    """Unknown keys are errors (with a did-you-mean), infinities and NaN are refused."""

    model_config = ConfigDict(
        extra="forbid", allow_inf_nan=False, frozen=True, coerce_numbers_to_str=True, str_strip_whitespace=True
    )


class Company(Strict):
    """Hard data, general (DOMAIN.md §2): who the customer is."""

    address: Text | None = None
    phone: Text | None = None
    whatsapp: Text | None = None
    email: Text | None = None
    products: TextList | None = None
    markets: TextList | None = None
    revenue: Money | None = Field(None, description="The customer's own turnover.")
    sales_volume: Money | None = None
    capital_invested: Money | None = None
    roi: Number | None = Field(None, description="Return on investment, a fraction (0.12 = 12 %).")
    ros: Number | None = Field(None, description="Return on sales, a fraction (0.07 = 7 %).")


class Competitor(Strict):
    name: RequiredText
    share: Fraction | None = Field(None, description="The competitor's share of the account's wallet.")
    price_index: PositiveNumber | None = Field(None, description="Its price against ours (0.95 = 5 % cheaper).")


class Business(Strict):
    """Hard data, account-specific: our business with the account."""

    revenue: Money | None = Field(None, description="Our sales to the account, last 12 months.")
    potential_revenue: Money | None = Field(None, description="What the account could buy from us.")
    margin_pct: SignedFraction | None = Field(None, description="Our margin, a fraction (0.22 = 22 %).")
    share_of_wallet: Fraction | None = Field(None, description="Our share of its spend, a fraction.")
    growth_rate: Growth | None = Field(None, description="Growth of our sales to it, a fraction.")
    cost_to_serve: Money | None = None
    discounts_pct: Fraction | None = None
    revenue_by_product: dict[Text, Money] | None = None
    customer_since: IsoDate | None = None
    contract_end: IsoDate | None = None
    competitors: list[Competitor] | None = None


class DmuMember(Strict):
    """A member of the decision-making unit."""

    name: RequiredText
    role: DmuRole | None = None
    influence: Level | None = None
    attitude: Attitude | None = None


class Relationship(Strict):
    """Soft data, account-specific."""

    dmu: list[DmuMember] | None = None
    choice_criteria: TextList | None = None
    perceptions: Text | None = None
    buying_process: Text | None = None
    evaluations: Text | None = None
    stage: Stage | None = None
    loyalty: Level | None = None
    satisfaction: Level | None = None
    price_sensitivity: Level | None = None


class Criterion(Strict):
    """One attractiveness criterion. Weights are relative: a scorecard scales them to add up to
    100. A criterion without a score is a missing fact (the scorecard's on_missing applies)."""

    weight: Weight
    score: Score | None = None


class BuyingCriterion(Strict):
    """One of the customer's buying criteria: its weight (relative, as for Criterion), our score
    and the best competitor's; without either score the criterion is a missing fact."""

    weight: Weight
    ours: Score | None = None
    best_competitor: Score | None = None


class Assessment(Strict):
    """Scores from 1 to 10, and an optional manual profile."""

    current_contribution: Score | None = None
    potential_contribution: Score | None = None
    attractiveness: Score | None = None
    attractiveness_criteria: dict[Text, Criterion] | None = None
    relative_strength: Score | None = None
    buying_criteria: dict[Text, BuyingCriterion] | None = None
    profile: ProfileId | None = Field(None, description="A manual profile; overrides the matrix.")
    strategic_fit: Score | None = Field(
        None, description="How well the account fits our strategy, and its value as a reference, 1 to 10."
    )
    sector_attractiveness: Score | None = Field(
        None,
        description="The attractiveness of the account's sector, 1 to 10 (a portfolio run with a sectors file "
        "fills it in from that file when it is not given).",
    )


class PortfolioScores(Strict):
    """The four scores measured against a portfolio (a percentile within it, turned into 1 to 10):
    `kam portfolio --scores portfolio` sets them; a hand score still wins over them."""

    current_contribution: Score | None = None
    potential_contribution: Score | None = None
    attractiveness: Score | None = None
    relative_strength: Score | None = None


class PlanStatus(Strict):
    """Whether the account has a Key Account Development Plan (DOMAIN.md §8), as a CRM records it."""

    exists: bool | None = Field(None, description="true when a plan is recorded for the account.")
    reviewed: IsoDate | None = Field(None, description="When the plan was last reviewed.")


class Account(Strict):
    """One account, as a sales team describes it."""

    id: RequiredText
    name: RequiredText
    sector: Text | None = None
    company: Company | None = None
    environment: TextList | None = None
    business: Business | None = None
    relationship: Relationship | None = None
    assessment: Assessment | None = None
    plan: PlanStatus | None = Field(None, description="The account's Key Account Development Plan, if any.")
    portfolio_scores: PortfolioScores | None = Field(
        None, description="Scores measured against the portfolio the account belongs to (kam portfolio sets them)."
    )


_GROUPS = ("company", "business", "relationship", "assessment", "plan", "portfolio_scores")


def account_values(account: Account) -> dict[str, Any]:
    """The account's facts by dotted path (groups kept too, for exists/missing tests)."""
    values: dict[str, Any] = {}
    for name, value in account.model_dump(exclude_none=True).items():
        values[name] = value
        if name in _GROUPS and isinstance(value, dict):
            for key, inner in value.items():
                values[f"{name}.{key}"] = inner
    return values
