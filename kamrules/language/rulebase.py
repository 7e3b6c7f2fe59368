"""The resolved rule base: every file loaded, layered, checked and linked.

These are plain, immutable data objects (frozen, built by keyword). Linking builds them
(`kamrules.language.link`); the engine compiles and runs them; the toolkit (`kam rules ...`)
inspects them. Nothing here evaluates anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from kamrules.errors import Location
from kamrules.i18n.texts import Texts
from kamrules.language.conditions.tree import Cond
from kamrules.model.catalog import FactInfo, FactType


@dataclass(frozen=True, kw_only=True)
class Param:
    name: str
    type: str
    value: Any
    unit: str | None
    description: Texts
    where: Location
    ruleset: str
    overridden_at: Location | None = None


@dataclass(frozen=True, kw_only=True)
class Derived:
    name: str
    type: FactType
    labels: dict[str, Texts]
    description: Texts
    stage: str
    where: Location


@dataclass(frozen=True, kw_only=True)
class WarningCode:
    code: str
    severity: str
    title: Texts
    description: Texts
    where: Location


@dataclass(frozen=True, kw_only=True)
class LeverDef:
    id: str
    label: Texts
    description: Texts
    where: Location


@dataclass(frozen=True, kw_only=True)
class Warn:
    code: str
    severity: str
    message: Texts


@dataclass(frozen=True, kw_only=True)
class LeverPick:
    id: str
    why: Texts


@dataclass(frozen=True, kw_only=True)
class OutputValue:
    """A value a rule or row sets: a literal, or a copy of another fact's value.

    `param` names the parameter a literal was read from, so that tools can tell which
    parameters a rule uses (the value itself is resolved at load time).
    """

    literal: Any = None
    fact: str | None = None
    param: str | None = None


@dataclass(frozen=True, kw_only=True)
class Rule:
    id: str
    ruleset: str
    stage: str
    description: Texts
    priority: int
    when: Cond
    sets: dict[str, OutputValue]
    appends: dict[str, OutputValue]
    warn: Warn | None
    levers: tuple[LeverPick, ...]
    where: Location
    order: int  # position in the rule base, the tie-breaker after priority


@dataclass(frozen=True, kw_only=True)
class Row:
    id: str
    index: int
    when: Cond
    outputs: dict[str, OutputValue]
    priority: int
    because: Texts
    where: Location


@dataclass(frozen=True, kw_only=True)
class Table:
    id: str
    ruleset: str
    stage: str
    description: Texts
    hit_policy: Literal["unique", "first", "priority", "collect"]
    inputs: dict[str, str]
    outputs: tuple[str, ...]
    rows: tuple[Row, ...]
    where: Location
    order: int
    from_profiles: bool = False

    def row_ref(self, row: Row) -> str:
        return f"{self.id}:{row.id}"


@dataclass(frozen=True, kw_only=True)
class Criterion:
    name: str
    fact: str
    weight: float
    label: Texts


@dataclass(frozen=True, kw_only=True)
class Scorecard:
    id: str
    ruleset: str
    stage: str
    description: Texts
    sets: str
    method: Literal["weighted_average", "versus_competitor"]
    given: str | None
    criteria_from: str | None
    criteria: tuple[Criterion, ...]
    on_missing: Literal["renormalise", "undecided"]
    min_weight: float
    where: Location
    order: int


@dataclass(frozen=True, kw_only=True)
class Compute:
    id: str
    ruleset: str
    stage: str
    description: Texts
    sets: str
    op: str
    args: tuple[str, ...]
    filters: tuple[tuple[str, tuple[str, ...]], ...]  # count_where: (field, accepted values)
    where: Location
    order: int
    factor: float = 1.0  # product: the numeric parameters it names, multiplied at load time
    factor_params: tuple[str, ...] = ()  # product: which parameters made `factor`, for the trace
    # scale: the points (value, score), parameters already replaced by their values, and the
    # parameter each value and score came from ("" for a number written in the file)
    points: tuple[tuple[float, float], ...] = ()
    point_params: tuple[tuple[str, str], ...] = ()
    item_field: str = ""  # minimum, maximum: the field of the list's items


@dataclass(frozen=True, kw_only=True)
class Stage:
    id: str
    description: Texts
    index: int


@dataclass(frozen=True, kw_only=True)
class Profile:
    id: str
    label: Texts
    description: Texts
    buying_behaviour: Texts
    strategy: str
    strategy_where: Location
    where: Location
    order: int


@dataclass(frozen=True, kw_only=True)
class Strategy:
    id: str
    label: Texts
    treatment: dict[str, tuple[Texts, ...] | Texts]
    where: Location


@dataclass(frozen=True, kw_only=True)
class TestCase:
    id: str
    description: Texts
    as_of: dt.date | None
    facts: dict[str, Any]
    expect: dict[str, Any]
    undecided: tuple[str, ...]
    where: Location
    facts_where: Location


@dataclass(frozen=True, kw_only=True)
class SourceFile:
    path: str  # as shown to the user
    kind: str
    digest: str


@dataclass(frozen=True, kw_only=True)
class RuleBase:
    """Everything the engine needs, resolved: immutable once built (the engine and the toolkit
    keep whatever they work out from it themselves)."""

    name: str
    version: str
    digest: str
    description: Texts
    stages: tuple[Stage, ...]
    decisions: tuple[str, ...]
    params: dict[str, Param]
    facts: dict[str, FactInfo]  # input and derived facts, by path
    derived: dict[str, Derived]
    warning_codes: dict[str, WarningCode]
    levers: dict[str, LeverDef]
    rules: tuple[Rule, ...]
    tables: tuple[Table, ...]
    scorecards: tuple[Scorecard, ...]
    computes: tuple[Compute, ...]
    profiles: dict[str, Profile]
    strategies: dict[str, Strategy]
    treatment_rows: dict[str, Texts]
    tests: tuple[TestCase, ...]
    files: tuple[SourceFile, ...]
    disabled: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def label(self, fact: str, value: Any, lang: str) -> str:
        """The label of a choice value of `fact` in `lang` (the value itself when unlabelled)."""
        info = self.facts.get(fact)
        if info is not None and info.labels and isinstance(value, str):
            texts = info.labels.get(value)
            if texts:
                return texts.get(lang) if isinstance(texts, Texts) else str(texts.get(lang, value))
        return str(value)
