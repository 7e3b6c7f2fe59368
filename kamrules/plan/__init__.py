"""The Key Account Development Plan (docs/domain.md §8): its model, drafting, checks and report.

from kamrules.plan import new_plan, check_plan_file, report
plan = new_plan(account_facts, as_of="2026-11-27", lang="it")   # a Plan, to edit and save
result = check_plan_file("plan.yaml", as_of="2026-11-27")        # findings, with file:line
page = report(result.plan, "html")                                # one page for the customer
"""

from __future__ import annotations

from kamrules.plan.api import CheckResult, check_plan_file, new_plan, report
from kamrules.plan.checks import Finding, PlanChecker
from kamrules.plan.emit import plan_to_yaml
from kamrules.plan.model import Plan
from kamrules.plan.read import PlanFileError, parse_plan, read_plan

__all__ = [
    "CheckResult",
    "Finding",
    "Plan",
    "PlanChecker",
    "PlanFileError",
    "check_plan_file",
    "new_plan",
    "parse_plan",
    "plan_to_yaml",
    "read_plan",
    "report",
]
