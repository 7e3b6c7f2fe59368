"""Progress across account plans (`kam portfolio --plans DIR`; DOMAIN.md §8: the plan lets sales
management "monitor performance and compare progress across customers").

Each objective of each plan in the folder is on track, at risk, late, achieved, missed or
undated, by the rules rulesets/portfolio/progress.yaml states (its threshold,
objective_at_risk_days, is a parameter there); the counts go into each account's output row,
and the summary and the report compare the accounts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kamrules.plan.model import Action, Objective, Plan

STATES = ("on_track", "at_risk", "late", "achieved", "missed", "undated")
COLUMNS = tuple(f"plan.objectives.{state}" for state in STATES)
LIVE = ("planned", "in_progress")


@dataclass(frozen=True)
class PlanProgress:
    """How many of a plan's objectives are in each state (dropped objectives are left out)."""

    on_track: int = 0
    at_risk: int = 0
    late: int = 0
    achieved: int = 0
    missed: int = 0
    undated: int = 0

    @property
    def objectives(self) -> int:
        return sum(self.counts().values())

    def counts(self) -> dict[str, int]:
        return {state: getattr(self, state) for state in STATES}

    def cells(self) -> dict[str, Any]:
        return {f"plan.objectives.{state}": n for state, n in self.counts().items()}


def objective_state(objective: Objective, actions: Sequence[Action], as_of: dt.date, at_risk_days: int) -> str | None:
    """The state of one objective on `as_of` (None for a dropped one); `actions` are the plan's
    actions that serve it."""
    if objective.status == "dropped":
        return None
    if objective.status in ("achieved", "missed"):
        return objective.status
    if objective.deadline is None:
        return "undated"
    if objective.deadline < as_of:
        return "late"
    overdue = any(a.status in LIVE and a.when is not None and a.when < as_of for a in actions)
    served = any(a.status in (*LIVE, "done") for a in actions)
    done = any(a.status == "done" for a in actions)
    near = (objective.deadline - as_of).days <= at_risk_days
    if overdue or not served or (near and not done):
        return "at_risk"
    return "on_track"


def plan_progress(plan: Plan, as_of: dt.date, at_risk_days: int) -> PlanProgress:
    steps = plan.steps
    objectives = steps.objectives.objectives if steps.objectives and steps.objectives.objectives else []
    actions = steps.action_plan.actions if steps.action_plan and steps.action_plan.actions else []
    counts = dict.fromkeys(STATES, 0)
    for objective in objectives:
        serving = [a for a in actions if a.objective == objective.id]
        state = objective_state(objective, serving, as_of, at_risk_days)
        if state is not None:
            counts[state] += 1
    return PlanProgress(**counts)


@dataclass(frozen=True)
class ProgressRow:
    id: str
    name: str
    tier: str | None
    progress: PlanProgress


def compared(rows: Iterable[ProgressRow], limit: int = 50) -> list[ProgressRow]:
    """The accounts with a plan, the ones needing attention first: most late objectives, then
    most at risk, then the fewest on track; ties by id."""
    return sorted(rows, key=lambda r: (-r.progress.late, -r.progress.at_risk, r.progress.on_track, r.id))[:limit]


def totals(rows: Iterable[ProgressRow]) -> dict[str, int]:
    out = dict.fromkeys(STATES, 0)
    for row in rows:
        for state, n in row.progress.counts().items():
            out[state] += n
    return out


def progress_of(values: Mapping[str, Any]) -> PlanProgress | None:
    """A row's progress, back from its output cells (None: no plan compared)."""
    if values.get(COLUMNS[0]) is None:
        return None
    return PlanProgress(**{state: int(values.get(f"plan.objectives.{state}") or 0) for state in STATES})
