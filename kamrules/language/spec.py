"""The shape of every YAML file kamrules reads as knowledge, as pydantic models.

This module is the single place where the ruleset language's file structure is defined: it
validates the files, exports the JSON Schema editors use (`kam schema ruleset`), and is what
`docs/ruleset-language.md` documents. Conditions (`when:`) and table cells are free-form here;
`kamrules.language.conditions` parses and type-checks them against the facts catalog.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)]
DottedName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$", max_length=120)]
RuleId = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$", max_length=80)]
Code = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=60)]
SeverityName = Literal["info", "low", "medium", "high"]


class FileModel(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class I18n(FileModel):
    """A text in English and Italian. Placeholders in braces are filled from facts and parameters."""

    en: str | None = None
    it: str | None = None


# A text is written either as {en: ..., it: ...} or, while drafting, as one plain string
# (which `kam rules lint` flags as missing a language).
Text = I18n | str


class ParameterSpec(FileModel):
    """A named threshold, changed in one place, read by rules and table cells by its name."""

    type: Literal["number", "integer", "fraction", "score", "money", "days", "date", "text", "choice"] = Field(
        description="number, integer, fraction (0 to 1; '60%' is accepted), score (1 to 10), money, "
        "days, date (YYYY-MM-DD), text or choice."
    )
    value: Any = Field(description="The value. Fractions may be written as percentages: 60%.")
    unit: str | None = Field(None, description="What the number counts, for the reader (days, EUR, %).")
    values: list[str] | None = Field(None, description="For a choice: the allowed values.")
    description: Text | None = None


class DerivedSpec(FileModel):
    """A fact this ruleset decides (tier, profile, a score), readable by later stages."""

    type: Literal["number", "choice", "text", "date", "list", "boolean"]
    values: dict[str, Text] | list[str] | None = Field(
        None, description="For a choice or a list of choices: the values and their labels."
    )
    minimum: float | None = None
    maximum: float | None = None
    description: Text | None = None


class CriterionSpec(FileModel):
    """One criterion of a scorecard: where its 1-10 score is read, and its weight."""

    fact: DottedName = Field(description="The fact holding the criterion's score (1 to 10).")
    weight: float | Literal["high", "medium", "low"] = Field(
        description="A number (all weights add up to 100) or high / medium / low."
    )
    label: Text | None = None


class ScorecardSpec(FileModel):
    """Weighted criteria that produce one score from 1 to 10."""

    id: RuleId
    description: Text | None = None
    sets: DottedName = Field(description="The derived fact that receives the score.")
    method: Literal["weighted_average", "versus_competitor"] = Field(
        "weighted_average",
        description="weighted_average: sum of weight x score / 100. versus_competitor: our weighted "
        "score against the best competitor's, 5.5 at parity, clamped to 1..10.",
    )
    given: DottedName | None = Field(None, description="A fact that, when present, is the score itself.")
    criteria_from: DottedName | None = Field(
        None, description="An account fact holding {criterion: {weight, score}} (or ours/best_competitor)."
    )
    criteria: dict[Name, CriterionSpec] | None = Field(None, description="Criteria defined in the ruleset.")
    levels: dict[Literal["high", "medium", "low"], float] | None = Field(
        None, description="The relative weight of high / medium / low (default 3 / 2 / 1)."
    )
    on_missing: Literal["renormalise", "undecided"] = Field(
        "renormalise",
        description="When some criteria have no score: renormalise the present weights (if at least "
        "min_weight of the total is present), or leave the score undecided.",
    )
    min_weight: float = Field(50.0, ge=0, le=100)


class ComputeSpec(FileModel):
    """A derived number computed from facts with one of a fixed set of operations."""

    id: RuleId
    description: Text | None = None
    sets: DottedName
    ratio: list[DottedName] | None = Field(None, description="[numerator, denominator]")
    difference: list[DottedName] | None = Field(None, description="[a, b]: a - b")
    sum: list[DottedName] | None = None
    days_since: DottedName | None = Field(None, description="Days from a date to the evaluation date.")
    days_until: DottedName | None = Field(None, description="Days from the evaluation date to a date.")
    years_since: DottedName | None = None
    count: DottedName | None = Field(None, description="The number of items of a list (0 when absent).")
    count_where: CountWhereSpec | None = None
    product: list[DottedName] | None = Field(
        None,
        description="[fact, factor, ...]: a fact multiplied by numeric parameters (or other facts), "
        "e.g. [business.revenue, revenue_uplift] for an estimate.",
    )
    scale: ScaleSpec | None = Field(
        None,
        description="A number turned into a score through points [value, score], linear between two "
        "points and flat beyond the first and the last: {fact: ..., points: [[0, 1], [key_line, 5.5], "
        "[top_line, 10]]}. Values and scores are numbers, percentages or numeric parameters.",
    )
    minimum: ListFieldSpec | None = Field(
        None, description="The least value of a field over a list's items: {list: ..., field: ...}."
    )
    maximum: ListFieldSpec | None = Field(
        None, description="The greatest value of a field over a list's items: {list: ..., field: ...}."
    )


# A point's value or score: a number, a percentage ("20%") or the name of a numeric parameter.
ScalePoint = Annotated[list[float | str], Field(min_length=2, max_length=2)]


class ScaleSpec(FileModel):
    """A piecewise-linear scale: the fact's value placed between points [value, score]."""

    fact: DottedName = Field(description="The number to scale.")
    points: list[ScalePoint] = Field(
        min_length=2,
        description="[value, score] pairs, values increasing: linear between two points, the first "
        "(last) point's score below (above) them.",
    )


