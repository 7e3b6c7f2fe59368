"""What the store answers: pydantic models of plain data (`model_dump(mode="json")` is the JSON
that `kam history --format json`, `kam changes --format json` and the service print).

Times are UTC; dates are the advice's as-of dates. Decisions are identifiers (`key_account`),
warnings are codes: the store keeps no texts, which follow from the rule base.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AccountRef(Out):
    id: str
    name: str | None = Field(description="None once a purge erased it.")


class RulesetRef(Out):
    name: str
    version: str
    digest: str


class WarningItem(Out):
    code: str
    severity: str
    rule: str = ""
    subject: str | None = Field(None, description="What an UNDECIDED warning is about: tier, profile or strategy.")


class RunInfo(Out):
    """One recording: a `kam advise --record`, a portfolio run, a service call."""

    id: int
    kind: str = Field(description="advise, portfolio, or what the caller named it (service).")
    recorded_at: dt.datetime
    recorded_by: str
    as_of: dt.date | None
    source: str | None = Field(description="The input's name as given (a file name, <stdin>).")
    input_digest: str | None = Field(description="sha256 of the input file's bytes (None for standard input).")
    ruleset: RulesetRef | None
    accounts: int = Field(description="How many advices the run gave (each account once per distinct advice).")
    summary: dict[str, Any] | None = Field(description="A portfolio run's summary, as kam portfolio prints it in JSON.")
    kamrules_version: str


class Recorded(Out):
    """What recording did: the run, how many advices it holds, how many were new."""

    run: RunInfo
    new_run: bool = Field(description="False when the very same run was already recorded (nothing was written).")
    advices: int
    new: int = Field(description="Advices stored by this call; the others were already in the store.")
    refused: list[str] = Field(
        default_factory=list, description="Why each advice that cannot be stored (STORE011) was left out."
    )


class PlanRecorded(Out):
    account: AccountRef
    version: int
    new: bool = Field(description="False when the plan is unchanged since its latest version.")
    digest: str


class FactChange(Out):
    path: str = Field(description="The fact's dotted path (business.revenue); lists are compared whole.")
    before: Any = None
    after: Any = None


class DecisionChange(Out):
    field: Literal["tier", "profile", "profile_source", "strategy"]
    before: str | None
    after: str | None


class HistoryEntry(Out):
    """One stored advice of the account, and what changed since the one before it."""

    advice_id: int
    as_of: dt.date
    recorded_at: dt.datetime
    recorded_by: str
    run: int | None = Field(description="The run that first recorded it.")
    tier: str | None
    profile: str | None
    profile_source: str | None
    strategy: str | None
    scores: dict[str, Any]
    warnings: list[WarningItem]
    levers: list[str]
    ruleset: RulesetRef
    facts_digest: str
    facts_erased: bool
    extra: dict[str, Any] = Field(default_factory=dict, description="Advice fields the store has no column for.")
    changed: bool = Field(description="The first entry, or one where a decision or a warning changed.")
    decisions: list[DecisionChange] = Field(default_factory=list)
    warnings_raised: list[WarningItem] = Field(default_factory=list)
    warnings_cleared: list[WarningItem] = Field(default_factory=list)
    causes: list[Literal["first", "facts", "rules", "date", "unknown"]] = Field(
        default_factory=list,
        description="Why it changed: the first advice, the facts, the rule base, only the as-of date moved, or "
        "unknown (facts erased).",
    )
    facts_changed: list[FactChange] = Field(default_factory=list)
    ruleset_before: RulesetRef | None = None


class PlanVersionInfo(Out):
    version: int
    as_of: dt.date
    recorded_at: dt.datetime
    recorded_by: str
    digest: str
    findings: list[dict[str, str]] = Field(description="The plan check's findings: id and severity.")
    ruleset: RulesetRef
    source: str | None
    erased: bool = Field(description="True once a purge erased the plan's text.")


class History(Out):
    account: AccountRef
    entries: list[HistoryEntry] = Field(description="Every stored advice, oldest first.")
    plans: list[PlanVersionInfo] = Field(default_factory=list)


Direction = Literal["up", "down", "across"]


class Movement(Out):
    account: AccountRef
    field: Literal["tier", "profile", "strategy"]
    before: str | None
    after: str | None
    direction: Direction | None = Field(None, description="For tiers: up, down, or across (same rank).")


class WarningMove(Out):
    account: AccountRef
    code: str
    severity: str
    subject: str | None = None


class AccountState(Out):
    account: AccountRef
    as_of: dt.date
    tier: str | None
    profile: str | None
    strategy: str | None


class ChangeReport(Out):
    """What moved between two states of the portfolio: each account's latest advice before
    `since` against its latest since then (up to `until`), or run A's advices against run B's."""

    since: dt.date | None = None
    until: dt.date | None = None
    run_a: RunInfo | None = None
    run_b: RunInfo | None = None
    compared: int = Field(description="Accounts present on both sides.")
    unchanged: int = Field(description="Of those, accounts where nothing below changed.")
    tier: list[Movement] = Field(default_factory=list, description="Down first, then up, then across.")
    profile: list[Movement] = Field(default_factory=list)
    strategy: list[Movement] = Field(default_factory=list)
    warnings_raised: list[WarningMove] = Field(default_factory=list, description="Most severe first.")
    warnings_cleared: list[WarningMove] = Field(default_factory=list)
    new_accounts: list[AccountState] = Field(default_factory=list)
    gone_accounts: list[AccountState] = Field(
        default_factory=list, description="In run A, not in run B (runs only: a date has no notion of gone)."
    )


class Purged(Out):
    scope: Literal["account", "retain"]
    account_id: str | None = None
    before: dt.datetime | None = Field(None, description="retain: what was recorded before this time.")
    keep_decisions: bool
    advices: int = Field(description="Advices deleted, or whose facts were erased with keep_decisions.")
    plans: int = Field(description="Plan versions deleted, or erased.")
    runs: int = Field(description="Runs deleted because no advice was left in them.")
