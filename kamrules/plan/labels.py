"""Labels a plan is shown with: the advisor's words for tiers, profiles and strategies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import get_args

from kamrules.language.rulebase import RuleBase
from kamrules.plan.model import StrategyId, TierId

Decisions = Mapping[str, Mapping[str, str]]  # fact (tier, profile, strategy) -> value -> label


def decision_labels(rb: RuleBase, lang: str) -> dict[str, dict[str, str]]:
    """How the advisor's rulesets name each tier, profile and strategy in `lang`."""
    return {
        "tier": {t: rb.label("tier", t, lang) for t in get_args(TierId)},
        "profile": {pid: p.label.get(lang) for pid, p in rb.profiles.items()},
        "strategy": {sid: s.label.get(lang) for sid, s in rb.strategies.items()}
        | {s: s for s in get_args(StrategyId) if s not in rb.strategies},
    }


def decision(labels: Decisions, fact: str, value: str | None) -> str | None:
    if value is None:
        return None
    return labels.get(fact, {}).get(value, value)