class ListFieldSpec(FileModel):
    """A numeric field of a list of records (business.competitors' price_index)."""

    list_: DottedName = Field(alias="list", description="The list fact.")
    field: Name = Field(description="The numeric field of its items.")


class CountWhereSpec(FileModel):
    """How many items of a list of records match: each named field among its listed values."""

    list_: DottedName = Field(alias="list", description="The list fact to count in.")
    where: dict[Name, list[str]] = Field(description="field -> accepted values, e.g. {role: [decider]}")


class TableSpec(FileModel):
    """A decision table: rows of cells over named inputs, setting outputs, with a hit policy."""

    id: RuleId
    description: Text | None = None
    hit_policy: Literal["unique", "first", "priority", "collect"] = Field(
        "unique",
        description="unique: at most one row may match. first: the first matching row in order. "
        "priority: the matching row with the highest priority. collect: every matching row.",
    )
    inputs: dict[Name, DottedName] = Field(description="Column name -> the fact it reads.")
    outputs: list[DottedName] = Field(description="The derived facts the rows set.")
    rows: list[dict[str, Any]]


class LookupSpec(FileModel):
    """Set a derived fact from a field of the profile files (e.g. the strategy of a profile)."""

    id: RuleId
    description: Text | None = None
    key: DottedName = Field(description="The fact holding a profile id.")
    field: Literal["strategy"] = "strategy"
    sets: DottedName


class WarnSpec(FileModel):
    code: Code
    severity: SeverityName | None = Field(None, description="Defaults to the code's declared severity.")
    message: Text


class LeverSpec(FileModel):
    id: Name
    why: Text


class ThenSpec(FileModel):
    set: dict[DottedName, Any] | None = Field(None, description="Derived facts to set.")
    append: dict[DottedName, Any] | None = Field(None, description="Values to add to list facts.")
    warn: WarnSpec | None = None
    levers: list[LeverSpec] | None = None


class RuleSpec(FileModel):
    """When the condition holds, do what `then` says."""

    id: RuleId
    description: Text | None = None
    priority: int = Field(0, description="Higher first; decides between rules setting the same fact.")
    when: Any = Field(description="The condition (see docs/ruleset-language.md).")
    then: ThenSpec
    replaces: RuleId | None = Field(None, description="The id of a rule this one replaces.")


class WarningCodeSpec(FileModel):
    severity: SeverityName
    title: Text
    description: Text | None = None


class LeverDefSpec(FileModel):
    label: Text
    description: Text | None = None


class RulesetFile(FileModel):
    """A ruleset file: what one stage decides, with its parameters, tables, rules and texts."""

    schema_: str | None = Field(None, alias="$schema")
    kind: Literal["ruleset"]
    id: RuleId
    stage: Name = Field(description="The stage (declared in the manifest) this file runs in.")
    version: str | None = None
    description: Text | None = None
    parameters: dict[Name, ParameterSpec] | None = None
    derives: dict[DottedName, DerivedSpec] | None = None
    levers: dict[Name, LeverDefSpec] | None = Field(None, description="Relationship levers declared here.")
    warnings: dict[Code, WarningCodeSpec] | None = Field(None, description="Warning codes declared here.")
    computed: list[ComputeSpec] | None = None
    scorecards: list[ScorecardSpec] | None = None
    tables: list[TableSpec] | None = None
    lookups: list[LookupSpec] | None = None
    rules: list[RuleSpec] | None = None


