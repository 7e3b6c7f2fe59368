"""The Key Account Development Plan (DOMAIN.md §8): its model and how a plan file is read."""

from __future__ import annotations

from kamrules.plan.model import Plan
from kamrules.plan.read import PlanFileError, parse_plan, read_plan

__all__ = ["Plan", "PlanFileError", "parse_plan", "read_plan"]
