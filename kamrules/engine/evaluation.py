"""What one account's run produces, before it is turned into advice (`kamrules.advice`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kamrules.language.rulebase import LeverPick, Rule

_PLAIN = (str, int, type(None), bool)


def json_value(value: Any) -> Any:
    """A fact's value as JSON data: dates in ISO form, whole floats as integers, tuples as lists."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is float:
        return int(value) if value.is_integer() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    return value


@dataclass(frozen=True, kw_only=True, slots=True)
class TraceItem:
    """One decision of the run: which rule, row, scorecard or computed fact decided what, and why."""

    rule: str
    because: str
    decided: dict[str, Any]
    file: str | None
    line: int | None
    facts: dict[str, Any]
    parameters: dict[str, Any]


@dataclass
class Evaluation:
    """Everything one account's run produced (filled in as the stages run)."""

    values: dict[str, Any]
    as_of: dt.date
    lang: str
    trace: list[TraceItem] = field(default_factory=list)
    fired: set[str] = field(default_factory=set)  # rule ids and table:row refs that held
    warnings: list[Rule] = field(default_factory=list)
    levers: list[tuple[Rule, LeverPick]] = field(default_factory=list)
    undecided: dict[str, list[str]] = field(default_factory=dict)  # fact -> reasons
    conflicts: dict[str, str] = field(default_factory=dict)  # fact -> why
    # fact -> the missing facts that left a scorecard or computed fact undecided, when they are
    # finer than what it reads (the criterion without a score in the account's criteria)
    missing_detail: dict[str, tuple[str, ...]] = field(default_factory=dict)
