"""The advice: the output of the advisor, as docs/contract.md §3 describes it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kamrules.i18n.languages import Lang
from kamrules.model.vocabulary import Severity

ProfileSource = Literal["matrix", "stage", "override", "tier"]


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AccountRef(Out):
    id: str
    name: str


class Treatment(Out):
    """The deck's investment table for the account's strategy, one key per row."""

    roi_horizon: str
    customer_understanding: str
    contract_type: str
    contact_level: str
    perception: str
    resource_allocation: str
    technology: str
    pricing: str
    pitfalls: list[str]


class Lever(Out):
    id: str
    why: str
    label: str = Field(description="The lever's name in the advice's language.")
    rules: list[str] = Field(default_factory=list, description="The rules that recommended it.")


class Warning(Out):
    code: str
    severity: Severity
    message: str
    rule: str
    title: str = ""


class Scores(Out):
    current_contribution: float | None = None
    potential_contribution: float | None = None
    attractiveness: float | None = None
    relative_strength: float | None = None


ScoreSource = Literal["hand", "portfolio", "derived"]


class ScoreSources(Out):
    """Where each score comes from: given by hand (the score or its weighted criteria), measured
    against the portfolio (kam portfolio --scores portfolio), or derived from the CRM facts."""

    current_contribution: ScoreSource | None = None
    potential_contribution: ScoreSource | None = None
    attractiveness: ScoreSource | None = None
    relative_strength: ScoreSource | None = None


class ScoreStep(Out):
    rule: str = Field(description="The computed fact, scorecard, table row or rule.")
    because: str
    decided: dict[str, Any] = Field(default_factory=dict)
    file: str | None = None
    line: int | None = None


class ScoreDetail(Out):
    """How one score was reached (with explain)."""

    value: float | None
    source: ScoreSource | None
    source_text: str | None = Field(None, description="The source in the advice's language.")
    basis: str | None = Field(None, description="What a derived score was measured on, where the rules say.")
    basis_text: str | None = None
    steps: list[ScoreStep] = Field(default_factory=list, description="The computation, deepest step first.")
    inputs: dict[str, Any] = Field(default_factory=dict, description="The account facts it read, and their values.")


class TraceEntry(Out):
    rule: str = Field(description="The rule, table row (table:row) or scorecard that decided.")
    because: str
    decided: dict[str, Any] = Field(default_factory=dict, description="The facts it set.")
    file: str | None = None
    line: int | None = None
    facts: dict[str, Any] = Field(default_factory=dict, description="The facts it read, and their values.")
    parameters: dict[str, Any] = Field(default_factory=dict, description="The parameters it read.")


class WhyNot(Out):
    """An outcome that did not happen, and the single condition that kept it from happening."""

    outcome: str = Field(description="What would have happened: a warning code, a lever, fact=value.")
    rule: str
    because: str
    fact: str | None = None
    actual: Any = None
    expected: str | None = None
    file: str | None = None
    line: int | None = None


class RulesetRef(Out):
    name: str
    version: str
    digest: str


class Advice(Out):
    """What an account deserves, and why."""

    account: AccountRef
    tier: str | None
    profile: str | None
    profile_source: ProfileSource | None
    strategy: str | None
    treatment: Treatment | None
    levers: list[Lever]
    warnings: list[Warning]
    scores: Scores
    score_sources: ScoreSources = Field(default_factory=ScoreSources, description="Where each score comes from.")
    score_details: dict[str, ScoreDetail] | None = Field(
        None, description="With explain: each score's source, computation and inputs."
    )
    trace: list[TraceEntry]
    ruleset: RulesetRef
    lang: Lang
    as_of: str = Field(description="The evaluation date (YYYY-MM-DD), for reproducibility.")
    labels: dict[str, str] = Field(default_factory=dict, description="Labels of tier, profile and strategy.")
    facts: dict[str, Any] = Field(default_factory=dict, description="Other derived facts.")
    why_not: list[WhyNot] | None = Field(None, description="With explain: outcomes that nearly happened.")