class StageSpec(FileModel):
    id: Name
    description: Text | None = None
    after: Name | None = Field(None, description="In a layered folder: insert this new stage after that one.")


class ManifestFile(FileModel):
    """The rule base's name, version and the order of its stages."""

    schema_: str | None = Field(None, alias="$schema")
    kind: Literal["manifest"]
    name: str
    version: str
    description: Text | None = None
    input: Name = Field(
        "account", description="The facts the rules read: account (the default), or the input of another rule base."
    )
    extends: Literal["builtin"] | None = Field(
        None, description="builtin: layer this folder on the built-in knowledge instead of replacing it."
    )
    stages: list[StageSpec] = Field(default_factory=list)
    decisions: list[DottedName] = Field(
        default_factory=list, description="Facts that must be decided; UNDECIDED is raised otherwise."
    )


class OverridesFile(FileModel):
    """Changes to a rule base this folder is layered on: parameter values, disabled rules."""

    schema_: str | None = Field(None, alias="$schema")
    kind: Literal["overrides"]
    id: RuleId | None = None
    description: Text | None = None
    parameters: dict[Name, Any] | None = None
    disable: list[str] | None = Field(
        None, description="Ids of rules, tables, rows (table:row), scorecards, computed facts or test cases."
    )


class ProfileFile(FileModel):
    """One customer profile (DOMAIN.md §4) and the strategy it is paired with (§5)."""

    schema_: str | None = Field(None, alias="$schema")
    kind: Literal["profile"]
    id: Name
    label: Text
    description: Text
    buying_behaviour: Text | None = None
    strategy: Name
    order: int = 0


class StrategySpec(FileModel):
    label: Text
    treatment: dict[Name, Text | list[Text]]


class StrategiesFile(FileModel):
    """The investment table (DOMAIN.md §5): each strategy's treatment, one key per row."""

    schema_: str | None = Field(None, alias="$schema")
    kind: Literal["strategies"]
    description: Text | None = None
    rows: dict[Name, Text] = Field(description="Treatment key -> the row's title in the deck.")
    strategies: dict[Name, StrategySpec]


class CaseExpect(FileModel):
    tier: str | None = None
    profile: str | None = None
    profile_source: str | None = None
    strategy: str | None = None
    warnings: list[Code] | None = Field(None, description="Codes that must be raised.")
    not_warnings: list[Code] | None = Field(None, description="Codes that must not be raised.")
    only_warnings: list[Code] | None = Field(None, description="Exactly these codes, no others.")
    severities: dict[Code, SeverityName] | None = None
    levers: list[Name] | None = None
    not_levers: list[Name] | None = None
    facts: dict[str, Any] | None = Field(None, description="Derived facts and their expected values.")


class CaseSpec(FileModel):
    id: RuleId
    description: Text | None = None
    as_of: dt.date | None = None
    facts: dict[str, Any]
    expect: CaseExpect
    undecided: list[str] | None = Field(None, description="Decisions expected to stay undecided.")


class CasesFile(FileModel):
    """Test cases written next to the rules: facts in, expected decisions out."""

    schema_: str | None = Field(None, alias="$schema")
    kind: Literal["tests"]
    description: Text | None = None
    as_of: dt.date | None = None
    cases: list[CaseSpec]


class FileKind(StrEnum):
    """The kinds of knowledge file, by their `kind:` key: the one registry of them."""

    MANIFEST = "manifest"
    RULESET = "ruleset"
    OVERRIDES = "overrides"
    PROFILE = "profile"
    STRATEGIES = "strategies"
    TESTS = "tests"  # test cases, which never change the advice (see `CHANGES_ADVICE`)


# Each kind's shape, in the order kinds are listed to a user.
FILE_KINDS: dict[str, type[FileModel]] = {
    FileKind.MANIFEST: ManifestFile,
    FileKind.RULESET: RulesetFile,
    FileKind.OVERRIDES: OverridesFile,
    FileKind.PROFILE: ProfileFile,
    FileKind.STRATEGIES: StrategiesFile,
    FileKind.TESTS: CasesFile,
}
# The kinds whose files make the advice: a rule base's digest is of these (test cases never change it).
CHANGES_ADVICE = frozenset(kind for kind in FileKind if kind != FileKind.TESTS)

ComputeSpec.model_rebuild()
